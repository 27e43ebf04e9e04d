// Description of a synthetic table served by the fake BigQuery Storage
// server, and the JSON catalogue format that lists such tables.
//
// Catalogue JSON (see dataset/README.md for the full format):
//   {"tables": [{"name": "projects/p/datasets/d/tables/t",
//                "row_count": 1000, "seed": 7, "typical_row_bytes": 120,
//                "rows_per_chunk": 100,
//                "columns": [{"name": "a", "type": "INT64",
//                             "mode": "NULLABLE"}]}]}

#ifndef FORKCHECK_DATASET_TABLE_SPEC_H_
#define FORKCHECK_DATASET_TABLE_SPEC_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace forkcheck {

enum class ColumnType { kInt64, kString, kDouble, kBool, kTimestamp, kBytes };

// BigQuery type name: INT64, STRING, FLOAT64, BOOL, TIMESTAMP or BYTES.
std::string_view ColumnTypeName(ColumnType type);

// Inverse of ColumnTypeName; also accepts the aliases DOUBLE and FLOAT (for
// FLOAT64), BOOLEAN (for BOOL) and INTEGER (for INT64). Case-sensitive.
// Returns false if `name` is not a known type.
bool ParseColumnType(std::string_view name, ColumnType* type);

struct ColumnSpec {
  std::string name;
  ColumnType type = ColumnType::kInt64;
  bool nullable = false;
};

// Name of the implicit first column of every catalogue table.
inline constexpr std::string_view kRowIdColumnName = "row_id";

struct TableSpec {
  std::string name;  // "projects/{p}/datasets/{d}/tables/{t}"
  int64_t row_count = 0;
  // columns[0] is always {"row_id", kInt64, nullable=false} whose value is the
  // row index; the loader adds it in front of the columns the JSON lists (the
  // JSON must not define "row_id" itself).
  std::vector<ColumnSpec> columns;
  // Target mean Avro-encoded size of a full row, in bytes. Only variable
  // length columns (STRING, BYTES) can be sized; without them it is
  // informative only.
  int64_t typical_row_bytes = 100;
  uint64_t seed = 0;
  // Unit of stream assignment and splitting, in rows (>= 1).
  int64_t rows_per_chunk = 1000;

  // Index into `columns` of the column named `column_name`, or -1 if absent.
  int ColumnIndex(std::string_view column_name) const;
};

// Upper bound accepted for typical_row_bytes (16 MiB): keeps generated rows
// well below gRPC message limits and memory in check.
inline constexpr int64_t kMaxTypicalRowBytes = int64_t{1} << 24;

// Parses and validates a catalogue. Errors name the offending JSON path, e.g.
// `tables[1].columns[0].mode: unknown mode "OPTIONAL"; expected NULLABLE or
// REQUIRED`. Unknown keys and duplicate keys are rejected.
absl::StatusOr<std::vector<TableSpec>> ParseCatalogueJson(
    std::string_view json_text);

// Reads `path` and parses it with ParseCatalogueJson; errors name the path.
absl::StatusOr<std::vector<TableSpec>> LoadCatalogueFile(
    const std::string& path);

}  // namespace forkcheck

#endif  // FORKCHECK_DATASET_TABLE_SPEC_H_
