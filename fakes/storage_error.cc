#include "fakes/storage_error.h"

#include "absl/strings/str_cat.h"
#include "fakes/echo.h"

namespace forkcheck {

namespace bqs = google::cloud::bigquery::storage::v1;

bqs::StorageError MakeStorageError(StorageErrorCode storage_code,
                                   absl::string_view entity,
                                   absl::string_view message) {
  bqs::StorageError error;
  error.set_code(storage_code);
  error.set_entity(std::string(entity));
  error.set_error_message(std::string(message));
  return error;
}

grpc::Status StorageErrorStatus(grpc::StatusCode code,
                                StorageErrorCode storage_code,
                                absl::string_view entity,
                                absl::string_view message) {
  return StorageErrorStatus(code, storage_code, entity, message, message);
}

grpc::Status StorageErrorStatus(grpc::StatusCode code,
                                StorageErrorCode storage_code,
                                absl::string_view entity,
                                absl::string_view message,
                                absl::string_view storage_message) {
  // Both travel in trailing metadata, which clients limit: the entity (a
  // client's name) is bounded in the message and the detail alike.
  const std::string bounded_entity = BoundedEcho(entity);
  google::rpc::Status details;
  details.set_code(code);
  details.set_message(absl::StrCat(message, " Entity: ", bounded_entity));
  details.add_details()->PackFrom(
      MakeStorageError(storage_code, bounded_entity, storage_message));
  return grpc::Status(code, details.message(), details.SerializeAsString());
}

std::vector<std::string> SerializedStorageErrors(const grpc::Status& status) {
  std::vector<std::string> errors;
  google::rpc::Status details;
  if (status.error_details().empty() ||
      !details.ParseFromString(status.error_details())) {
    return errors;
  }
  for (const auto& detail : details.details()) {
    bqs::StorageError error;
    if (detail.UnpackTo(&error)) errors.push_back(error.SerializeAsString());
  }
  return errors;
}

google::rpc::Status ToRpcStatus(const grpc::Status& status) {
  google::rpc::Status rpc_status;
  if (!status.error_details().empty() &&
      rpc_status.ParseFromString(status.error_details())) {
    return rpc_status;
  }
  rpc_status.Clear();
  rpc_status.set_code(status.error_code());
  rpc_status.set_message(status.error_message());
  return rpc_status;
}

}  // namespace forkcheck
