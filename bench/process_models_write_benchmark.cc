// What writing costs in each process model (issue 15, item 6), measured on
// the client side, against a bare gRPC bidi-streaming loop of the same
// machine in the same run. See bench/README.md, "Writes across the process
// models".
//
//   BM_ProcessModelWrite/MODEL/workers:N/iterations:1/manual_time
//       one write trial per iteration: the client's testee runs MODEL under
//       the supervisor with N workers, writing every row of --table
//       (medium_20k) to the trial's own writable table of a fake server
//       process started for the trial (the fake keeps what it is sent),
//       each worker its share through a COMMITTED stream in appends of 500
//       rows; the table is then read back and the trial classified as the
//       matrix classifies a write cell's. Time: from just before the parent
//       starts its workers to the last worker's done (rows_per_second: end
//       to end, start-up included; steady_rows_per_second: once writing).
//       Beside the trial processes' CPU, the fake's during the trial. A
//       trial that is not ok skips the benchmark with its outcome. Right
//       after the trial, the bare loop below runs once at N threads:
//       `over_bare` is the trial's rows/s over that run's.
//   BM_BareWriteLoop/workers:N/iterations:1/manual_time
//       the ceiling: N threads of this process, each with its own channel
//       (connected before timing), send what a trial's worker sends (its
//       share of the rows, in requests of the same rows, 500 a request,
//       with the reference writer's window) to a bare AppendRows server
//       process (bench/bare_write_server.h) that parses nothing; pre-encoded
//       requests, no write stream to create, no offsets.
//
// Own flags (before Google Benchmark's): those of process_model_scenarios.h
// that apply to writes (--models=, --clients=, --workers=, --table=,
// --trial_watchdog_ms=, --fake_faults=). Defaults: --table=medium_20k and
// the C++ client's models (--clients=cpp) unless --models or --clients is
// given; only models that write run.
//
// Why a binary of its own rather than process_models_benchmark's: that one
// is the main job's benchmark stage, whose budget and summaries are the
// reads'; a write trial needs a fresh fake per trial and a read-back, and
// its ceiling is another server.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "bench/append_rows_pump.h"
#include "bench/default_flags.h"
#include "bench/latency_histogram.h"
#include "bench/mad_statistics.h"
#include "bench/min_max_statistics.h"
#include "bench/peak_rss.h"
#include "bench/process_model_scenarios.h"
#include "bench/scenario_trials.h"
#include "bench/steady_rate.h"
#include "bench/trial_metrics.h"
#include "benchmark/benchmark.h"
#include "client/reference_writer.h"
#include "common/file_util.h"
#include "common/runfiles.h"
#include "dataset/catalogue.h"
#include "fakes/fake_server_process.h"
#include "grpcpp/grpcpp.h"
#include "matrix/table_read_back.h"
#include "supervisor/outcome_classifier.h"
#include "supervisor/testee.h"
#include "supervisor/trial_runner.h"

namespace forkcheck {
namespace {

namespace bqs = google::cloud::bigquery::storage::v1;
using Clock = std::chrono::steady_clock;

constexpr char kProgram[] = "process_models_write_benchmark";
constexpr int kDefaultRepetitions = 5;
constexpr char kDefaultTable[] = "medium_20k";
// The testee contract's bound on an append (testee.proto, workload).
constexpr int64_t kRowsPerAppend = 500;
// A trial's table read back: a process start and a read of its rows.
constexpr std::chrono::milliseconds kReadBackBound(30000);
constexpr absl::Duration kBareCallTimeout = absl::Seconds(60);
// Flags of process_models_benchmark that mean nothing to a write.
constexpr const char* kReadOnlyFlags[] = {"--sizes", "--testee_table",
                                          "--session_calls_per_trial"};

// Everything the benchmarks share; set up in main before they run.
struct BenchEnvironment {
  BenchSelection selection;
  ScenarioClients clients;
  const TableSpec* rows_of = nullptr;  // the catalogue table written
  std::string fake_binary;
  std::string read_table_binary;
  std::string fake_log;  // the per-trial fakes' stderr
  std::unique_ptr<FakeServerProcess> bare_server;
  // The bare loop's request: rows 0.. of `rows_of`, 500 of them, encoded
  // once (bench/append_rows_pump.h).
  PreparedAppends appends;
  RepetitionFailures failures;
};

BenchEnvironment& Env() {
  static auto* env = new BenchEnvironment;
  return *env;
}

int64_t CpuMicrosOfThisProcess() {
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) != 0) return 0;
  const auto micros = [](const timeval& t) {
    return static_cast<int64_t>(t.tv_sec) * 1000000 + t.tv_usec;
  };
  return micros(usage.ru_utime) + micros(usage.ru_stime);
}

