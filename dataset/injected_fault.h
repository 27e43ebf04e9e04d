// How a failure the fake server injected on purpose (a fault script's:
// fault_injector.h) is told from any other. Every terminating fault's
// status message carries this marker, so that a client can tell a designed
// fault it resumed (a stream reset every real client must handle) from a
// failure something else caused, such as the process model under test
// (supervisor/outcome_classifier.h: ok_after_retry). The Python testee's
// reader matches the same text (testees/python_grpcio/retry_policy.py).
#ifndef FORKCHECK_DATASET_INJECTED_FAULT_H_
#define FORKCHECK_DATASET_INJECTED_FAULT_H_

#include "absl/strings/match.h"
#include "absl/strings/string_view.h"

namespace forkcheck {

inline constexpr absl::string_view kInjectedFaultMarker =
    "forkcheck fake: injected";

// True if a failed call's status message says the fake injected it.
inline bool IsInjectedFault(absl::string_view status_message) {
  return absl::StrContains(status_message, kInjectedFaultMarker);
}

}  // namespace forkcheck

#endif  // FORKCHECK_DATASET_INJECTED_FAULT_H_
