// Checks AppendAvroRows and AvroSchemaJson against avro-c, an independent
// Avro implementation: avro-c must accept the schema, decode every row to the
// generator's values, and re-encode the rows to exactly the same bytes.

#include "dataset/avro_encoder.h"

#include <avro.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "dataset/catalogue.h"
#include "dataset/row_generator.h"
#include "dataset/table_spec.h"
#include "dataset/testing/avro_c_record.h"
#include "dataset/testing/default_tables.h"
#include "gtest/gtest.h"

namespace forkcheck {
namespace {

// Converts field `value` of a decoded record to a FieldValue, per its column.
::testing::AssertionResult ToCell(const ColumnSpec& column, avro_value_t* value,
                                  FieldValue* cell) {
  *cell = FieldValue();
  avro_value_t branch;
  avro_value_t* target = value;
  if (column.nullable) {
    int discriminant = -1;
    if (avro_value_get_discriminant(value, &discriminant) != 0 ||
        avro_value_get_current_branch(value, &branch) != 0) {
      return ::testing::AssertionFailure()
             << "union access failed: " << avro_strerror();
    }
    if (discriminant == 0) {
      if (avro_value_get_type(&branch) != AVRO_NULL) {
        return ::testing::AssertionFailure() << "branch 0 is not null";
      }
      cell->is_null = true;
      return ::testing::AssertionSuccess();
    }
    if (discriminant != 1) {
      return ::testing::AssertionFailure()
             << "bad discriminant " << discriminant;
    }
    target = &branch;
  }
  int rc = 0;
  switch (column.type) {
    case ColumnType::kInt64:
    case ColumnType::kTimestamp: {
      int64_t v = 0;
      rc = avro_value_get_long(target, &v);
      cell->int_value = v;
      break;
    }
    case ColumnType::kDouble:
      rc = avro_value_get_double(target, &cell->double_value);
      break;
    case ColumnType::kBool: {
      int v = 0;
      rc = avro_value_get_boolean(target, &v);
      cell->int_value = v;
      break;
    }
    case ColumnType::kString: {
      const char* data = nullptr;
      size_t size = 0;  // includes avro-c's NUL terminator
      rc = avro_value_get_string(target, &data, &size);
      if (rc == 0) {
        if (size == 0 || data[size - 1] != '\0') {
          return ::testing::AssertionFailure() << "unterminated string";
        }
        cell->bytes_value.assign(data, size - 1);
      }
      break;
    }
    case ColumnType::kBytes: {
      const void* data = nullptr;
      size_t size = 0;
      rc = avro_value_get_bytes(target, &data, &size);
      if (rc == 0) {
        cell->bytes_value.assign(static_cast<const char*>(data), size);
      }
      break;
    }
  }
  if (rc != 0) {
    return ::testing::AssertionFailure()
           << "avro-c getter for " << ColumnTypeName(column.type)
           << " failed: " << avro_strerror();
  }
  return ::testing::AssertionSuccess();
}

// Encodes rows [begin, end) of `columns`, decodes them with avro-c, compares
// every value with the generator and checks avro-c re-encodes the same bytes.
void CheckWithAvroC(const TableSpec& spec, const std::vector<int>& columns,
                    int64_t begin, int64_t end) {
  SCOPED_TRACE(spec.name);
  RowGenerator generator(spec);
  const std::string schema_json = AvroSchemaJson(spec, columns);
  std::string data;
  AppendAvroRows(generator, columns, begin, end, &data);

  AvroCRecord record(schema_json);
  ASSERT_TRUE(record.ok()) << record.error() << "\n" << schema_json;
  ASSERT_EQ(avro_schema_record_size(record.schema()), columns.size());

  avro_reader_t reader = avro_reader_memory(data.data(), data.size());
  std::string rewritten(data.size() + 16, '\0');
  avro_writer_t writer = avro_writer_memory(rewritten.data(), rewritten.size());
  Row expected;
  FieldValue actual;
  for (int64_t row = begin; row < end; ++row) {
    generator.FillRow(row, columns, &expected);
    avro_value_reset(record.value());
    ASSERT_EQ(avro_value_read(reader, record.value()), 0)
        << "row " << row << ": " << avro_strerror();
    for (size_t i = 0; i < columns.size(); ++i) {
      const ColumnSpec& column = spec.columns[columns[i]];
      avro_value_t field;
      const char* name = nullptr;
      ASSERT_EQ(avro_value_get_by_index(record.value(), i, &field, &name), 0);
      ASSERT_EQ(std::string(name), column.name);
      ASSERT_TRUE(ToCell(column, &field, &actual))
          << "row " << row << " field " << column.name;
      ASSERT_EQ(actual, expected[i])
          << "row " << row << " field " << column.name;
    }
    ASSERT_EQ(avro_value_write(writer, record.value()), 0) << avro_strerror();
  }
  rewritten.resize(avro_writer_tell(writer));
  // Equal bytes prove every byte was consumed and the encoding is canonical.
  EXPECT_EQ(rewritten.size(), data.size());
  EXPECT_TRUE(rewritten == data) << "avro-c re-encoding differs";
  avro_writer_free(writer);
  avro_reader_free(reader);
}

TEST(AvroEncoderTest, SchemaJsonIsBigQueryStyle) {
  TableSpec spec;
  spec.name = "projects/p/datasets/d/tables/t";
  spec.columns = {{"row_id", ColumnType::kInt64, false},
                  {"s", ColumnType::kString, true},
                  {"ts", ColumnType::kTimestamp, false},
                  {"ts2", ColumnType::kTimestamp, true},
                  {"d", ColumnType::kDouble, false},
                  {"b", ColumnType::kBool, false},
                  {"y", ColumnType::kBytes, true}};
  EXPECT_EQ(AvroSchemaJson(spec, {0, 1, 2, 3, 4, 5, 6}),
            R"({"type":"record","name":"__root__","fields":[)"
            R"({"name":"row_id","type":"long"},)"
            R"({"name":"s","type":["null","string"]},)"
            R"({"name":"ts","type":{"type":"long",)"
            R"("logicalType":"timestamp-micros"}},)"
            R"({"name":"ts2","type":["null",{"type":"long",)"
            R"("logicalType":"timestamp-micros"}]},)"
            R"({"name":"d","type":"double"},)"
            R"({"name":"b","type":"boolean"},)"
            R"({"name":"y","type":["null","bytes"]}]})");
  EXPECT_EQ(
      AvroSchemaJson(spec, {5, 0}),
      R"({"type":"record","name":"__root__","fields":[)"
      R"({"name":"b","type":"boolean"},{"name":"row_id","type":"long"}]})");
}

TEST(AvroEncoderTest, AvroCAcceptsEverySchema) {
  for (const TableSpec& spec : Catalogue::Default().tables()) {
    AvroCRecord record(AvroSchemaJson(spec, AllColumns(spec)));
    ASSERT_TRUE(record.ok()) << spec.name << ": " << record.error();
    EXPECT_EQ(avro_typeof(record.schema()), AVRO_RECORD);
    EXPECT_EQ(avro_schema_record_size(record.schema()), spec.columns.size());
  }
}

TEST(AvroEncoderTest, AllTypesDecodesWithAvroC) {
  const TableSpec& spec = DefaultTable("all_types");
  CheckWithAvroC(spec, AllColumns(spec), 0, spec.row_count);
}

TEST(AvroEncoderTest, SmallDecodesWithAvroC) {
  const TableSpec& spec = DefaultTable("small");
  CheckWithAvroC(spec, AllColumns(spec), 0, spec.row_count);
}

TEST(AvroEncoderTest, MediumAndWideRangesDecodeWithAvroC) {
  const TableSpec& medium = DefaultTable("medium");
  CheckWithAvroC(medium, AllColumns(medium), 123456, 125456);
  const TableSpec& wide = DefaultTable("wide_rows");
  CheckWithAvroC(wide, AllColumns(wide), 99000, 99500);
}

TEST(AvroEncoderTest, ProjectionsDecodeWithAvroC) {
  const TableSpec& spec = DefaultTable("all_types");
  CheckWithAvroC(spec, {12, 0, 5, 3}, 100, 2100);  // reordered subset
  CheckWithAvroC(spec, {4}, 0, 1000);              // nullable string only
  CheckWithAvroC(spec, {7, 7, 8}, 0, 1000);        // repeated column
  const TableSpec& large = DefaultTable("large");
  CheckWithAvroC(large, {0}, large.row_count - 1000, large.row_count);
}

TEST(AvroEncoderTest, LargeRowIndicesDecodeWithAvroC) {
  // row_id varints of every length, including negative indices.
  TableSpec spec = DefaultTable("small");
  CheckWithAvroC(spec, AllColumns(spec), (int64_t{1} << 62) - 50,
                 (int64_t{1} << 62) + 50);
  CheckWithAvroC(spec, AllColumns(spec), -100, 100);
}

TEST(AvroEncoderTest, AppendsAndConcatenates) {
  const TableSpec& spec = DefaultTable("all_types");
  RowGenerator generator(spec);
  const std::vector<int> columns = AllColumns(spec);
  std::string whole;
  AppendAvroRows(generator, columns, 10, 30, &whole);
  std::string pieces = "prefix";
  AppendAvroRows(generator, columns, 10, 17, &pieces);
  AppendAvroRows(generator, columns, 17, 17, &pieces);  // empty range
  AppendAvroRows(generator, columns, 17, 30, &pieces);
  EXPECT_TRUE(pieces == "prefix" + whole);
  std::string none;
  AppendAvroRows(generator, columns, 5, 3, &none);
  EXPECT_TRUE(none.empty());
}

// Stored rows (what a writer appended to the fake) encode exactly as the
// generator's rows with the same values, for every projection shape.
TEST(AvroEncoderTest, StoredRowsEncodeLikeGeneratedOnes) {
  const TableSpec& spec = DefaultTable("all_types");
  RowGenerator generator(spec);
  const std::vector<int> all = AllColumns(spec);
  std::vector<Row> stored(50);
  for (int64_t i = 0; i < 50; ++i) generator.FillRow(1000 + i, all, &stored[i]);
  for (const std::vector<int>& columns :
       {all, std::vector<int>{12, 0, 5, 3}, std::vector<int>{4}}) {
    std::string generated;
    AppendAvroRows(generator, columns, 1010, 1040, &generated);
    std::string from_stored = "prefix";
    AppendAvroRows(spec, stored, columns, 10, 40, &from_stored);
    EXPECT_TRUE(from_stored == "prefix" + generated);
  }
  std::string none;
  AppendAvroRows(spec, stored, all, 7, 7, &none);
  EXPECT_TRUE(none.empty());
}

}  // namespace
}  // namespace forkcheck