// The CPU time process `pid` (a child of ours, running) has used, from
// /proc/PID/stat (utime and stime, the 14th and 15th fields); nullopt if it
// cannot be read.
std::optional<int64_t> ChildCpuMicros(pid_t pid) {
  absl::StatusOr<std::string> read =
      ReadFile(absl::StrCat("/proc/", pid, "/stat"), "process stat");
  if (!read.ok()) return std::nullopt;
  const std::string& stat = *read;
  // The command name (field 2) may hold spaces: count from after it.
  const size_t name_end = stat.rfind(')');
  if (name_end == std::string::npos) return std::nullopt;
  std::istringstream fields(stat.substr(name_end + 1));
  std::string field;
  int64_t utime = -1, stime = -1;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14 && !absl::SimpleAtoi(field, &utime)) return std::nullopt;
    if (i == 15 && !absl::SimpleAtoi(field, &stime)) return std::nullopt;
  }
  if (utime < 0 || stime < 0) return std::nullopt;
  return (utime + stime) * 1000000 / sysconf(_SC_CLK_TCK);
}

// Worker i's rows of `rows` among `workers`, as runtime/share_writer.h
// splits them.
int64_t ShareRows(int64_t rows, int index, int workers) {
  return (index + 1) * rows / workers - index * rows / workers;
}

// What one run of the writers (a trial's, or the bare loop's) measured.
struct WriteRun {
  int64_t rows = 0;
  std::optional<int64_t> appends;  // unknown if a worker left it out
  int64_t micros = 0;              // the workers' start to the last done
  LatencyHistogram latency;
  bool latency_known = true;
  int64_t cpu_micros = 0;  // every client process (the trial's) or this one
  int64_t peak_rss_kib = -1;
  // Trials only.
  double first_append_ms = 0;  // median over the workers
  // Rows after each worker's first append over the union of the workers'
  // spans from their first append's answer to their done: the rate once
  // writing, start-up (fork or spawn, client, connection, the write
  // stream, the first append) left out.
  SteadyRate steady;
  int64_t worker_peak_rss_kib = -1;
  int64_t parent_peak_rss_kib = -1;
  int64_t wall_micros = 0;
  // The fake's CPU during the trial (its start-up and the read-back left
  // out); -1 if unknown.
  int64_t fake_cpu_micros = -1;
};

