#include "client/avro_row_decoder.h"

#include <avro.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "dataset/avro_encoder.h"
#include "dataset/catalogue.h"
#include "dataset/row_generator.h"
#include "dataset/table_spec.h"
#include "dataset/testing/avro_c_record.h"
#include "dataset/testing/default_tables.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace forkcheck {
namespace {

using ::testing::HasSubstr;

// Sets avro-c field `field` from `cell`. `null_branch` is the union branch of
// null for nullable columns (0 for ["null", T], 1 for [T, "null"]).
::testing::AssertionResult SetField(const ColumnSpec& column, int null_branch,
                                    const FieldValue& cell,
                                    avro_value_t* field) {
  avro_value_t branch;
  avro_value_t* target = field;
  if (column.nullable) {
    const int discriminant = cell.is_null ? null_branch : 1 - null_branch;
    if (avro_value_set_branch(field, discriminant, &branch) != 0) {
      return ::testing::AssertionFailure() << avro_strerror();
    }
    if (cell.is_null) {
      return avro_value_set_null(&branch) == 0
                 ? ::testing::AssertionSuccess()
                 : ::testing::AssertionFailure() << avro_strerror();
    }
    target = &branch;
  }
  int rc = 0;
  switch (column.type) {
    case ColumnType::kInt64:
    case ColumnType::kTimestamp:
      rc = avro_value_set_long(target, cell.int_value);
      break;
    case ColumnType::kDouble:
      rc = avro_value_set_double(target, cell.double_value);
      break;
    case ColumnType::kBool:
      rc = avro_value_set_boolean(target, static_cast<int>(cell.int_value));
      break;
    case ColumnType::kString:
      // avro-c's length counts a NUL terminator, which it does not encode.
      rc = avro_value_set_string_len(target, cell.bytes_value.c_str(),
                                     cell.bytes_value.size() + 1);
      break;
    case ColumnType::kBytes:
      rc = avro_value_set_bytes(target,
                                const_cast<char*>(cell.bytes_value.data()),
                                cell.bytes_value.size());
      break;
  }
  return rc == 0 ? ::testing::AssertionSuccess()
                 : ::testing::AssertionFailure() << avro_strerror();
}

// Encodes rows [begin, end) of `columns` with avro-c's writer.
::testing::AssertionResult EncodeWithAvroC(const TableSpec& spec,
                                           const std::vector<int>& columns,
                                           const std::string& schema_json,
                                           int null_branch, int64_t begin,
                                           int64_t end, std::string* out) {
  AvroCRecord record(schema_json);
  if (!record.ok()) {
    return ::testing::AssertionFailure() << record.error();
  }
  RowGenerator generator(spec);
  std::string upper_bound;  // our encoding has the same size
  AppendAvroRows(generator, columns, begin, end, &upper_bound);
  out->assign(upper_bound.size() + 64, '\0');
  avro_writer_t writer = avro_writer_memory(out->data(), out->size());
  Row row;
  for (int64_t index = begin; index < end; ++index) {
    generator.FillRow(index, columns, &row);
    for (size_t i = 0; i < columns.size(); ++i) {
      avro_value_t field;
      if (avro_value_get_by_index(record.value(), i, &field, nullptr) != 0) {
        avro_writer_free(writer);
        return ::testing::AssertionFailure() << avro_strerror();
      }
      ::testing::AssertionResult set =
          SetField(spec.columns[columns[i]], null_branch, row[i], &field);
      if (!set) {
        avro_writer_free(writer);
        return set << " (row " << index << ")";
      }
    }
    if (avro_value_write(writer, record.value()) != 0) {
      avro_writer_free(writer);
      return ::testing::AssertionFailure() << avro_strerror();
    }
  }
  out->resize(avro_writer_tell(writer));
  avro_writer_free(writer);
  return ::testing::AssertionSuccess();
}

// Decodes `data` and compares each row with the generator.
// `timestamps_as_int64`: the schema lost timestamp-micros annotations.
void ExpectDecodesToGenerator(const std::string& schema_json,
                              const TableSpec& spec,
                              const std::vector<int>& columns, int64_t begin,
                              int64_t end, const std::string& data,
                              bool timestamps_as_int64 = false) {
  absl::StatusOr<AvroRowDecoder> decoder = AvroRowDecoder::Create(schema_json);
  ASSERT_TRUE(decoder.ok()) << decoder.status();
  ASSERT_EQ(decoder->field_names().size(), columns.size());
  for (size_t i = 0; i < columns.size(); ++i) {
    const ColumnSpec& column = spec.columns[columns[i]];
    EXPECT_EQ(decoder->field_names()[i], column.name);
    const ColumnType expected_type =
        timestamps_as_int64 && column.type == ColumnType::kTimestamp
            ? ColumnType::kInt64
            : column.type;
    EXPECT_EQ(decoder->columns()[i].type, expected_type) << column.name;
    EXPECT_EQ(decoder->columns()[i].nullable, column.nullable) << column.name;
  }
  RowGenerator generator(spec);
  Row expected;
  int64_t index = begin;
  int64_t mismatches = 0;
  absl::Status status = decoder->Decode(data, end - begin, [&](const Row& row) {
    generator.FillRow(index, columns, &expected);
    if (row != expected && ++mismatches <= 3) {
      for (size_t i = 0; i < row.size(); ++i) {
        EXPECT_EQ(row[i], expected[i])
            << "row " << index << " field " << decoder->field_names()[i];
      }
    }
    ++index;
  });
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(index, end);
  EXPECT_EQ(mismatches, 0);
}

void CheckAvroCEncoding(const TableSpec& spec, const std::vector<int>& columns,
                        int64_t begin, int64_t end) {
  SCOPED_TRACE(spec.name);
  const std::string schema_json = AvroSchemaJson(spec, columns);
  std::string data;
  ASSERT_TRUE(EncodeWithAvroC(spec, columns, schema_json, /*null_branch=*/0,
                              begin, end, &data));
  ExpectDecodesToGenerator(schema_json, spec, columns, begin, end, data);
}

TEST(AvroRowDecoderTest, DecodesAvroCEncoding) {
  const TableSpec& all_types = DefaultTable("all_types");
  CheckAvroCEncoding(all_types, AllColumns(all_types), 0, all_types.row_count);
  const TableSpec& small = DefaultTable("small");
  CheckAvroCEncoding(small, AllColumns(small), 0, small.row_count);
  const TableSpec& wide = DefaultTable("wide_rows");
  CheckAvroCEncoding(wide, AllColumns(wide), 5000, 5300);
  CheckAvroCEncoding(all_types, {11, 2, 0}, 700, 1700);
  CheckAvroCEncoding(small, AllColumns(small), -50, 50);
}

TEST(AvroRowDecoderTest, AcceptsSchemaAsAvroCWritesIt) {
  const TableSpec& spec = DefaultTable("all_types");
  const std::vector<int> columns = AllColumns(spec);
  AvroCRecord record(AvroSchemaJson(spec, columns));
  ASSERT_TRUE(record.ok()) << record.error();
  // avro-c 1.11 writes unions as [{"type":"null"},{"type":"long"}] and
  // drops logicalType, so timestamps come back as plain longs.
  const std::string avro_c_schema = record.SchemaJson();
  EXPECT_THAT(avro_c_schema, HasSubstr(R"([{"type":"null"},)"));
  std::string data;
  AppendAvroRows(RowGenerator(spec), columns, 0, 500, &data);
  ExpectDecodesToGenerator(avro_c_schema, spec, columns, 0, 500, data,
                           /*timestamps_as_int64=*/true);
}

TEST(AvroRowDecoderTest, AcceptsNullSecondUnionsAndObjectTypes) {
  // Same types as another writer might spell them: nullable unions with null
  // second, {"type": ...} objects, extra attributes.
  const TableSpec& spec = DefaultTable("all_types");
  const std::vector<int> columns = AllColumns(spec);
  std::string fields;
  for (int c : columns) {
    const ColumnSpec& column = spec.columns[c];
    std::string type;
    switch (column.type) {
      case ColumnType::kInt64:
        type = R"({"type": "long", "doc": "x"})";
        break;
      case ColumnType::kString:
        type = R"("string")";
        break;
      case ColumnType::kDouble:
        type = R"({"type": "double"})";
        break;
      case ColumnType::kBool:
        type = R"("boolean")";
        break;
      case ColumnType::kTimestamp:
        type = R"({"type": "long", "logicalType": "timestamp-micros"})";
        break;
      case ColumnType::kBytes:
        type = R"({"type": "bytes"})";
        break;
    }
    if (column.nullable) type = "[" + type + R"(, {"type": "null"}])";
    fields += std::string(fields.empty() ? "" : ",") + R"({"name": ")" +
              column.name + R"(", "type": )" + type + R"(, "default": null})";
  }
  const std::string schema_json =
      R"({"type": "record", "name": "Row", "namespace": "x.y", "fields": [)" +
      fields + "]}";
  std::string data;
  ASSERT_TRUE(EncodeWithAvroC(spec, columns, schema_json, /*null_branch=*/1, 0,
                              2000, &data));
  ExpectDecodesToGenerator(schema_json, spec, columns, 0, 2000, data);
}

