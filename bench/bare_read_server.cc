#include "bench/bare_read_server.h"

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/grpc_server.h"
#include "google/cloud/bigquery/storage/v1/storage.grpc.pb.h"
#include "grpcpp/impl/rpc_service_method.h"
#include "grpcpp/support/method_handler.h"

namespace forkcheck {
namespace {

namespace bqs = google::cloud::bigquery::storage::v1;

// The fake's own upper bound (fakes/fake_server.cc): below gRPC's default
// 4 MiB receive limit, with room for the other fields.
constexpr int64_t kMaxPayloadBytes = (4 << 20) - (64 << 10);
constexpr char kReadRowsMethod[] =
    "/google.cloud.bigquery.storage.v1.BigQueryRead/ReadRows";

absl::Status ValidateOptions(const BareReadServerOptions& options) {
  if (options.payload_bytes < 1 || options.payload_bytes > kMaxPayloadBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("payload_bytes must be in [1, ", kMaxPayloadBytes,
                     "], got ", options.payload_bytes));
  }
  if (options.rows_per_response < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("rows_per_response must not be negative, got ",
                     options.rows_per_response));
  }
  if (options.distinct_payloads < 1 ||
      options.distinct_payloads * options.payload_bytes > (int64_t{1} << 30)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "distinct_payloads must be at least 1 and hold at most 1 GiB in all, "
        "got ",
        options.distinct_payloads, " of ", options.payload_bytes, " bytes"));
  }
  if (options.responses_per_call < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("responses_per_call must not be negative, got ",
                     options.responses_per_call));
  }
  return absl::OkStatus();
}

// `count` payloads of `bytes` bytes each, all different, and not all one
// byte value, so that nothing on the way can shortcut them.
std::vector<std::shared_ptr<const std::string>> MakePayloads(int64_t count,
                                                             int64_t bytes) {
  std::vector<std::shared_ptr<const std::string>> payloads;
  for (int64_t p = 0; p < count; ++p) {
    auto payload = std::make_shared<std::string>(bytes, '\0');
    for (int64_t i = 0; i < bytes; ++i) {
      (*payload)[i] = static_cast<char>(i * 131 + (i >> 8) + p);
    }
    payloads.push_back(std::move(payload));
  }
  return payloads;
}

grpc::Status ClientGone() {
  return grpc::Status(grpc::StatusCode::CANCELLED,
                      "client went away while rows were being written");
}

// kPrebuilt and kCopy: the generated service, as the fake has it.
class MessageService final : public bqs::BigQueryRead::Service {
 public:
  explicit MessageService(const BareReadServerOptions& options)
      : responses_per_call_(options.responses_per_call),
        copy_(options.write_mode == BareWriteMode::kCopy) {
    for (const auto& payload :
         MakePayloads(options.distinct_payloads, options.payload_bytes)) {
      bqs::ReadRowsResponse& response = responses_.emplace_back();
      *response.mutable_avro_rows()->mutable_serialized_binary_rows() =
          *payload;
      response.set_row_count(options.rows_per_response);
    }
  }

  grpc::Status ReadRows(
      grpc::ServerContext* /*context*/, const bqs::ReadRowsRequest* /*request*/,
      grpc::ServerWriter<bqs::ReadRowsResponse>* writer) override {
    bqs::ReadRowsResponse copy;  // kCopy only
    const size_t distinct = responses_.size();
    for (int64_t i = 0; i < responses_per_call_; ++i) {
      const bqs::ReadRowsResponse& prebuilt = responses_[i % distinct];
      const bqs::ReadRowsResponse* response = &prebuilt;
      if (copy_) {
        copy.set_row_count(prebuilt.row_count());
        copy.mutable_avro_rows()->mutable_serialized_binary_rows()->assign(
            prebuilt.avro_rows().serialized_binary_rows());
        response = &copy;
      }
      if (!writer->Write(*response)) return ClientGone();
    }
    return grpc::Status::OK;
  }

 private:
  const int64_t responses_per_call_;
  const bool copy_;
  // Read-only once built: shared by concurrent calls.
  std::vector<bqs::ReadRowsResponse> responses_;
};

// kBorrow: a ReadRowsResponse already on the wire, as [header][payload]: the
// header holds row_count and the tags and lengths of avro_rows and of its
// serialized_binary_rows, which the payload ends.
struct BorrowedResponse {
  std::string header;
  std::shared_ptr<const std::string> payload;
};

void AppendVarint(uint64_t value, std::string* out) {
  while (value >= 0x80) {
    out->push_back(static_cast<char>((value & 0x7F) | 0x80));
    value >>= 7;
  }
  out->push_back(static_cast<char>(value));
}

int VarintSize(uint64_t value) {
  int size = 1;
  while (value >= 0x80) {
    value >>= 7;
    ++size;
  }
  return size;
}

