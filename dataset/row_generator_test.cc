#include "dataset/row_generator.h"

#include <chrono>
#include <cmath>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "dataset/avro_encoder.h"
#include "dataset/catalogue.h"
#include "dataset/table_spec.h"
#include "dataset/testing/default_tables.h"
#include "gtest/gtest.h"

namespace forkcheck {
namespace {

TableSpec MakeSpec(uint64_t seed, int64_t typical_row_bytes,
                   std::vector<ColumnSpec> extra_columns) {
  TableSpec spec;
  spec.name = "projects/p/datasets/d/tables/t";
  spec.row_count = 100000;
  spec.seed = seed;
  spec.typical_row_bytes = typical_row_bytes;
  spec.columns.push_back({"row_id", ColumnType::kInt64, false});
  for (ColumnSpec& column : extra_columns) {
    spec.columns.push_back(std::move(column));
  }
  return spec;
}

TEST(RowGeneratorTest, DeterministicAcrossInstances) {
  const TableSpec& spec = DefaultTable("all_types");
  RowGenerator first(spec);
  TableSpec copy = spec;
  RowGenerator second(copy);
  copy.seed = 12345;  // the generator keeps its own copy
  const std::vector<int> columns = AllColumns(spec);
  Row a, b, reused;
  for (int64_t index :
       {int64_t{0}, int64_t{1}, int64_t{9999}, int64_t{-5}, int64_t{1} << 40}) {
    first.FillRow(index, columns, &a);
    second.FillRow(index, columns, &b);
    EXPECT_EQ(a, b) << "row " << index;
    EXPECT_EQ(a[0].int_value, index);
  }
  for (int64_t index = 0; index < 2000; ++index) {
    first.FillRow(index, columns, &reused);  // reuses cells of other rows
    second.FillRow(index, columns, &b);
    ASSERT_EQ(reused, b) << "row " << index;
    Row fresh;
    second.FillRow(index, columns, &fresh);
    ASSERT_EQ(fresh, b) << "row " << index;
    for (size_t c = 0; c < columns.size(); ++c) {
      FieldValue cell;
      first.FillCell(index, columns[c], &cell);
      ASSERT_EQ(cell, b[c]) << "row " << index << " column " << c;
    }
  }
}

TEST(RowGeneratorTest, ProjectionsSelectColumnsInOrder) {
  const TableSpec& spec = DefaultTable("all_types");
  RowGenerator generator(spec);
  Row full, projected;
  const std::vector<int> projection = {5, 0, 3, 3};
  for (int64_t index = 0; index < 100; ++index) {
    generator.FillRow(index, AllColumns(spec), &full);
    generator.FillRow(index, projection, &projected);
    ASSERT_EQ(projected.size(), projection.size());
    for (size_t i = 0; i < projection.size(); ++i) {
      EXPECT_EQ(projected[i], full[projection[i]]);
    }
  }
}

TEST(RowGeneratorTest, DifferentSeedsDiffer) {
  TableSpec spec = DefaultTable("all_types");
  RowGenerator first(spec);
  spec.seed += 1;
  RowGenerator second(spec);
  const std::vector<int> columns = AllColumns(spec);
  int64_t cells = 0;
  int64_t differing = 0;
  Row a, b;
  for (int64_t index = 0; index < 1000; ++index) {
    first.FillRow(index, columns, &a);
    second.FillRow(index, columns, &b);
    EXPECT_EQ(a[0], b[0]) << "row_id does not depend on the seed";
    for (size_t c = 1; c < columns.size(); ++c) {
      // Booleans and pairs of nulls legitimately collide often.
      if (spec.columns[c].type == ColumnType::kBool) continue;
      ++cells;
      differing += a[c] != b[c];
    }
  }
  EXPECT_GT(differing, cells * 0.6) << differing << " of " << cells;
}

TEST(RowGeneratorTest, DifferentRowsAndColumnsDiffer) {
  TableSpec spec = MakeSpec(
      9, 100,
      {{"a", ColumnType::kInt64, false}, {"b", ColumnType::kInt64, false}});
  RowGenerator generator(spec);
  std::set<int64_t> values;
  int64_t same_as_other_column = 0;
  for (int64_t index = 0; index < 10000; ++index) {
    FieldValue a, b;
    generator.FillCell(index, 1, &a);
    generator.FillCell(index, 2, &b);
    values.insert(a.int_value);
    same_as_other_column += a == b;
  }
  // Small magnitudes (and the specials) repeat by design; most do not.
  EXPECT_GT(values.size(), 8000u);
  EXPECT_LT(same_as_other_column, 20);
}

TEST(RowGeneratorTest, NullFrequencyIsAboutOneInFive) {
  const TableSpec& spec = DefaultTable("all_types");
  RowGenerator generator(spec);
  constexpr int64_t kRows = 10000;
  for (size_t c = 0; c < spec.columns.size(); ++c) {
    int64_t nulls = 0;
    FieldValue cell;
    for (int64_t index = 0; index < kRows; ++index) {
      generator.FillCell(index, c, &cell);
      nulls += cell.is_null;
    }
    if (spec.columns[c].nullable) {
      EXPECT_NEAR(static_cast<double>(nulls) / kRows, 0.2, 0.02)
          << spec.columns[c].name;
    } else {
      EXPECT_EQ(nulls, 0) << spec.columns[c].name;
    }
  }
}

TEST(RowGeneratorTest, ValuesRespectTheirTypes) {
  const TableSpec& spec = DefaultTable("all_types");
  RowGenerator generator(spec);
  constexpr int64_t kMinMicros = 946684800LL * 1000000;
  constexpr int64_t kMaxMicros = 1893456000LL * 1000000;
  std::set<int> int64_sizes;  // varint lengths seen
  bool saw_true = false, saw_false = false, saw_nonempty_bytes = false;
  Row row;
  for (int64_t index = 0; index < 10000; ++index) {
    generator.FillRow(index, AllColumns(spec), &row);
    for (size_t c = 1; c < row.size(); ++c) {
      const FieldValue& cell = row[c];
      if (cell.is_null) {
        EXPECT_EQ(cell.int_value, 0);
        EXPECT_TRUE(cell.bytes_value.empty());
        continue;
      }
      const ColumnType type = spec.columns[c].type;
      if (type != ColumnType::kDouble) {
        EXPECT_EQ(cell.double_value, 0);
      }
      if (type != ColumnType::kString && type != ColumnType::kBytes) {
        EXPECT_TRUE(cell.bytes_value.empty());
      }
      switch (type) {
        case ColumnType::kInt64: {
          uint64_t z = (static_cast<uint64_t>(cell.int_value) << 1) ^
                       static_cast<uint64_t>(cell.int_value >> 63);
          int size = 1;
          while (z >= 0x80) {
            z >>= 7;
            ++size;
          }
          int64_sizes.insert(size);
          break;
        }
        case ColumnType::kDouble:
          EXPECT_TRUE(std::isfinite(cell.double_value)) << cell;
          EXPECT_EQ(cell.int_value, 0);
          break;
        case ColumnType::kBool:
          EXPECT_TRUE(cell.int_value == 0 || cell.int_value == 1) << cell;
          (cell.int_value ? saw_true : saw_false) = true;
          break;
        case ColumnType::kTimestamp:
          EXPECT_GE(cell.int_value, kMinMicros);
          EXPECT_LT(cell.int_value, kMaxMicros);
          break;
        case ColumnType::kString:
          for (char ch : cell.bytes_value) {
            ASSERT_TRUE(ch >= 0x20 && ch <= 0x7e) << cell;
          }
          EXPECT_EQ(cell.int_value, 0);
          break;
        case ColumnType::kBytes:
          saw_nonempty_bytes = saw_nonempty_bytes || !cell.bytes_value.empty();
          EXPECT_EQ(cell.int_value, 0);
          break;
      }
    }
  }
  EXPECT_EQ(int64_sizes.size(), 10u) << "INT64 values cover every varint size";
  EXPECT_TRUE(saw_true && saw_false);
  EXPECT_TRUE(saw_nonempty_bytes);
}

// Mean Avro-encoded size of rows [0, rows) of the full table.
double MeasuredRowBytes(const TableSpec& spec, int64_t rows) {
  RowGenerator generator(spec);
  std::string encoded;
  AppendAvroRows(generator, AllColumns(spec), 0, rows, &encoded);
  return static_cast<double>(encoded.size()) / rows;
}

TEST(RowGeneratorTest, DefaultTablesHitTheirTypicalRowSize) {
  for (const TableSpec& spec : Catalogue::Default().tables()) {
    if (spec.row_count == 0) continue;
    const double measured =
        MeasuredRowBytes(spec, std::min<int64_t>(spec.row_count, 10000));
    RowGenerator generator(spec);
    SCOPED_TRACE(spec.name);
    EXPECT_NEAR(measured, spec.typical_row_bytes,
                0.15 * spec.typical_row_bytes);
  }
}

TEST(RowGeneratorTest, TypicalRowSizeForVariousShapes) {
  struct Shape {
    int64_t typical_row_bytes;
    std::vector<ColumnSpec> columns;
  };
  const std::vector<Shape> shapes = {
      {50, {{"s", ColumnType::kString, false}}},
      {100, {{"b", ColumnType::kBytes, true}}},
      {300,
       {{"i", ColumnType::kInt64, true},
        {"s", ColumnType::kString, true},
        {"t", ColumnType::kTimestamp, false},
        {"b", ColumnType::kBytes, false}}},
      {20000, {{"s", ColumnType::kString, false}}},
      {4096,
       {{"s1", ColumnType::kString, false},
        {"s2", ColumnType::kString, true},
        {"d", ColumnType::kDouble, true}}},
  };
  for (const Shape& shape : shapes) {
    TableSpec spec = MakeSpec(77, shape.typical_row_bytes, shape.columns);
    // The mean row_id size depends on the rows measured: use 10k rows.
    spec.row_count = 10000;
    RowGenerator generator(spec);
    SCOPED_TRACE(shape.typical_row_bytes);
    const double measured = MeasuredRowBytes(spec, 10000);
    EXPECT_NEAR(measured, shape.typical_row_bytes,
                0.15 * shape.typical_row_bytes);
    EXPECT_NEAR(generator.ExpectedRowBytes(), shape.typical_row_bytes,
                0.02 * shape.typical_row_bytes + 1);
    EXPECT_NEAR(measured, generator.ExpectedRowBytes(),
                0.05 * generator.ExpectedRowBytes());
  }
}

TEST(RowGeneratorTest, TinyBudgetGivesEmptyValues) {
  TableSpec spec = MakeSpec(
      1, 0,
      {{"s", ColumnType::kString, false}, {"i", ColumnType::kInt64, false}});
  RowGenerator generator(spec);
  EXPECT_EQ(generator.MeanValueLength(1), 0);
  FieldValue cell;
  for (int64_t index = 0; index < 100; ++index) {
    generator.FillCell(index, 1, &cell);
    EXPECT_TRUE(cell.bytes_value.empty());
  }
}

TEST(RowGeneratorTest, GenerationIsFast) {
  // Informative only (fastbuild and sanitizers are slow): prints rows/s.
  const TableSpec& spec = DefaultTable("large");
  RowGenerator generator(spec);
  const std::vector<int> columns = AllColumns(spec);
  Row row;
  int64_t checksum = 0;
  const auto start = std::chrono::steady_clock::now();
  constexpr int64_t kRows = 200000;
  for (int64_t index = 0; index < kRows; ++index) {
    generator.FillRow(index, columns, &row);
    checksum += row[1].int_value + row[2].bytes_value.size();
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  std::printf("generated %lld rows of %s in %.3f s: %.2f M rows/s (%lld)\n",
              static_cast<long long>(kRows), spec.name.c_str(), seconds,
              kRows / seconds / 1e6, static_cast<long long>(checksum));
}

}  // namespace
}  // namespace forkcheck
