// Wire-compatibility tests for the BigQuery Storage v1 protos (Read and
// Write).
//
// Every expected byte string here is written by hand from the public field
// numbers in googleapis (tag = field_number << 3 | wire_type), never produced
// by generated code, so a renumbered or retyped field in our .proto files
// makes these tests fail. Each message case checks that:
//   1. the hand-written bytes parse and leave no unknown fields (a wrong field
//      number would otherwise hide in the unknown-field set and still round
//      trip);
//   2. the parsed message equals one built through the generated setters;
//   3. deterministic serialization of both gives back exactly those bytes.
// Hand bytes list fields in field-number order, which is the order protobuf
// C++ serializes known fields in, so the round trip is byte-identical.

#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "google/cloud/bigquery/storage/v1/storage.grpc.pb.h"
#include "google/cloud/bigquery/storage/v1/storage.pb.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor.pb.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/message.h"
#include "google/protobuf/util/message_differencer.h"
#include "google/rpc/status.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"

namespace forkcheck {
namespace {

namespace bqs = ::google::cloud::bigquery::storage::v1;
using ::google::protobuf::DescriptorPool;
using ::google::protobuf::FieldDescriptor;
using ::google::protobuf::Message;
using ::google::protobuf::Reflection;

// ---------------------------------------------------------------------------
// Hand encoder for the protobuf wire format. Deliberately independent of
// libprotobuf so the expected bytes come from the spec, not from the code
// under test.

enum WireType : uint64_t {
  kVarint = 0,
  kFixed64 = 1,
  kLengthDelimited = 2,
};

std::string Varint(uint64_t value) {
  std::string out;
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
  return out;
}

std::string Tag(uint32_t field_number, WireType type) {
  return Varint((uint64_t{field_number} << 3) | type);
}

// int32, int64, bool and enum fields. Negative values are sign-extended to
// 64 bits, so they always take 10 bytes.
std::string VarintField(uint32_t field_number, int64_t value) {
  return Tag(field_number, kVarint) + Varint(static_cast<uint64_t>(value));
}

// double fields: 8 bytes, IEEE 754, little-endian.
std::string DoubleField(uint32_t field_number, double value) {
  uint64_t bits;
  static_assert(sizeof(bits) == sizeof(value), "double must be 64-bit");
  std::memcpy(&bits, &value, sizeof(bits));
  std::string out = Tag(field_number, kFixed64);
  for (int i = 0; i < 8; ++i) {
    out.push_back(static_cast<char>((bits >> (8 * i)) & 0xff));
  }
  return out;
}

// string and bytes fields.
std::string BytesField(uint32_t field_number, const std::string& payload) {
  return Tag(field_number, kLengthDelimited) + Varint(payload.size()) + payload;
}

// The fields of one message, in the order given.
std::string Fields(std::initializer_list<std::string> pieces) {
  std::string out;
  for (const std::string& piece : pieces) out += piece;
  return out;
}

// An embedded message field whose body is `pieces`.
std::string MessageField(uint32_t field_number,
                         std::initializer_list<std::string> pieces) {
  return BytesField(field_number, Fields(pieces));
}

// ---------------------------------------------------------------------------
// Checking helpers.

std::string Hex(const std::string& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    if (!out.empty()) out.push_back(' ');
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 0xf]);
  }
  return out;
}

std::string SerializeDeterministic(const Message& message) {
  std::string out;
  {
    google::protobuf::io::StringOutputStream stream(&out);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    message.SerializeToCodedStream(&coded);
  }  // `coded` flushes into `out` when destroyed.
  return out;
}

// Returns the path of the first (sub)message that holds unknown fields, or
// "" if there is none.
std::string FindUnknownFields(const Message& message, const std::string& path) {
  const Reflection* reflection = message.GetReflection();
  if (!reflection->GetUnknownFields(message).empty()) {
    return path.empty() ? message.GetTypeName() : path;
  }
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
    const std::string field_path = path + "." + field->name();
    if (field->is_repeated()) {
      for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
        std::string found =
            FindUnknownFields(reflection->GetRepeatedMessage(message, field, i),
                              field_path + "[" + std::to_string(i) + "]");
        if (!found.empty()) return found;
      }
    } else {
      std::string found =
          FindUnknownFields(reflection->GetMessage(message, field), field_path);
      if (!found.empty()) return found;
    }
  }
  return "";
}

// Checks points 1-3 of the file comment. On success `*parsed` holds `wire`
// parsed as M, for further field checks.
template <typename M>
::testing::AssertionResult WireCompatible(const std::string& wire,
                                          const M& built, M* parsed) {
  const std::string type = M::descriptor()->full_name();
  if (!parsed->ParseFromString(wire)) {
    return ::testing::AssertionFailure()
           << type << ": hand-written bytes do not parse: " << Hex(wire);
  }
  const std::string unknown = FindUnknownFields(*parsed, "");
  if (!unknown.empty()) {
    return ::testing::AssertionFailure()
           << type << ": unknown fields in " << unknown
           << " (a field number in the .proto does not match the public API)";
  }
  if (!google::protobuf::util::MessageDifferencer::Equals(*parsed, built)) {
    return ::testing::AssertionFailure()
           << type << ": parsed message differs from the built one.\nparsed:\n"
           << parsed->DebugString() << "built:\n"
           << built.DebugString();
  }
  const std::string from_parsed = SerializeDeterministic(*parsed);
  if (from_parsed != wire) {
    return ::testing::AssertionFailure()
           << type << ": re-serialized bytes differ.\nwant: " << Hex(wire)
           << "\ngot:  " << Hex(from_parsed);
  }
  const std::string from_built = SerializeDeterministic(built);
  if (from_built != wire) {
    return ::testing::AssertionFailure()
           << type
           << ": bytes of the built message differ.\nwant: " << Hex(wire)
           << "\ngot:  " << Hex(from_built);
  }
  return ::testing::AssertionSuccess();
}

