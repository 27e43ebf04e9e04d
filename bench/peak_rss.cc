#include "bench/peak_rss.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace forkcheck {

absl::Status ResetPeakRss() {
  constexpr char kPath[] = "/proc/self/clear_refs";
  std::ofstream clear_refs(kPath);
  if (clear_refs) clear_refs << "5";
  if (clear_refs) clear_refs.flush();
  if (!clear_refs) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot reset the peak RSS: writing 5 to ", kPath,
                     " failed (", std::strerror(errno), ")"));
  }
  return absl::OkStatus();
}

absl::StatusOr<int64_t> PeakRssKib() {
  constexpr char kPath[] = "/proc/self/status";
  std::ifstream status(kPath);
  std::string line;
  while (std::getline(status, line)) {
    absl::string_view rest = line;
    if (!absl::ConsumePrefix(&rest, "VmHWM:")) continue;
    rest = absl::StripAsciiWhitespace(rest);
    int64_t kib = 0;
    if (!absl::ConsumeSuffix(&rest, " kB") ||
        !absl::SimpleAtoi(absl::StripAsciiWhitespace(rest), &kib)) {
      return absl::InternalError(
          absl::StrCat("unexpected VmHWM line in ", kPath, ": \"", line, "\""));
    }
    return kib;
  }
  return absl::NotFoundError(absl::StrCat("no VmHWM line in ", kPath));
}

}  // namespace forkcheck
