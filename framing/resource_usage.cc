#include "framing/resource_usage.h"

#include <cstdint>

namespace forkcheck {

v1::ResourceUsage ToResourceUsage(const rusage& usage) {
  v1::ResourceUsage out;
  out.set_user_micros(int64_t{usage.ru_utime.tv_sec} * 1000000 +
                      usage.ru_utime.tv_usec);
  out.set_system_micros(int64_t{usage.ru_stime.tv_sec} * 1000000 +
                        usage.ru_stime.tv_usec);
  out.set_max_rss_kib(usage.ru_maxrss);
  out.set_voluntary_switches(usage.ru_nvcsw);
  out.set_involuntary_switches(usage.ru_nivcsw);
  return out;
}

std::optional<v1::ResourceUsage> ResourceUsageOf(int who) {
  rusage usage{};
  if (getrusage(who, &usage) != 0) return std::nullopt;
  return ToResourceUsage(usage);
}

}  // namespace forkcheck
