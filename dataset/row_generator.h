// Deterministic synthetic rows: the value of column c of row i of a table is
// a pure function of (table seed, i, c). The fake server encodes these rows
// and every reader regenerates them to verify what it received.
//
// Value rules (stable: changing them invalidates recorded results):
//  - column 0 ("row_id") is the row index itself;
//  - a nullable column is null in about 1 row in 5;
//  - INT64: mixed magnitudes (1 to 10 byte varints) plus occasional extremes
//    (INT64_MIN, INT64_MAX, 0, -1);
//  - FLOAT64: finite, never NaN; mixed magnitudes, occasional 0.0, -0.0,
//    +-DBL_MAX, DBL_MIN and the smallest subnormal;
//  - BOOL: 0 or 1;
//  - TIMESTAMP: microseconds in [2000-01-01, 2030-01-01);
//  - STRING: printable ASCII (0x20..0x7E, hence valid UTF-8);
//    BYTES: arbitrary bytes. Lengths are uniform in [0, 2 * mean], the mean
//    chosen so that the mean Avro-encoded size of a full row is close to
//    spec.typical_row_bytes.

#ifndef FORKCHECK_DATASET_ROW_GENERATOR_H_
#define FORKCHECK_DATASET_ROW_GENERATOR_H_

#include <cstdint>
#include <vector>

#include "dataset/row.h"
#include "dataset/table_spec.h"

namespace forkcheck {

class RowGenerator {
 public:
  // Keeps a copy of `spec`, so the generator outlives the argument.
  explicit RowGenerator(const TableSpec& spec);

  const TableSpec& spec() const { return spec_; }

  // Sets *cell to the value of column `column` (index into spec().columns,
  // must be in range) of row `index`. Any index is accepted, even outside
  // [0, row_count). Reuses the capacity of cell->bytes_value.
  void FillCell(int64_t index, int column, FieldValue* cell) const;

  // Fills *row with the given columns of row `index` (resizes; reuses string
  // capacity).
  void FillRow(int64_t index, const std::vector<int>& columns, Row* row) const;

  // Mean length in bytes of the values of `column` when not null (0 for
  // fixed-size types). Exposed for tests and sizing.
  double MeanValueLength(int column) const;

  // Expected mean Avro-encoded size of a full row in bytes, over rows
  // [0, row_count): what typical_row_bytes is matched against.
  double ExpectedRowBytes() const { return expected_row_bytes_; }

 private:
  struct ColumnPlan {
    ColumnType type;
    bool nullable;
    bool is_row_id;
    uint64_t key;           // per-column hash key derived from the seed
    uint64_t length_range;  // variable-length values: lengths in
                            // [0, length_range)
  };

  TableSpec spec_;
  std::vector<ColumnPlan> plans_;
  double expected_row_bytes_ = 0;
};

}  // namespace forkcheck

#endif  // FORKCHECK_DATASET_ROW_GENERATOR_H_
