#include "bench/write_server_pair.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "bench/bench_catalogue.h"
#include "client/channel_factory.h"
#include "grpcpp/grpcpp.h"

namespace forkcheck {
namespace {

namespace bqs = google::cloud::bigquery::storage::v1;

absl::Status Annotate(const absl::Status& status, absl::string_view what) {
  return absl::Status(status.code(),
                      absl::StrCat(what, ": ", status.message()));
}

}  // namespace

absl::StatusOr<std::unique_ptr<WriteServerPair>> WriteServerPair::Start(
    int64_t max_row_bytes, int64_t max_rows) {
  std::unique_ptr<WriteServerPair> pair(new WriteServerPair());
  // The writable copy has the bench table's columns and starts empty; the
  // read table's own rows (one chunk, the least allowed) are never read.
  absl::StatusOr<std::shared_ptr<const Catalogue>> catalogue =
      BenchCatalogue(kBenchRowsPerChunk);
  if (!catalogue.ok()) return catalogue.status();
  pair->catalogue_ = *std::move(catalogue);
  pair->spec_ = pair->catalogue_->Resolve(kBenchTableName);
  if (pair->spec_ == nullptr) {
    return absl::InternalError(
        absl::StrCat("the bench catalogue has no table ", kBenchTableName));
  }
  absl::StatusOr<PreparedAppends> appends =
      PrepareAppends(*pair->spec_, kWriteBenchStream, max_row_bytes, max_rows);
  if (!appends.ok()) return appends.status();
  pair->appends_ = *std::move(appends);

  FakeServerOptions fake_options;
  fake_options.catalogue = pair->catalogue_;
  fake_options.listen_address = "127.0.0.1:0";
  absl::StatusOr<std::unique_ptr<FakeServer>> fake =
      FakeServer::Start(std::move(fake_options));
  if (!fake.ok()) return Annotate(fake.status(), "starting the fake server");
  pair->fake_ = *std::move(fake);
  absl::StatusOr<std::unique_ptr<BareWriteServer>> bare =
      BareWriteServer::Start("127.0.0.1:0", kWriteBenchStream);
  if (!bare.ok()) return Annotate(bare.status(), "starting the bare server");
  pair->bare_ = *std::move(bare);

  for (ServerKind kind : {ServerKind::kFake, ServerKind::kBare}) {
    const int k = static_cast<int>(kind);
    pair->stubs_[k][static_cast<int>(Transport::kInProcess)] =
        bqs::BigQueryWrite::NewStub(kind == ServerKind::kFake
                                        ? pair->fake_->InProcessChannel()
                                        : pair->bare_->InProcessChannel());
    pair->stubs_[k][static_cast<int>(Transport::kTcp)] =
        bqs::BigQueryWrite::NewStub(pair->NewTcpChannel(kind, false));
  }

  PumpOptions warm_up;
  warm_up.requests = 2;
  warm_up.call_timeout = absl::Seconds(30);
  for (ServerKind kind : {ServerKind::kFake, ServerKind::kBare}) {
    for (Transport transport : {Transport::kInProcess, Transport::kTcp}) {
      absl::StatusOr<PumpResult> appended =
          pair->Append(kind, transport, warm_up);
      if (!appended.ok()) return Annotate(appended.status(), "warm-up");
    }
  }
  return pair;
}

absl::StatusOr<PumpResult> WriteServerPair::Append(ServerKind kind,
                                                   Transport transport,
                                                   const PumpOptions& options) {
  absl::StatusOr<PumpResult> result = PumpAppendRows(
      *stubs_[static_cast<int>(kind)][static_cast<int>(transport)], appends_,
      options);
  if (!result.ok()) {
    return Annotate(result.status(), absl::StrCat(ServerKindName(kind), "/",
                                                  TransportName(transport)));
  }
  return result;
}

std::shared_ptr<grpc::Channel> WriteServerPair::NewTcpChannel(
    ServerKind kind, bool own_connection) const {
  return NewChannel(
      kind == ServerKind::kFake ? fake_->address() : bare_->address(),
      own_connection);
}

}  // namespace forkcheck
