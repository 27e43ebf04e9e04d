// Throughput of the fake's AppendRows (fakes/append_rows_reactor.h: every
// row decoded with the writer schema, checked against the table and stored)
// against a bare AppendRows server that answers each request without
// parsing it, with the same pre-encoded requests, in process and over TCP
// (127.0.0.1). See bench/README.md, "Writes".
//
//   BM_AppendRows/{fake,bare}/{inproc,tcp}/SIZE  one AppendRows call per
//       iteration, kRowBytesPerCall of rows in requests of SIZE
//   BM_FakeOverBareWrite/{inproc,tcp}/SIZE  one fake and one bare call per
//       iteration, alternating which goes first, so machine noise hits
//       both; counters fake_bytes_per_second, bare_bytes_per_second and
//       fake_over_bare
//
// SIZE bounds the serialized rows of a request (the rows' payload; the
// request adds a few bytes of framing per row). Every call keeps at most
// kWindow requests unanswered, as the reference writer does by default.
//
// The fake keeps every row it is sent (about 1.25 times its serialized
// size in memory), so each run starts a fresh server pair and runs a fixed
// number of iterations: a run's memory is bounded and returned after it.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "bench/append_rows_pump.h"
#include "bench/default_flags.h"
#include "bench/mad_statistics.h"
#include "bench/min_max_statistics.h"
#include "bench/write_server_pair.h"
#include "benchmark/benchmark.h"
#include "grpcpp/grpcpp.h"

