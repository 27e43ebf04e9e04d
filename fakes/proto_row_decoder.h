// Decodes AppendRows' serialized rows into dataset Rows of a table, with the
// writer schema the connection sent (a self-contained DescriptorProto) and
// protobuf's DynamicMessageFactory: no hand-written wire decoder.
//
// Fields map to the table's columns by name, ignoring case as BigQuery's
// column names do, with these types (BigQuery's proto-to-column rules for
// the column types the fake has):
//   INT64     int32, int64, uint32, sint32, sint64, fixed32, sfixed32, sfixed64
//   FLOAT64   double, float
//   BOOL      bool
//   STRING    string (valid UTF-8)
//   BYTES     bytes
//   TIMESTAMP int64, sint64, sfixed64: microseconds since the Unix epoch
// uint64 and fixed64 are refused (their values above INT64_MAX have no
// INT64); repeated, message and enum fields are refused (the fake's tables
// have no REPEATED, STRUCT or enum-typed columns). Rows are read with proto2
// semantics, as the real service does: a field not set is NULL.
#ifndef FORKCHECK_FAKES_PROTO_ROW_DECODER_H_
#define FORKCHECK_FAKES_PROTO_ROW_DECODER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "dataset/row.h"
#include "dataset/table_spec.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor.pb.h"
#include "google/protobuf/dynamic_message.h"
#include "grpcpp/grpcpp.h"

namespace forkcheck {

class ProtoRowDecoder {
 public:
  // INVALID_ARGUMENT, naming the problem, when the descriptor does not build
  // (protobuf's own error), has a field whose type cannot fill its column, or
  // (with a StorageError SCHEMA_MISMATCH_EXTRA_FIELDS) has fields the table
  // lacks. `entity` (the write stream) goes into the StorageError.
  static grpc::Status Create(
      const google::protobuf::DescriptorProto& descriptor,
      std::shared_ptr<const TableSpec> table, absl::string_view entity,
      std::unique_ptr<ProtoRowDecoder>* decoder);

  ~ProtoRowDecoder();

  const TableSpec& table() const { return *table_; }

  // Decodes one serialized row into a full row of the table. False, with
  // *error saying why, if it is not a valid message of the writer schema,
  // holds fields the schema does not know, leaves a REQUIRED column unset or
  // holds a string that is not UTF-8. Parses into one message the decoder
  // keeps (cleared before each row, no allocation per row), so one decoder
  // serves one thread at a time, as a connection's does.
  bool Decode(const std::string& serialized, Row* row, std::string* error);

 private:
  ProtoRowDecoder() = default;

  std::shared_ptr<const TableSpec> table_;
  google::protobuf::DescriptorPool pool_;
  std::unique_ptr<google::protobuf::DynamicMessageFactory> factory_;
  const google::protobuf::Message* prototype_ = nullptr;
  std::unique_ptr<google::protobuf::Message> message_;  // of prototype_
  // One per table column: the field that fills it, or null (always NULL).
  std::vector<const google::protobuf::FieldDescriptor*> fields_;
};

}  // namespace forkcheck

#endif  // FORKCHECK_FAKES_PROTO_ROW_DECODER_H_