TEST(AvroRowDecoderTest, RoundTripsOurEncoder) {
  for (const TableSpec& spec : Catalogue::Default().tables()) {
    SCOPED_TRACE(spec.name);
    const std::vector<int> columns = AllColumns(spec);
    const int64_t end = std::min<int64_t>(spec.row_count, 3000);
    std::string data;
    AppendAvroRows(RowGenerator(spec), columns, 0, end, &data);
    ExpectDecodesToGenerator(AvroSchemaJson(spec, columns), spec, columns, 0,
                             end, data);
  }
}

TEST(AvroRowDecoderTest, ZeroRowsAndZeroFields) {
  absl::StatusOr<AvroRowDecoder> decoder = AvroRowDecoder::Create(
      R"({"type":"record","name":"__root__","fields":[]})");
  ASSERT_TRUE(decoder.ok()) << decoder.status();
  int rows = 0;
  EXPECT_TRUE(decoder
                  ->Decode("", 5,
                           [&](const Row& row) {
                             EXPECT_TRUE(row.empty());
                             ++rows;
                           })
                  .ok());
  EXPECT_EQ(rows, 5);
  EXPECT_FALSE(decoder->Decode("x", 0, [](const Row&) {}).ok());
  EXPECT_EQ(decoder->Decode("", -1, [](const Row&) {}).code(),
            absl::StatusCode::kInvalidArgument);
}