constexpr char kTable[] = "projects/p/datasets/d/tables/t";
constexpr char kSession[] = "projects/p/locations/us/sessions/s1";
constexpr char kStream0[] = "projects/p/locations/us/sessions/s1/streams/0";
constexpr char kStream1[] = "projects/p/locations/us/sessions/s1/streams/1";
constexpr char kAvroSchemaJson[] =
    R"({"type":"record","name":"__root__","fields":[)"
    R"({"name":"id","type":"long"}]})";

// ---------------------------------------------------------------------------
// The hand encoder itself, against byte values worked out from the spec.

TEST(WireEncoderTest, MatchesSpecExamples) {
  EXPECT_EQ(Hex(Varint(1)), "01");
  EXPECT_EQ(Hex(Varint(150)), "96 01");
  EXPECT_EQ(Hex(Tag(1, kLengthDelimited)), "0a");
  EXPECT_EQ(Hex(Tag(15, kVarint)), "78");
  EXPECT_EQ(Hex(Tag(16, kVarint)), "80 01");
  EXPECT_EQ(Hex(VarintField(1, -1)), "08 ff ff ff ff ff ff ff ff ff 01");
  EXPECT_EQ(Hex(DoubleField(1, 1.0)), "09 00 00 00 00 00 00 f0 3f");
  EXPECT_EQ(Hex(BytesField(2, "hi")), "12 02 68 69");
}

// ---------------------------------------------------------------------------
// Enums: names and numbers of the public API.

TEST(WireCompatTest, EnumNumbers) {
  EXPECT_EQ(bqs::DATA_FORMAT_UNSPECIFIED, 0);
  EXPECT_EQ(bqs::AVRO, 1);
  EXPECT_EQ(bqs::ARROW, 2);

  struct EnumValue {
    const char* enum_type;
    const char* name;
    int number;
  };
  const EnumValue kValues[] = {
      {"google.cloud.bigquery.storage.v1.DataFormat", "DATA_FORMAT_UNSPECIFIED",
       0},
      {"google.cloud.bigquery.storage.v1.DataFormat", "AVRO", 1},
      {"google.cloud.bigquery.storage.v1.DataFormat", "ARROW", 2},
      {"google.cloud.bigquery.storage.v1.ReadSession.TableReadOptions."
       "ResponseCompressionCodec",
       "RESPONSE_COMPRESSION_CODEC_UNSPECIFIED", 0},
      {"google.cloud.bigquery.storage.v1.ReadSession.TableReadOptions."
       "ResponseCompressionCodec",
       "RESPONSE_COMPRESSION_CODEC_LZ4", 2},
      {"google.cloud.bigquery.storage.v1.ArrowSerializationOptions."
       "CompressionCodec",
       "LZ4_FRAME", 1},
      {"google.cloud.bigquery.storage.v1.ArrowSerializationOptions."
       "CompressionCodec",
       "ZSTD", 2},
      {"google.cloud.bigquery.storage.v1.WriteStream.Type", "TYPE_UNSPECIFIED",
       0},
      {"google.cloud.bigquery.storage.v1.WriteStream.Type", "COMMITTED", 1},
      {"google.cloud.bigquery.storage.v1.WriteStream.Type", "PENDING", 2},
      {"google.cloud.bigquery.storage.v1.WriteStream.Type", "BUFFERED", 3},
      {"google.cloud.bigquery.storage.v1.WriteStream.WriteMode", "INSERT", 1},
      {"google.cloud.bigquery.storage.v1.WriteStreamView", "BASIC", 1},
      {"google.cloud.bigquery.storage.v1.WriteStreamView", "FULL", 2},
      {"google.cloud.bigquery.storage.v1.AppendRowsRequest."
       "MissingValueInterpretation",
       "NULL_VALUE", 1},
      {"google.cloud.bigquery.storage.v1.AppendRowsRequest."
       "MissingValueInterpretation",
       "DEFAULT_VALUE", 2},
      {"google.cloud.bigquery.storage.v1.RowError.RowErrorCode", "FIELDS_ERROR",
       1},
  };
  for (const EnumValue& v : kValues) {
    const auto* type =
        DescriptorPool::generated_pool()->FindEnumTypeByName(v.enum_type);
    ASSERT_NE(type, nullptr) << v.enum_type;
    const auto* value = type->FindValueByName(v.name);
    ASSERT_NE(value, nullptr) << v.enum_type << "." << v.name;
    EXPECT_EQ(value->number(), v.number) << v.enum_type << "." << v.name;
  }
}

