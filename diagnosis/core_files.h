// Where core files land, and finding them after a trial.
//
// A trial's processes raise RLIMIT_CORE themselves; whether a core is then
// written where the trial can find it depends on the machine's
// kernel.core_pattern, which forkcheck does not change (it is global, and
// root's). These functions say what the pattern implies.
#ifndef FORKCHECK_DIAGNOSIS_CORE_FILES_H_
#define FORKCHECK_DIAGNOSIS_CORE_FILES_H_

#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

namespace forkcheck {

struct CoreDumpSetting {
  std::string core_pattern;    // /proc/sys/kernel/core_pattern, without '\n'
  bool core_uses_pid = false;  // /proc/sys/kernel/core_uses_pid
  // Whether a process whose RLIMIT_CORE allows it writes its core into its
  // current directory, under a name CoreFileName can predict.
  bool in_working_directory = false;
  // The file name with %p (pid) and %e (executable name) still in it, as
  // the kernel would expand them: "core", "core.%p", "core.%e.%p".
  std::string file_name;
  // Why cores do not land in the working directory (or cannot be named), when
  // !in_working_directory, e.g. "kernel.core_pattern pipes cores to a
  // program: |/usr/lib/systemd/systemd-coredump %P ..."; else "".
  std::string reason;
};

// What `core_pattern` and `core_uses_pid` imply (the kernel's rules: an
// empty pattern is "core"; a pattern without %p gets ".PID" appended when
// core_uses_pid is set; '|' pipes to a program; a '/' makes it a path).
// Specifiers other than %p, %e and %% make the name unpredictable, so they
// count as "not in the working directory" with a reason.
CoreDumpSetting DescribeCoreDumpSetting(std::string_view core_pattern,
                                        bool core_uses_pid);

// DescribeCoreDumpSetting of this machine's /proc/sys/kernel settings.
CoreDumpSetting CoreDumpSupport();

// The name the core of process `pid` running `executable_name` (its comm,
// truncated by the kernel to 15 characters) gets: `setting.file_name`
// expanded. Meaningful only when setting.in_working_directory.
std::string CoreFileName(const CoreDumpSetting& setting, pid_t pid,
                         std::string_view executable_name);

// Core files in `directory` and in its immediate subdirectories (a trial's
// crash handler moves each crashing C++ process into `core.<pid>/`, so its
// core lands as `<dir>/core.<pid>/core`; a Python process's lands as
// `<dir>/core`), sorted. A core file is a regular ELF file of type ET_CORE,
// whatever its name. Empty if the directory cannot be read.
std::vector<std::string> FindCoreFiles(const std::string& directory);

}  // namespace forkcheck

#endif  // FORKCHECK_DIAGNOSIS_CORE_FILES_H_
