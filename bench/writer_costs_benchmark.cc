// What the reference writer (client/reference_writer.h) costs end to end,
// encoding included, writing to the fake's Write service over TCP
// (127.0.0.1), against a ceiling measured alike in the same run: the same
// threads and channels sending pre-encoded requests of the same rows to a
// bare AppendRows server (bench/bare_write_server.h), which parses nothing.
// See bench/README.md, "Writes".
//
//   BM_ReferenceWriter/{shared_channel,channel_per_thread}/.../threads:N
//       each thread writes kRowsPerWrite rows to the fake's _default stream
//       per iteration (one Write: one AppendRows call)
//   BM_BareWriteLoop/{shared_channel,channel_per_thread}/.../threads:N
//       each thread sends the same number of rows per iteration, in requests
//       of the writer's size with the writer's window, to the bare server
//
// shared_channel: the N threads share one channel (one connection);
// channel_per_thread: each has its own (its own connection).
//
// Counters: rows_per_second and appends_per_second (every thread's, over the
// run's wall time); p50_us ... p999_us and max_us, the append latency from
// the threads' merged histogram (bench/latency_histogram.h: from before a
// request's Write to its answer, as the writer sees it); CPU per million
// rows of the whole process (client and the in-process server alike) and of
// the writing threads alone (RUSAGE_THREAD: encoding, the writer's loop and
// gRPC's work on those threads, not gRPC's own threads); the process's peak
// RSS during the run (bench/peak_rss.h), which includes the fake's stored
// rows.
//
// Every run starts fresh servers (the fake keeps every row written) and runs
// a fixed number of writes, kWritesPerRun over its threads, so that its
// memory is bounded.
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "bench/append_rows_pump.h"
#include "bench/default_flags.h"
#include "bench/latency_histogram.h"
#include "bench/mad_statistics.h"
#include "bench/min_max_statistics.h"
#include "bench/peak_rss.h"
#include "bench/server_pair.h"
#include "bench/write_server_pair.h"
#include "benchmark/benchmark.h"
#include "client/reference_writer.h"
#include "grpcpp/grpcpp.h"

namespace forkcheck {
namespace {

constexpr int kThreadCounts[] = {1, 2, 4, 8};
constexpr int kDefaultRepetitions = 5;
// Writes (of every thread) per run: with kRowsPerWrite rows each, about
// 340 MB of rows stored by the fake at the most.
constexpr int kWritesPerRun = 16;
// Rows per Write by default (--rows_per_write=N overrides it): 20 appends
// of the writer's default 500 rows.
constexpr int64_t kDefaultRowsPerWrite = 10000;
constexpr char kRowsPerWriteFlag[] = "--rows_per_write";

int64_t& RowsPerWrite() {
  static int64_t rows = kDefaultRowsPerWrite;
  return rows;
}

enum class ChannelMode { kShared, kPerThread };

const char* ChannelModeName(ChannelMode mode) {
  return mode == ChannelMode::kShared ? "shared_channel" : "channel_per_thread";
}

int64_t CpuMicros(int who) {
  rusage usage{};
  if (getrusage(who, &usage) != 0) return 0;
  const auto micros = [](const timeval& t) {
    return static_cast<int64_t>(t.tv_sec) * 1000000 + t.tv_usec;
  };
  return micros(usage.ru_utime) + micros(usage.ru_stime);
}

// One run: set up by SetUpRun on the main thread before the benchmark's
// threads start, torn down by TearDownRun after they have all finished.
struct Run {
  absl::Status status;  // of the set-up; the threads skip the run if not OK
  std::unique_ptr<WriteServerPair> pair;
  std::vector<std::shared_ptr<grpc::Channel>> channels;  // 1, or 1 per thread
  // Per thread, each written only by its thread before the loop's closing
  // barrier and read by thread 0 after it.
  std::vector<LatencyHistogram> histograms;
  std::vector<int64_t> thread_cpu_start_micros;
  std::vector<int64_t> thread_cpu_end_micros;
  std::vector<int64_t> rows;
  std::vector<int64_t> appends;
  int64_t process_cpu_start_micros = 0;
  absl::Status peak_rss_reset;
  std::atomic<bool> failed{false};