// Every StorageErrorCode of googleapis, in number order: clients branch on
// these numbers (e.g. OFFSET_ALREADY_EXISTS as success on a retried append).
TEST(WireCompatTest, StorageErrorCodeNumbers) {
  const char* const kNames[] = {
      "STORAGE_ERROR_CODE_UNSPECIFIED",
      "TABLE_NOT_FOUND",
      "STREAM_ALREADY_COMMITTED",
      "STREAM_NOT_FOUND",
      "INVALID_STREAM_TYPE",
      "INVALID_STREAM_STATE",
      "STREAM_FINALIZED",
      "SCHEMA_MISMATCH_EXTRA_FIELDS",
      "OFFSET_ALREADY_EXISTS",
      "OFFSET_OUT_OF_RANGE",
      "CMEK_NOT_PROVIDED",
      "INVALID_CMEK_PROVIDED",
      "CMEK_ENCRYPTION_ERROR",
      "KMS_SERVICE_ERROR",
      "KMS_PERMISSION_DENIED",
  };
  const auto* type = DescriptorPool::generated_pool()->FindEnumTypeByName(
      "google.cloud.bigquery.storage.v1.StorageError.StorageErrorCode");
  ASSERT_NE(type, nullptr);
  EXPECT_EQ(type->value_count(), static_cast<int>(std::size(kNames)));
  for (int number = 0; number < static_cast<int>(std::size(kNames)); ++number) {
    const auto* value = type->FindValueByNumber(number);
    ASSERT_NE(value, nullptr) << number;
    EXPECT_EQ(value->name(), kNames[number]) << number;
  }
}

// ---------------------------------------------------------------------------
// Service: the HTTP/2 paths official clients call, and streaming shape.

TEST(WireCompatTest, BigQueryReadServiceMethods) {
  const auto* service = DescriptorPool::generated_pool()->FindServiceByName(
      "google.cloud.bigquery.storage.v1.BigQueryRead");
  ASSERT_NE(service, nullptr);
  EXPECT_EQ(service->method_count(), 3);

  struct Rpc {
    const char* name;
    const char* path;
    const char* input;
    const char* output;
    bool server_streaming;
  };
  const Rpc kRpcs[] = {
      {"CreateReadSession",
       "/google.cloud.bigquery.storage.v1.BigQueryRead/CreateReadSession",
       "google.cloud.bigquery.storage.v1.CreateReadSessionRequest",
       "google.cloud.bigquery.storage.v1.ReadSession", false},
      {"ReadRows", "/google.cloud.bigquery.storage.v1.BigQueryRead/ReadRows",
       "google.cloud.bigquery.storage.v1.ReadRowsRequest",
       "google.cloud.bigquery.storage.v1.ReadRowsResponse", true},
      {"SplitReadStream",
       "/google.cloud.bigquery.storage.v1.BigQueryRead/SplitReadStream",
       "google.cloud.bigquery.storage.v1.SplitReadStreamRequest",
       "google.cloud.bigquery.storage.v1.SplitReadStreamResponse", false},
  };
  for (const Rpc& rpc : kRpcs) {
    const auto* method = service->FindMethodByName(rpc.name);
    ASSERT_NE(method, nullptr) << rpc.name;
    // gRPC's path is "/" + service full name + "/" + method name.
    EXPECT_EQ("/" + service->full_name() + "/" + method->name(), rpc.path);
    EXPECT_EQ(method->input_type()->full_name(), rpc.input);
    EXPECT_EQ(method->output_type()->full_name(), rpc.output);
    EXPECT_FALSE(method->client_streaming()) << rpc.name;
    EXPECT_EQ(method->server_streaming(), rpc.server_streaming) << rpc.name;
  }
}

TEST(WireCompatTest, WriteServiceMethods) {
  const auto* service = DescriptorPool::generated_pool()->FindServiceByName(
      "google.cloud.bigquery.storage.v1.BigQueryWrite");
  ASSERT_NE(service, nullptr);
  EXPECT_EQ(service->method_count(), 6);
  struct Rpc {
    const char* name;
    const char* input;
    const char* output;
    bool streaming;  // both ways: AppendRows is the only bidi RPC
  };
  constexpr char kPackage[] = "google.cloud.bigquery.storage.v1.";
  const Rpc kRpcs[] = {
      {"CreateWriteStream", "CreateWriteStreamRequest", "WriteStream", false},
      {"AppendRows", "AppendRowsRequest", "AppendRowsResponse", true},
      {"GetWriteStream", "GetWriteStreamRequest", "WriteStream", false},
      {"FinalizeWriteStream", "FinalizeWriteStreamRequest",
       "FinalizeWriteStreamResponse", false},
      {"BatchCommitWriteStreams", "BatchCommitWriteStreamsRequest",
       "BatchCommitWriteStreamsResponse", false},
      {"FlushRows", "FlushRowsRequest", "FlushRowsResponse", false},
  };
  for (const Rpc& rpc : kRpcs) {
    const auto* method = service->FindMethodByName(rpc.name);
    ASSERT_NE(method, nullptr) << rpc.name;
    EXPECT_EQ("/" + service->full_name() + "/" + method->name(),
              std::string("/google.cloud.bigquery.storage.v1.BigQueryWrite/") +
                  rpc.name);
    EXPECT_EQ(method->input_type()->full_name(),
              std::string(kPackage) + rpc.input);
    EXPECT_EQ(method->output_type()->full_name(),
              std::string(kPackage) + rpc.output);
    EXPECT_EQ(method->client_streaming(), rpc.streaming) << rpc.name;
    EXPECT_EQ(method->server_streaming(), rpc.streaming) << rpc.name;
  }
}

// The gRPC plugin gives a server-streaming RPC a ClientReader on the sync
// stub; a unary one returns grpc::Status.
static_assert(
    std::is_same<
        decltype(std::declval<bqs::BigQueryRead::Stub&>().ReadRows(
            std::declval<grpc::ClientContext*>(),
            std::declval<const bqs::ReadRowsRequest&>())),
        std::unique_ptr<grpc::ClientReader<bqs::ReadRowsResponse>>>::value,
    "ReadRows must be server streaming");
static_assert(
    std::is_same<
        decltype(std::declval<bqs::BigQueryRead::Stub&>().SplitReadStream(
            std::declval<grpc::ClientContext*>(),
            std::declval<const bqs::SplitReadStreamRequest&>(),
            std::declval<bqs::SplitReadStreamResponse*>())),
        grpc::Status>::value,
    "SplitReadStream must be unary");