struct SchemaCase {
  std::string schema;
  std::string expected_error;
};

TEST(AvroRowDecoderTest, RejectsUnsupportedSchemas) {
  auto with_field = [](const std::string& type) {
    return R"({"type":"record","name":"r","fields":[)"
           R"({"name":"ok","type":"long"},{"name":"bad","type":)" +
           type + "}]}";
  };
  const std::vector<SchemaCase> cases = {
      {"{", "not valid JSON"},
      {"[]", "expected a record object"},
      {R"({"type":"long"})", "expected \"record\""},
      {R"({"type":"record","name":"r"})", "expected an array of fields"},
      {R"({"type":"record","name":"r","fields":[{"type":"long"}]})",
       "fields[0]: missing or non-string \"name\""},
      {R"({"type":"record","name":"r","fields":[{"name":"x"}]})",
       "field \"x\" (fields[0]): missing \"type\""},
      {with_field(R"("int")"),
       "field \"bad\" (fields[1]): unsupported Avro type \"int\""},
      {with_field(R"("float")"), "field \"bad\" (fields[1]): unsupported"},
      {with_field(R"("null")"), "field \"bad\" (fields[1]): unsupported"},
      {with_field(R"({"type":"array","items":"long"})"),
       "field \"bad\" (fields[1]): unsupported Avro type \"array\""},
      {with_field(R"({"type":"map","values":"long"})"),
       "field \"bad\" (fields[1]): unsupported Avro type \"map\""},
      {with_field(R"({"type":"record","name":"n","fields":[]})"),
       "field \"bad\" (fields[1]): unsupported Avro type \"record\""},
      {with_field(R"({"type":"enum","name":"e","symbols":["A"]})"),
       "field \"bad\" (fields[1]): unsupported Avro type \"enum\""},
      {with_field(R"({"type":"fixed","name":"f","size":4})"),
       "field \"bad\" (fields[1]): unsupported Avro type \"fixed\""},
      {with_field(R"(["null","long","string"])"),
       "field \"bad\" (fields[1]): unsupported union"},
      {with_field(R"(["null","null"])"),
       "field \"bad\" (fields[1]): unsupported union"},
      {with_field(R"(["long","string"])"),
       "field \"bad\" (fields[1]): unsupported union"},
      {with_field(R"(["null",["null","long"]])"),
       "field \"bad\" (fields[1]): unsupported Avro type"},
      {with_field(R"({"type":"string","logicalType":"timestamp-micros"})"),
       "field \"bad\" (fields[1]): logicalType timestamp-micros requires long"},
      {with_field("5"), "field \"bad\" (fields[1]): unsupported Avro type 5"},
  };
  for (const SchemaCase& c : cases) {
    SCOPED_TRACE(c.schema);
    absl::StatusOr<AvroRowDecoder> decoder = AvroRowDecoder::Create(c.schema);
    ASSERT_FALSE(decoder.ok());
    EXPECT_EQ(decoder.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(decoder.status().message()),
                HasSubstr(c.expected_error));
  }
}

