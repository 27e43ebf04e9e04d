// ProtoRowDecoder's mapping from writer schemas to table columns: which proto
// types fill which columns, how names match, what a row must hold.
#include "fakes/proto_row_decoder.h"

#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "fakes/write_test_rows.pb.h"
#include "google/cloud/bigquery/storage/v1/storage.pb.h"
#include "google/protobuf/descriptor.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"

namespace forkcheck {
namespace {

using google::protobuf::DescriptorProto;
using google::protobuf::FieldDescriptorProto;

std::shared_ptr<const TableSpec> Table() {
  auto table = std::make_shared<TableSpec>();
  table->name = "projects/p/datasets/writable/tables/t";
  table->columns = {{"row_id", ColumnType::kInt64, false},
                    {"a", ColumnType::kInt64, true},
                    {"f", ColumnType::kDouble, true},
                    {"ts", ColumnType::kTimestamp, true},
                    {"s", ColumnType::kString, true},
                    {"b", ColumnType::kBytes, true},
                    {"flag", ColumnType::kBool, true}};
  return table;
}

DescriptorProto WideTypes() {
  DescriptorProto descriptor;
  testing::WideTypesRow::descriptor()->CopyTo(&descriptor);
  return descriptor;
}

FieldDescriptorProto* Field(DescriptorProto* descriptor,
                            const std::string& name) {
  for (FieldDescriptorProto& field : *descriptor->mutable_field()) {
    if (field.name() == name) return &field;
  }
  ADD_FAILURE() << "no field " << name;
  return descriptor->mutable_field(0);
}

grpc::Status Create(const DescriptorProto& descriptor,
                    std::unique_ptr<ProtoRowDecoder>* decoder = nullptr) {
  std::unique_ptr<ProtoRowDecoder> unused;
  return ProtoRowDecoder::Create(descriptor, Table(), "projects/p/x/streams/s",
                                 decoder != nullptr ? decoder : &unused);
}

TEST(ProtoRowDecoderTest, DecodesEveryColumnFromItsWiderProtoType) {
  std::unique_ptr<ProtoRowDecoder> decoder;
  ASSERT_TRUE(Create(WideTypes(), &decoder).ok());
  testing::WideTypesRow row;
  row.set_row_id(-7);
  row.set_a(4000000000u);  // above INT32_MAX: read as unsigned
  row.set_f(1.5f);
  row.set_ts(-5);
  row.set_s("text");
  row.set_b(std::string("\0\xff", 2));
  row.set_flag(true);
  Row decoded;
  std::string error;
  ASSERT_TRUE(decoder->Decode(row.SerializeAsString(), &decoded, &error))
      << error;
  ASSERT_EQ(decoded.size(), 7u);
  EXPECT_EQ(decoded[0].int_value, -7);
  EXPECT_EQ(decoded[1].int_value, 4000000000);
  EXPECT_EQ(decoded[2].double_value, 1.5);
  EXPECT_EQ(decoded[3].int_value, -5);
  EXPECT_EQ(decoded[4].bytes_value, "text");
  EXPECT_EQ(decoded[5].bytes_value, std::string("\0\xff", 2));
  EXPECT_EQ(decoded[6].int_value, 1);
  for (const FieldValue& cell : decoded) EXPECT_FALSE(cell.is_null);

  // Unset fields are NULL (proto2 presence), even at their default values'
  // absence; a field set to its default is a value.
  testing::WideTypesRow sparse;
  sparse.set_row_id(1);
  sparse.set_a(0);
  ASSERT_TRUE(decoder->Decode(sparse.SerializeAsString(), &decoded, &error))
      << error;
  EXPECT_FALSE(decoded[1].is_null);
  EXPECT_EQ(decoded[1].int_value, 0);
  for (int c = 2; c < 7; ++c) EXPECT_TRUE(decoded[c].is_null) << c;
}

TEST(ProtoRowDecoderTest, IntegerTypesThatFitInt64FillInt64Columns) {
  for (FieldDescriptorProto::Type type :
       {FieldDescriptorProto::TYPE_INT32, FieldDescriptorProto::TYPE_INT64,
        FieldDescriptorProto::TYPE_UINT32, FieldDescriptorProto::TYPE_SINT32,
        FieldDescriptorProto::TYPE_SINT64, FieldDescriptorProto::TYPE_FIXED32,
        FieldDescriptorProto::TYPE_SFIXED32,
        FieldDescriptorProto::TYPE_SFIXED64}) {
    DescriptorProto descriptor = WideTypes();
    Field(&descriptor, "a")->set_type(type);
    EXPECT_TRUE(Create(descriptor).ok())
        << FieldDescriptorProto::Type_Name(type);
  }
  for (FieldDescriptorProto::Type type :
       {FieldDescriptorProto::TYPE_UINT64, FieldDescriptorProto::TYPE_FIXED64,
        FieldDescriptorProto::TYPE_DOUBLE, FieldDescriptorProto::TYPE_STRING,
        FieldDescriptorProto::TYPE_BOOL}) {
    DescriptorProto descriptor = WideTypes();
    Field(&descriptor, "a")->set_type(type);
    grpc::Status status = Create(descriptor);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << FieldDescriptorProto::Type_Name(type);
    EXPECT_NE(status.error_message().find("cannot fill column a of type INT64"),
              std::string::npos)
        << status.error_message();
  }
}

TEST(ProtoRowDecoderTest, TimestampsAreSignedSixtyFourBitMicroseconds) {
  for (FieldDescriptorProto::Type type :
       {FieldDescriptorProto::TYPE_INT64, FieldDescriptorProto::TYPE_SINT64,
        FieldDescriptorProto::TYPE_SFIXED64}) {
    DescriptorProto descriptor = WideTypes();
    Field(&descriptor, "ts")->set_type(type);
    EXPECT_TRUE(Create(descriptor).ok())
        << FieldDescriptorProto::Type_Name(type);
  }
  for (FieldDescriptorProto::Type type :
       {FieldDescriptorProto::TYPE_INT32, FieldDescriptorProto::TYPE_DOUBLE,
        FieldDescriptorProto::TYPE_STRING}) {
    DescriptorProto descriptor = WideTypes();
    Field(&descriptor, "ts")->set_type(type);
    EXPECT_EQ(Create(descriptor).error_code(),
              grpc::StatusCode::INVALID_ARGUMENT)
        << FieldDescriptorProto::Type_Name(type);
  }
}

TEST(ProtoRowDecoderTest, NamesMatchColumnsIgnoringCase) {
  DescriptorProto descriptor = WideTypes();
  Field(&descriptor, "a")->set_name("A");
  EXPECT_TRUE(Create(descriptor).ok());

  FieldDescriptorProto* twin = descriptor.add_field();
  *twin = *Field(&descriptor, "A");
  twin->set_name("a");
  twin->set_number(20);
  grpc::Status status = Create(descriptor);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("both name column a"),
            std::string::npos)
      << status.error_message();
}

TEST(ProtoRowDecoderTest, ExtraFieldsAreASchemaMismatch) {
  DescriptorProto descriptor = WideTypes();
  for (const char* name : {"extra_one", "extra_two"}) {
    FieldDescriptorProto* extra = descriptor.add_field();
    extra->set_name(name);
    extra->set_number(descriptor.field_size() + 10);
    extra->set_type(FieldDescriptorProto::TYPE_INT64);
    extra->set_label(FieldDescriptorProto::LABEL_OPTIONAL);
  }
  grpc::Status status = Create(descriptor);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("extra fields: 'extra_one,extra_two'"),
            std::string::npos)
      << status.error_message();
  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(status.error_details()));
  ASSERT_EQ(details.details_size(), 1);
  google::cloud::bigquery::storage::v1::StorageError error;
  ASSERT_TRUE(details.details(0).UnpackTo(&error));
  EXPECT_EQ(error.code(), google::cloud::bigquery::storage::v1::StorageError::
                              SCHEMA_MISMATCH_EXTRA_FIELDS);
  EXPECT_EQ(error.entity(), "projects/p/x/streams/s");
}