static_assert(
    std::is_same<decltype(std::declval<bqs::BigQueryWrite::Stub&>().AppendRows(
                     std::declval<grpc::ClientContext*>())),
                 std::unique_ptr<grpc::ClientReaderWriter<
                     bqs::AppendRowsRequest, bqs::AppendRowsResponse>>>::value,
    "AppendRows must be bidirectional streaming");

// ---------------------------------------------------------------------------
// CreateReadSession.

TEST(WireCompatTest, CreateReadSessionRequestAvro) {
  const std::string wire = Fields({
      BytesField(1, "projects/my-project"),  // parent
      MessageField(
          2,  // read_session
          {
              VarintField(3, 1),      // data_format = AVRO
              BytesField(6, kTable),  // table
              MessageField(8,         // read_options
                           {
                               BytesField(1, "id"),      // selected_fields
                               BytesField(1, "name"),    // selected_fields
                               BytesField(2, "id > 5"),  // row_restriction
                           }),
          }),
      VarintField(3, 4),  // max_stream_count
      VarintField(4, 2),  // preferred_min_stream_count
  });

  bqs::CreateReadSessionRequest built;
  built.set_parent("projects/my-project");
  bqs::ReadSession* session = built.mutable_read_session();
  session->set_data_format(bqs::AVRO);
  session->set_table(kTable);
  session->mutable_read_options()->add_selected_fields("id");
  session->mutable_read_options()->add_selected_fields("name");
  session->mutable_read_options()->set_row_restriction("id > 5");
  built.set_max_stream_count(4);
  built.set_preferred_min_stream_count(2);

  bqs::CreateReadSessionRequest parsed;
  ASSERT_TRUE(WireCompatible(wire, built, &parsed));
  EXPECT_EQ(parsed.parent(), "projects/my-project");
  EXPECT_EQ(parsed.read_session().data_format(), bqs::AVRO);
  EXPECT_EQ(parsed.read_session().table(), kTable);
  ASSERT_EQ(parsed.read_session().read_options().selected_fields_size(), 2);
  EXPECT_EQ(parsed.read_session().read_options().selected_fields(1), "name");
  EXPECT_EQ(parsed.read_session().read_options().row_restriction(), "id > 5");
  EXPECT_EQ(parsed.max_stream_count(), 4);
  EXPECT_EQ(parsed.preferred_min_stream_count(), 2);
}

TEST(WireCompatTest, CreateReadSessionRequestArrowOptions) {
  const std::string wire = Fields({
      BytesField(1, "projects/my-project"),  // parent
      MessageField(
          2,  // read_session
          {
              VarintField(3, 2),      // data_format = ARROW
              BytesField(6, kTable),  // table
              MessageField(7,         // table_modifiers
                           {MessageField(1, {VarintField(1, 1700000000)})}),
              MessageField(
                  8,  // read_options
                  {
                      MessageField(3,  // arrow_serialization_options
                                   {
                                       VarintField(2, 1),  // LZ4_FRAME
                                       VarintField(3, 2),  // NANOS precision
                                   }),
                      DoubleField(5, 12.5),  // sample_percentage
                      VarintField(6, 2),     // response_compression_codec LZ4
                  }),
              BytesField(13, "job-42"),  // trace_id
          }),
  });

  bqs::CreateReadSessionRequest built;
  built.set_parent("projects/my-project");
  bqs::ReadSession* session = built.mutable_read_session();
  session->set_data_format(bqs::ARROW);
  session->set_table(kTable);
  session->mutable_table_modifiers()->mutable_snapshot_time()->set_seconds(
      1700000000);
  bqs::ReadSession::TableReadOptions* options = session->mutable_read_options();
  options->mutable_arrow_serialization_options()->set_buffer_compression(
      bqs::ArrowSerializationOptions::LZ4_FRAME);
  options->mutable_arrow_serialization_options()->set_picos_timestamp_precision(
      bqs::ArrowSerializationOptions::TIMESTAMP_PRECISION_NANOS);
  options->set_sample_percentage(12.5);
  options->set_response_compression_codec(
      bqs::ReadSession::TableReadOptions::RESPONSE_COMPRESSION_CODEC_LZ4);
  session->set_trace_id("job-42");

  bqs::CreateReadSessionRequest parsed;
  ASSERT_TRUE(WireCompatible(wire, built, &parsed));
  const auto& parsed_options = parsed.read_session().read_options();
  EXPECT_EQ(parsed_options.output_format_serialization_options_case(),
            bqs::ReadSession::TableReadOptions::kArrowSerializationOptions);
  EXPECT_TRUE(parsed_options.has_sample_percentage());
  EXPECT_DOUBLE_EQ(parsed_options.sample_percentage(), 12.5);
  EXPECT_TRUE(parsed_options.has_response_compression_codec());
  EXPECT_EQ(parsed.read_session().table_modifiers().snapshot_time().seconds(),
            1700000000);
}