// The ceiling once: `workers` threads, thread i sending worker i's share of
// `rows` in the trial's requests (the last one full: a share that is not a
// multiple of 500 rows sends up to 499 rows more, which count).
absl::StatusOr<WriteRun> RunBareLoop(int workers, int64_t rows) {
  const BenchEnvironment& env = Env();
  auto channels = ConnectedBareChannels(env.bare_server->address(), workers);
  if (!channels.ok()) return channels.status();
  std::vector<std::unique_ptr<bqs::BigQueryWrite::Stub>> stubs;
  for (const std::shared_ptr<grpc::Channel>& channel : *channels) {
    stubs.push_back(bqs::BigQueryWrite::NewStub(channel));
  }
  std::vector<absl::Status> errors(workers);
  std::vector<PumpResult> sent(workers);
  std::vector<LatencyHistogram> latencies(workers);
  std::vector<std::thread> threads;
  const absl::Status peak_reset = ResetPeakRss();
  const int64_t cpu_start = CpuMicrosOfThisProcess();
  const auto start = Clock::now();
  for (int i = 0; i < workers; ++i) {
    threads.emplace_back([&, i] {
      PumpOptions options;
      options.requests = std::max<int64_t>(
          1, (ShareRows(rows, i, workers) + env.appends.rows - 1) /
                 env.appends.rows);
      options.window = WriterOptions().max_in_flight;
      options.call_timeout = kBareCallTimeout;
      options.latencies = &latencies[i];
      absl::StatusOr<PumpResult> pumped =
          PumpAppendRows(*stubs[i], env.appends, options);
      if (pumped.ok()) {
        sent[i] = *pumped;
      } else {
        errors[i] = pumped.status();
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  WriteRun run;
  run.micros = std::chrono::duration_cast<std::chrono::microseconds>(
                   Clock::now() - start)
                   .count();
  run.cpu_micros = CpuMicrosOfThisProcess() - cpu_start;
  if (absl::StatusOr<int64_t> peak = PeakRssKib();
      peak_reset.ok() && peak.ok()) {
    run.peak_rss_kib = *peak;
  }
  int64_t appends = 0;
  for (int i = 0; i < workers; ++i) {
    if (!errors[i].ok()) return errors[i];
    run.rows += sent[i].rows;
    appends += sent[i].requests;
    run.latency.Merge(latencies[i]);
  }
  run.appends = appends;
  return run;
}

// The trial's steady rate in rows (SteadyRate's `bytes` are rows here):
// each worker's span opens when its first append is answered, so that
// append's rows (up to 500) are left out of the span's rows.
SteadyRate SteadyRowsOf(const TrialRecord& record) {
  std::vector<ReadSpan> spans;
  for (const TrialRecord::ProcessReport& worker : record.workers) {
    const v1::WorkerResult* result = WorkerResultOf(worker);
    if (result == nullptr || result->rows_received() == 0) continue;
    const int64_t start = result->monotonic_start_micros();
    spans.push_back({start + result->first_row_micros(),
                     start + result->done_micros(),
                     result->rows_received() -
                         std::min(kRowsPerAppend, result->rows_received())});
  }
  return SteadyRateOf(std::move(spans));
}

// Starts a fresh fake for one trial: the fake keeps every row written, so
// one fake for a whole run would grow by about 2 KB a row.
absl::StatusOr<std::unique_ptr<FakeServerProcess>> StartFake() {
  const BenchEnvironment& env = Env();
  FakeServerProcess::Options options;
  options.binary = env.fake_binary;
  options.flags = {"--listen=127.0.0.1:0"};
  if (!env.selection.fake_faults_path.empty()) {
    options.flags.push_back("--faults=" + env.selection.fake_faults_path);
  }
  options.stderr_path = env.fake_log;
  return FakeServerProcess::Start(std::move(options));
}

// Runs one write trial of the benchmark `what` against a fresh fake, reads
// its table back and judges it: what it measured, or why it was not ok
// (ABORTED: its outcome, explained on stderr under `what`).
absl::StatusOr<WriteRun> RunWriteTrial(const std::string& what,
                                       const ResolvedScenario& resolved,
                                       int workers) {
  const BenchEnvironment& env = Env();
  if (!resolved.skipped.empty()) return absl::AbortedError(resolved.skipped);
  absl::StatusOr<std::unique_ptr<FakeServerProcess>> fake = StartFake();
  if (!fake.ok()) return fake.status();
  const std::optional<int64_t> fake_cpu_before = ChildCpuMicros((*fake)->pid());
  ScenarioWork work;
  work.table = env.rows_of->name;
  work.workload = kWriteWorkload;
  work.watchdog = env.selection.trial_watchdog;
  const v1::TrialRequest request =
      ScenarioRequest(resolved, workers, (*fake)->address(), work);
  absl::StatusOr<PreparedTrial> prepared =
      PrepareTesteeTrial(env.clients.testees.at(resolved.scenario.client),
                         request, {}, env.selection.trial_watchdog);
  if (!prepared.ok()) return prepared.status();
  absl::StatusOr<TrialRecord> record = RunTrial(prepared->command);
  const std::optional<int64_t> fake_cpu_after = ChildCpuMicros((*fake)->pid());
  std::optional<TableReadBack> table;
  if (record.ok()) {
    table = RunTableReadBack(TableReadBackCommandFor(
        env.read_table_binary, (*fake)->address(), request.table(),
        request.write_rows(), kReadBackBound));
  }
  (*fake)->Stop().IgnoreError();  // what it logs is in env.fake_log
  if (!record.ok()) return record.status();
  if (!table->unreadable.empty()) {
    return absl::InternalError(
        absl::StrCat("the trial's table read back: ", table->unreadable));
  }
  const TrialOutcome outcome = ClassifyTrial(
      *record, request.write_rows(), prepared->expects_parent_check, table);
  // Workers that needed a retry still wrote every row once: what they cost
  // is what the model costs a writer that retries.
  if (!Delivered(outcome.overall)) {
    return ExplainNotOkTrial(absl::StrCat(what, " (", resolved.model_name, ")"),
                             *record, outcome, stderr);
  }
  absl::StatusOr<TrialMetrics> metrics = MetricsFromTrial(*record);
  if (!metrics.ok()) return metrics.status();
  WriteRun run;
  run.rows = metrics->rows;
  run.appends = metrics->appends;
  run.micros = metrics->read_micros;
  run.latency = metrics->append_latency;
  run.latency_known = metrics->append_latency_known;
  run.cpu_micros = metrics->user_micros + metrics->system_micros;
  run.peak_rss_kib = metrics->peak_rss_kib;
  run.first_append_ms = metrics->time_to_first_row_micros / 1e3;
  run.steady = SteadyRowsOf(*record);
  if (fake_cpu_before.has_value() && fake_cpu_after.has_value()) {
    run.fake_cpu_micros = *fake_cpu_after - *fake_cpu_before;
  }
  run.worker_peak_rss_kib = metrics->worker_peak_rss_kib;
  run.parent_peak_rss_kib = metrics->parent_peak_rss_kib;
  run.wall_micros = metrics->wall_micros;
  return run;
}

// Sums of the iterations' runs (with Iterations(1), the one run's).
struct RunTotals {
  double rows = 0, appends = 0, seconds = 0, cpu_seconds = 0;
  double peak_rss_kib = 0, first_append_ms = 0, worker_peak_rss_kib = 0;
  double parent_peak_rss_kib = 0, wall_ms = 0, fake_cpu_seconds = 0;
  bool appends_known = true, latency_known = true, parent_peak_known = true;
  bool fake_cpu_known = true;
  LatencyHistogram latency;
  SteadyRate steady;

  void Add(const WriteRun& run) {
    steady.bytes += run.steady.bytes;
    steady.micros += run.steady.micros;
    rows += static_cast<double>(run.rows);
    appends_known = appends_known && run.appends.has_value();
    if (run.appends.has_value()) appends += static_cast<double>(*run.appends);
    seconds += static_cast<double>(run.micros) / 1e6;
    cpu_seconds += static_cast<double>(run.cpu_micros) / 1e6;
    peak_rss_kib += static_cast<double>(run.peak_rss_kib);
    first_append_ms += run.first_append_ms;
    worker_peak_rss_kib += static_cast<double>(run.worker_peak_rss_kib);
    parent_peak_known = parent_peak_known && run.parent_peak_rss_kib >= 0;
    parent_peak_rss_kib += static_cast<double>(run.parent_peak_rss_kib);
    wall_ms += static_cast<double>(run.wall_micros) / 1e3;
    fake_cpu_known = fake_cpu_known && run.fake_cpu_micros >= 0;
    fake_cpu_seconds += static_cast<double>(run.fake_cpu_micros) / 1e6;
    latency_known = latency_known && run.latency_known;
    latency.Merge(run.latency);
  }
};

void SetPerRun(benchmark::State& state, const char* name, double total) {
  state.counters[name] =
      benchmark::Counter(total, benchmark::Counter::kAvgIterations);
}

// The counters both families report alike. Rates are kIsRate: with
// UseManualTime Google Benchmark divides them by the manual time. What a
// writer left unreported is left out (and said in the label), never 0.
std::string SetCommonCounters(benchmark::State& state,
                              const RunTotals& totals) {
  std::string unknown;
  state.counters["rows_per_second"] =
      benchmark::Counter(totals.rows, benchmark::Counter::kIsRate);
  if (totals.appends_known) {
    state.counters["appends_per_second"] =
        benchmark::Counter(totals.appends, benchmark::Counter::kIsRate);
    SetPerRun(state, "appends", totals.appends);
  } else {
    unknown += "; appends not reported";
  }
  SetPerRun(state, "rows", totals.rows);
  if (totals.latency_known && totals.latency.Count() > 0) {
    for (const auto& [counter, percentile] :
         {std::pair<const char*, double>{"p50_us", 50},
          {"p90_us", 90},
          {"p99_us", 99},
          {"p999_us", 99.9}}) {
      state.counters[counter] =
          static_cast<double>(totals.latency.Percentile(percentile)) / 1e3;
    }
    state.counters["max_us"] = static_cast<double>(totals.latency.Max()) / 1e3;
    state.counters["appends_timed"] =
        static_cast<double>(totals.latency.Count());
  } else {
    unknown += "; append latency not reported";
  }
  SetPerRun(state, "cpu_seconds", totals.cpu_seconds);
  if (totals.rows > 0) {
    state.counters["cpu_seconds_per_million_rows"] =
        totals.cpu_seconds / totals.rows * 1e6;
  }
  if (totals.peak_rss_kib >= 0) {
    SetPerRun(state, "peak_rss_kib", totals.peak_rss_kib);
  }
  return unknown;
}

void BM_ProcessModelWrite(benchmark::State& state, const std::string& name,
                          const ResolvedScenario& scenario, int workers) {
  BenchEnvironment& env = Env();
  RunTotals totals;
  double bare_rows = 0, bare_seconds = 0;
  for (auto _ : state) {
    if (env.failures.SkipIfFailedBefore(state, name)) break;
    absl::StatusOr<WriteRun> run = RunWriteTrial(name, scenario, workers);
    if (!run.ok()) {
      env.failures.Skip(state, name, run.status());
      break;
    }
    // The ceiling right after, at the trial's threads and rows, so that
    // the ratio's two sides see the same moment of a shared machine.
    absl::StatusOr<WriteRun> bare =
        RunBareLoop(workers, env.rows_of->row_count);
    if (!bare.ok()) {
      state.SkipWithError(
          absl::StrCat("bare loop: ", bare.status().ToString()).c_str());
      break;
    }
    state.SetIterationTime(static_cast<double>(run->micros) / 1e6);
    totals.Add(*run);
    bare_rows += static_cast<double>(bare->rows);
    bare_seconds += static_cast<double>(bare->micros) / 1e6;
  }
  if (state.error_occurred()) return;
  const std::string unknown = SetCommonCounters(state, totals);
  state.SetLabel(scenario.model_name + unknown);
  SetPerRun(state, "time_to_first_append_ms", totals.first_append_ms);
  // A plain value: a kIsRate counter would divide by the whole trial's
  // time. Left out when no span had a length or no worker wrote past its
  // first append (nothing steady to rate).
  const std::optional<double> steady =
      totals.steady.bytes > 0 ? totals.steady.BytesPerSecond() : std::nullopt;
  if (steady.has_value()) state.counters["steady_rows_per_second"] = *steady;
  SetPerRun(state, "worker_peak_rss_kib", totals.worker_peak_rss_kib);
  if (totals.parent_peak_known) {
    SetPerRun(state, "parent_peak_rss_kib", totals.parent_peak_rss_kib);
  }
  SetPerRun(state, "trial_wall_ms", totals.wall_ms);
  // Which side of the trial works harder per row: the server's CPU beside
  // the client's (cpu_seconds_per_million_rows). Clock ticks: 10 ms each.
  if (totals.fake_cpu_known && totals.rows > 0) {
    state.counters["fake_cpu_seconds_per_million_rows"] =
        totals.fake_cpu_seconds / totals.rows * 1e6;
  }
  if (bare_seconds > 0 && totals.seconds > 0) {
    const double bare_rate = bare_rows / bare_seconds;
    state.counters["bare_rows_per_second"] = bare_rate;
    state.counters["over_bare"] = totals.rows / totals.seconds / bare_rate;
    // The bare loop has no start-up to leave out (its channels connect
    // before timing; no stream to create): its rate is its steady one.
    if (steady.has_value()) {
      state.counters["steady_over_bare"] = *steady / bare_rate;
    }
  }
}

void BM_BareWriteLoop(benchmark::State& state, int workers) {
  const BenchEnvironment& env = Env();
  RunTotals totals;
  for (auto _ : state) {
    absl::StatusOr<WriteRun> run = RunBareLoop(workers, env.rows_of->row_count);
    if (!run.ok()) {  // in the loop: see RepetitionFailures
      state.SkipWithError(run.status().ToString().c_str());
      break;
    }
    state.SetIterationTime(static_cast<double>(run->micros) / 1e6);
    totals.Add(*run);
  }
  if (state.error_occurred()) return;
  SetCommonCounters(state, totals);
}

benchmark::internal::Benchmark* Configure(
    benchmark::internal::Benchmark* benchmark) {
  // One trial per repetition: each repetition is one sample.
  return AddMadStatistic(AddMinMaxStatistics(benchmark))
      ->Iterations(1)
      ->Unit(benchmark::kMillisecond)
      ->UseManualTime();
}

absl::Status RegisterBenchmarks() {
  const BenchEnvironment& env = Env();
  for (const ModelScenario& model_scenario : env.selection.models) {
    absl::StatusOr<ResolvedScenario> resolved =
        ResolveScenario(env.clients, model_scenario);
    if (!resolved.ok()) return resolved.status();
    const ResolvedScenario scenario = *std::move(resolved);
    for (int workers : env.selection.workers) {
      const std::string name =
          absl::StrCat("BM_ProcessModelWrite/", scenario.scenario.label,
                       "/workers:", workers);
      Configure(benchmark::RegisterBenchmark(
          name.c_str(), [=](benchmark::State& state) {
            BM_ProcessModelWrite(state, name, scenario, workers);
          }));
    }
  }
  for (int workers : env.selection.workers) {
    Configure(benchmark::RegisterBenchmark(
        absl::StrCat("BM_BareWriteLoop/workers:", workers).c_str(),
        [=](benchmark::State& state) { BM_BareWriteLoop(state, workers); }));
  }
  return absl::OkStatus();
}

// The models of the selection whose client writes with them; an error
// naming one that does not (a client that cannot run here keeps its
// models: they skip with the reason).
absl::Status KeepWriters(BenchEnvironment& env) {
  for (const ModelScenario& scenario : env.selection.models) {
    const auto testee = env.clients.testees.find(scenario.client);
    if (testee == env.clients.testees.end()) continue;
    const v1::ModelDescription* model =
        FindModel(testee->second.description, scenario.model);
    if (model == nullptr || !RunsWorkload(*model, kWriteWorkload)) {
      return absl::InvalidArgumentError(
          absl::StrCat("--models: ", scenario.label, " (", scenario.client, " ",
                       scenario.model, ") does not run the write workload"));
    }
  }
  return absl::OkStatus();
}

// The bare server process, and one untimed pass through it that checks it
// answers.
absl::Status StartBareServer(const std::string& argv0) {
  BenchEnvironment& env = Env();
  absl::StatusOr<std::string> binary =
      RunfileExecutable("bench/bare_write_server_process", argv0);
  if (!binary.ok()) return binary.status();
  FakeServerProcess::Options options;
  options.binary = *binary;
  options.flags = {"--listen=127.0.0.1:0"};
  auto server = FakeServerProcess::Start(std::move(options));
  if (!server.ok()) return server.status();
  env.bare_server = *std::move(server);
  absl::StatusOr<WriteRun> warm = RunBareLoop(1, env.appends.rows);
  return warm.ok() ? absl::OkStatus()
                   : absl::Status(warm.status().code(),
                                  absl::StrCat("bare loop warm-up: ",
                                               warm.status().message()));
}

absl::Status SetUp(const std::string& argv0) {
  BenchEnvironment& env = Env();
  absl::StatusOr<std::string> fake = FakeServerBinaryPath(argv0);
  if (!fake.ok()) return fake.status();
  env.fake_binary = *fake;
  absl::StatusOr<std::string> read_table =
      RunfileExecutable("client/read_table", argv0);
  if (!read_table.ok()) return read_table.status();
  env.read_table_binary = *read_table;
  const char* tmp = std::getenv("TMPDIR");
  env.fake_log =
      absl::StrCat(tmp != nullptr ? tmp : "/tmp", "/", kProgram, "_fakes.log");
  absl::StatusOr<PreparedAppends> appends = PrepareAppends(
      *env.rows_of, absl::StrCat(env.rows_of->name, "/streams/_default"),
      WriterOptions().max_request_bytes, kRowsPerAppend);
  if (!appends.ok()) return appends.status();
  env.appends = *std::move(appends);
  return StartBareServer(argv0);
}

void AddContext() {
  const BenchEnvironment& env = Env();
  benchmark::AddCustomContext("grpc_version", grpc::Version());
  benchmark::AddCustomContext("rows_of", env.rows_of->name);
  benchmark::AddCustomContext("write_rows",
                              absl::StrCat(env.rows_of->row_count));
  benchmark::AddCustomContext("rows_per_append",
                              absl::StrCat(env.appends.rows));
  benchmark::AddCustomContext("bare_request_row_bytes",
                              absl::StrCat(env.appends.row_bytes));
  benchmark::AddCustomContext("max_in_flight",
                              absl::StrCat(WriterOptions().max_in_flight));
  benchmark::AddCustomContext(
      "trial_watchdog_ms", absl::StrCat(env.selection.trial_watchdog.count()));
  AddTrialEnvironmentContext(env.selection);
}

// Whether `args` (after the program) has `flag` ("--name"), with a value
// or without.
bool HasFlag(const std::vector<char*>& args, absl::string_view flag) {
  for (size_t i = 1; i < args.size(); ++i) {
    const absl::string_view arg = args[i];
    if (arg == flag || absl::StartsWith(arg, absl::StrCat(flag, "="))) {
      return true;
    }
  }
  return false;
}

int Usage(const std::string& message) {
  std::fprintf(stderr, "%s: %s\n", kProgram, message.c_str());
  return 2;
}

int Main(int argc, char** argv) {
  std::vector<char*> own(argv, argv + argc);
  for (const char* flag : kReadOnlyFlags) {
    if (HasFlag(own, flag)) {
      return Usage(absl::StrCat(flag, " is a read benchmark's flag; writes ",
                                "take --models, --clients, --workers, --table, "
                                "--trial_watchdog_ms, --fake_faults"));
    }
  }
  std::string table_default = absl::StrCat("--table=", kDefaultTable);
  std::string clients_default = "--clients=cpp";
  if (!HasFlag(own, "--table")) own.push_back(table_default.data());
  if (!HasFlag(own, "--models") && !HasFlag(own, "--clients")) {
    own.push_back(clients_default.data());
  }
  absl::StatusOr<BenchSelection> selection = TakeSelectionFlags(&own);
  if (!selection.ok()) return Usage(std::string(selection.status().message()));
  BenchEnvironment& env = Env();
  env.selection = *std::move(selection);
  env.rows_of = Catalogue::Default().Resolve(env.selection.table);
  env.clients = DescribeScenarioClients(argc > 0 ? argv[0] : "",
                                        env.selection.models, kProgram);
  if (absl::Status writers = KeepWriters(env); !writers.ok()) {
    return Usage(std::string(writers.message()));
  }

  // Defaults that the command line overrides, as process_models_benchmark's.
  std::vector<std::string> defaults = {
      absl::StrCat("--benchmark_repetitions=", kDefaultRepetitions),
      "--benchmark_enable_random_interleaving=true",
      "--benchmark_display_aggregates_only=true"};
  std::vector<char*> args =
      WithDefaultFlags(static_cast<int>(own.size()), own.data(), defaults);
  int args_count = static_cast<int>(args.size()) - 1;
  if (absl::Status registered = RegisterBenchmarks(); !registered.ok()) {
    std::fprintf(stderr, "%s: %s\n", kProgram, registered.ToString().c_str());
    return 1;
  }
  benchmark::Initialize(&args_count, args.data());
  if (benchmark::ReportUnrecognizedArguments(args_count, args.data())) return 2;
  if (absl::Status set_up = SetUp(args[0]); !set_up.ok()) {
    std::fprintf(stderr, "%s: %s\n", kProgram, set_up.ToString().c_str());
    if (env.bare_server != nullptr) env.bare_server->Stop().IgnoreError();
    return 1;
  }
  AddContext();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  env.bare_server->Stop().IgnoreError();
  return 0;
}

}  // namespace
}  // namespace forkcheck

int main(int argc, char** argv) {
  forkcheck::PrepareBenchmarkProcess();
  return forkcheck::Main(argc, argv);
}
