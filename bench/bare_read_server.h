// The baseline for the fake: a BigQueryRead server whose ReadRows writes one
// prebuilt response a fixed number of times (no session lookup, no encoding,
// no copy), on a grpc::Server built exactly as FakeServer builds its own.
// Diagnostic knobs (used by fake_gap_diagnosis only) add back what the fake
// does per response besides its bookkeeping, or try a zero-copy write.
#ifndef FORKCHECK_BENCH_BARE_READ_SERVER_H_
#define FORKCHECK_BENCH_BARE_READ_SERVER_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/grpcpp.h"

namespace forkcheck {

// How the bare server writes a response's payload.
enum class BareWriteMode {
  // The baseline: writes a prebuilt ReadRowsResponse; gRPC's serialisation
  // copies the payload once.
  kPrebuilt,
  // Copies the payload into a per-call ReadRowsResponse before writing it,
  // as the fake does (fakes/bigquery_read_service.cc, WriteWithPayload).
  kCopy,
  // Writes no message object: a few header bytes and a gRPC slice that
  // borrows the payload, so the server copies no payload byte (what the
  // fake could do with its cached blocks).
  kBorrow,
};

struct BareReadServerOptions {
  // Size of every response's avro_rows.serialized_binary_rows, in bytes
  // (1 to 4 MiB - 64 KiB, as for the fake).
  int64_t payload_bytes = 256 << 10;
  // Value of every response's row_count (>= 0); informative only.
  int64_t rows_per_response = 1024;
  // Responses per ReadRows call (>= 0), whatever the request says.
  int64_t responses_per_call = 256;
  // Diagnostics; the defaults are the bare baseline. The responses cycle
  // through this many distinct prebuilt payloads (>= 1): 1 keeps the payload
  // hot in the CPU caches, as many as the read has responses make every
  // payload byte come from memory, as the fake's cached blocks do.
  int64_t distinct_payloads = 1;
  BareWriteMode write_mode = BareWriteMode::kPrebuilt;
  // As FakeServerOptions::listen_address: "127.0.0.1:0", "host:port",
  // "unix:/path", or "" for in-process channels only.
  std::string listen_address = "127.0.0.1:0";
};

class BareReadServer {
 public:
  // INVALID_ARGUMENT for bad options, UNAVAILABLE if the address cannot be
  // bound.
  static absl::StatusOr<std::unique_ptr<BareReadServer>> Start(
      const BareReadServerOptions& options);

  ~BareReadServer();  // shuts down, cancelling calls still in flight

  // "127.0.0.1:PORT" (the port bound) or "unix:/path"; empty when serving in
  // process only.
  const std::string& address() const { return address_; }

  // A channel to this server that bypasses the network.
  std::shared_ptr<grpc::Channel> InProcessChannel();

 private:
  BareReadServer() = default;

  std::unique_ptr<grpc::Service> service_;
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
};

}  // namespace forkcheck

#endif  // FORKCHECK_BENCH_BARE_READ_SERVER_H_
