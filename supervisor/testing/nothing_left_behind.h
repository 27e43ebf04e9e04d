// What every test of a finished trial checks: the supervisor cleaned up
// after it, and its process group is gone.
#ifndef FORKCHECK_SUPERVISOR_TESTING_NOTHING_LEFT_BEHIND_H_
#define FORKCHECK_SUPERVISOR_TESTING_NOTHING_LEFT_BEHIND_H_

#include "supervisor/trial_runner.h"

namespace forkcheck {

// GoogleTest expectations: no cleanup error, and no process left in the
// trial's process group.
void ExpectNothingLeftBehind(const TrialRecord& record);

}  // namespace forkcheck

#endif  // FORKCHECK_SUPERVISOR_TESTING_NOTHING_LEFT_BEHIND_H_
