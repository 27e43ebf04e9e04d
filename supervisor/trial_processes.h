// Finding a trial's processes: its process group's members and every
// process that carries its token in its environment (one that left the group
// with setsid is still found). Read from /proc; zombies are not found.
#ifndef FORKCHECK_SUPERVISOR_TRIAL_PROCESSES_H_
#define FORKCHECK_SUPERVISOR_TRIAL_PROCESSES_H_

#include <sys/types.h>

#include <string>
#include <vector>

namespace forkcheck {

// Live processes (other than this one) whose environment holds `entry`
// ("KEY=VALUE").
std::vector<pid_t> ProcessesWithEnvEntry(const std::string& entry);

// Live, non-zombie members of process group `pgid` and processes holding
// `token_entry`, in ascending pid order, each once.
std::vector<pid_t> LiveTrialProcesses(pid_t pgid,
                                      const std::string& token_entry);

}  // namespace forkcheck

#endif  // FORKCHECK_SUPERVISOR_TRIAL_PROCESSES_H_
