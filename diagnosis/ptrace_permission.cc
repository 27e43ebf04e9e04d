#include "diagnosis/ptrace_permission.h"

#include <cstdint>
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

}  // namespace

std::optional<std::string> PtraceRefusal(std::optional<int> scope,
                                         bool has_cap_sys_ptrace) {
  if (!scope.has_value() || *scope <= 0) return std::nullopt;
  const std::string setting =
      absl::StrCat("kernel.yama.ptrace_scope is ", *scope);
  if (*scope >= 3) {
    return absl::StrCat(setting,
                        ": no process may attach a debugger (a "
                        "setting only a reboot undoes)");
  }
  if (has_cap_sys_ptrace) return std::nullopt;
  if (*scope == 1) {
    return absl::StrCat(
        setting,
        ": a debugger may attach only to its own descendants, and a "
        "trial's processes are gdb's siblings (run as root, or sudo sysctl "
        "kernel.yama.ptrace_scope=0 for the run)");
  }
  return absl::StrCat(setting,
                      ": only a process with CAP_SYS_PTRACE may attach a "
                      "debugger (run as root)");
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
  bool has_cap_sys_ptrace = false;
  absl::StatusOr<std::string> status =
      ReadFile(root + "/proc/self/status", "this process's status");
  if (!status.ok()) return std::nullopt;  // let gdb's error say
  {
    for (absl::string_view line : absl::StrSplit(*status, '\n')) {
      if (!absl::ConsumePrefix(&line, "CapEff:")) continue;
      uint64_t capabilities = 0;
      if (absl::SimpleHexAtoi(absl::StripAsciiWhitespace(line),
                              &capabilities)) {
        has_cap_sys_ptrace = (capabilities >> kCapSysPtrace) & 1;
      } else {
        return std::nullopt;
      }
    }
  }
  return PtraceRefusal(scope, has_cap_sys_ptrace);
}

}  // namespace forkcheck