namespace forkcheck {
namespace {

constexpr int64_t kRequestSizes[] = {64 << 10, 1 << 20};
// Rows' bytes per AppendRows call: large enough that opening the call and
// the fake's schema build are noise, small enough that a run's rows fit in
// memory comfortably. --row_bytes_per_call=N overrides it (the smoke test
// makes it small).
constexpr int64_t kDefaultRowBytesPerCall = 16 << 20;
constexpr char kRowBytesPerCallFlag[] = "--row_bytes_per_call";

int64_t& RowBytesPerCall() {
  static int64_t bytes = kDefaultRowBytesPerCall;
  return bytes;
}
constexpr int kIterationsPerRun = 4;
constexpr int kWindow = 4;
constexpr int kDefaultRepetitions = 5;

// A fresh pair for one run; nullptr after reporting the error on `state`.
std::unique_ptr<WriteServerPair> StartPair(int64_t request_bytes,
                                           benchmark::State& state) {
  absl::StatusOr<std::unique_ptr<WriteServerPair>> pair =
      WriteServerPair::Start(request_bytes, /*max_rows=*/request_bytes);
  if (!pair.ok()) {
    state.SkipWithError(pair.status().ToString().c_str());
    return nullptr;
  }
  return *std::move(pair);
}

PumpOptions CallOptions(const WriteServerPair& pair) {
  PumpOptions options;
  options.requests =
      std::max<int64_t>(1, RowBytesPerCall() / pair.appends().row_bytes);
  options.window = kWindow;
  return options;
}

void SetRequestCounters(const WriteServerPair& pair, benchmark::State& state) {
  state.counters["rows_per_request"] = static_cast<double>(pair.appends().rows);
  state.counters["row_bytes_per_request"] =
      static_cast<double>(pair.appends().row_bytes);
}

void BM_AppendRows(benchmark::State& state, ServerKind kind,
                   Transport transport, int64_t request_bytes) {
  std::unique_ptr<WriteServerPair> pair = StartPair(request_bytes, state);
  if (pair == nullptr) return;
  const PumpOptions options = CallOptions(*pair);
  PumpResult total;
  for (auto _ : state) {
    absl::StatusOr<PumpResult> appended =
        pair->Append(kind, transport, options);
    if (!appended.ok()) {
      state.SkipWithError(appended.status().ToString().c_str());
      break;
    }
    total.requests += appended->requests;
    total.rows += appended->rows;
    total.row_bytes += appended->row_bytes;
  }
  state.SetBytesProcessed(total.row_bytes);
  state.SetItemsProcessed(total.rows);
  state.counters["requests_per_second"] = benchmark::Counter(
      static_cast<double>(total.requests), benchmark::Counter::kIsRate);
  SetRequestCounters(*pair, state);
}

void BM_FakeOverBareWrite(benchmark::State& state, Transport transport,
                          int64_t request_bytes) {
  std::unique_ptr<WriteServerPair> pair = StartPair(request_bytes, state);
  if (pair == nullptr) return;
  const PumpOptions options = CallOptions(*pair);
  // [0]: fake, [1]: bare.
  double seconds[2] = {0, 0};
  PumpResult totals[2];
  int64_t iteration = 0;
  for (auto _ : state) {
    for (int turn = 0; turn < 2; ++turn) {
      const int side = static_cast<int>((iteration + turn) % 2);
      const ServerKind kind = side == 0 ? ServerKind::kFake : ServerKind::kBare;
      const auto start = std::chrono::steady_clock::now();
      absl::StatusOr<PumpResult> appended =
          pair->Append(kind, transport, options);
      const auto stop = std::chrono::steady_clock::now();
      if (!appended.ok()) {
        state.SkipWithError(appended.status().ToString().c_str());
        return;
      }
      seconds[side] += std::chrono::duration<double>(stop - start).count();
      totals[side].requests += appended->requests;
      totals[side].rows += appended->rows;
      totals[side].row_bytes += appended->row_bytes;
    }
    ++iteration;
  }
  if (seconds[0] <= 0 || seconds[1] <= 0) return;
  const char* const sides[2] = {"fake", "bare"};
  for (int side = 0; side < 2; ++side) {
    state.counters[absl::StrCat(sides[side], "_bytes_per_second")] =
        benchmark::Counter(totals[side].row_bytes / seconds[side],
                           benchmark::Counter::kDefaults,
                           benchmark::Counter::kIs1024);
    state.counters[absl::StrCat(sides[side], "_rows_per_second")] =
        totals[side].rows / seconds[side];
    state.counters[absl::StrCat(sides[side], "_requests_per_second")] =
        totals[side].requests / seconds[side];
  }
  // Same requests on both sides, so the ratio of the byte rates is the
  // ratio of the row and request rates too.
  state.counters["fake_over_bare"] =
      (totals[0].row_bytes / seconds[0]) / (totals[1].row_bytes / seconds[1]);
  SetRequestCounters(*pair, state);
}

void Configure(benchmark::internal::Benchmark* benchmark) {
  AddMadStatistic(AddMinMaxStatistics(benchmark))
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond)
      ->Iterations(kIterationsPerRun);
}

void RegisterBenchmarks() {
  for (int64_t size : kRequestSizes) {
    for (Transport transport : {Transport::kInProcess, Transport::kTcp}) {
      for (ServerKind kind : {ServerKind::kFake, ServerKind::kBare}) {
        Configure(benchmark::RegisterBenchmark(
            absl::StrCat("BM_AppendRows/", ServerKindName(kind), "/",
                         TransportName(transport), "/", size)
                .c_str(),
            BM_AppendRows, kind, transport, size));
      }
    }
    for (Transport transport : {Transport::kInProcess, Transport::kTcp}) {
      Configure(benchmark::RegisterBenchmark(
          absl::StrCat("BM_FakeOverBareWrite/", TransportName(transport), "/",
                       size)
              .c_str(),
          BM_FakeOverBareWrite, transport, size));
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
  if (absl::Status flag = forkcheck::TakePositiveIntFlag(
          forkcheck::kRowBytesPerCallFlag, &args_count, args.data(),
          &forkcheck::RowBytesPerCall());
      !flag.ok()) {
    std::fprintf(stderr, "fake_vs_bare_write_benchmark: %s\n",
                 std::string(flag.message()).c_str());
    return 2;
  }

  forkcheck::RegisterBenchmarks();
  benchmark::AddCustomContext("row_bytes_per_call",
                              absl::StrCat(forkcheck::RowBytesPerCall()));
  benchmark::AddCustomContext("window", absl::StrCat(forkcheck::kWindow));
  benchmark::AddCustomContext("table", forkcheck::kWriteBenchTable);
  benchmark::AddCustomContext("grpc_version", grpc::Version());
  benchmark::Initialize(&args_count, args.data());
  if (benchmark::ReportUnrecognizedArguments(args_count, args.data())) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
