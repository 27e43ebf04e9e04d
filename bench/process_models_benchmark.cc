// What each process model costs on the gRPC build in hand, measured on the
// client side, against the bare gRPC streaming ceiling of the same machine
// in the same run. See bench/README.md for how to run it and read it.
//
//   BM_ProcessModel/MODEL/workers:N/response:SIZE/iterations:1/manual_time
//       one trial per iteration: //models:trial_program runs MODEL under the
//       supervisor with --workers=N --streams=2N, reading --table (medium)
//       from a fake server process serving SIZE responses. Time: from just
//       before the parent starts its workers to the last worker's done.
//       A trial that is not ok skips the benchmark with its outcome (and
//       later repetitions of the same benchmark skip at once). Scenarios of
//       testee clients (python_*) read --testee_table (medium_20k) through
//       the testee protocol, at the first response size only (their reads
//       are bound by their own row checking); one whose client cannot run
//       here skips with the reason.
//   BM_BareReadLoop/workers:N/response:SIZE/iterations:1/manual_time
//       the ceiling: N threads of this process, each with its own channel,
//       drain the fake server process the trials read, without decoding
//       (bench/read_rows_drain.h); each reads what a trial's worker reads,
//       its share of a session of the trial's streams
//       (bench/bare_loop_plan.h), and its steady rate is measured as a
//       trial's is (bench/steady_rate.h). This process hosts no server, so
//       nothing else polls its gRPC.
//   BM_CreateSessionLatency/MODEL/workers:N/iterations:1/real_time
//       one trial per iteration of MODEL reading the table `small`, whose
//       workers then make --session_calls_per_trial CreateReadSession calls
//       in all (an equal share each, on the channel each read with, all
//       workers at once): p50/p90/p99/p99.9 of that trial's calls from one
//       merged histogram. Time: the trial's wall time (not a figure to read).
//
// Own flags (before Google Benchmark's): --models=, --workers=, --sizes=,
// --table=, --trial_watchdog_ms=, --session_calls_per_trial=, --fake_faults=
// (see process_model_scenarios.h).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "bench/bare_loop_plan.h"
#include "bench/default_flags.h"
#include "bench/latency_histogram.h"
#include "bench/mad_statistics.h"
#include "bench/min_max_statistics.h"
#include "bench/process_model_scenarios.h"
#include "bench/read_rows_drain.h"
#include "bench/scenario_trials.h"
#include "bench/steady_rate.h"
#include "bench/trial_metrics.h"
#include "benchmark/benchmark.h"
#include "common/runfiles.h"
#include "dataset/catalogue.h"
#include "fakes/fake_server_process.h"
#include "grpcpp/grpcpp.h"
#include "matrix/cell.h"
#include "matrix/trial_spec.h"
#include "stats/sample_summary.h"
#include "supervisor/outcome_classifier.h"
#include "supervisor/testee.h"
#include "supervisor/trial_runner.h"
#include "testees/testee_programs.h"

