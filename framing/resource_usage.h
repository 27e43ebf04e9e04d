// A process's resource usage as the report pipes carry it
// (v1::ResourceUsage), from getrusage() or wait4().
#ifndef FORKCHECK_FRAMING_RESOURCE_USAGE_H_
#define FORKCHECK_FRAMING_RESOURCE_USAGE_H_

#include <sys/resource.h>

#include <optional>

#include "forkcheck/worker.pb.h"

namespace forkcheck {

v1::ResourceUsage ToResourceUsage(const rusage& usage);

// getrusage(`who`) (RUSAGE_SELF, RUSAGE_THREAD, ...); nullopt if it fails.
std::optional<v1::ResourceUsage> ResourceUsageOf(int who);

}  // namespace forkcheck

#endif  // FORKCHECK_FRAMING_RESOURCE_USAGE_H_
