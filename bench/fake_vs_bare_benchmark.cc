// Throughput of the fake's ReadRows against a bare gRPC server-streaming
// loop sending the same bytes in responses of the same size, in process and
// over TCP (127.0.0.1). See bench/README.md for how to run it and read it.
//
//   BM_ReadRows/{fake,bare}/{inproc,tcp}/SIZE  one whole read per iteration
//   BM_FakeOverBare/{inproc,tcp}/SIZE          one fake and one bare read per
//       iteration, alternating which goes first, so machine noise hits both;
//       counters fake_bytes_per_second, bare_bytes_per_second, fake_over_bare
//
// SIZE is the payload (avro_rows) bytes per response; every read carries
// kBytesPerRead payload bytes over one stream.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "bench/bench_catalogue.h"
#include "bench/default_flags.h"
#include "bench/min_max_statistics.h"
#include "bench/server_pair.h"
#include "benchmark/benchmark.h"
#include "grpcpp/grpcpp.h"

namespace forkcheck {
namespace {

constexpr int64_t kResponseSizes[] = {64 << 10, 256 << 10, 1 << 20};
// Per read: large enough that per-call costs (and the bare server's missing
// session lookup) are noise, small enough for a run of a few minutes.
constexpr int64_t kBytesPerRead = 64 << 20;
constexpr int kDefaultRepetitions = 5;

// The pair for the response size benchmarked now. One pair at a time: the
// benchmarks run grouped by size, and idle servers would only add noise.
std::unique_ptr<ServerPair>& CurrentPair() {
  static auto* pair = new std::unique_ptr<ServerPair>;
  return *pair;
}

// The pair for `response_bytes`, started (and warmed) if needed; nullptr
// after reporting the error on `state`.
ServerPair* PairFor(int64_t response_bytes, benchmark::State& state) {
  std::unique_ptr<ServerPair>& pair = CurrentPair();
  if (pair == nullptr || pair->options().response_bytes != response_bytes) {
    pair.reset();  // shut the previous pair down before starting the next
    ServerPairOptions options;
    options.response_bytes = response_bytes;
    options.bytes_per_read = kBytesPerRead;
    absl::StatusOr<std::unique_ptr<ServerPair>> started =
        ServerPair::Start(options);
    if (!started.ok()) {
      state.SkipWithError(started.status().ToString().c_str());
      return nullptr;
    }
    pair = *std::move(started);
  }
  return pair.get();
}

void BM_ReadRows(benchmark::State& state, ServerKind kind, Transport transport,
                 int64_t response_bytes) {
  ServerPair* pair = PairFor(response_bytes, state);
  if (pair == nullptr) return;
  int64_t bytes = 0;
  int64_t responses = 0;
  for (auto _ : state) {
    absl::StatusOr<DrainResult> read = pair->Read(kind, transport);
    if (!read.ok()) {
      state.SkipWithError(read.status().ToString().c_str());
      break;
    }
    bytes += read->payload_bytes;
    responses += read->responses;
  }
  state.SetBytesProcessed(bytes);
  state.counters["responses"] = benchmark::Counter(
      static_cast<double>(responses), benchmark::Counter::kAvgIterations);
  state.counters["payload_bytes_per_response"] =
      responses == 0 ? 0.0 : static_cast<double>(bytes) / responses;
}

void BM_FakeOverBare(benchmark::State& state, Transport transport,
                     int64_t response_bytes) {
  ServerPair* pair = PairFor(response_bytes, state);
  if (pair == nullptr) return;
  // [0]: fake, [1]: bare.
  double seconds[2] = {0, 0};
  int64_t bytes[2] = {0, 0};
  int64_t iteration = 0;
  for (auto _ : state) {
    for (int turn = 0; turn < 2; ++turn) {
      const int side = static_cast<int>((iteration + turn) % 2);
      const ServerKind kind = side == 0 ? ServerKind::kFake : ServerKind::kBare;
      const auto start = std::chrono::steady_clock::now();
      absl::StatusOr<DrainResult> read = pair->Read(kind, transport);
      const auto stop = std::chrono::steady_clock::now();
      if (!read.ok()) {
        state.SkipWithError(read.status().ToString().c_str());
        break;
      }
      seconds[side] += std::chrono::duration<double>(stop - start).count();
      bytes[side] += read->payload_bytes;
    }
    ++iteration;
  }
  if (seconds[0] <= 0 || seconds[1] <= 0) return;
  const double fake_rate = bytes[0] / seconds[0];
  const double bare_rate = bytes[1] / seconds[1];
  state.counters["fake_bytes_per_second"] = benchmark::Counter(
      fake_rate, benchmark::Counter::kDefaults, benchmark::Counter::kIs1024);
  state.counters["bare_bytes_per_second"] = benchmark::Counter(
      bare_rate, benchmark::Counter::kDefaults, benchmark::Counter::kIs1024);
  state.counters["fake_over_bare"] = fake_rate / bare_rate;
}

void Configure(benchmark::internal::Benchmark* benchmark) {
  AddMinMaxStatistics(benchmark)->UseRealTime()->Unit(benchmark::kMillisecond);
}

void RegisterBenchmarks() {
  for (int64_t size : kResponseSizes) {
    for (Transport transport : {Transport::kInProcess, Transport::kTcp}) {
      for (ServerKind kind : {ServerKind::kFake, ServerKind::kBare}) {
        Configure(benchmark::RegisterBenchmark(
            absl::StrCat("BM_ReadRows/", ServerKindName(kind), "/",
                         TransportName(transport), "/", size)
                .c_str(),
            BM_ReadRows, kind, transport, size));
      }
    }
    for (Transport transport : {Transport::kInProcess, Transport::kTcp}) {
      Configure(benchmark::RegisterBenchmark(
          absl::StrCat("BM_FakeOverBare/", TransportName(transport), "/", size)
              .c_str(),
          BM_FakeOverBare, transport, size));
    }
  }
}

}  // namespace
}  // namespace forkcheck

int main(int argc, char** argv) {
  // Defaults that the command line overrides: the ratio needs repetitions
  // to have a median and a spread.
  std::vector<std::string> defaults = {
      absl::StrCat("--benchmark_repetitions=", forkcheck::kDefaultRepetitions)};
  std::vector<char*> args = forkcheck::WithDefaultFlags(argc, argv, defaults);
  int args_count = static_cast<int>(args.size()) - 1;

  forkcheck::RegisterBenchmarks();
  benchmark::AddCustomContext("payload_bytes_per_read",
                              absl::StrCat(forkcheck::kBytesPerRead));
  benchmark::AddCustomContext("bench_row_bytes",
                              absl::StrCat(forkcheck::kBenchRowBytes));
  benchmark::AddCustomContext("grpc_version", grpc::Version());
  benchmark::Initialize(&args_count, args.data());
  if (benchmark::ReportUnrecognizedArguments(args_count, args.data())) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  forkcheck::CurrentPair().reset();  // shut the servers down cleanly
  return 0;
}