std::string ResponseHeader(int64_t row_count, int64_t payload_bytes) {
  // Field numbers and wire types of ReadRowsResponse (storage.proto).
  constexpr char kRowCountTag = (6 << 3) | 0;        // row_count, varint
  constexpr char kAvroRowsTag = (3 << 3) | 2;        // avro_rows, LEN
  constexpr char kSerializedRowsTag = (1 << 3) | 2;  // AvroRows field 1
  std::string header;
  header.push_back(kRowCountTag);
  AppendVarint(static_cast<uint64_t>(row_count), &header);
  header.push_back(kAvroRowsTag);
  AppendVarint(1 + VarintSize(payload_bytes) + payload_bytes, &header);
  header.push_back(kSerializedRowsTag);
  AppendVarint(static_cast<uint64_t>(payload_bytes), &header);
  return header;
}

}  // namespace
}  // namespace forkcheck

namespace grpc {

// Serialises a BorrowedResponse into two slices; the payload's is not a
// copy but holds a reference on the payload until gRPC is done with it.
template <>
class SerializationTraits<forkcheck::BorrowedResponse, void> {
 public:
  static Status Serialize(const forkcheck::BorrowedResponse& response,
                          ByteBuffer* buffer, bool* own_buffer) {
    auto* reference = new std::shared_ptr<const std::string>(response.payload);
    Slice slices[2] = {
        Slice(response.header),
        Slice(
            const_cast<char*>(response.payload->data()),
            response.payload->size(),
            [](void* p) {
              delete static_cast<std::shared_ptr<const std::string>*>(p);
            },
            reference)};
    ByteBuffer serialized(slices, 2);
    buffer->Swap(&serialized);
    *own_buffer = true;
    return Status::OK;
  }
  static Status Deserialize(ByteBuffer* /*buffer*/,
                            forkcheck::BorrowedResponse* /*response*/) {
    return Status(StatusCode::UNIMPLEMENTED, "BorrowedResponse is write-only");
  }
};

}  // namespace grpc

namespace forkcheck {
namespace {

// kBorrow: a hand-registered ReadRows (as generated code registers it) whose
// writer takes BorrowedResponse instead of ReadRowsResponse.
class BorrowService final : public grpc::Service {
 public:
  explicit BorrowService(const BareReadServerOptions& options)
      : responses_per_call_(options.responses_per_call) {
    const std::string header =
        ResponseHeader(options.rows_per_response, options.payload_bytes);
    for (auto& payload :
         MakePayloads(options.distinct_payloads, options.payload_bytes)) {
      responses_.push_back(BorrowedResponse{header, std::move(payload)});
    }
    AddMethod(new grpc::internal::RpcServiceMethod(
        kReadRowsMethod, grpc::internal::RpcMethod::SERVER_STREAMING,
        new grpc::internal::ServerStreamingHandler<
            BorrowService, bqs::ReadRowsRequest, BorrowedResponse>(
            [](BorrowService* service, grpc::ServerContext* /*context*/,
               const bqs::ReadRowsRequest* /*request*/,
               grpc::ServerWriter<BorrowedResponse>* writer) {
              return service->ReadRows(writer);
            },
            this)));
  }

 private:
  grpc::Status ReadRows(grpc::ServerWriter<BorrowedResponse>* writer) {
    const size_t distinct = responses_.size();
    for (int64_t i = 0; i < responses_per_call_; ++i) {
      if (!writer->Write(responses_[i % distinct])) return ClientGone();
    }
    return grpc::Status::OK;
  }

  const int64_t responses_per_call_;
  std::vector<BorrowedResponse> responses_;  // read-only once built
};

}  // namespace

absl::StatusOr<std::unique_ptr<BareReadServer>> BareReadServer::Start(
    const BareReadServerOptions& options) {
  if (absl::Status status = ValidateOptions(options); !status.ok()) {
    return status;
  }
  std::unique_ptr<BareReadServer> server(new BareReadServer());
  if (options.write_mode == BareWriteMode::kBorrow) {
    server->service_ = std::make_unique<BorrowService>(options);
  } else {
    server->service_ = std::make_unique<MessageService>(options);
  }
  // Started as FakeServer::Start starts the fake, so that both servers get
  // the same defaults (threads, pollers, message limits).
  auto started =
      StartGrpcServer(server->service_.get(), options.listen_address);
  if (!started.ok()) return started.status();
  server->server_ = std::move(started->server);
  server->address_ = std::move(started->address);
  return server;
}

BareReadServer::~BareReadServer() {
  if (server_ == nullptr) return;
  server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  server_->Wait();
}

std::shared_ptr<grpc::Channel> BareReadServer::InProcessChannel() {
  return server_->InProcessChannel(grpc::ChannelArguments());
}

}  // namespace forkcheck
