#include "bench/server_pair.h"

#include <cstdlib>
#include <utility>

#include "absl/strings/str_cat.h"
#include "bench/bench_catalogue.h"
#include "grpcpp/grpcpp.h"

namespace forkcheck {
namespace {

namespace bqs = google::cloud::bigquery::storage::v1;

// Generous: a whole read takes well under a second when optimised, and a few
// seconds in an unoptimised or sanitised build.
constexpr absl::Duration kCallTimeout = absl::Minutes(2);

absl::Status ValidateOptions(const ServerPairOptions& options) {
  constexpr int64_t kChunkBytes = kBenchRowsPerChunk * kBenchRowBytes;
  if (options.response_bytes <= 0 ||
      options.response_bytes % kBenchRowBytes != 0 ||
      kChunkBytes % options.response_bytes != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "response_bytes must be a multiple of ", kBenchRowBytes,
        " that divides ", kChunkBytes, ", got ", options.response_bytes));
  }
  if (options.bytes_per_read <= 0 ||
      options.bytes_per_read % kChunkBytes != 0 ||
      options.bytes_per_read > kMaxBenchRows * kBenchRowBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "bytes_per_read must be a positive multiple of ", kChunkBytes,
        " and at most ", kMaxBenchRows * kBenchRowBytes, ", got ",
        options.bytes_per_read));
  }
  return absl::OkStatus();
}

absl::Status Annotate(const absl::Status& status, absl::string_view what) {
  return absl::Status(status.code(),
                      absl::StrCat(what, ": ", status.message()));
}

}  // namespace

absl::string_view ServerKindName(ServerKind kind) {
  return kind == ServerKind::kFake ? "fake" : "bare";
}

absl::string_view TransportName(Transport transport) {
  return transport == Transport::kInProcess ? "inproc" : "tcp";
}

BareReadServerOptions BareOptionsFor(const ServerPairOptions& options) {
  BareReadServerOptions bare;
  bare.payload_bytes = options.response_bytes;
  bare.rows_per_response = options.response_bytes / kBenchRowBytes;
  bare.responses_per_call = options.bytes_per_read / options.response_bytes;
  bare.listen_address = "127.0.0.1:0";
  return bare;
}

absl::StatusOr<std::unique_ptr<ServerPair>> ServerPair::Start(
    const ServerPairOptions& options) {
  if (absl::Status status = ValidateOptions(options); !status.ok()) {
    return status;
  }
  const int64_t rows_per_response = options.response_bytes / kBenchRowBytes;
  const int64_t row_count = options.bytes_per_read / kBenchRowBytes;
  std::unique_ptr<ServerPair> pair(new ServerPair(options));

  absl::StatusOr<std::shared_ptr<const Catalogue>> catalogue =
      BenchCatalogue(row_count);
  if (!catalogue.ok()) return catalogue.status();
  FakeServerOptions fake_options;
  fake_options.catalogue = *std::move(catalogue);
  // Both limits give the same blocks for full-size rows; the row limit also
  // keeps the (slightly shorter) first 8192 rows in blocks of the same rows.
  fake_options.rows_per_response = rows_per_response;
  fake_options.bytes_per_response = options.response_bytes;
  fake_options.listen_address = "127.0.0.1:0";
  absl::StatusOr<std::unique_ptr<FakeServer>> fake =
      FakeServer::Start(std::move(fake_options));
  if (!fake.ok()) return Annotate(fake.status(), "starting the fake server");
  pair->fake_ = *std::move(fake);

  absl::StatusOr<std::unique_ptr<BareReadServer>> bare =
      BareReadServer::Start(BareOptionsFor(options));
  if (!bare.ok()) return Annotate(bare.status(), "starting the bare server");
  pair->bare_ = *std::move(bare);

  const auto tcp = [](const std::string& address) {
    return grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  };
  const int fake_index = static_cast<int>(ServerKind::kFake);
  const int bare_index = static_cast<int>(ServerKind::kBare);
  const int inproc_index = static_cast<int>(Transport::kInProcess);
  const int tcp_index = static_cast<int>(Transport::kTcp);
  pair->stubs_[fake_index][inproc_index] =
      bqs::BigQueryRead::NewStub(pair->fake_->InProcessChannel());
  pair->stubs_[fake_index][tcp_index] =
      bqs::BigQueryRead::NewStub(tcp(pair->fake_->address()));
  pair->stubs_[bare_index][inproc_index] =
      bqs::BigQueryRead::NewStub(pair->bare_->InProcessChannel());
  pair->stubs_[bare_index][tcp_index] =
      bqs::BigQueryRead::NewStub(tcp(pair->bare_->address()));

  absl::StatusOr<std::string> stream = CreateSingleStreamSession(
      *pair->stubs_[fake_index][inproc_index], kBenchTableName, kCallTimeout);
  if (!stream.ok()) return stream.status();
  pair->fake_stream_ = *std::move(stream);

  // Warm-up, and a check that the comparison is like for like.
  for (Transport transport : {Transport::kInProcess, Transport::kTcp}) {
    absl::StatusOr<DrainResult> fake_read =
        pair->Read(ServerKind::kFake, transport);
    if (!fake_read.ok()) return fake_read.status();
    absl::StatusOr<DrainResult> bare_read =
        pair->Read(ServerKind::kBare, transport);
    if (!bare_read.ok()) return bare_read.status();
    // The fake's first 8192 rows are 1-2 bytes shorter: allow 0.1%.
    if (fake_read->responses != bare_read->responses ||
        fake_read->rows != bare_read->rows ||
        std::llabs(fake_read->payload_bytes - bare_read->payload_bytes) * 1000 >
            bare_read->payload_bytes) {
      return absl::InternalError(absl::StrCat(
          "fake and bare reads differ over ", TransportName(transport),
          ": fake sent ", fake_read->responses, " responses, ", fake_read->rows,
          " rows, ", fake_read->payload_bytes, " payload bytes; bare sent ",
          bare_read->responses, ", ", bare_read->rows, ", ",
          bare_read->payload_bytes));
    }
  }
  return pair;
}

ServerPair::Stub& ServerPair::StubFor(ServerKind kind, Transport transport) {
  return *stubs_[static_cast<int>(kind)][static_cast<int>(transport)];
}

absl::StatusOr<DrainResult> ServerPair::Read(ServerKind kind,
                                             Transport transport) {
  // The bare server ignores the stream name; the same request shape keeps
  // the client side identical.
  absl::StatusOr<DrainResult> result =
      DrainReadRows(StubFor(kind, transport), fake_stream_, kCallTimeout);
  if (!result.ok()) {
    return Annotate(result.status(), absl::StrCat(ServerKindName(kind), "/",
                                                  TransportName(transport)));
  }
  return result;
}

}  // namespace forkcheck
