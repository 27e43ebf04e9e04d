// CreateReadSession latency percentiles against the fake server running as
// its own process (as the harness runs it), over TCP on 127.0.0.1. See
// bench/README.md for how to run it and read it.
//
//   BM_CreateReadSession/shared_channel/real_time/threads:N
//       N threads share one channel (one connection)
//   BM_CreateReadSession/channel_per_thread/real_time/threads:N
//       each thread has its own channel in a local subchannel pool, so its
//       own connection
//
// Every thread calls CreateReadSession (table `small`, max_stream_count 4)
// through the reference client in a loop: one benchmark iteration is one
// call per thread. Each run's latencies go to one LatencyHistogram, whose
// percentiles are the counters p50_us, p90_us, p99_us, p999_us and max_us;
// calls_per_second is the calls of all threads over the run's wall time.
//
// --histogram_out=PATH also writes, for each benchmark, the histogram of all
// its reported repetitions merged (percentiles do not merge; histograms do).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "bench/default_flags.h"
#include "bench/latency_histogram.h"
#include "bench/min_max_statistics.h"
#include "benchmark/benchmark.h"
#include "client/channel_factory.h"
#include "client/reference_reader.h"
#include "common/file_util.h"
#include "dataset/catalogue.h"
#include "fakes/fake_server_process.h"
#include "grpc/grpc.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"
#include "nlohmann/json.hpp"

namespace forkcheck {
namespace {

constexpr char kTable[] = "projects/forkcheck/datasets/synthetic/tables/small";
constexpr int kMaxStreamCount = 4;
constexpr int kThreadCounts[] = {1, 2, 4, 8};
constexpr int kDefaultRepetitions = 5;
// Untimed calls per thread before each run, all threads at once: they open
// the connections and grow the server's thread pool to the concurrency.
constexpr int kWarmUpCallsPerThread = 20;
constexpr auto kConnectTimeout = std::chrono::seconds(10);
constexpr absl::Duration kCallTimeout = absl::Seconds(10);

enum class ChannelMode { kShared, kPerThread };

const char* ChannelModeName(ChannelMode mode) {
  return mode == ChannelMode::kShared ? "shared_channel" : "channel_per_thread";
}

// The name Google Benchmark gives the run (it appends the time type, then
// the thread count). The smoke test checks the two agree.
std::string BenchmarkName(ChannelMode mode, int threads) {
  return absl::StrCat("BM_CreateReadSession/", ChannelModeName(mode),
                      "/real_time/threads:", threads);
}

std::string& ServerBinary() {
  static auto* binary = new std::string;
  return *binary;
}

ReaderOptions CallOptions() {
  ReaderOptions options;
  options.create_session_timeout = kCallTimeout;
  return options;
}

// One benchmark run (one repetition, or one of the first repetition's
// attempts at an iteration count): a fresh fake server, so that no run sees
// the sessions of another (the fake never forgets a session), and fresh
// channels. Set up by SetUpRun on the main thread before the benchmark's
// threads start, torn down by TearDownRun after they have all finished.
struct Run {
  absl::Status status;  // of the set-up; the threads skip the run if not OK
  std::unique_ptr<FakeServerProcess> server;
  std::vector<std::shared_ptr<grpc::Channel>> channels;  // 1, or 1 per thread
  // One per thread, each written only by its thread during the loop and read
  // by thread 0 after the loop's closing barrier.
  std::vector<LatencyHistogram> histograms;
  std::atomic<bool> failed{false};

  const std::shared_ptr<grpc::Channel>& ChannelFor(int thread) const {
    return channels.size() == 1 ? channels[0] : channels[thread];
  }
};

Run*& CurrentRun() {
  static Run* run = nullptr;
  return run;
}

// A session like those timed: OK with 1 to kMaxStreamCount streams.
absl::Status CreateCheckedSession(ReferenceReader& reader) {
  absl::StatusOr<google::cloud::bigquery::storage::v1::ReadSession> session =
      reader.CreateSession(kTable, kMaxStreamCount);
  if (!session.ok()) return session.status();
  if (session->streams_size() < 1 ||
      session->streams_size() > kMaxStreamCount) {
    return absl::InternalError(absl::StrCat(
        "CreateReadSession(", kTable, ", max_stream_count ", kMaxStreamCount,
        ") returned ", session->streams_size(), " streams"));
  }
  return absl::OkStatus();
}

absl::Status StartRun(ChannelMode mode, int threads, Run& run) {
  absl::StatusOr<std::unique_ptr<FakeServerProcess>> server =
      FakeServerProcess::Start({ServerBinary(), {"--listen=127.0.0.1:0"}});
  if (!server.ok()) return server.status();
  run.server = *std::move(server);
  const int channels = mode == ChannelMode::kShared ? 1 : threads;
  for (int i = 0; i < channels; ++i) {
    run.channels.push_back(
        NewChannel(run.server->address(), mode == ChannelMode::kPerThread));
    if (!run.channels.back()->WaitForConnected(
            std::chrono::system_clock::now() + kConnectTimeout)) {
      return absl::DeadlineExceededError(absl::StrCat(
          "channel ", i, " to the fake at ", run.server->address(),
          " did not connect within ", kConnectTimeout.count(), " s"));
    }
  }
  run.histograms.resize(threads);

  std::mutex mu;
  absl::Status warm_up;
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      ReferenceReader reader(run.ChannelFor(t), Catalogue::Default(),
                             CallOptions());
      for (int i = 0; i < kWarmUpCallsPerThread; ++i) {
        absl::Status status = CreateCheckedSession(reader);
        if (!status.ok()) {
          std::lock_guard<std::mutex> lock(mu);
          warm_up.Update(status);
          return;
        }
      }
    });
  }
  for (std::thread& worker : workers) worker.join();
  if (!warm_up.ok()) {
    return absl::Status(warm_up.code(),
                        absl::StrCat("warm-up: ", warm_up.message()));
  }
  return absl::OkStatus();
}

