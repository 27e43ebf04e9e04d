#include "client/proto_row_encoder.h"

#include <memory>
#include <string>
#include <vector>

#include "dataset/catalogue.h"
#include "dataset/row_generator.h"
#include "dataset/table_spec.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/message.h"
#include "gtest/gtest.h"

namespace forkcheck {
namespace {

using ::google::protobuf::DescriptorPool;
using ::google::protobuf::DynamicMessageFactory;
using ::google::protobuf::FieldDescriptor;
using ::google::protobuf::FileDescriptorProto;
using ::google::protobuf::Message;

TableSpec TwoColumns() {
  TableSpec spec;
  spec.name = "projects/p/datasets/d/tables/t";
  spec.columns = {{"row_id", ColumnType::kInt64, false},
                  {"label", ColumnType::kString, true}};
  return spec;
}

// Bytes written by hand from the field numbers (tag = number << 3 | wire
// type), not by protobuf: row_id = 1 (field 1, varint), label = "ab"
// (field 2, length-delimited).
TEST(ProtoRowEncoderTest, EncodesTheWireFormatOfItsDescriptor) {
  ProtoRowEncoder encoder(TwoColumns());
  Row row(2);
  row[0].int_value = 1;
  row[1].bytes_value = "ab";
  EXPECT_EQ(encoder.Encode(row), std::string("\x08\x01\x12\x02"
                                             "ab",
                                             6));
  // A null cell is a field left out.
  row[1].is_null = true;
  EXPECT_EQ(encoder.Encode(row), std::string("\x08\x01", 2));
}

TEST(ProtoRowEncoderTest, DescriptorNamesEveryColumnWithBigQuerysTypes) {
  const TableSpec& spec = *Catalogue::Default().Resolve("all_types");
  ProtoRowEncoder encoder(spec);
  const auto& descriptor = encoder.descriptor();
  ASSERT_EQ(descriptor.field_size(), static_cast<int>(spec.columns.size()));
  for (int i = 0; i < descriptor.field_size(); ++i) {
    SCOPED_TRACE(spec.columns[i].name);
    EXPECT_EQ(descriptor.field(i).name(), spec.columns[i].name);
    EXPECT_EQ(descriptor.field(i).number(), i + 1);
  }
}

// What a server does with the writer's schema: builds it in a pool of its
// own and parses each row with it.
TEST(ProtoRowEncoderTest, RowsParseBackToTheGeneratedValues) {
  const TableSpec& spec = *Catalogue::Default().Resolve("all_types");
  ProtoRowEncoder encoder(spec);
  DescriptorPool pool;
  FileDescriptorProto file;
  file.set_name("server_side.proto");
  *file.add_message_type() = encoder.descriptor();
  const auto* built = pool.BuildFile(file);
  ASSERT_NE(built, nullptr);
  DynamicMessageFactory factory(&pool);
  const Message* prototype = factory.GetPrototype(built->message_type(0));

  RowGenerator generator(spec);
  std::vector<int> columns;
  for (size_t c = 0; c < spec.columns.size(); ++c) {
    columns.push_back(static_cast<int>(c));
  }
  int nulls = 0;
  Row row;
  for (int64_t i = 0; i < 200; ++i) {
    generator.FillRow(i, columns, &row);
    std::unique_ptr<Message> parsed(prototype->New());
    ASSERT_TRUE(parsed->ParseFromString(encoder.Encode(row)));
    const auto* reflection = parsed->GetReflection();
    for (size_t c = 0; c < spec.columns.size(); ++c) {
      SCOPED_TRACE(testing::Message()
                   << "row " << i << " column " << spec.columns[c].name);
      const FieldDescriptor* field =
          parsed->GetDescriptor()->field(static_cast<int>(c));
      ASSERT_EQ(reflection->HasField(*parsed, field), !row[c].is_null);
      if (row[c].is_null) {
        ++nulls;
        continue;
      }
      FieldValue cell;
      switch (spec.columns[c].type) {
        case ColumnType::kInt64:
        case ColumnType::kTimestamp:
          cell.int_value = reflection->GetInt64(*parsed, field);
          break;
        case ColumnType::kDouble:
          cell.double_value = reflection->GetDouble(*parsed, field);
          break;
        case ColumnType::kBool:
          cell.int_value = reflection->GetBool(*parsed, field) ? 1 : 0;
          break;
        case ColumnType::kString:
        case ColumnType::kBytes:
          cell.bytes_value = reflection->GetString(*parsed, field);
          break;
      }
      EXPECT_EQ(cell, row[c]);
    }
  }
  EXPECT_GT(nulls, 0);  // the nullable columns' nulls were exercised
}

}  // namespace
}  // namespace forkcheck
