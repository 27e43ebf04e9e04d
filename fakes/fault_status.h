// The status a terminating injected fault ends a call with, the same for
// ReadRows and AppendRows, so readers and writers recognise it alike.
#ifndef FORKCHECK_FAKES_FAULT_STATUS_H_
#define FORKCHECK_FAKES_FAULT_STATUS_H_

#include <string>

#include "absl/strings/string_view.h"
#include "fakes/fault_injector.h"
#include "grpcpp/grpcpp.h"

namespace forkcheck {

// UNAVAILABLE; INTERNAL "Received RST_STREAM ..."; RESOURCE_EXHAUSTED with a
// google.rpc.RetryInfo of fault.millis; ABORTED. Each message holds
// kInjectedFaultMarker (dataset/injected_fault.h) and `where` (e.g. " on
// {stream} at offset 5"). Other kinds do not end a call: INTERNAL, saying so.
grpc::Status InjectedFaultStatus(const PlannedFault& fault,
                                 absl::string_view where);

}  // namespace forkcheck

#endif  // FORKCHECK_FAKES_FAULT_STATUS_H_