template <ChannelMode kMode>
void SetUpRun(const benchmark::State& state) {
  auto* run = new Run;
  run->status = StartRun(kMode, state.threads(), *run);
  CurrentRun() = run;
}

template <ChannelMode kMode>
void TearDownRun(const benchmark::State& state) {
  std::unique_ptr<Run> run(CurrentRun());
  CurrentRun() = nullptr;
  run->channels.clear();  // close the connections before the server stops
  if (run->server != nullptr) {
    if (absl::Status stopped = run->server->Stop(); !stopped.ok()) {
      std::fprintf(stderr, "%s: %s\n",
                   BenchmarkName(kMode, state.threads()).c_str(),
                   stopped.ToString().c_str());
    }
  }
}

// Each run's merged histogram, by benchmark name, with the per-thread
// iteration count it ran.
struct RecordedRun {
  int64_t iterations = 0;
  LatencyHistogram histogram;
};

std::map<std::string, std::vector<RecordedRun>>& RecordedRuns() {
  static auto* runs = new std::map<std::string, std::vector<RecordedRun>>;
  return *runs;
}

void BM_CreateReadSession(benchmark::State& state, ChannelMode mode) {
  Run& run = *CurrentRun();
  if (!run.status.ok()) state.SkipWithError(run.status.ToString().c_str());
  std::unique_ptr<ReferenceReader> reader;
  LatencyHistogram* histogram = nullptr;
  if (run.status.ok()) {
    reader =
        std::make_unique<ReferenceReader>(run.ChannelFor(state.thread_index()),
                                          Catalogue::Default(), CallOptions());
    histogram = &run.histograms[state.thread_index()];
  }
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    absl::StatusOr<google::cloud::bigquery::storage::v1::ReadSession> session =
        reader->CreateSession(kTable, kMaxStreamCount);
    const auto stop = std::chrono::steady_clock::now();
    if (!session.ok()) {
      run.failed = true;
      state.SkipWithError(
          absl::StrCat("CreateReadSession: ", session.status().ToString())
              .c_str());
      break;
    }
    histogram->Add(
        std::chrono::duration_cast<std::chrono::nanoseconds>(stop - start)
            .count());
  }
  // Past the loop's closing barrier every thread has stopped adding.
  if (state.thread_index() != 0 || !run.status.ok() || run.failed) return;
  LatencyHistogram merged;
  for (const LatencyHistogram& h : run.histograms) merged.Merge(h);
  state.counters["p50_us"] = merged.Percentile(50) / 1e3;
  state.counters["p90_us"] = merged.Percentile(90) / 1e3;
  state.counters["p99_us"] = merged.Percentile(99) / 1e3;
  state.counters["p999_us"] = merged.Percentile(99.9) / 1e3;
  state.counters["max_us"] = merged.Max() / 1e3;
  // All threads' calls over the run's wall time (kIsRate divides by the
  // real time, the benchmarks using real time).
  state.counters["calls_per_second"] = benchmark::Counter(
      static_cast<double>(merged.Count()), benchmark::Counter::kIsRate);
  RecordedRuns()[BenchmarkName(mode, state.threads())].push_back(
      {static_cast<int64_t>(state.iterations()), std::move(merged)});
}