TEST(WireCompatTest, ReadSessionAsReturned) {
  const std::string wire = Fields({
      BytesField(1, kSession),  // name
      MessageField(2,           // expire_time
                   {
                       VarintField(1, 1700000000),  // seconds
                       VarintField(2, 5),           // nanos
                   }),
      VarintField(3, 1),                                  // data_format AVRO
      MessageField(4, {BytesField(1, kAvroSchemaJson)}),  // avro_schema
      BytesField(6, kTable),                              // table
      MessageField(10, {BytesField(1, kStream0)}),        // streams[0]
      MessageField(10, {BytesField(1, kStream1)}),        // streams[1]
      VarintField(12, 4096),     // estimated_total_bytes_scanned
      BytesField(13, "job-42"),  // trace_id
      VarintField(14, 1000),     // estimated_row_count
      VarintField(15, 8192),     // estimated_total_physical_file_size
  });

  bqs::ReadSession built;
  built.set_name(kSession);
  built.mutable_expire_time()->set_seconds(1700000000);
  built.mutable_expire_time()->set_nanos(5);
  built.set_data_format(bqs::AVRO);
  built.mutable_avro_schema()->set_schema(kAvroSchemaJson);
  built.set_table(kTable);
  built.add_streams()->set_name(kStream0);
  built.add_streams()->set_name(kStream1);
  built.set_estimated_total_bytes_scanned(4096);
  built.set_trace_id("job-42");
  built.set_estimated_row_count(1000);
  built.set_estimated_total_physical_file_size(8192);

  bqs::ReadSession parsed;
  ASSERT_TRUE(WireCompatible(wire, built, &parsed));
  EXPECT_EQ(parsed.name(), kSession);
  EXPECT_EQ(parsed.expire_time().seconds(), 1700000000);
  EXPECT_EQ(parsed.expire_time().nanos(), 5);
  EXPECT_EQ(parsed.schema_case(), bqs::ReadSession::kAvroSchema);
  EXPECT_EQ(parsed.avro_schema().schema(), kAvroSchemaJson);
  ASSERT_EQ(parsed.streams_size(), 2);
  EXPECT_EQ(parsed.streams(1).name(), kStream1);
  EXPECT_EQ(parsed.estimated_row_count(), 1000);
  EXPECT_EQ(parsed.estimated_total_bytes_scanned(), 4096);
  EXPECT_EQ(parsed.estimated_total_physical_file_size(), 8192);
}

// ---------------------------------------------------------------------------
// ReadRows.

TEST(WireCompatTest, ReadRowsRequest) {
  // Fully literal: 0a = field 1 length-delimited, 10 = field 2 varint,
  // 96 01 = 150.
  EXPECT_EQ(Hex(Fields({BytesField(1, "s"), VarintField(2, 150)})),
            "0a 01 73 10 96 01");

  const std::string wire = Fields({
      BytesField(1, kStream0),  // read_stream
      VarintField(2, 150),      // offset
  });
  bqs::ReadRowsRequest built;
  built.set_read_stream(kStream0);
  built.set_offset(150);

  bqs::ReadRowsRequest parsed;
  ASSERT_TRUE(WireCompatible(wire, built, &parsed));
  EXPECT_EQ(parsed.read_stream(), kStream0);
  EXPECT_EQ(parsed.offset(), 150);
}

TEST(WireCompatTest, ReadRowsResponseAvro) {
  // Avro block bytes including NUL and 0xff, to prove `bytes` is not text.
  const std::string rows("\x02\x00\xff\x10", 4);
  const std::string wire = Fields({
      MessageField(2,                // stats
                   {MessageField(2,  // progress
                                 {
                                     DoubleField(1, 0.25),  // at_response_start
                                     DoubleField(2, 0.5),   // at_response_end
                                 })}),
      MessageField(3, {BytesField(1, rows)}),             // avro_rows
      MessageField(5, {VarintField(1, 10)}),              // throttle_state
      VarintField(6, 3),                                  // row_count
      MessageField(7, {BytesField(1, kAvroSchemaJson)}),  // avro_schema
  });

  bqs::ReadRowsResponse built;
  built.mutable_stats()->mutable_progress()->set_at_response_start(0.25);
  built.mutable_stats()->mutable_progress()->set_at_response_end(0.5);
  built.mutable_avro_rows()->set_serialized_binary_rows(rows);
  built.mutable_throttle_state()->set_throttle_percent(10);
  built.set_row_count(3);
  built.mutable_avro_schema()->set_schema(kAvroSchemaJson);

  bqs::ReadRowsResponse parsed;
  ASSERT_TRUE(WireCompatible(wire, built, &parsed));
  EXPECT_EQ(parsed.rows_case(), bqs::ReadRowsResponse::kAvroRows);
  EXPECT_EQ(parsed.avro_rows().serialized_binary_rows(), rows);
  EXPECT_EQ(parsed.row_count(), 3);
  EXPECT_DOUBLE_EQ(parsed.stats().progress().at_response_start(), 0.25);
  EXPECT_DOUBLE_EQ(parsed.stats().progress().at_response_end(), 0.5);
  EXPECT_EQ(parsed.throttle_state().throttle_percent(), 10);
  EXPECT_EQ(parsed.schema_case(), bqs::ReadRowsResponse::kAvroSchema);
  EXPECT_FALSE(parsed.has_uncompressed_byte_size());
}

