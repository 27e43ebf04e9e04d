// Whether this machine lets the harness's gdb attach to a trial's
// processes, said before the run rather than learnt from every hung trial.
//
// gdb is the harness's child and the trial's processes are its siblings,
// not its descendants. Yama (kernel.yama.ptrace_scope) then decides: 0
// lets a process attach to any of its user's processes; 1 (Ubuntu's
// default) only to its descendants, unless it has CAP_SYS_PTRACE; 2 only
// with CAP_SYS_PTRACE; 3 never. Without Yama, 0 applies.
#ifndef FORKCHECK_DIAGNOSIS_PTRACE_PERMISSION_H_
#define FORKCHECK_DIAGNOSIS_PTRACE_PERMISSION_H_

#include <optional>
#include <string>

namespace forkcheck {

// Why gdb could not attach to a trial's processes given Yama's `scope`
// (nullopt: no Yama) and whether gdb would run with CAP_SYS_PTRACE;
// nullopt when it could.
std::optional<std::string> PtraceRefusal(std::optional<int> scope,
                                         bool gdb_has_cap_sys_ptrace);

// PtraceRefusal of this machine: <root>/proc/sys/kernel/yama/ptrace_scope
// (absent: no Yama) and <root>/proc/self/status. gdb, exec'd by this
// process, has CAP_SYS_PTRACE if this process runs as root (effective uid
// 0) with the capability in its bounding set (CapBnd: a container may drop
// it), or holds it as an ambient capability (CapAmb); a file capability of
// this process is lost at the exec. A status file that cannot be read or
// parsed counts as no refusal: gdb's own error then says why.
std::optional<std::string> PtraceRefusalHere(const std::string& root = "");

}  // namespace forkcheck

#endif  // FORKCHECK_DIAGNOSIS_PTRACE_PERMISSION_H_
