#include "diagnosis/ptrace_permission.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/file_util.h"

namespace forkcheck {
namespace {

constexpr int kCapSysPtrace = 19;  // linux/capability.h

// The fields of a /proc/PID/status text, by name ("Uid", "CapBnd", ...).
std::map<std::string, std::string> StatusFields(const std::string& text) {
  std::map<std::string, std::string> fields;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    const size_t colon = line.find(':');
    if (colon == absl::string_view::npos) continue;
    fields[std::string(line.substr(0, colon))] =
        std::string(absl::StripAsciiWhitespace(line.substr(colon + 1)));
  }
  return fields;
}

// Bit kCapSysPtrace of a capability set's hex mask; nullopt if unparsable.
std::optional<bool> HasCapSysPtrace(const std::string& mask) {
  uint64_t capabilities = 0;
  if (!absl::SimpleHexAtoi(mask, &capabilities)) return std::nullopt;
  return ((capabilities >> kCapSysPtrace) & 1) != 0;
}

}  // namespace

std::optional<std::string> PtraceRefusal(std::optional<int> scope,
                                         bool gdb_has_cap_sys_ptrace) {
  if (!scope.has_value() || *scope <= 0) return std::nullopt;
  const std::string setting =
      absl::StrCat("kernel.yama.ptrace_scope is ", *scope);
  if (*scope >= 3) {
    return absl::StrCat(setting,
                        ": no process may attach a debugger (a "
                        "setting only a reboot undoes)");
  }
  if (gdb_has_cap_sys_ptrace) return std::nullopt;
  if (*scope == 1) {
    return absl::StrCat(
        setting,
        ": a debugger may attach only to its own descendants, and a "
        "trial's processes are gdb's siblings (run as root with "
        "CAP_SYS_PTRACE, or sudo sysctl kernel.yama.ptrace_scope=0 for the "
        "run)");
  }
  return absl::StrCat(setting,
                      ": only a process with CAP_SYS_PTRACE may attach a "
                      "debugger (run as root with it; in a container, e.g. "
                      "docker run --cap-add=SYS_PTRACE)");
}

std::optional<std::string> PtraceRefusalHere(const std::string& root) {
  std::optional<int> scope;
  absl::StatusOr<std::string> scope_text = ReadFile(
      root + "/proc/sys/kernel/yama/ptrace_scope", "Yama's ptrace_scope");
  int value = 0;
  if (scope_text.ok() &&
      absl::SimpleAtoi(absl::StripAsciiWhitespace(*scope_text), &value)) {
    scope = value;
  }
  if (!scope.has_value() || *scope <= 0) return std::nullopt;
  absl::StatusOr<std::string> status =
      ReadFile(root + "/proc/self/status", "this process's status");
  if (!status.ok()) return std::nullopt;
  std::map<std::string, std::string> fields = StatusFields(*status);
  // Uid: real, effective, saved, filesystem.
  const std::vector<std::string> uids =
      absl::StrSplit(fields["Uid"], absl::ByAnyChar(" \t"), absl::SkipEmpty());
  int64_t effective_uid = -1;
  if (uids.size() < 2 || !absl::SimpleAtoi(uids[1], &effective_uid)) {
    return std::nullopt;
  }
  const std::optional<bool> bounding = HasCapSysPtrace(fields["CapBnd"]);
  const std::optional<bool> ambient = HasCapSysPtrace(fields["CapAmb"]);
  if (!bounding.has_value() || !ambient.has_value()) return std::nullopt;
  return PtraceRefusal(scope, (effective_uid == 0 && *bounding) || *ambient);
}

}  // namespace forkcheck