TEST(WireCompatTest, ReadRowsResponseArrow) {
  const std::string batch("\xff\xff\xff\xff\x00\x01", 6);
  const std::string schema("\xff\xff\xff\xff\x10\x00", 6);
  const std::string wire = Fields({
      MessageField(2,                // stats
                   {MessageField(2,  // progress
                                 {
                                     DoubleField(1, 0.5),  // at_response_start
                                     DoubleField(2, 1.0),  // at_response_end
                                 })}),
      MessageField(4, {BytesField(1, batch)}),   // arrow_record_batch
      VarintField(6, 2),                         // row_count
      MessageField(8, {BytesField(1, schema)}),  // arrow_schema
      VarintField(9, -1),  // uncompressed_byte_size: not compressed
  });

  bqs::ReadRowsResponse built;
  built.mutable_stats()->mutable_progress()->set_at_response_start(0.5);
  built.mutable_stats()->mutable_progress()->set_at_response_end(1.0);
  built.mutable_arrow_record_batch()->set_serialized_record_batch(batch);
  built.set_row_count(2);
  built.mutable_arrow_schema()->set_serialized_schema(schema);
  built.set_uncompressed_byte_size(-1);

  bqs::ReadRowsResponse parsed;
  ASSERT_TRUE(WireCompatible(wire, built, &parsed));
  EXPECT_EQ(parsed.rows_case(), bqs::ReadRowsResponse::kArrowRecordBatch);
  EXPECT_EQ(parsed.arrow_record_batch().serialized_record_batch(), batch);
  EXPECT_EQ(parsed.schema_case(), bqs::ReadRowsResponse::kArrowSchema);
  EXPECT_EQ(parsed.arrow_schema().serialized_schema(), schema);
  ASSERT_TRUE(parsed.has_uncompressed_byte_size());
  EXPECT_EQ(parsed.uncompressed_byte_size(), -1);
}

// uncompressed_byte_size is proto3 `optional`: an explicit 0 is still sent,
// unlike a plain proto3 scalar.
TEST(WireCompatTest, ReadRowsResponseOptionalZeroIsSent) {
  bqs::ReadRowsResponse built;
  built.set_uncompressed_byte_size(0);
  EXPECT_EQ(Hex(SerializeDeterministic(built)), "48 00");

  bqs::ReadRowsResponse parsed;
  ASSERT_TRUE(WireCompatible(VarintField(9, 0), built, &parsed));
  EXPECT_TRUE(parsed.has_uncompressed_byte_size());
}

// ---------------------------------------------------------------------------
// SplitReadStream.

TEST(WireCompatTest, SplitReadStreamRequest) {
  const std::string wire = Fields({
      BytesField(1, kStream0),  // name
      DoubleField(2, 0.5),      // fraction
  });
  bqs::SplitReadStreamRequest built;
  built.set_name(kStream0);
  built.set_fraction(0.5);

  bqs::SplitReadStreamRequest parsed;
  ASSERT_TRUE(WireCompatible(wire, built, &parsed));
  EXPECT_EQ(parsed.name(), kStream0);
  EXPECT_DOUBLE_EQ(parsed.fraction(), 0.5);
}

TEST(WireCompatTest, SplitReadStreamResponse) {
  const std::string wire = Fields({
      MessageField(1, {BytesField(1, kStream0)}),  // primary_stream
      MessageField(2, {BytesField(1, kStream1)}),  // remainder_stream
  });
  bqs::SplitReadStreamResponse built;
  built.mutable_primary_stream()->set_name(kStream0);
  built.mutable_remainder_stream()->set_name(kStream1);

  bqs::SplitReadStreamResponse parsed;
  ASSERT_TRUE(WireCompatible(wire, built, &parsed));
  EXPECT_EQ(parsed.primary_stream().name(), kStream0);
  EXPECT_EQ(parsed.remainder_stream().name(), kStream1);
}

// ---------------------------------------------------------------------------
// The Write API.

constexpr char kWriteStream[] = "projects/p/datasets/d/tables/t/streams/s1";

TEST(WireCompatTest, CreateWriteStreamRequest) {
  const std::string wire = Fields({
      BytesField(1, kTable),                 // parent
      MessageField(2, {VarintField(2, 2)}),  // write_stream.type = PENDING
  });
  bqs::CreateWriteStreamRequest built;
  built.set_parent(kTable);
  built.mutable_write_stream()->set_type(bqs::WriteStream::PENDING);

  bqs::CreateWriteStreamRequest parsed;
  ASSERT_TRUE(WireCompatible(wire, built, &parsed));
  EXPECT_EQ(parsed.write_stream().type(), bqs::WriteStream::PENDING);
}

TEST(WireCompatTest, WriteStreamAsReturned) {
  const std::string wire = Fields({
      BytesField(1, kWriteStream),                    // name
      VarintField(2, 3),                              // type = BUFFERED
      MessageField(3, {VarintField(1, 1700000000)}),  // create_time
      MessageField(4, {VarintField(1, 1700000100)}),  // commit_time
      MessageField(5,                                 // table_schema
                   {MessageField(1,                   // fields[0]
                                 {
                                     BytesField(1, "id"),  // name
                                     VarintField(2, 2),    // type = INT64
                                     VarintField(3, 2),    // mode = REQUIRED
                                 })}),
      VarintField(7, 1),    // write_mode = INSERT
      BytesField(8, "US"),  // location
  });
  bqs::WriteStream built;
  built.set_name(kWriteStream);
  built.set_type(bqs::WriteStream::BUFFERED);
  built.mutable_create_time()->set_seconds(1700000000);
  built.mutable_commit_time()->set_seconds(1700000100);
  bqs::TableFieldSchema* field = built.mutable_table_schema()->add_fields();
  field->set_name("id");
  field->set_type(bqs::TableFieldSchema::INT64);
  field->set_mode(bqs::TableFieldSchema::REQUIRED);
  built.set_write_mode(bqs::WriteStream::INSERT);
  built.set_location("US");

  bqs::WriteStream parsed;
  ASSERT_TRUE(WireCompatible(wire, built, &parsed));
  EXPECT_EQ(parsed.type(), bqs::WriteStream::BUFFERED);
  EXPECT_EQ(parsed.table_schema().fields(0).name(), "id");
  EXPECT_EQ(parsed.location(), "US");
}