void RegisterBenchmarks() {
  for (ChannelMode mode : {ChannelMode::kShared, ChannelMode::kPerThread}) {
    benchmark::internal::Benchmark* benchmark = benchmark::RegisterBenchmark(
        absl::StrCat("BM_CreateReadSession/", ChannelModeName(mode)).c_str(),
        BM_CreateReadSession, mode);
    AddMinMaxStatistics(benchmark)->UseRealTime()->Unit(
        benchmark::kMicrosecond);
    if (mode == ChannelMode::kShared) {
      benchmark->Setup(SetUpRun<ChannelMode::kShared>)
          ->Teardown(TearDownRun<ChannelMode::kShared>);
    } else {
      benchmark->Setup(SetUpRun<ChannelMode::kPerThread>)
          ->Teardown(TearDownRun<ChannelMode::kPerThread>);
    }
    for (int threads : kThreadCounts) benchmark->Threads(threads);
  }
}

// The histograms of the reported runs merged, per benchmark. Google
// Benchmark runs the first repetition at growing iteration counts until one
// is long enough, reports that one, and runs the other repetitions at that
// count; so the reported runs are those at the largest count recorded.
nlohmann::json MergedHistogramsJson() {
  nlohmann::json benchmarks = nlohmann::json::array();
  for (const auto& [name, runs] : RecordedRuns()) {
    int64_t iterations = 0;
    for (const RecordedRun& run : runs) {
      iterations = std::max(iterations, run.iterations);
    }
    LatencyHistogram merged;
    int repetitions = 0;
    for (const RecordedRun& run : runs) {
      if (run.iterations != iterations) continue;
      merged.Merge(run.histogram);
      ++repetitions;
    }
    benchmarks.push_back({{"name", name},
                          {"repetitions", repetitions},
                          {"iterations_per_thread", iterations},
                          {"p50_us", merged.Percentile(50) / 1e3},
                          {"p90_us", merged.Percentile(90) / 1e3},
                          {"p99_us", merged.Percentile(99) / 1e3},
                          {"p999_us", merged.Percentile(99.9) / 1e3},
                          {"histogram", merged.ToJson()}});
  }
  return nlohmann::json{{"context",
                         {{"grpc_version", grpc::Version()},
                          {"table", kTable},
                          {"max_stream_count", kMaxStreamCount}}},
                        {"benchmarks", std::move(benchmarks)}};
}

}  // namespace
}  // namespace forkcheck

int main(int argc, char** argv) {
  // A line as soon as a repetition ends, also into a file: the main job's
  // progress counts the lines of this log while it runs.
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  // Our one flag, taken out before Google Benchmark sees the rest.
  constexpr absl::string_view kHistogramOut = "--histogram_out=";
  std::string histogram_out;
  std::vector<char*> own_args;
  for (int i = 0; i < argc; ++i) {
    const absl::string_view arg = argv[i];
    if (i > 0 && absl::StartsWith(arg, kHistogramOut)) {
      histogram_out = std::string(arg.substr(kHistogramOut.size()));
      if (histogram_out.empty()) {
        std::fprintf(stderr, "--histogram_out needs a path\n");
        return 1;
      }
    } else if (i > 0 && arg == "--histogram_out") {
      std::fprintf(stderr, "use --histogram_out=PATH\n");
      return 1;
    } else {
      own_args.push_back(argv[i]);
    }
  }
  // Defaults that the command line overrides: percentiles need repetitions
  // for a spread, interleaved so that drift hits every benchmark alike.
  std::vector<std::string> defaults = {
      absl::StrCat("--benchmark_repetitions=", forkcheck::kDefaultRepetitions),
      "--benchmark_enable_random_interleaving=true",
      "--benchmark_display_aggregates_only=true"};
  std::vector<char*> args = forkcheck::WithDefaultFlags(
      static_cast<int>(own_args.size()), own_args.data(), defaults);
  int args_count = static_cast<int>(args.size()) - 1;

  absl::StatusOr<std::string> server = forkcheck::FakeServerBinaryPath(argv[0]);
  if (!server.ok()) {
    std::fprintf(stderr, "%s\n", server.status().ToString().c_str());
    return 1;
  }
  forkcheck::ServerBinary() = *server;

  forkcheck::RegisterBenchmarks();
  benchmark::AddCustomContext("table", forkcheck::kTable);
  benchmark::AddCustomContext("max_stream_count",
                              absl::StrCat(forkcheck::kMaxStreamCount));
  benchmark::AddCustomContext("grpc_version", grpc::Version());
  benchmark::Initialize(&args_count, args.data());
  if (benchmark::ReportUnrecognizedArguments(args_count, args.data())) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();

  if (!histogram_out.empty()) {
    absl::Status written = forkcheck::WriteFileAtomically(
        histogram_out, forkcheck::MergedHistogramsJson().dump(1) + "\n");
    if (!written.ok()) {
      std::fprintf(stderr, "%s\n", written.ToString().c_str());
      return 1;
    }
  }
  return 0;
}
