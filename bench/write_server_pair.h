// The fake's Write service and a bare AppendRows server, both reachable in
// process and over TCP (127.0.0.1), and the requests both are sent: what
// fake_vs_bare_write_benchmark and writer_costs_benchmark compare.
//
// The fake keeps every row written for its whole life (fakes/write_store.h),
// so a pair is meant for one benchmark run: start a fresh one per run and
// the memory of the last is returned.
#ifndef FORKCHECK_BENCH_WRITE_SERVER_PAIR_H_
#define FORKCHECK_BENCH_WRITE_SERVER_PAIR_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "bench/append_rows_pump.h"
#include "bench/bare_write_server.h"
#include "bench/server_pair.h"
#include "dataset/catalogue.h"
#include "dataset/table_spec.h"
#include "fakes/fake_server.h"
#include "google/cloud/bigquery/storage/v1/storage.grpc.pb.h"

namespace forkcheck {

// The writable copy of the bench table (fakes/README.md, "Writable tables"),
// and its _default stream, where every benchmark append goes: no offsets,
// so every request after a call's first is the same bytes.
inline constexpr char kWriteBenchTable[] =
    "projects/forkcheck/datasets/writable/tables/fixed_rows";
inline constexpr char kWriteBenchStream[] =
    "projects/forkcheck/datasets/writable/tables/fixed_rows/streams/_default";

class WriteServerPair {
 public:
  using Stub = google::cloud::bigquery::storage::v1::BigQueryWrite::Stub;

  // Starts both servers and encodes the bench table's rows into requests of
  // at most `max_row_bytes` of rows and `max_rows` rows (PrepareAppends),
  // then sends two requests to every (server, transport), checking that
  // both servers answer every one with success (the fake decoded and stored
  // the rows), so that the TCP connections are up before anything is timed.
  static absl::StatusOr<std::unique_ptr<WriteServerPair>> Start(
      int64_t max_row_bytes, int64_t max_rows);

  // One AppendRows call of `options.requests` requests on the pair's own
  // channel to (kind, transport). Thread-safe.
  absl::StatusOr<PumpResult> Append(ServerKind kind, Transport transport,
                                    const PumpOptions& options);

  // A new TCP channel to the server of `kind`; with `own_connection` it
  // shares no connection with other channels (client/channel_factory.h).
  std::shared_ptr<grpc::Channel> NewTcpChannel(ServerKind kind,
                                               bool own_connection) const;

  const PreparedAppends& appends() const { return appends_; }
  // The columns of kWriteBenchTable (the bench table's).
  const TableSpec& table_spec() const { return *spec_; }

 private:
  WriteServerPair() = default;

  std::shared_ptr<const Catalogue> catalogue_;
  const TableSpec* spec_ = nullptr;  // in catalogue_
  PreparedAppends appends_;
  std::unique_ptr<FakeServer> fake_;
  std::unique_ptr<BareWriteServer> bare_;
  std::unique_ptr<Stub> stubs_[2][2];  // [kind][transport]
};

}  // namespace forkcheck

#endif  // FORKCHECK_BENCH_WRITE_SERVER_PAIR_H_
