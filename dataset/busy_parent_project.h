// The billing project of a busy parent thread's session
// (probes/busy_parent_call.h): servers that stall its streams keep that
// thread inside its call. A name both sides agree on, like the tables.
#ifndef FORKCHECK_DATASET_BUSY_PARENT_PROJECT_H_
#define FORKCHECK_DATASET_BUSY_PARENT_PROJECT_H_

namespace forkcheck {

inline constexpr char kBusyParentProject[] = "projects/forkcheck-busy-parent";

}  // namespace forkcheck

#endif  // FORKCHECK_DATASET_BUSY_PARENT_PROJECT_H_