// Schema with one field of each shape used by the error tests below.
constexpr char kErrorSchema[] = R"({"type":"record","name":"r","fields":[
    {"name":"n","type":["null","long"]},
    {"name":"s","type":"string"},
    {"name":"b","type":"boolean"},
    {"name":"d","type":"double"}]})";

// One valid row: n = 3, s = "hi", b = true, d = 1.0.
const std::string kValidRow(
    "\x02\x06\x04hi\x01\x00\x00\x00\x00\x00\x00\xf0\x3f", 14);

absl::Status DecodeErrorSchema(const std::string& data, int64_t rows,
                               int* rows_seen = nullptr) {
  absl::StatusOr<AvroRowDecoder> decoder = AvroRowDecoder::Create(kErrorSchema);
  EXPECT_TRUE(decoder.ok()) << decoder.status();
  if (!decoder.ok()) return decoder.status();
  return decoder->Decode(data, rows, [&](const Row&) {
    if (rows_seen != nullptr) ++*rows_seen;
  });
}

TEST(AvroRowDecoderTest, DecodesHandWrittenRow) {
  absl::StatusOr<AvroRowDecoder> decoder = AvroRowDecoder::Create(kErrorSchema);
  ASSERT_TRUE(decoder.ok()) << decoder.status();
  Row seen;
  ASSERT_TRUE(
      decoder->Decode(kValidRow, 1, [&](const Row& row) { seen = row; }).ok());
  ASSERT_EQ(seen.size(), 4u);
  EXPECT_FALSE(seen[0].is_null);
  EXPECT_EQ(seen[0].int_value, 3);
  EXPECT_EQ(seen[1].bytes_value, "hi");
  EXPECT_EQ(seen[2].int_value, 1);
  EXPECT_EQ(seen[3].double_value, 1.0);
}

TEST(AvroRowDecoderTest, EveryTruncationIsAnError) {
  const std::string two_rows = kValidRow + kValidRow;
  EXPECT_TRUE(DecodeErrorSchema(two_rows, 2).ok());
  for (size_t size = 0; size < two_rows.size(); ++size) {
    // A heap copy of exactly `size` bytes lets ASan catch any over-read.
    std::string truncated = two_rows.substr(0, size);
    truncated.shrink_to_fit();
    absl::Status status = DecodeErrorSchema(truncated, 2);
    ASSERT_FALSE(status.ok()) << size;
    EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
    EXPECT_THAT(std::string(status.message()), HasSubstr("truncated"));
  }
  // Truncation in a real table's data, at many offsets.
  const TableSpec& spec = DefaultTable("all_types");
  std::string data;
  AppendAvroRows(RowGenerator(spec), AllColumns(spec), 0, 50, &data);
  absl::StatusOr<AvroRowDecoder> decoder =
      AvroRowDecoder::Create(AvroSchemaJson(spec, AllColumns(spec)));
  ASSERT_TRUE(decoder.ok());
  for (size_t size = 0; size < data.size(); size += 7) {
    std::string truncated = data.substr(0, size);
    ASSERT_FALSE(decoder->Decode(truncated, 50, [](const Row&) {}).ok())
        << size;
  }
}

