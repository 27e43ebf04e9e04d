// Where the fake's ReadRows loses throughput against the bare loop: reads,
// interleaved in each iteration, the fake, the bare baseline and the bare
// server with the fake's per-response costs added back one at a time:
//
//   bare_copy       copies a hot (cache-resident) payload into the response
//                   before each write, as the fake's WriteWithPayload does;
//   bare_cold       writes prebuilt responses with distinct payloads, so
//                   that every payload byte comes from memory, as the fake's
//                   cached blocks do (a read is 64 MiB; the L3 is smaller);
//   bare_cold_copy  both: the fake's data movement without its bookkeeping
//                   (session lookup, cache lookup, fault checks);
//   bare_cold_borrow  cold payloads written without any server-side copy
//                   (BareWriteMode::kBorrow): what a zero-copy fake could
//                   reach.
//
// Counters: <variant>_over_bare = variant bytes/s over the bare baseline's.
// Not part of the default benchmark run; see bench/README.md.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "bench/bare_read_server.h"
#include "bench/default_flags.h"
#include "bench/min_max_statistics.h"
#include "bench/read_rows_drain.h"
#include "bench/server_pair.h"
#include "benchmark/benchmark.h"
#include "grpcpp/grpcpp.h"

namespace forkcheck {
namespace {

namespace bqs = google::cloud::bigquery::storage::v1;

constexpr int64_t kResponseSizes[] = {64 << 10, 256 << 10, 1 << 20};
constexpr int64_t kBytesPerRead = 64 << 20;
constexpr absl::Duration kCallTimeout = absl::Minutes(2);

struct Variant {
  const char* name;
  bool cold;
  BareWriteMode write_mode;
};
// [0] and [1] are read through the ServerPair; the others through their own
// bare servers.
constexpr Variant kVariants[] = {
    {"fake", false, BareWriteMode::kPrebuilt},
    {"bare", false, BareWriteMode::kPrebuilt},
    {"bare_copy", false, BareWriteMode::kCopy},
    {"bare_cold", true, BareWriteMode::kPrebuilt},
    {"bare_cold_copy", true, BareWriteMode::kCopy},
    {"bare_cold_borrow", true, BareWriteMode::kBorrow},
};
constexpr int kVariantCount = sizeof(kVariants) / sizeof(kVariants[0]);

struct ServerSet {
  std::unique_ptr<ServerPair> pair;
  std::unique_ptr<BareReadServer> extra[kVariantCount];
  std::unique_ptr<bqs::BigQueryRead::Stub> extra_stubs[kVariantCount][2];

  absl::StatusOr<DrainResult> Read(int variant, Transport transport) {
    if (variant == 0) return pair->Read(ServerKind::kFake, transport);
    if (variant == 1) return pair->Read(ServerKind::kBare, transport);
    return DrainReadRows(*extra_stubs[variant][static_cast<int>(transport)],
                         "bare", kCallTimeout);
  }
};

std::unique_ptr<ServerSet>& CurrentSet() {
  static auto* set = new std::unique_ptr<ServerSet>;
  return *set;
}

absl::StatusOr<ServerSet*> SetFor(int64_t response_bytes) {
  std::unique_ptr<ServerSet>& set = CurrentSet();
  if (set != nullptr && set->pair->options().response_bytes == response_bytes) {
    return set.get();
  }
  set.reset();
  auto fresh = std::make_unique<ServerSet>();
  ServerPairOptions options;
  options.response_bytes = response_bytes;
  options.bytes_per_read = kBytesPerRead;
  absl::StatusOr<std::unique_ptr<ServerPair>> pair = ServerPair::Start(options);
  if (!pair.ok()) return pair.status();
  fresh->pair = *std::move(pair);
  for (int v = 2; v < kVariantCount; ++v) {
    BareReadServerOptions bare = BareOptionsFor(options);
    bare.write_mode = kVariants[v].write_mode;
    if (kVariants[v].cold) bare.distinct_payloads = bare.responses_per_call;
    absl::StatusOr<std::unique_ptr<BareReadServer>> server =
        BareReadServer::Start(bare);
    if (!server.ok()) return server.status();
    fresh->extra[v] = *std::move(server);
    fresh->extra_stubs[v][static_cast<int>(Transport::kInProcess)] =
        bqs::BigQueryRead::NewStub(fresh->extra[v]->InProcessChannel());
    fresh->extra_stubs[v][static_cast<int>(Transport::kTcp)] =
        bqs::BigQueryRead::NewStub(grpc::CreateChannel(
            fresh->extra[v]->address(), grpc::InsecureChannelCredentials()));
    for (Transport transport : {Transport::kInProcess, Transport::kTcp}) {
      absl::StatusOr<DrainResult> warm = fresh->Read(v, transport);
      if (!warm.ok()) return warm.status();
    }
  }
  set = std::move(fresh);
  return set.get();
}

void BM_FakeGap(benchmark::State& state, Transport transport,
                int64_t response_bytes) {
  absl::StatusOr<ServerSet*> set = SetFor(response_bytes);
  if (!set.ok()) {
    state.SkipWithError(set.status().ToString().c_str());
    return;
  }
  double seconds[kVariantCount] = {};
  int64_t bytes[kVariantCount] = {};
  int64_t iteration = 0;
  for (auto _ : state) {
    for (int turn = 0; turn < kVariantCount; ++turn) {
      // Rotate the order so that no variant always follows the same one.
      const int v = static_cast<int>((iteration + turn) % kVariantCount);
      const auto start = std::chrono::steady_clock::now();
      absl::StatusOr<DrainResult> read = (*set)->Read(v, transport);
      const auto stop = std::chrono::steady_clock::now();
      if (!read.ok()) {
        state.SkipWithError(read.status().ToString().c_str());
        return;
      }
      seconds[v] += std::chrono::duration<double>(stop - start).count();
      bytes[v] += read->payload_bytes;
    }
    ++iteration;
  }
  const double bare_rate = bytes[1] / seconds[1];
  for (int v = 0; v < kVariantCount; ++v) {
    const double rate = bytes[v] / seconds[v];
    state.counters[absl::StrCat(kVariants[v].name, "_bytes_per_second")] =
        benchmark::Counter(rate, benchmark::Counter::kDefaults,
                           benchmark::Counter::kIs1024);
    if (v != 1) {
      state.counters[absl::StrCat(kVariants[v].name, "_over_bare")] =
          rate / bare_rate;
    }
  }
}

}  // namespace
}  // namespace forkcheck

int main(int argc, char** argv) {
  for (int64_t size : forkcheck::kResponseSizes) {
    for (forkcheck::Transport transport :
         {forkcheck::Transport::kInProcess, forkcheck::Transport::kTcp}) {
      forkcheck::AddMinMaxStatistics(
          benchmark::RegisterBenchmark(
              absl::StrCat("BM_FakeGap/", forkcheck::TransportName(transport),
                           "/", size)
                  .c_str(),
              forkcheck::BM_FakeGap, transport, size))
          ->UseRealTime()
          ->Unit(benchmark::kMillisecond);
    }
  }
  std::vector<std::string> defaults = {
      "--benchmark_repetitions=3", "--benchmark_min_time=2",
      "--benchmark_display_aggregates_only=true"};
  std::vector<char*> args = forkcheck::WithDefaultFlags(argc, argv, defaults);
  int args_count = static_cast<int>(args.size()) - 1;
  benchmark::Initialize(&args_count, args.data());
  if (benchmark::ReportUnrecognizedArguments(args_count, args.data())) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  forkcheck::CurrentSet().reset();
  return 0;
}