TEST(WireCompatTest, AppendRowsRequestFirstOfConnection) {
  // A writer schema: message Row { optional int64 id = 1; }, as
  // google.protobuf.DescriptorProto (name = 1, field = 2; a field's name = 1,
  // number = 3, label = 4, type = 5).
  const std::string row0 = VarintField(1, 7);
  const std::string row1 = VarintField(1, 8);
  const std::string wire = Fields({
      BytesField(1, kWriteStream),            // write_stream
      MessageField(2, {VarintField(1, 42)}),  // offset (Int64Value)
      MessageField(
          4,  // proto_rows
          {
              MessageField(
                  1,                // writer_schema
                  {MessageField(1,  // proto_descriptor
                                {
                                    BytesField(1, "Row"),
                                    MessageField(2,
                                                 {
                                                     BytesField(1, "id"),
                                                     VarintField(3, 1),
                                                     VarintField(4, 1),
                                                     VarintField(5, 3),
                                                 }),
                                })}),
              MessageField(2,  // rows
                           {BytesField(1, row0), BytesField(1, row1)}),
          }),
      BytesField(6, "forkcheck-writer"),  // trace_id
      // missing_value_interpretations: one map entry {key = 1, value = 2}.
      MessageField(7, {BytesField(1, "note"), VarintField(2, 2)}),
      VarintField(8, 1),  // default_missing_value_interpretation NULL_VALUE
  });

  bqs::AppendRowsRequest built;
  built.set_write_stream(kWriteStream);
  built.mutable_offset()->set_value(42);
  auto* descriptor = built.mutable_proto_rows()
                         ->mutable_writer_schema()
                         ->mutable_proto_descriptor();
  descriptor->set_name("Row");
  auto* id = descriptor->add_field();
  id->set_name("id");
  id->set_number(1);
  id->set_label(google::protobuf::FieldDescriptorProto::LABEL_OPTIONAL);
  id->set_type(google::protobuf::FieldDescriptorProto::TYPE_INT64);
  built.mutable_proto_rows()->mutable_rows()->add_serialized_rows(row0);
  built.mutable_proto_rows()->mutable_rows()->add_serialized_rows(row1);
  built.set_trace_id("forkcheck-writer");
  (*built.mutable_missing_value_interpretations())["note"] =
      bqs::AppendRowsRequest::DEFAULT_VALUE;
  built.set_default_missing_value_interpretation(
      bqs::AppendRowsRequest::NULL_VALUE);

  bqs::AppendRowsRequest parsed;
  ASSERT_TRUE(WireCompatible(wire, built, &parsed));
  EXPECT_EQ(parsed.rows_case(), bqs::AppendRowsRequest::kProtoRows);
  EXPECT_TRUE(parsed.has_offset());
  EXPECT_EQ(parsed.offset().value(), 42);
  ASSERT_EQ(parsed.proto_rows().rows().serialized_rows_size(), 2);
  EXPECT_EQ(parsed.proto_rows().rows().serialized_rows(1), row1);
  EXPECT_EQ(
      parsed.proto_rows().writer_schema().proto_descriptor().field(0).type(),
      google::protobuf::FieldDescriptorProto::TYPE_INT64);
}

// Offset 0 is still sent: Int64Value is a message, so presence is explicit.
TEST(WireCompatTest, AppendRowsRequestOffsetZeroIsSent) {
  bqs::AppendRowsRequest built;
  built.mutable_offset()->set_value(0);
  EXPECT_EQ(Hex(SerializeDeterministic(built)), "12 00");

  bqs::AppendRowsRequest parsed;
  ASSERT_TRUE(WireCompatible(MessageField(2, {}), built, &parsed));
  EXPECT_TRUE(parsed.has_offset());
}

TEST(WireCompatTest, AppendRowsResponseResult) {
  const std::string wire = Fields({
      MessageField(1, {MessageField(1, {VarintField(1, 100)})}),  // offset
      BytesField(5, kWriteStream),  // write_stream
  });
  bqs::AppendRowsResponse built;
  built.mutable_append_result()->mutable_offset()->set_value(100);
  built.set_write_stream(kWriteStream);

  bqs::AppendRowsResponse parsed;
  ASSERT_TRUE(WireCompatible(wire, built, &parsed));
  EXPECT_EQ(parsed.response_case(), bqs::AppendRowsResponse::kAppendResult);
  EXPECT_EQ(parsed.append_result().offset().value(), 100);
}

TEST(WireCompatTest, AppendRowsResponseErrorWithRowErrors) {
  const std::string wire = Fields({
      MessageField(2,  // error (google.rpc.Status)
                   {
                       VarintField(1, 3),  // code INVALID_ARGUMENT
                       BytesField(2, "bad rows"),
                   }),
      MessageField(3,  // updated_schema
                   {MessageField(1, {BytesField(1, "id")})}),
      MessageField(4,  // row_errors[0]
                   {
                       VarintField(1, 1),  // index
                       VarintField(2, 1),  // code FIELDS_ERROR
                       BytesField(3, "missing required field id"),
                   }),
      BytesField(5, kWriteStream),
  });
  bqs::AppendRowsResponse built;
  built.mutable_error()->set_code(3);
  built.mutable_error()->set_message("bad rows");
  built.mutable_updated_schema()->add_fields()->set_name("id");
  bqs::RowError* row_error = built.add_row_errors();
  row_error->set_index(1);
  row_error->set_code(bqs::RowError::FIELDS_ERROR);
  row_error->set_message("missing required field id");
  built.set_write_stream(kWriteStream);

  bqs::AppendRowsResponse parsed;
  ASSERT_TRUE(WireCompatible(wire, built, &parsed));
  EXPECT_EQ(parsed.response_case(), bqs::AppendRowsResponse::kError);
  EXPECT_EQ(parsed.error().code(), 3);
  ASSERT_EQ(parsed.row_errors_size(), 1);
  EXPECT_EQ(parsed.row_errors(0).code(), bqs::RowError::FIELDS_ERROR);
}