  const std::shared_ptr<grpc::Channel>& ChannelFor(int thread) const {
    return channels.size() == 1 ? channels[0] : channels[thread];
  }
};

Run*& CurrentRun() {
  static Run* run = nullptr;
  return run;
}

WriterOptions DefaultWriterOptions() { return WriterOptions(); }

absl::Status StartRun(ServerKind kind, ChannelMode mode, int threads,
                      Run& run) {
  const WriterOptions writer = DefaultWriterOptions();
  absl::StatusOr<std::unique_ptr<WriteServerPair>> pair =
      WriteServerPair::Start(writer.max_request_bytes, writer.rows_per_append);
  if (!pair.ok()) return pair.status();
  run.pair = *std::move(pair);
  const int channels = mode == ChannelMode::kShared ? 1 : threads;
  for (int i = 0; i < channels; ++i) {
    run.channels.push_back(
        run.pair->NewTcpChannel(kind, mode == ChannelMode::kPerThread));
    if (!run.channels.back()->WaitForConnected(
            std::chrono::system_clock::now() + std::chrono::seconds(10))) {
      return absl::DeadlineExceededError(
          absl::StrCat("channel ", i, " to the ", ServerKindName(kind),
                       " server did not connect within 10 s"));
    }
  }
  run.histograms.resize(threads);
  run.thread_cpu_start_micros.assign(threads, 0);
  run.thread_cpu_end_micros.assign(threads, 0);
  run.rows.assign(threads, 0);
  run.appends.assign(threads, 0);
  run.peak_rss_reset = ResetPeakRss();
  run.process_cpu_start_micros = CpuMicros(RUSAGE_SELF);
  return absl::OkStatus();
}

template <ServerKind kKind, ChannelMode kMode>
void SetUpRun(const benchmark::State& state) {
  auto* run = new Run;
  run->status = StartRun(kKind, kMode, state.threads(), *run);
  CurrentRun() = run;
}

void TearDownRun(const benchmark::State& /*state*/) {
  std::unique_ptr<Run> run(CurrentRun());
  CurrentRun() = nullptr;
  run->channels.clear();  // close the connections before the servers stop
}

// One iteration of one thread: kRowsPerWrite rows, to the fake through the
// reference writer or to the bare server through the pump. Adds the
// appends' latencies to `histogram`.
absl::Status WriteOnce(ServerKind kind, Run& run, int thread,
                       LatencyHistogram& histogram) {
  if (kind == ServerKind::kFake) {
    WriterOptions options = DefaultWriterOptions();
    options.on_append_answered = [&histogram](absl::Duration latency) {
      histogram.Add(absl::ToInt64Nanoseconds(latency));
    };
    ReferenceWriter writer(run.ChannelFor(thread), options);
    const WriteAccount account =
        writer.Write(kWriteBenchTable, run.pair->table_spec(), 0,
                     RowsPerWrite(), WriteStreamKind::kDefault);
    if (!account.ok()) return account.first_error;
    if (account.rows_acknowledged != RowsPerWrite() || account.calls != 1) {
      return absl::InternalError(absl::StrCat(
          "the writer had ", account.rows_acknowledged, " of ", RowsPerWrite(),
          " rows acknowledged over ", account.calls, " calls"));
    }
    run.rows[thread] += account.rows_acknowledged;
    run.appends[thread] += account.appends;
    return absl::OkStatus();
  }
  const PreparedAppends& appends = run.pair->appends();
  PumpOptions options;
  options.requests = (RowsPerWrite() + appends.rows - 1) / appends.rows;
  options.window = DefaultWriterOptions().max_in_flight;
  options.latencies = &histogram;
  auto stub = google::cloud::bigquery::storage::v1::BigQueryWrite::NewStub(
      run.ChannelFor(thread));
  absl::StatusOr<PumpResult> sent = PumpAppendRows(*stub, appends, options);
  if (!sent.ok()) return sent.status();
  run.rows[thread] += sent->rows;
  run.appends[thread] += sent->requests;
  return absl::OkStatus();
}

void BM_Write(benchmark::State& state, ServerKind kind) {
  Run& run = *CurrentRun();
  if (!run.status.ok()) {
    state.SkipWithError(run.status.ToString().c_str());
    return;
  }
  const int thread = state.thread_index();
  LatencyHistogram& histogram = run.histograms[thread];
  run.thread_cpu_start_micros[thread] = CpuMicros(RUSAGE_THREAD);
  for (auto _ : state) {
    absl::Status written = WriteOnce(kind, run, thread, histogram);
    run.thread_cpu_end_micros[thread] = CpuMicros(RUSAGE_THREAD);
    if (!written.ok()) {
      run.failed = true;
      state.SkipWithError(written.ToString().c_str());
      break;
    }
  }
  // Past the loop's closing barrier every thread has stopped writing.
  if (thread != 0 || run.failed) return;
  const int64_t process_cpu =
      CpuMicros(RUSAGE_SELF) - run.process_cpu_start_micros;
  LatencyHistogram merged;
  int64_t rows = 0;
  int64_t appends = 0;
  int64_t thread_cpu = 0;
  for (int t = 0; t < state.threads(); ++t) {
    merged.Merge(run.histograms[t]);
    rows += run.rows[t];
    appends += run.appends[t];
    thread_cpu += run.thread_cpu_end_micros[t] - run.thread_cpu_start_micros[t];
  }
  state.counters["rows_per_second"] = benchmark::Counter(
      static_cast<double>(rows), benchmark::Counter::kIsRate);
  state.counters["appends_per_second"] = benchmark::Counter(
      static_cast<double>(appends), benchmark::Counter::kIsRate);
  state.counters["p50_us"] = merged.Percentile(50) / 1e3;
  state.counters["p90_us"] = merged.Percentile(90) / 1e3;
  state.counters["p99_us"] = merged.Percentile(99) / 1e3;
  state.counters["p999_us"] = merged.Percentile(99.9) / 1e3;
  state.counters["max_us"] = merged.Max() / 1e3;
  if (rows > 0) {
    state.counters["process_cpu_s_per_million_rows"] =
        process_cpu / 1e6 / (rows / 1e6);
    state.counters["writer_thread_cpu_s_per_million_rows"] =
        thread_cpu / 1e6 / (rows / 1e6);
  }
  absl::StatusOr<int64_t> peak = PeakRssKib();
  if (run.peak_rss_reset.ok() && peak.ok()) {
    state.counters["peak_rss_mib"] = *peak / 1024.0;
  }
}

template <ServerKind kKind>
void RegisterFor(ChannelMode mode) {
  for (int threads : kThreadCounts) {
    benchmark::internal::Benchmark* benchmark = benchmark::RegisterBenchmark(
        absl::StrCat(kKind == ServerKind::kFake ? "BM_ReferenceWriter/"
                                                : "BM_BareWriteLoop/",
                     ChannelModeName(mode))
            .c_str(),
        BM_Write, kKind);
    AddMadStatistic(AddMinMaxStatistics(benchmark))
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond)
        ->Iterations(std::max(1, kWritesPerRun / threads))
        ->Threads(threads)
        ->Teardown(TearDownRun);
    if (mode == ChannelMode::kShared) {
      benchmark->Setup(SetUpRun<kKind, ChannelMode::kShared>);
    } else {
      benchmark->Setup(SetUpRun<kKind, ChannelMode::kPerThread>);
    }
  }
}

void RegisterBenchmarks() {
  for (ChannelMode mode : {ChannelMode::kShared, ChannelMode::kPerThread}) {
    RegisterFor<ServerKind::kFake>(mode);
    RegisterFor<ServerKind::kBare>(mode);
  }
}

}  // namespace
}  // namespace forkcheck

