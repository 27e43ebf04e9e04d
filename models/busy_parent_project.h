// The billing project of a busy parent thread's session (busy_parent_call.h):
// servers that stall its streams keep that thread inside its call.
#ifndef FORKCHECK_MODELS_BUSY_PARENT_PROJECT_H_
#define FORKCHECK_MODELS_BUSY_PARENT_PROJECT_H_

namespace forkcheck {

inline constexpr char kBusyParentProject[] = "projects/forkcheck-busy-parent";

}  // namespace forkcheck

#endif  // FORKCHECK_MODELS_BUSY_PARENT_PROJECT_H_