TEST(WireCompatTest, GetWriteStreamRequest) {
  const std::string wire = Fields({
      BytesField(1, kWriteStream),  // name
      VarintField(3, 2),            // view = FULL
  });
  bqs::GetWriteStreamRequest built;
  built.set_name(kWriteStream);
  built.set_view(bqs::FULL);

  bqs::GetWriteStreamRequest parsed;
  ASSERT_TRUE(WireCompatible(wire, built, &parsed));
  EXPECT_EQ(parsed.view(), bqs::FULL);
}

TEST(WireCompatTest, FinalizeWriteStream) {
  bqs::FinalizeWriteStreamRequest request;
  request.set_name(kWriteStream);
  bqs::FinalizeWriteStreamRequest parsed_request;
  ASSERT_TRUE(
      WireCompatible(BytesField(1, kWriteStream), request, &parsed_request));

  bqs::FinalizeWriteStreamResponse response;
  response.set_row_count(1000);
  bqs::FinalizeWriteStreamResponse parsed_response;
  ASSERT_TRUE(WireCompatible(VarintField(1, 1000), response, &parsed_response));
  EXPECT_EQ(parsed_response.row_count(), 1000);
}

TEST(WireCompatTest, BatchCommitWriteStreamsRequest) {
  const std::string wire = Fields({
      BytesField(1, kTable),                                       // parent
      BytesField(2, kWriteStream),                                 // streams[0]
      BytesField(2, "projects/p/datasets/d/tables/t/streams/s2"),  // [1]
  });
  bqs::BatchCommitWriteStreamsRequest built;
  built.set_parent(kTable);
  built.add_write_streams(kWriteStream);
  built.add_write_streams("projects/p/datasets/d/tables/t/streams/s2");

  bqs::BatchCommitWriteStreamsRequest parsed;
  ASSERT_TRUE(WireCompatible(wire, built, &parsed));
  EXPECT_EQ(parsed.write_streams_size(), 2);
}

TEST(WireCompatTest, BatchCommitWriteStreamsResponse) {
  const std::string committed_wire =
      MessageField(1, {VarintField(1, 1700000000), VarintField(2, 1000)});
  bqs::BatchCommitWriteStreamsResponse committed;
  committed.mutable_commit_time()->set_seconds(1700000000);
  committed.mutable_commit_time()->set_nanos(1000);
  bqs::BatchCommitWriteStreamsResponse parsed_committed;
  ASSERT_TRUE(WireCompatible(committed_wire, committed, &parsed_committed));
  EXPECT_TRUE(parsed_committed.has_commit_time());

  const std::string failed_wire =
      MessageField(2,  // stream_errors[0] (StorageError)
                   {
                       VarintField(1, 5),  // code INVALID_STREAM_STATE
                       BytesField(2, kWriteStream),
                       BytesField(3, "not finalized"),
                   });
  bqs::BatchCommitWriteStreamsResponse failed;
  bqs::StorageError* error = failed.add_stream_errors();
  error->set_code(bqs::StorageError::INVALID_STREAM_STATE);
  error->set_entity(kWriteStream);
  error->set_error_message("not finalized");
  bqs::BatchCommitWriteStreamsResponse parsed_failed;
  ASSERT_TRUE(WireCompatible(failed_wire, failed, &parsed_failed));
  EXPECT_FALSE(parsed_failed.has_commit_time());
  EXPECT_EQ(parsed_failed.stream_errors(0).code(),
            bqs::StorageError::INVALID_STREAM_STATE);
}

TEST(WireCompatTest, FlushRows) {
  const std::string request_wire = Fields({
      BytesField(1, kWriteStream),            // write_stream
      MessageField(2, {VarintField(1, 99)}),  // offset (Int64Value)
  });
  bqs::FlushRowsRequest request;
  request.set_write_stream(kWriteStream);
  request.mutable_offset()->set_value(99);
  bqs::FlushRowsRequest parsed_request;
  ASSERT_TRUE(WireCompatible(request_wire, request, &parsed_request));
  EXPECT_EQ(parsed_request.offset().value(), 99);

  bqs::FlushRowsResponse response;
  response.set_offset(99);
  bqs::FlushRowsResponse parsed_response;
  ASSERT_TRUE(WireCompatible(VarintField(1, 99), response, &parsed_response));
}

// StorageError travels packed in google.rpc.Status.details (an Any whose
// type_url names it), so its full name is part of the wire format too.
TEST(WireCompatTest, StorageErrorInStatusDetails) {
  const std::string error_wire = Fields({
      VarintField(1, 8),  // code OFFSET_ALREADY_EXISTS
      BytesField(2, kWriteStream),
      BytesField(3, "offset 5 already exists"),
  });
  bqs::StorageError built;
  built.set_code(bqs::StorageError::OFFSET_ALREADY_EXISTS);
  built.set_entity(kWriteStream);
  built.set_error_message("offset 5 already exists");
  bqs::StorageError parsed;
  ASSERT_TRUE(WireCompatible(error_wire, built, &parsed));

  google::rpc::Status status;
  status.add_details()->PackFrom(built);
  EXPECT_EQ(
      status.details(0).type_url(),
      "type.googleapis.com/google.cloud.bigquery.storage.v1.StorageError");
}

}  // namespace
}  // namespace forkcheck
