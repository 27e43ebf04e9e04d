#include "supervisor/trial_processes.h"

#include <dirent.h>
#include <unistd.h>

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/file_util.h"
#include "common/subprocess.h"

namespace forkcheck {
namespace {

// The pids in /proc, other than this process's.
std::vector<pid_t> OtherPids() {
  std::vector<pid_t> pids;
  DIR* proc = opendir("/proc");
  if (proc == nullptr) return pids;
  const pid_t self = getpid();
  while (dirent* item = readdir(proc)) {
    pid_t pid = 0;
    if (absl::SimpleAtoi(item->d_name, &pid) && pid != self) {
      pids.push_back(pid);
    }
  }
  closedir(proc);
  return pids;
}

bool HasEnvEntry(pid_t pid, const std::string& needle) {
  absl::StatusOr<std::string> entries =
      ReadFile(absl::StrCat("/proc/", pid, "/environ"), "environment");
  if (!entries.ok()) return false;  // gone, or not ours to read
  std::string environment(1, '\0');
  environment.append(*entries);
  if (environment.back() != '\0') environment.push_back('\0');
  return environment.find(needle) != std::string::npos;
}

}  // namespace

std::vector<pid_t> ProcessesWithEnvEntry(const std::string& entry) {
  const std::string needle =
      absl::StrCat(std::string(1, '\0'), entry, std::string(1, '\0'));
  std::vector<pid_t> found;
  for (pid_t pid : OtherPids()) {
    if (HasEnvEntry(pid, needle)) found.push_back(pid);
  }
  return found;
}

std::vector<pid_t> LiveTrialProcesses(pid_t pgid,
                                      const std::string& token_entry) {
  std::vector<pid_t> found = ProcessesWithEnvEntry(token_entry);
  for (pid_t pid : OtherPids()) {
    if (getpgid(pid) == pgid) found.push_back(pid);
  }
  std::sort(found.begin(), found.end());
  found.erase(std::unique(found.begin(), found.end()), found.end());
  found.erase(std::remove_if(found.begin(), found.end(),
                             [](pid_t pid) {
                               const char state = ProcessState(pid);
                               return state == 'Z' || state == '\0';
                             }),
              found.end());
  return found;
}

}  // namespace forkcheck
