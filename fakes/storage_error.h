// The Write API's errors as the real service sends them: a status whose
// binary details (google.rpc.Status, grpc-status-details-bin) carry a
// google.cloud.bigquery.storage.v1.StorageError, so clients can branch on its
// code instead of parsing messages.
#ifndef FORKCHECK_FAKES_STORAGE_ERROR_H_
#define FORKCHECK_FAKES_STORAGE_ERROR_H_

#include <string>

#include "absl/strings/string_view.h"
#include "google/cloud/bigquery/storage/v1/storage.pb.h"
#include "google/rpc/status.pb.h"
#include "grpcpp/grpcpp.h"

namespace forkcheck {

using StorageErrorCode =
    google::cloud::bigquery::storage::v1::StorageError::StorageErrorCode;

// `code` with message "<message> Entity: <entity>" (the real service's form)
// and a StorageError {storage_code, entity, message} in its details.
grpc::Status StorageErrorStatus(grpc::StatusCode code,
                                StorageErrorCode storage_code,
                                absl::string_view entity,
                                absl::string_view message);

// The same error as a StorageError (BatchCommitWriteStreamsResponse's
// stream_errors).
google::cloud::bigquery::storage::v1::StorageError MakeStorageError(
    StorageErrorCode storage_code, absl::string_view entity,
    absl::string_view message);

// `status` as the google.rpc.Status an AppendRowsResponse.error carries: its
// details when it has them (so a StorageError rides along), else its code and
// message.
google::rpc::Status ToRpcStatus(const grpc::Status& status);

}  // namespace forkcheck

#endif  // FORKCHECK_FAKES_STORAGE_ERROR_H_