TEST(ProtoRowDecoderTest, RefusesFieldsNoColumnCanHold) {
  {
    DescriptorProto descriptor = WideTypes();
    Field(&descriptor, "a")->set_label(FieldDescriptorProto::LABEL_REPEATED);
    grpc::Status status = Create(descriptor);
    EXPECT_NE(status.error_message().find("field \"a\" is repeated"),
              std::string::npos)
        << status.error_message();
  }
  {
    DescriptorProto descriptor = WideTypes();
    FieldDescriptorProto* a = Field(&descriptor, "a");
    a->set_type(FieldDescriptorProto::TYPE_MESSAGE);
    a->set_type_name(".WideTypesRow.Unused");
    grpc::Status status = Create(descriptor);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_NE(status.error_message().find("field \"a\" has proto type message"),
              std::string::npos)
        << status.error_message();
  }
}

TEST(ProtoRowDecoderTest, DescriptorsThatDoNotBuildSayWhy) {
  DescriptorProto duplicate = WideTypes();
  Field(&duplicate, "s")->set_number(1);  // row_id's number
  grpc::Status status = Create(duplicate);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("not a valid self-contained"),
            std::string::npos)
      << status.error_message();
  EXPECT_NE(status.error_message().find("has already been used"),
            std::string::npos)
      << status.error_message();

  EXPECT_EQ(Create(DescriptorProto()).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST(ProtoRowDecoderTest, RowsMustFillRequiredColumnsAndBeWellFormed) {
  std::unique_ptr<ProtoRowDecoder> decoder;
  ASSERT_TRUE(Create(WideTypes(), &decoder).ok());
  Row row;
  std::string error;
  testing::WideTypesRow no_id;
  no_id.set_a(1);
  EXPECT_FALSE(decoder->Decode(no_id.SerializeAsString(), &row, &error));
  EXPECT_NE(error.find("missing required field(s): row_id"), std::string::npos)
      << error;

  EXPECT_FALSE(decoder->Decode(std::string("\x0a\x05", 2), &row, &error));
  EXPECT_NE(error.find("not a valid serialized WideTypesRow"),
            std::string::npos)
      << error;

  testing::WideTypesRow bad_text;
  bad_text.set_row_id(1);
  bad_text.set_s(std::string("\xff\xfe", 2));
  EXPECT_FALSE(decoder->Decode(bad_text.SerializeAsString(), &row, &error));
  EXPECT_NE(error.find("field s is not valid UTF-8"), std::string::npos)
      << error;

  // A proto2 `required` field of the writer schema left unset.
  DescriptorProto strict = WideTypes();
  Field(&strict, "a")->set_label(FieldDescriptorProto::LABEL_REQUIRED);
  ASSERT_TRUE(Create(strict, &decoder).ok());
  testing::WideTypesRow without_a;
  without_a.set_row_id(1);
  EXPECT_FALSE(decoder->Decode(without_a.SerializeAsString(), &row, &error));
  EXPECT_NE(error.find("required fields are missing: a"), std::string::npos)
      << error;
}

TEST(ProtoRowDecoderTest, CheckRefusesWhatDecodeRefusesWithTheSameError) {
  DescriptorProto strict = WideTypes();
  Field(&strict, "a")->set_label(FieldDescriptorProto::LABEL_REQUIRED);
  std::unique_ptr<ProtoRowDecoder> decoder;
  ASSERT_TRUE(Create(strict, &decoder).ok());
  testing::WideTypesRow good;
  good.set_row_id(1);
  good.set_a(2);
  good.set_s("fine");
  testing::WideTypesRow no_id = good;
  no_id.clear_row_id();
  testing::WideTypesRow without_a = good;
  without_a.clear_a();
  testing::WideTypesRow bad_text = good;
  bad_text.set_s(std::string("\xff\xfe", 2));
  std::string unknown = good.SerializeAsString() + std::string("\x40\x01", 2);
  for (const std::string& serialized :
       {good.SerializeAsString(), no_id.SerializeAsString(),
        without_a.SerializeAsString(), bad_text.SerializeAsString(), unknown,
        std::string("\x0a\x05", 2)}) {
    Row row;
    std::string decode_error;
    std::string check_error;
    const bool decoded = decoder->Decode(serialized, &row, &decode_error);
    EXPECT_EQ(decoder->Check(serialized, &check_error), decoded);
    EXPECT_EQ(check_error, decode_error);
  }
  std::string error;
  EXPECT_TRUE(decoder->Check(good.SerializeAsString(), &error)) << error;
  EXPECT_FALSE(decoder->Check(unknown, &error));
  EXPECT_NE(error.find("does not declare"), std::string::npos) << error;
}

// A row error names the writer schema's message, which the client names:
// quoted bounded (fakes/echo.h), whatever its length.
TEST(ProtoRowDecoderTest, RowErrorsQuoteALongMessageNameBounded) {
  DescriptorProto descriptor = WideTypes();
  descriptor.set_name(std::string(100000, 'R'));
  std::unique_ptr<ProtoRowDecoder> decoder;
  ASSERT_TRUE(Create(descriptor, &decoder).ok());
  std::string error;
  EXPECT_FALSE(decoder->Check(std::string("\xff", 1), &error));
  EXPECT_LT(error.size(), 400u) << error.substr(0, 400);
  EXPECT_NE(error.find("(100000 bytes)"), std::string::npos)
      << error.substr(0, 400);
  testing::WideTypesRow row;
  row.set_row_id(1);
  EXPECT_FALSE(decoder->Check(row.SerializeAsString() + "\x40\x01", &error));
  EXPECT_LT(error.size(), 400u) << error.substr(0, 400);
}

// The fake keeps checked rows as their serialized bytes: read back, every
// column type, NULLs and edge values come out as Decode gives them.
TEST(ProtoRowDecoderTest, KeptRowsDecodeAsTheyWereWritten) {
  std::unique_ptr<ProtoRowDecoder> decoder;
  ASSERT_TRUE(Create(WideTypes(), &decoder).ok());
  std::vector<testing::WideTypesRow> written(4);
  written[0].set_row_id(-7);
  written[0].set_a(4000000000u);
  written[0].set_f(-0.0f);
  written[0].set_ts(INT64_MIN);
  written[0].set_s("t\xc3\xa9xt");
  written[0].set_b(std::string("\0\xff", 2));
  written[0].set_flag(true);
  written[1].set_row_id(INT64_MAX);  // every other column NULL
  written[2].set_row_id(0);
  written[2].set_a(0);
  written[2].set_s("");
  written[2].set_b("");
  written[2].set_flag(false);
  written[3].set_row_id(3);
  written[3].set_f(3.5f);
  written[3].set_ts(1700000000000000);
  google::protobuf::RepeatedPtrField<std::string> serialized;
  std::vector<Row> expected;
  for (const testing::WideTypesRow& row : written) {
    *serialized.Add() = row.SerializeAsString();
    std::string error;
    ASSERT_TRUE(decoder->Check(serialized.Get(serialized.size() - 1), &error))
        << error;
    expected.emplace_back();
    ASSERT_TRUE(decoder->Decode(serialized.Get(serialized.size() - 1),
                                &expected.back(), &error))
        << error;
  }
  std::shared_ptr<const RowBatch> batch = decoder->Keep(&serialized);
  decoder.reset();  // the batch keeps the schema it needs
  ASSERT_EQ(batch->size(), 4);
  std::vector<Row> all;
  batch->Decode(0, 4, &all);
  EXPECT_EQ(all, expected);
  std::vector<Row> middle;
  batch->Decode(1, 3, &middle);
  EXPECT_EQ(middle,
            std::vector<Row>(expected.begin() + 1, expected.begin() + 3));
  EXPECT_TRUE(all[1][1].is_null);
  EXPECT_EQ(all[0][3].int_value, INT64_MIN);
  EXPECT_TRUE(std::signbit(all[0][2].double_value));
  EXPECT_EQ(all[0][4].bytes_value, "t\xc3\xa9xt");
  EXPECT_FALSE(all[2][4].is_null);
  EXPECT_EQ(all[2][6].int_value, 0);
}

}  // namespace
}  // namespace forkcheck
