#include "fakes/fault_status.h"

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "dataset/injected_fault.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace forkcheck {

grpc::Status InjectedFaultStatus(const PlannedFault& fault,
                                 absl::string_view where) {
  switch (fault.kind) {
    case FaultKind::kUnavailable:
      return grpc::Status(
          grpc::StatusCode::UNAVAILABLE,
          absl::StrCat(kInjectedFaultMarker, " UNAVAILABLE", where));
    case FaultKind::kRstStream:
      // The message real clients match to decide the error is retryable.
      return grpc::Status(
          grpc::StatusCode::INTERNAL,
          absl::StrCat("Received RST_STREAM with error code 2 (",
                       kInjectedFaultMarker, where, ")"));
    case FaultKind::kResourceExhausted: {
      google::rpc::RetryInfo retry;
      retry.mutable_retry_delay()->set_seconds(fault.millis / 1000);
      retry.mutable_retry_delay()->set_nanos(
          static_cast<int32_t>((fault.millis % 1000) * 1000000));
      google::rpc::Status details;
      details.set_code(grpc::StatusCode::RESOURCE_EXHAUSTED);
      details.set_message(
          absl::StrCat(kInjectedFaultMarker, " RESOURCE_EXHAUSTED", where));
      details.add_details()->PackFrom(retry);
      return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                          details.message(), details.SerializeAsString());
    }
    case FaultKind::kAborted:
      return grpc::Status(
          grpc::StatusCode::ABORTED,
          absl::StrCat(kInjectedFaultMarker, " ABORTED", where));
    default:
      return grpc::Status(grpc::StatusCode::INTERNAL,
                          "forkcheck fake: not a terminating fault");
  }
}

}  // namespace forkcheck
