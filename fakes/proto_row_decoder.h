// Checks AppendRows' serialized rows against a table and decodes them into
// dataset Rows, with the writer schema the connection sent (a
// self-contained DescriptorProto) and protobuf's DynamicMessageFactory: no
// hand-written wire decoder. The fake keeps the rows that pass as their
// serialized bytes and decodes them again only when they are read.
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
#include "fakes/stored_rows.h"
#include "google/protobuf/descriptor.pb.h"
#include "google/protobuf/repeated_ptr_field.h"
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

  const TableSpec& table() const;

  // Checks one serialized row: false, with *error saying why, if it is not
  // a valid message of the writer schema, holds fields the schema does not
  // know, leaves a REQUIRED column unset or holds a string that is not
  // UTF-8. Thread-safe, like Decode.
  bool Check(absl::string_view serialized, std::string* error) const;

  // Check, and the row's values: a full row of the table.
  bool Decode(absl::string_view serialized, Row* row, std::string* error) const;

  // Takes rows that passed Check (leaving *rows empty), as their serialized
  // bytes, not copied: a batch that decodes them with this decoder's schema,
  // which it shares, when they are read.
  std::shared_ptr<const RowBatch> Keep(
      google::protobuf::RepeatedPtrField<std::string>* rows) const;

 private:
  struct Schema;  // immutable once built: shared with the batches kept
  class SerializedRowBatch;

  explicit ProtoRowDecoder(std::shared_ptr<const Schema> schema);

  // Check, and the values into *row unless it is null.
  bool Parse(absl::string_view serialized, Row* row, std::string* error) const;

  const std::shared_ptr<const Schema> schema_;
};

}  // namespace forkcheck

#endif  // FORKCHECK_FAKES_PROTO_ROW_DECODER_H_