TEST(AvroRowDecoderTest, TrailingBytesAreAnError) {
  int rows_seen = 0;
  absl::Status status =
      DecodeErrorSchema(kValidRow + std::string(1, '\0'), 1, &rows_seen);
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(std::string(status.message()), HasSubstr("1 trailing bytes"));
  EXPECT_EQ(rows_seen, 1);
  // Asking for fewer rows than present is the same error.
  status = DecodeErrorSchema(kValidRow + kValidRow, 1);
  EXPECT_THAT(std::string(status.message()), HasSubstr("14 trailing bytes"));
}

TEST(AvroRowDecoderTest, BadUnionIndexIsAnError) {
  for (char bad : {'\x04', '\x01', '\x7e'}) {  // zig-zag 2, -1, 63
    std::string row = kValidRow;
    row[0] = bad;
    int rows_seen = 0;
    absl::Status status = DecodeErrorSchema(kValidRow + row, 2, &rows_seen);
    ASSERT_FALSE(status.ok());
    EXPECT_THAT(std::string(status.message()),
                HasSubstr("row 1, field \"n\" (fields[0]), byte offset 14: "
                          "bad union branch index"));
    EXPECT_EQ(rows_seen, 1);
  }
}

TEST(AvroRowDecoderTest, OverlongVarintIsAnError) {
  // Eleven continuation bytes, and a tenth byte above 1.
  for (const std::string& varint :
       {std::string(11, '\x80') + "\x01", std::string(9, '\xff') + "\x02"}) {
    absl::Status status =
        DecodeErrorSchema(std::string("\x02", 1) + varint + "\x00\x00", 1);
    ASSERT_FALSE(status.ok());
    EXPECT_THAT(std::string(status.message()), HasSubstr("over-long varint"));
  }
  // The largest valid 10-byte varint is fine: n = INT64_MIN.
  std::string row = std::string("\x02", 1) + std::string(9, '\xff') + "\x01" +
                    kValidRow.substr(2);
  int rows_seen = 0;
  EXPECT_TRUE(DecodeErrorSchema(row, 1, &rows_seen).ok());
  EXPECT_EQ(rows_seen, 1);
}

TEST(AvroRowDecoderTest, BadLengthsAreErrors) {
  std::string negative = kValidRow;
  negative[2] = '\x03';  // zig-zag -2
  absl::Status status = DecodeErrorSchema(negative, 1);
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("field \"s\" (fields[1]), byte offset 2: "
                        "negative length -2"));

  // Length 2^62 (zig-zag 2^63): must not allocate or read, just fail.
  std::string huge =
      std::string("\x02\x06", 2) + std::string(9, '\x80') + "\x01" + "hi";
  status = DecodeErrorSchema(huge, 1);
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("data truncated: length"));
}

TEST(AvroRowDecoderTest, BadBooleanIsAnError) {
  std::string row = kValidRow;
  row[5] = '\x02';
  absl::Status status = DecodeErrorSchema(row, 1);
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(std::string(status.message()), HasSubstr("bad boolean byte 2"));
}

TEST(AvroRowDecoderTest, CorruptedDataNeverCrashes) {
  // Random byte flips: any result is fine as long as it is not a crash or an
  // over-read (run under --config=asan to check the latter).
  const TableSpec& spec = DefaultTable("all_types");
  const std::vector<int> columns = AllColumns(spec);
  std::string data;
  AppendAvroRows(RowGenerator(spec), columns, 0, 20, &data);
  absl::StatusOr<AvroRowDecoder> decoder =
      AvroRowDecoder::Create(AvroSchemaJson(spec, columns));
  ASSERT_TRUE(decoder.ok());
  std::mt19937_64 random(42);
  int errors = 0;
  for (int trial = 0; trial < 3000; ++trial) {
    std::string corrupt = data;
    const int flips = 1 + trial % 4;
    for (int f = 0; f < flips; ++f) {
      corrupt[random() % corrupt.size()] = static_cast<char>(random());
    }
    corrupt.shrink_to_fit();
    errors += !decoder->Decode(corrupt, 20, [](const Row&) {}).ok();
  }
  EXPECT_GT(errors, 100);
}

}  // namespace
}  // namespace forkcheck