int main(int argc, char** argv) {
  // Defaults that the command line overrides: repetitions for a median and
  // a spread, interleaved so that drift hits every benchmark alike.
  std::vector<std::string> defaults = {
      absl::StrCat("--benchmark_repetitions=", forkcheck::kDefaultRepetitions),
      "--benchmark_enable_random_interleaving=true",
      "--benchmark_display_aggregates_only=true"};
  std::vector<char*> args = forkcheck::WithDefaultFlags(argc, argv, defaults);
  int args_count = static_cast<int>(args.size()) - 1;
  if (absl::Status flag = forkcheck::TakePositiveIntFlag(
          forkcheck::kRowsPerWriteFlag, &args_count, args.data(),
          &forkcheck::RowsPerWrite());
      !flag.ok()) {
    std::fprintf(stderr, "writer_costs_benchmark: %s\n",
                 std::string(flag.message()).c_str());
    return 2;
  }

  forkcheck::RegisterBenchmarks();
  const forkcheck::WriterOptions writer;
  benchmark::AddCustomContext("rows_per_write",
                              absl::StrCat(forkcheck::RowsPerWrite()));
  benchmark::AddCustomContext("rows_per_append",
                              absl::StrCat(writer.rows_per_append));
  benchmark::AddCustomContext("max_in_flight",
                              absl::StrCat(writer.max_in_flight));
  benchmark::AddCustomContext("table", forkcheck::kWriteBenchTable);
  benchmark::AddCustomContext("grpc_version", grpc::Version());
  benchmark::Initialize(&args_count, args.data());
  if (benchmark::ReportUnrecognizedArguments(args_count, args.data())) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
