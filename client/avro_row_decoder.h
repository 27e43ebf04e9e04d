// Decoder for the Avro binary rows of a BigQuery Storage Read stream
// (ReadRowsResponse.avro_rows.serialized_binary_rows), for flat records of
// long / string / double / boolean / bytes / timestamp-micros fields, each
// optionally nullable. Fast (no allocation per row beyond string growth) and
// strict: malformed input yields an error, never a crash or an over-read.

#ifndef FORKCHECK_CLIENT_AVRO_ROW_DECODER_H_
#define FORKCHECK_CLIENT_AVRO_ROW_DECODER_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "dataset/row.h"
#include "dataset/table_spec.h"

namespace forkcheck {

class AvroRowDecoder {
 public:
  // Parses a record schema as produced by AvroSchemaJson (dataset/
  // avro_encoder.h); also accepts what other writers produce for the same
  // types: {"type": "long"} objects, extra attributes such as "doc", and
  // nullable unions written [T, "null"]. Errors name the unsupported field,
  // e.g. `field "x" (fields[3]): unsupported Avro type "int"`.
  static absl::StatusOr<AvroRowDecoder> Create(
      std::string_view avro_schema_json);

  const std::vector<std::string>& field_names() const { return field_names_; }

  // Name, type and nullability of each field, in order. "long" fields map to
  // INT64, "long" with logicalType "timestamp-micros" to TIMESTAMP.
  const std::vector<ColumnSpec>& columns() const { return columns_; }

  // Decodes exactly `row_count` rows from `data`, calling on_row for each
  // (the Row is reused between calls; cells follow the conventions of
  // dataset/row.h). Returns an error if data is truncated, has trailing bytes,
  // holds a bad union index, an over-long varint, a negative length or a
  // boolean byte other than 0 or 1; rows before the bad one have already been
  // passed to on_row. String contents are not checked for valid UTF-8.
  absl::Status Decode(std::string_view data, int64_t row_count,
                      const std::function<void(const Row&)>& on_row) const;

 private:
  struct Field {
    ColumnType type;
    bool nullable;
    uint8_t null_branch;  // union branch holding null: 0 or 1
  };

  AvroRowDecoder() = default;

  std::vector<std::string> field_names_;
  std::vector<ColumnSpec> columns_;
  std::vector<Field> fields_;
};

}  // namespace forkcheck

#endif  // FORKCHECK_CLIENT_AVRO_ROW_DECODER_H_
