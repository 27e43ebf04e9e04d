// A fake server and a bare server that serve the same bytes in responses of
// the same size, each reachable in process and over TCP (127.0.0.1), with
// one client stub per (server, transport): what fake_vs_bare_benchmark
// compares.
#ifndef FORKCHECK_BENCH_SERVER_PAIR_H_
#define FORKCHECK_BENCH_SERVER_PAIR_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "bench/bare_read_server.h"
#include "bench/read_rows_drain.h"
#include "fakes/fake_server.h"
#include "google/cloud/bigquery/storage/v1/storage.grpc.pb.h"

namespace forkcheck {

enum class ServerKind { kFake, kBare };
enum class Transport { kInProcess, kTcp };

// "fake", "bare"; "inproc", "tcp": the words in benchmark names.
absl::string_view ServerKindName(ServerKind kind);
absl::string_view TransportName(Transport transport);

struct ServerPairOptions {
  // Payload bytes per response: a multiple of kBenchRowBytes that divides
  // kBenchRowsPerChunk * kBenchRowBytes (4 MiB), e.g. 64 KiB, 256 KiB, 1 MiB.
  int64_t response_bytes = 256 << 10;
  // Payload bytes of one whole read (one stream): a multiple of 4 MiB, at
  // most 256 MiB.
  int64_t bytes_per_read = 64 << 20;
};

// The bare server's options that match `options` (listening on
// 127.0.0.1:0, diagnostic knobs at their baseline defaults). Assumes
// `options` valid (ServerPair::Start checks).
BareReadServerOptions BareOptionsFor(const ServerPairOptions& options);

class ServerPair {
 public:
  // Starts both servers, creates the fake's one-stream session and reads
  // every (server, transport) once, so that the fake's response cache is
  // filled and both TCP connections are up before anything is timed. Fails
  // if the two servers do not send the same number of responses and rows.
  static absl::StatusOr<std::unique_ptr<ServerPair>> Start(
      const ServerPairOptions& options);

  // One whole read (bytes_per_read payload bytes): the fake's stream from
  // offset 0, or one bare ReadRows call. Thread-safe.
  absl::StatusOr<DrainResult> Read(ServerKind kind, Transport transport);

  const ServerPairOptions& options() const { return options_; }

 private:
  using Stub = google::cloud::bigquery::storage::v1::BigQueryRead::Stub;
  explicit ServerPair(const ServerPairOptions& options) : options_(options) {}
  Stub& StubFor(ServerKind kind, Transport transport);

  ServerPairOptions options_;
  std::unique_ptr<FakeServer> fake_;
  std::unique_ptr<BareReadServer> bare_;
  std::string fake_stream_;
  // [kind][transport]
  std::unique_ptr<Stub> stubs_[2][2];
};

}  // namespace forkcheck

#endif  // FORKCHECK_BENCH_SERVER_PAIR_H_