namespace forkcheck {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kDefaultRepetitions = 5;
constexpr absl::Duration kBareCallTimeout = absl::Seconds(60);
// BM_CreateSessionLatency's table: reading it is short, so the calls, not
// the read, make the trial.
constexpr char kSessionLatencyTable[] = "small";

// Everything the benchmarks share; set up in main before they run.
struct BenchEnvironment {
  BenchSelection selection;
  // The clients the selection names that can run here (the C++ one's
  // trial program among them), and why the others cannot (their
  // benchmarks skip with it).
  ScenarioClients clients;
  std::string table_name;  // full name
  int64_t table_rows = 0;
  std::string testee_table_name;  // of testee clients' scenarios
  int64_t testee_table_rows = 0;
  std::string session_table_name;  // kSessionLatencyTable's full name
  int64_t session_table_rows = 0;
  // Per response size.
  std::map<int64_t, std::unique_ptr<FakeServerProcess>> fakes;
  std::map<int64_t, int64_t> table_bytes;  // as the warm-up trial read it
  RepetitionFailures failures;
};

BenchEnvironment& Env() {
  static auto* env = new BenchEnvironment;
  return *env;
}

// What a trial reads, and what else its workers do.
struct TrialWork {
  std::string table;  // full name
  int64_t table_rows = 0;
  int session_calls_per_worker = 0;
};

TrialWork ReadTheTable(const ModelScenario& scenario) {
  const BenchEnvironment& env = Env();
  if (scenario.client != kCppClient) {
    return {env.testee_table_name, env.testee_table_rows, 0};
  }
  return {env.table_name, env.table_rows, 0};
}

// The scenario's trial as a matrix cell's, reading `work`.
v1::TrialRequest RequestFor(const ResolvedScenario& resolved, int workers,
                            const std::string& target, const TrialWork& work) {
  ScenarioWork scenario_work;
  scenario_work.table = work.table;
  scenario_work.session_calls_per_worker = work.session_calls_per_worker;
  scenario_work.watchdog = Env().selection.trial_watchdog;
  return ScenarioRequest(resolved, workers, target, scenario_work);
}

absl::StatusOr<PreparedTrial> PrepareFor(const ResolvedScenario& resolved,
                                         int workers, const std::string& target,
                                         const TrialWork& work) {
  const BenchEnvironment& env = Env();
  // No environment of the cell's own: the trials inherit the benchmark's
  // (AddContext records its GRPC_* variables).
  return PrepareTesteeTrial(env.clients.testees.at(resolved.scenario.client),
                            RequestFor(resolved, workers, target, work), {},
                            env.selection.trial_watchdog);
}

// Runs one trial of the benchmark `what` and judges it: its metrics, or
// why it was not ok (explained on stderr under `what`).
absl::StatusOr<TrialMetrics> RunOneTrial(const std::string& what,
                                         const ResolvedScenario& resolved,
                                         int workers, int64_t response_bytes,
                                         const TrialWork& work) {
  BenchEnvironment& env = Env();
  if (!resolved.skipped.empty()) {
    return absl::AbortedError(resolved.skipped);
  }
  absl::StatusOr<PreparedTrial> prepared = PrepareFor(
      resolved, workers, env.fakes.at(response_bytes)->address(), work);
  if (!prepared.ok()) return prepared.status();
  absl::StatusOr<TrialRecord> record = RunTrial(prepared->command);
  if (!record.ok()) return record.status();
  const TrialOutcome outcome = ClassifyTrial(*record, work.table_rows,
                                             prepared->expects_parent_check);
  // Workers that needed a retry still read every row: what they cost, the
  // retries' backoff included, is what the model costs a client that
  // retries (the matrix reports that they needed it).
  if (!Delivered(outcome.overall)) {
    return ExplainNotOkTrial(absl::StrCat(what, " (", resolved.model_name, ")"),
                             *record, outcome, stderr);
  }
  return MetricsFromTrial(*record);
}

void SetRate(benchmark::State& state, const char* name, double total,
             bool binary) {
  // kIsRate divides by the benchmark's time, which with UseManualTime is
  // the sum of SetIterationTime (Google Benchmark's runner passes the manual
  // time to the counters' Finish): total / read time, as wanted.
  state.counters[name] = benchmark::Counter(
      total, benchmark::Counter::kIsRate,
      binary ? benchmark::Counter::kIs1024 : benchmark::Counter::kIs1000);
}

void SetPerTrial(benchmark::State& state, const char* name, double total) {
  // The mean per trial (per iteration); with Iterations(1), the trial's.
  state.counters[name] =
      benchmark::Counter(total, benchmark::Counter::kAvgIterations);
}

// steady_bytes_per_second: the iterations' steady bytes over their steady
// time (a plain value: a kIsRate counter would divide by the whole read's
// time). Left out when no span had a length, so that a report shows "-"
// rather than a rate of 0.
void SetSteadyRate(benchmark::State& state, const SteadyRate& steady) {
  if (std::optional<double> rate = steady.BytesPerSecond()) {
    state.counters["steady_bytes_per_second"] = benchmark::Counter(
        *rate, benchmark::Counter::kDefaults, benchmark::Counter::kIs1024);
  }
}

void BM_ProcessModel(benchmark::State& state, const std::string& name,
                     const ResolvedScenario& scenario, int workers,
                     int64_t response_bytes) {
  state.SetLabel(scenario.model_name);
  double rows = 0, bytes = 0, first_row_ms = 0, user = 0, system = 0;
  double voluntary = 0, involuntary = 0, peak = 0, worker_peak = 0;
  double parent_peak = 0, wall_ms = 0, connections = 0;
  bool parent_peak_known = true, connections_known = true;
  SteadyRate steady;  // summed over the iterations
  for (auto _ : state) {
    if (Env().failures.SkipIfFailedBefore(state, name)) break;
    absl::StatusOr<TrialMetrics> metrics =
        RunOneTrial(name, scenario, workers, response_bytes,
                    ReadTheTable(scenario.scenario));
    if (!metrics.ok()) {
      Env().failures.Skip(state, name, metrics.status());
      break;
    }
    state.SetIterationTime(static_cast<double>(metrics->read_micros) / 1e6);
    rows += static_cast<double>(metrics->rows);
    bytes += static_cast<double>(metrics->bytes);
    first_row_ms += metrics->time_to_first_row_micros / 1e3;
    steady.bytes += metrics->steady.bytes;
    steady.micros += metrics->steady.micros;
    user += static_cast<double>(metrics->user_micros) / 1e6;
    system += static_cast<double>(metrics->system_micros) / 1e6;
    voluntary += static_cast<double>(metrics->voluntary_switches);
    involuntary += static_cast<double>(metrics->involuntary_switches);
    peak += static_cast<double>(metrics->peak_rss_kib);
    worker_peak += static_cast<double>(metrics->worker_peak_rss_kib);
    parent_peak += static_cast<double>(metrics->parent_peak_rss_kib);
    parent_peak_known = parent_peak_known && metrics->parent_peak_rss_kib >= 0;
    connections += metrics->tcp_connections;
    connections_known = connections_known && metrics->tcp_connections >= 0;
    wall_ms += static_cast<double>(metrics->wall_micros) / 1e3;
  }
  if (state.error_occurred()) return;
  SetRate(state, "rows_per_second", rows, false);
  SetRate(state, "bytes_per_second", bytes, true);
  SetSteadyRate(state, steady);
  SetPerTrial(state, "time_to_first_row_ms", first_row_ms);
  SetPerTrial(state, "cpu_seconds", user + system);
  // Iteration-invariant: the CPU of every process per million rows read.
  state.counters["cpu_seconds_per_million_rows"] =
      rows > 0 ? (user + system) / rows * 1e6 : 0;
  SetPerTrial(state, "cpu_user_seconds", user);
  SetPerTrial(state, "cpu_system_seconds", system);
  SetPerTrial(state, "voluntary_switches", voluntary);
  SetPerTrial(state, "involuntary_switches", involuntary);
  SetPerTrial(state, "peak_rss_kib", peak);
  SetPerTrial(state, "worker_peak_rss_kib", worker_peak);
  if (parent_peak_known) SetPerTrial(state, "parent_peak_rss_kib", parent_peak);
  if (connections_known) SetPerTrial(state, "connections", connections);
  SetPerTrial(state, "trial_wall_ms", wall_ms);
}

void BM_CreateSessionLatency(benchmark::State& state, const std::string& name,
                             const ResolvedScenario& scenario, int workers) {
  const BenchEnvironment& env = Env();
  state.SetLabel(scenario.model_name);
  const int calls_per_worker = std::max(
      1, (env.selection.session_calls_per_trial + workers - 1) / workers);
  const TrialWork work{env.session_table_name, env.session_table_rows,
                       calls_per_worker};
  LatencyHistogram latency;
  for (auto _ : state) {
    if (Env().failures.SkipIfFailedBefore(state, name)) break;
    absl::StatusOr<TrialMetrics> metrics = RunOneTrial(
        name, scenario, workers, env.selection.response_bytes.front(), work);
    if (metrics.ok() && metrics->create_session_latency.Count() !=
                            int64_t{calls_per_worker} * workers) {
      metrics = absl::InternalError(absl::StrCat(
          "the workers reported ", metrics->create_session_latency.Count(),
          " CreateReadSession calls; expected ", calls_per_worker * workers));
    }
    if (!metrics.ok()) {
      Env().failures.Skip(state, name, metrics.status());
      break;
    }
    latency.Merge(metrics->create_session_latency);
  }
  if (state.error_occurred()) return;
  // With Iterations(1), the one trial's calls.
  for (const auto& [counter, percentile] :
       {std::pair<const char*, double>{"create_session_p50_us", 50},
        {"create_session_p90_us", 90},
        {"create_session_p99_us", 99},
        {"create_session_p999_us", 99.9}}) {
    state.counters[counter] =
        static_cast<double>(latency.Percentile(percentile)) / 1e3;
  }
  state.counters["create_session_max_us"] =
      static_cast<double>(latency.Max()) / 1e3;
  state.counters["create_session_calls"] = static_cast<double>(latency.Count());
}

// The ceiling's stubs: a connected channel each (ConnectedBareChannels).
absl::StatusOr<std::vector<
    std::unique_ptr<google::cloud::bigquery::storage::v1::BigQueryRead::Stub>>>
ConnectedStubs(const std::string& address, int count) {
  auto channels = ConnectedBareChannels(address, count);
  if (!channels.ok()) return channels.status();
  std::vector<
      std::unique_ptr<google::cloud::bigquery::storage::v1::BigQueryRead::Stub>>
      stubs;
  for (const std::shared_ptr<grpc::Channel>& channel : *channels) {
    stubs.push_back(
        google::cloud::bigquery::storage::v1::BigQueryRead::NewStub(channel));
  }
  return stubs;
}

// Each thread's share of the session a trial of `like` at `workers` workers
// reads, created on the fake at `target` (untimed, as a trial's parent
// creates its session before its workers start).
absl::StatusOr<std::vector<std::vector<std::string>>> TrialShares(
    const ResolvedScenario& like, int workers, const std::string& target,
    google::cloud::bigquery::storage::v1::BigQueryRead::Stub& stub) {
  const v1::TrialRequest request =
      RequestFor(like, workers, target, ReadTheTable(like.scenario));
  absl::StatusOr<std::vector<std::string>> streams =
      CreateSessionStreams(stub, request.table(), request.max_streams(),
                           absl::FromChrono(kScenarioRpcTimeout));
  if (!streams.ok()) return streams.status();
  return ThreadShares(request, *streams);
}

// The ceiling: what a trial's workers read, read by threads that do
// nothing with the rows. `like` is the model whose trial's session and
// shares it reads (thread_shared: every C++ model's trial asks for the
// same session).
void BM_BareReadLoop(benchmark::State& state, const ResolvedScenario& like,
                     int workers, int64_t response_bytes) {
  const std::string& target = Env().fakes.at(response_bytes)->address();
  auto stubs = ConnectedStubs(target, workers);
  absl::StatusOr<std::vector<std::vector<std::string>>> shares =
      stubs.ok() ? TrialShares(like, workers, target, *stubs->front())
                 : stubs.status();
  double rows = 0, bytes = 0, first_row_ms = 0;
  SteadyRate steady;  // summed over the iterations
  for (auto _ : state) {
    if (!shares.ok()) {  // in the loop: see RepetitionFailures
      state.SkipWithError(shares.status().ToString().c_str());
      break;
    }
    std::vector<absl::Status> errors(workers);
    std::vector<int64_t> thread_rows(workers, 0);
    std::vector<ReadSpan> spans(workers);
    std::vector<std::thread> threads;
    const auto start = Clock::now();
    for (int i = 0; i < workers; ++i) {
      threads.emplace_back([&, i] {
        // One stream after another, each to its end, as a trial's worker.
        std::vector<DrainResult> calls;
        for (const std::string& stream : (*shares)[i]) {
          absl::StatusOr<DrainResult> read =
              DrainReadRows(*(*stubs)[i], stream, kBareCallTimeout);
          if (!read.ok()) {
            errors[i] = read.status();
            return;
          }
          thread_rows[i] += read->rows;
          calls.push_back(*read);
        }
        spans[i] = ThreadSpan(start, calls, Clock::now());
      });
    }
    for (std::thread& thread : threads) thread.join();
    state.SetIterationTime(
        std::chrono::duration<double>(Clock::now() - start).count());
    for (const absl::Status& error : errors) {
      if (!error.ok()) {
        state.SkipWithError(error.ToString().c_str());
        break;
      }
    }
    if (state.error_occurred()) break;
    std::vector<double> first_rows;
    for (int i = 0; i < workers; ++i) {
      rows += static_cast<double>(thread_rows[i]);
      bytes += static_cast<double>(spans[i].bytes);
      first_rows.push_back(static_cast<double>(spans[i].first_row_micros));
    }
    // As a trial's: the median over the threads.
    first_row_ms += Median(std::move(first_rows)) / 1e3;
    const SteadyRate iteration = SteadyRateOf(spans);
    steady.bytes += iteration.bytes;
    steady.micros += iteration.micros;
  }
  if (state.error_occurred()) return;
  SetRate(state, "rows_per_second", rows, false);
  SetRate(state, "bytes_per_second", bytes, true);
  SetSteadyRate(state, steady);
  SetPerTrial(state, "time_to_first_row_ms", first_row_ms);
}

enum class Timing { kManual, kReal };

benchmark::internal::Benchmark* Configure(
    benchmark::internal::Benchmark* benchmark,
    Timing timing = Timing::kManual) {
  // One trial per repetition: each repetition is one sample, and a trial
  // (a whole table read) is long enough to time on its own.
  AddMadStatistic(AddMinMaxStatistics(benchmark))
      ->Iterations(1)
      ->Unit(benchmark::kMillisecond);
  return timing == Timing::kManual ? benchmark->UseManualTime()
                                   : benchmark->UseRealTime();
}

absl::StatusOr<ResolvedScenario> Resolve(const ModelScenario& scenario) {
  return ResolveScenario(Env().clients, scenario);
}

absl::Status RegisterBenchmarks() {
  const BenchSelection& selection = Env().selection;
  for (const ModelScenario& model_scenario : selection.models) {
    absl::StatusOr<ResolvedScenario> resolved = Resolve(model_scenario);
    if (!resolved.ok()) return resolved.status();
    const ResolvedScenario scenario = *std::move(resolved);
    for (int workers : selection.workers) {
      if (selection.session_calls_per_trial == 0) break;
      const std::string name =
          absl::StrCat("BM_CreateSessionLatency/", scenario.scenario.label,
                       "/workers:", workers);
      Configure(benchmark::RegisterBenchmark(
                    name.c_str(),
                    [=](benchmark::State& state) {
                      BM_CreateSessionLatency(state, name, scenario, workers);
                    }),
                Timing::kReal);
    }
    // A testee's read is bound by its own row checking, not by the
    // response size: its first size only, which keeps the default run
    // within its budget.
    const std::vector<int64_t> sizes =
        scenario.scenario.client == kCppClient
            ? selection.response_bytes
            : std::vector<int64_t>{selection.response_bytes.front()};
    for (int64_t size : sizes) {
      for (int workers : selection.workers) {
        const std::string name = absl::StrCat(
            "BM_ProcessModel/", scenario.scenario.label, "/workers:", workers,
            "/response:", ResponseSizeLabel(size));
        Configure(benchmark::RegisterBenchmark(
            name.c_str(), [=](benchmark::State& state) {
              // The name Google Benchmark reports (with its suffixes) keys
              // the failures, so every repetition sees the first's.
              BM_ProcessModel(state, name, scenario, workers, size);
            }));
      }
    }
  }
  // The ceiling reads what a C++ trial's workers read (every C++ model's
  // trial asks for the same session), so thread_shared's trial plans it.
  absl::StatusOr<ResolvedScenario> like = Resolve(BenchmarkedModels().front());
  if (!like.ok()) return like.status();
  for (int64_t size : selection.response_bytes) {
    for (int workers : selection.workers) {
      Configure(benchmark::RegisterBenchmark(
          absl::StrCat("BM_BareReadLoop/workers:", workers,
                       "/response:", ResponseSizeLabel(size))
              .c_str(),
          [=, like = *like](benchmark::State& state) {
            BM_BareReadLoop(state, like, workers, size);
          }));
    }
  }
  return absl::OkStatus();
}

// One fake server process per response size, which the trials and the
// ceiling read; a warm-up trial per fake (fills its response cache, gives
// the table's bytes at that size). No server runs in this process: one
// there slowed the ceiling's threads by a third at 1 worker, which trials'
// workers, alone in their processes, are not (bench/README.md).
absl::Status StartServers(const std::string& argv0) {
  BenchEnvironment& env = Env();
  absl::StatusOr<std::string> fake_binary = FakeServerBinaryPath(argv0);
  if (!fake_binary.ok()) return fake_binary.status();
  absl::StatusOr<ResolvedScenario> warm_up =
      Resolve(BenchmarkedModels().front());  // thread_shared
  if (!warm_up.ok()) return warm_up.status();
  if (!warm_up->skipped.empty()) {
    return absl::FailedPreconditionError(warm_up->skipped);
  }
  for (int64_t size : env.selection.response_bytes) {
    std::vector<std::string> fake_flags = {
        "--listen=127.0.0.1:0", absl::StrCat("--bytes_per_response=", size),
        "--rows_per_response=0"};
    if (!env.selection.fake_faults_path.empty()) {
      fake_flags.push_back("--faults=" + env.selection.fake_faults_path);
    }
    auto fake = FakeServerProcess::Start({*fake_binary, fake_flags});
    if (!fake.ok()) return fake.status();
    env.fakes[size] = *std::move(fake);
    absl::StatusOr<TrialMetrics> warm = RunOneTrial(
        "warm-up", *warm_up, 1, size, ReadTheTable(warm_up->scenario));
    if (!warm.ok()) {
      return absl::Status(
          warm.status().code(),
          absl::StrCat("warm-up trial (thread_shared, 1 worker, ",
                       ResponseSizeLabel(size),
                       "): ", warm.status().message()));
    }
    env.table_bytes[size] = warm->bytes;
  }
  return absl::OkStatus();
}

void StopServers() {
  BenchEnvironment& env = Env();
  for (auto& [size, fake] : env.fakes) fake->Stop().IgnoreError();
  env.fakes.clear();
}

void AddContext() {
  const BenchEnvironment& env = Env();
  benchmark::AddCustomContext("grpc_version", grpc::Version());
  benchmark::AddCustomContext("table", env.table_name);
  benchmark::AddCustomContext("table_rows", absl::StrCat(env.table_rows));
  benchmark::AddCustomContext("testee_table", env.testee_table_name);
  benchmark::AddCustomContext("testee_table_rows",
                              absl::StrCat(env.testee_table_rows));
  for (const auto& [size, bytes] : env.table_bytes) {
    benchmark::AddCustomContext(
        absl::StrCat("table_bytes_at_", ResponseSizeLabel(size)),
        absl::StrCat(bytes));
  }
  benchmark::AddCustomContext(
      "trial_watchdog_ms", absl::StrCat(env.selection.trial_watchdog.count()));
  // The ceiling's reads, as bench/bare_loop_plan.h plans them.
  benchmark::AddCustomContext(
      "bare_loop", "the fake's streams, each thread a trial worker's share");
  benchmark::AddCustomContext("session_latency_table", env.session_table_name);
  benchmark::AddCustomContext(
      "session_calls_per_trial",
      absl::StrCat(env.selection.session_calls_per_trial));
  AddTrialEnvironmentContext(env.selection);
}

int Main(int argc, char** argv) {
  std::vector<char*> own(argv, argv + argc);
  absl::StatusOr<BenchSelection> selection = TakeSelectionFlags(&own);
  if (!selection.ok()) {
    std::fprintf(stderr, "process_models_benchmark: %s\n",
                 std::string(selection.status().message()).c_str());
    return 2;
  }
  BenchEnvironment& env = Env();
  env.selection = *std::move(selection);
  const TableSpec* table = Catalogue::Default().Resolve(env.selection.table);
  env.table_name = table->name;  // TakeSelectionFlags checked it
  env.table_rows = table->row_count;
  const TableSpec* testee_table =
      Catalogue::Default().Resolve(env.selection.testee_table);
  env.testee_table_name = testee_table->name;
  env.testee_table_rows = testee_table->row_count;
  const TableSpec* session_table =
      Catalogue::Default().Resolve(kSessionLatencyTable);
  env.session_table_name = session_table->name;
  env.session_table_rows = session_table->row_count;
  // The C++ client's among them: the warm-up's.
  std::vector<ModelScenario> scenarios = env.selection.models;
  scenarios.push_back(BenchmarkedModels().front());
  env.clients = DescribeScenarioClients(argc > 0 ? argv[0] : "", scenarios,
                                        "process_models_benchmark");

  // Defaults that the command line overrides: repetitions for a median and
  // a spread; random interleaving so that drift on a shared machine spreads
  // over every benchmark; only aggregates on the console (a --benchmark_out
  // file still gets every repetition: only --benchmark_report_aggregates_only
  // would drop them).
  std::vector<std::string> defaults = {
      absl::StrCat("--benchmark_repetitions=", kDefaultRepetitions),
      "--benchmark_enable_random_interleaving=true",
      "--benchmark_display_aggregates_only=true"};
  std::vector<char*> args =
      WithDefaultFlags(static_cast<int>(own.size()), own.data(), defaults);
  int args_count = static_cast<int>(args.size()) - 1;
  if (absl::Status registered = RegisterBenchmarks(); !registered.ok()) {
    std::fprintf(stderr, "process_models_benchmark: %s\n",
                 registered.ToString().c_str());
    return 1;
  }
  benchmark::Initialize(&args_count, args.data());
  if (benchmark::ReportUnrecognizedArguments(args_count, args.data())) return 2;
  if (absl::Status started = StartServers(args[0]); !started.ok()) {
    std::fprintf(stderr, "process_models_benchmark: %s\n",
                 started.ToString().c_str());
    StopServers();
    return 1;
  }
  AddContext();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  StopServers();
  return 0;
}

}  // namespace
}  // namespace forkcheck

int main(int argc, char** argv) {
  forkcheck::PrepareBenchmarkProcess();
  return forkcheck::Main(argc, argv);
}
