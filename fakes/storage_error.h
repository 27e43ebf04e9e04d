// The Write API's errors as the real service sends them: a status whose
// binary details (google.rpc.Status, grpc-status-details-bin) carry a
// google.cloud.bigquery.storage.v1.StorageError, so clients can branch on its
// code instead of parsing messages. A call that ends with such a status also
// carries each StorageError in the trailer kStorageErrorTrailer, as Google's
// servers send every detail of a status: the Node client's
// parseStorageErrors reads only that trailer.
#ifndef FORKCHECK_FAKES_STORAGE_ERROR_H_
#define FORKCHECK_FAKES_STORAGE_ERROR_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "google/cloud/bigquery/storage/v1/storage.pb.h"
#include "google/rpc/status.pb.h"
#include "grpcpp/grpcpp.h"

namespace forkcheck {

using StorageErrorCode =
    google::cloud::bigquery::storage::v1::StorageError::StorageErrorCode;

// `code` with message "<message> Entity: <entity>" (the real service's form)
// and a StorageError {storage_code, entity, message} in its details; the
// entity is echoed through BoundedEcho (echo.h), `message` as it is (callers
// bound what they quote in it).
grpc::Status StorageErrorStatus(grpc::StatusCode code,
                                StorageErrorCode storage_code,
                                absl::string_view entity,
                                absl::string_view message);

// As above, with a StorageError.error_message that differs from the status
// message (the real service's SCHEMA_MISMATCH_EXTRA_FIELDS names the fields in
// the status but not in the StorageError).
grpc::Status StorageErrorStatus(grpc::StatusCode code,
                                StorageErrorCode storage_code,
                                absl::string_view entity,
                                absl::string_view message,
                                absl::string_view storage_message);

// The same error as a StorageError (BatchCommitWriteStreamsResponse's
// stream_errors).
google::cloud::bigquery::storage::v1::StorageError MakeStorageError(
    StorageErrorCode storage_code, absl::string_view entity,
    absl::string_view message);

// `status` as the google.rpc.Status an AppendRowsResponse.error carries: its
// details when it has them (so a StorageError rides along), else its code and
// message.
google::rpc::Status ToRpcStatus(const grpc::Status& status);

// The binary trailer that carries a call-ending status's StorageErrors.
inline constexpr char kStorageErrorTrailer[] =
    "google.cloud.bigquery.storage.v1.storageerror-bin";

// Each StorageError in `status`'s details, serialized (none when it has
// none).
std::vector<std::string> SerializedStorageErrors(const grpc::Status& status);

// Adds `status`'s StorageErrors to the trailers of the call `context`
// (a grpc::ServerContext or CallbackServerContext) is about to end with it;
// returns `status`.
template <typename ServerContext>
grpc::Status WithStorageErrorTrailers(ServerContext* context,
                                      grpc::Status status) {
  for (const std::string& error : SerializedStorageErrors(status)) {
    context->AddTrailingMetadata(kStorageErrorTrailer, error);
  }
  return status;
}

}  // namespace forkcheck

#endif  // FORKCHECK_FAKES_STORAGE_ERROR_H_
