#include "reports/guidance.h"

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/runfiles.h"
#include "environment/environment.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "matrix/cell.h"
#include "matrix/cell_result.h"
#include "reports/benchmark_section.h"
#include "reports/conformance_section.h"
#include "reports/report.h"
#include "reports/report_clients.h"
#include "reports/text_wrap.h"
#include "stats/binomial_interval.h"

namespace forkcheck {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;
using ::testing::Not;

// ---------------------------------------------------------------------------
// Synthetic reports.

// A cell of `model_name` (with its client's prefix, if any) whose trials
// all end `kind` (36: enough for all-ok to be safe, all-failed unsafe under
// the default rule), with a parent check if `parent` is set.
CellResult Cell(const std::string& model_name, OutcomeKind kind, int trials,
                std::optional<OutcomeKind> parent = std::nullopt) {
  CellResult result;
  result.cell.client = ModelClient(model_name);
  result.cell.model = model_name;
  result.cell.model_name = model_name;
  result.cell.groups = {"g"};
  result.key = CellKey(result.cell);
  result.stop_reason = "decided";
  TrialSample sample;
  sample.workers = kind;
  sample.parent_after = parent;
  result.samples.assign(trials, sample);
  return result;
}

// The same cell under other axes (its key follows).
CellResult With(CellResult cell, void (*change)(Axes*)) {
  change(&cell.cell.axes);
  cell.key = CellKey(cell.cell);
  return cell;
}

// Its first `count` trials' workers ended `kind`.
CellResult Mixed(CellResult cell, int count, OutcomeKind kind) {
  for (int i = 0; i < count; ++i) cell.samples[i].workers = kind;
  return cell;
}

CellResult Stopped(CellResult cell, const std::string& reason) {
  cell.stop_reason = reason;
  return cell;
}

void ForkSupport(Axes* axes) { axes->fork_support = "true"; }
void ForkSupportAndHooks(Axes* axes) {
  axes->fork_support = "true";
  axes->fork_hooks = "application";
}
void EightWorkers(Axes* axes) { axes->workers = 8; }
void Unix(Axes* axes) { axes->transport = "unix"; }
void Write(Axes* axes) { axes->workload = "write"; }

ClientSection Client(const std::string& name) {
  ClientSection client;
  client.client = name;
  client.language = name == kCppClient ? "C++ 17" : "Python 3.11";
  client.library = name == kCppClient ? "grpc++" : "grpcio";
  client.library_version = "1.51.1";
  client.grpc_core_version = "29.0.0";
  client.expectations = {"conformance/expectations/x.txt", false, false, ""};
  return client;
}

// A benchmark scenario of `label` with one repetition per rows/s sample.
std::vector<nlohmann::json> Scenario(const std::string& label, int workers,
                                     const std::vector<double>& rows) {
  std::vector<nlohmann::json> runs;
  const std::string name =
      absl::StrCat("BM_ProcessModel/", label, "/workers:", workers,
                   "/response:64KiB/iterations:1/manual_time");
  for (size_t i = 0; i < rows.size(); ++i) {
    runs.push_back({{"name", name},
                    {"run_name", name},
                    {"run_type", "iteration"},
                    {"repetitions", rows.size()},
                    {"repetition_index", i},
                    {"iterations", 1},
                    {"real_time", 10.0},
                    {"cpu_time", 1.0},
                    {"time_unit", "ms"},
                    {"label", label},
                    {"rows_per_second", rows[i]}});
  }
  return runs;
}

ReportModel Build(const std::vector<CellResult>& cells,
                  const std::vector<std::vector<nlohmann::json>>& scenarios,
                  const std::vector<std::string>& clients = {kCppClient}) {
  ReportParts parts;
  parts.command = {"forkcheck_run"};
  EnvironmentOptions options;
  options.start = CaptureRunStart();
  parts.environment = CollectEnvironment(options);
  TrialPolicy policy;
  policy.stopping = {2, 60, 30};
  std::vector<ClientSection> sections;
  for (const std::string& client : clients) sections.push_back(Client(client));
  parts.conformance =
      ConformanceSection(cells, Axes(), "quick", policy, "",
                         sections.front().expectations, sections);
  if (!scenarios.empty()) {
    nlohmann::json runs = nlohmann::json::array();
    for (const auto& scenario : scenarios) {
      for (const nlohmann::json& run : scenario) runs.push_back(run);
    }
    parts.benchmarks = *BenchmarkSection(
        {{"process_models_benchmark", {{"benchmarks", runs}}}});
  }
  absl::StatusOr<Report> report = Report::Build(parts);
  EXPECT_TRUE(report.ok()) << report.status();
  return report->model();
}

const GuidanceStatement* Find(const std::vector<GuidanceStatement>& guidance,
                              const std::string& id) {
  for (const GuidanceStatement& statement : guidance) {
    if (statement.id == id) return &statement;
  }
  return nullptr;
}

std::vector<std::string> Ids(const std::vector<GuidanceStatement>& guidance) {
  std::vector<std::string> ids;
  for (const GuidanceStatement& statement : guidance) {
    ids.push_back(statement.id);
  }
  return ids;
}

constexpr char kUsed[] = "fork_after_create(parent_channel=used)";
constexpr char kIdle[] = "fork_after_create(parent_channel=idle)";

// The C++ client's typical build: thread_shared and spawn safe under every
// condition, fork_after_create(used) unsafe by default and safe with fork
// support and hooks, (idle) unsafe everywhere; benchmarked with 5
// repetitions, spawn clearly faster than thread_shared at 2 workers and
// within its spread at 8.
ReportModel TypicalBuild() {
  return Build(
      {Cell("thread_shared", OutcomeKind::kOk, 36),
       With(Cell("thread_shared", OutcomeKind::kOk, 36), EightWorkers),
       Cell("spawn", OutcomeKind::kOk, 40, OutcomeKind::kOk),
       With(Cell("spawn", OutcomeKind::kOk, 36, OutcomeKind::kOk), Unix),
       Cell(kUsed, OutcomeKind::kHang, 30),
       With(Cell(kUsed, OutcomeKind::kOk, 36), ForkSupportAndHooks),
       Cell(kIdle, OutcomeKind::kCrash, 6),
       With(Cell(kIdle, OutcomeKind::kHang, 6), ForkSupport)},
      {Scenario("thread_shared", 2, {1000, 1010, 990, 1005, 995}),
       Scenario("spawn", 2, {1500, 1510, 1490, 1505, 1495}),
       Scenario("thread_shared", 8, {900, 950, 1000, 850, 800}),
       Scenario("spawn", 8, {920, 970, 870, 1020, 820}),
       Scenario(kUsed, 2, {2000, 2000, 2000, 2000, 2000})});
}

// ---------------------------------------------------------------------------
// Each rule on its own.

TEST(GuidanceTest, SafeModelsCiteEveryCellAndTheHighestBound) {
  const ReportModel report = TypicalBuild();
  const std::vector<GuidanceStatement> guidance = DeriveGuidance(report);
  const GuidanceStatement* threads = Find(guidance, "safe/cpp/thread_shared");
  ASSERT_NE(threads, nullptr) << absl::StrJoin(Ids(guidance), "\n");
  EXPECT_EQ(threads->strength, GuidanceStrength::kSupported);
  EXPECT_EQ(threads->sentence,
            "thread_shared is safe here: every cell of it in this run is safe "
            "(the default settings; 2 cells: ok 72/72, failure ≤ 9.7% in each "
            "at 95%).");
  EXPECT_EQ(threads->brief,
            "thread_shared (2 cells: ok 72/72, failure ≤ 9.7%)");
  ASSERT_EQ(threads->cells.size(), 2u);
  EXPECT_EQ(threads->cells[1].workers.text,
            "ok 36/36 → safe, failure 0% [0%–9.7%]");
  // A parent check is part of the claim; the bound is the highest of any
  // part's (36 trials: 9.7%, not 40's 8.8%).
  const GuidanceStatement* spawn = Find(guidance, "safe/cpp/spawn");
  ASSERT_NE(spawn, nullptr);
  EXPECT_THAT(spawn->sentence,
              HasSubstr("2 cells: workers ok 76/76, parent after ok 76/76, "
                        "failure ≤ 9.7% in each at 95%"));
}

TEST(GuidanceTest, AModelsWritersAreJudgedApartFromItsReaders) {
  // spawn reads safely and hangs writing: two statements, neither mixing
  // the other's cells in; the fork rule and the costs stay with readers.
  const std::vector<GuidanceStatement> guidance =
      DeriveGuidance(Build({Cell("spawn", OutcomeKind::kOk, 36),
                            With(Cell("spawn", OutcomeKind::kHang, 6), Write)},
                           {}));
  const GuidanceStatement* reads = Find(guidance, "safe/cpp/spawn");
  ASSERT_NE(reads, nullptr) << absl::StrJoin(Ids(guidance), "\n");
  EXPECT_EQ(reads->cells.size(), 1u);
  const GuidanceStatement* writes =
      Find(guidance, "never_safe/cpp/spawn (write)");
  ASSERT_NE(writes, nullptr) << absl::StrJoin(Ids(guidance), "\n");
  EXPECT_THAT(writes->sentence, HasSubstr("spawn (write) is never safe here"));
  ASSERT_EQ(writes->cells.size(), 1u);
  EXPECT_THAT(writes->cells[0].key, HasSubstr("workload=write"));
}

TEST(GuidanceTest, NeverSafeOnlyWhenEveryCellIsUnsafe) {
  const std::vector<GuidanceStatement> guidance =
      DeriveGuidance(TypicalBuild());
  const GuidanceStatement* idle =
      Find(guidance, absl::StrCat("never_safe/cpp/", kIdle));
  ASSERT_NE(idle, nullptr) << absl::StrJoin(Ids(guidance), "\n");
  EXPECT_EQ(idle->sentence,
            "fork_after_create(parent_channel=idle) is never safe here: every "
            "cell is unsafe, under every setting tried (the default settings; "
            "fork_support=true; 2 cells: hang 6/12, crash 6/12, reads every "
            "row in ≤ 46% of trials at 95%).");
  // One undecided cell, and the claim is no longer made.
  const std::vector<GuidanceStatement> fewer = DeriveGuidance(
      Build({Cell(kIdle, OutcomeKind::kCrash, 6),
             With(Cell(kIdle, OutcomeKind::kHang, 3), ForkSupport)},
            {}));
  EXPECT_EQ(Find(fewer, absl::StrCat("never_safe/cpp/", kIdle)), nullptr);
  const GuidanceStatement* undecided =
      Find(fewer, absl::StrCat("undecided/cpp/", kIdle));
  ASSERT_NE(undecided, nullptr) << absl::StrJoin(Ids(fewer), "\n");
  EXPECT_EQ(undecided->strength, GuidanceStrength::kUndecided);
  EXPECT_THAT(undecided->sentence,
              HasSubstr("To decide: 1 cell failed in every trial (hang 3/3): "
                        "unsafe needs 6 such trials a cell, they have 3."));
}

TEST(GuidanceTest, WhatMakesForkingAfterUseWorkAndItsCost) {
  const std::vector<GuidanceStatement> guidance =
      DeriveGuidance(TypicalBuild());
  const GuidanceStatement* used =
      Find(guidance, absl::StrCat("safe_only_with/cpp/", kUsed));
  ASSERT_NE(used, nullptr) << absl::StrJoin(Ids(guidance), "\n");
  EXPECT_THAT(used->answer,
              ElementsAre("fork_support=true fork_hooks=application"));
  EXPECT_EQ(
      used->brief,
      "fork_after_create(parent_channel=used) only with fork_support=true "
      "fork_hooks=application (fails at the defaults)");
  // Benchmarked at the default settings only, where it fails: the safe
  // setting's cost was not measured, and no scenario is cited for it.
  EXPECT_THAT(used->sentence,
              HasSubstr("Cost: with fork_support=true fork_hooks=application "
                        "not measured (the benchmarks run every model at the "
                        "default settings)."));
  EXPECT_THAT(used->scenarios, IsEmpty());

  const GuidanceStatement* fork = Find(guidance, "fork_after_use/cpp");
  ASSERT_NE(fork, nullptr);
  EXPECT_EQ(fork->strength, GuidanceStrength::kSupported);
  EXPECT_THAT(fork->answer,
              ElementsAre(absl::StrCat(
                  kUsed, " with fork_support=true fork_hooks=application")));
  EXPECT_THAT(fork->sentence,
              HasSubstr("Forking after using gRPC works here only as follows "
                        "(of 4 settings tried across 2 models that fork after "
                        "using gRPC): fork_after_create(parent_channel=used) "
                        "with fork_support=true fork_hooks=application: safe "
                        "(1 cell: ok 36/36, failure ≤ 9.7% in each at 95%)"));
  ASSERT_EQ(fork->cells.size(), 1u);
}

TEST(GuidanceTest, NothingMakesForkingAfterUseWorkWhenEverySettingFails) {
  const std::vector<GuidanceStatement> guidance = DeriveGuidance(Build(
      {Cell(kUsed, OutcomeKind::kHang, 30),
       With(Mixed(Cell(kUsed, OutcomeKind::kOk, 30), 6, OutcomeKind::kHang),
            ForkSupport)},
      {}));
  const GuidanceStatement* fork = Find(guidance, "fork_after_use/cpp");
  ASSERT_NE(fork, nullptr);
  EXPECT_EQ(fork->strength, GuidanceStrength::kSupported);
  EXPECT_THAT(fork->answer, IsEmpty());
  EXPECT_THAT(fork->sentence,
              HasSubstr("Nothing this run tried makes forking after using "
                        "gRPC work here: each of the 2 settings tried across "
                        "1 model that fork after using gRPC has failing cells "
                        "(unsafe 1, flaky 1)."));
  // The model itself: unsafe with one setting, flaky with the other.
  const GuidanceStatement* model =
      Find(guidance, absl::StrCat("fails_everywhere/cpp/", kUsed));
  ASSERT_NE(model, nullptr) << absl::StrJoin(Ids(guidance), "\n");
  EXPECT_THAT(model->sentence,
              HasSubstr("with fork_support=true: fails (1 cell, flaky 1: ok "
                        "24/30, hang 6/30)"));
}

TEST(GuidanceTest, ForkingAfterUseUndecidedWhileASettingIsUndecided) {
  const std::vector<GuidanceStatement> guidance = DeriveGuidance(
      Build({Cell(kUsed, OutcomeKind::kHang, 30),
             Stopped(With(Cell(kUsed, OutcomeKind::kOk, 4), ForkSupport),
                     "time budget")},
            {}));
  const GuidanceStatement* fork = Find(guidance, "fork_after_use/cpp");
  ASSERT_NE(fork, nullptr);
  EXPECT_EQ(fork->strength, GuidanceStrength::kUndecided);
  EXPECT_THAT(fork->sentence,
              HasSubstr("Forking after using gRPC: undecided. No setting has "
                        "been shown safe (of 2 settings tried across 1 model "
                        "that fork after using gRPC, 1 fail); still "
                        "undecided: fork_after_create(parent_channel=used) "
                        "with fork_support=true: undecided"));
  const GuidanceStatement* model =
      Find(guidance, absl::StrCat("undecided/cpp/", kUsed));
  ASSERT_NE(model, nullptr) << absl::StrJoin(Ids(guidance), "\n");
  EXPECT_THAT(model->sentence,
              HasSubstr("To decide: 1 cell with no failure yet (ok 4/4): safe "
                        "needs 36 clean trials a cell, they have 4 (the time "
                        "budget stopped 1 (--matrix_budget))."));
}

TEST(GuidanceTest, NeedsRetryAndFlakyAreNeitherSafeNorNeverSafe) {
  const std::vector<GuidanceStatement> guidance = DeriveGuidance(Build(
      {Mixed(Cell("thread_shared", OutcomeKind::kOk, 36), 6,
             OutcomeKind::kOkAfterRetry),
       Mixed(Cell("spawn", OutcomeKind::kOk, 30), 3, OutcomeKind::kCrash)},
      {}));
  const GuidanceStatement* retry =
      Find(guidance, "needs_retry/cpp/thread_shared");
  ASSERT_NE(retry, nullptr) << absl::StrJoin(Ids(guidance), "\n");
  EXPECT_THAT(retry->sentence,
              HasSubstr("1 of 1 cell needs a retry (ok 30/36, ok_after_retry "
                        "6/36)"));
  const GuidanceStatement* flaky = Find(guidance, "fails_everywhere/cpp/spawn");
  ASSERT_NE(flaky, nullptr);
  EXPECT_THAT(flaky->sentence, HasSubstr("flaky 1: ok 27/30, crash 3/30"));
}

TEST(GuidanceTest, FastestSafeModelAndItsRatioToThreadShared) {
  const std::vector<GuidanceStatement> guidance =
      DeriveGuidance(TypicalBuild());
  const GuidanceStatement* two = Find(guidance, "fastest/cpp/2/64KiB");
  ASSERT_NE(two, nullptr) << absl::StrJoin(Ids(guidance), "\n");
  EXPECT_EQ(two->strength, GuidanceStrength::kSupported);
  EXPECT_THAT(two->answer, ElementsAre("spawn"));
  EXPECT_EQ(two->sentence,
            "At 2 workers, 64KiB: the fastest safe model is spawn 1.5 k ± 5 "
            "rows/s (5 repetitions), 1.50 × thread_shared (1 k ± 5 rows/s (5 "
            "repetitions)); next thread_shared 1 k ± 5 rows/s (5 "
            "repetitions).");
  EXPECT_EQ(two->brief, "2 workers, 64KiB: spawn, 1.50 × thread_shared");
  EXPECT_THAT(two->builds_on,
              ElementsAre("safe/cpp/spawn", "safe/cpp/thread_shared"));
  // fork_after_create(used) was the fastest benchmarked, but it is not safe
  // at the settings the benchmarks ran with: not a candidate, not cited.
  for (const CitedScenario& scenario : two->scenarios) {
    EXPECT_NE(scenario.model, kUsed);
  }
  // At 8 workers the medians lie within each other's MADs.
  const GuidanceStatement* eight = Find(guidance, "fastest/cpp/8/64KiB");
  ASSERT_NE(eight, nullptr);
  EXPECT_EQ(eight->strength, GuidanceStrength::kSupported);
  EXPECT_THAT(eight->answer, ElementsAre("spawn", "thread_shared"));
  EXPECT_EQ(eight->brief,
            "8 workers, 64KiB: no measurable difference: spawn, thread_shared");
}

TEST(GuidanceTest, FastestUndecidedWithTooFewRepetitionsOrNoSafeModel) {
  const std::vector<GuidanceStatement> few =
      DeriveGuidance(Build({Cell("thread_shared", OutcomeKind::kOk, 36),
                            Cell("spawn", OutcomeKind::kOk, 36)},
                           {Scenario("thread_shared", 2, {1000, 1010}),
                            Scenario("spawn", 2, {1500, 1510})}));
  const GuidanceStatement* fastest = Find(few, "fastest/cpp/2/64KiB");
  ASSERT_NE(fastest, nullptr);
  EXPECT_EQ(fastest->strength, GuidanceStrength::kUndecided);
  EXPECT_THAT(fastest->sentence,
              HasSubstr("undecided: the safe models' benchmarks have 2 "
                        "repetitions, too few (3 at least)"));

  // Nothing shown safe yet (8 clean trials a cell): the fastest of the
  // models that have not failed, as undecided.
  const std::vector<GuidanceStatement> early = DeriveGuidance(Build(
      {Cell("thread_shared", OutcomeKind::kOk, 8),
       Cell("spawn", OutcomeKind::kOk, 8),
       Mixed(Cell("forkserver", OutcomeKind::kOk, 8), 1, OutcomeKind::kHang)},
      {Scenario("thread_shared", 2, {1000, 1010, 990}),
       Scenario("spawn", 2, {1500, 1510, 1490}),
       Scenario("forkserver", 2, {3000, 3000, 3000})}));
  fastest = Find(early, "fastest/cpp/2/64KiB");
  ASSERT_NE(fastest, nullptr);
  EXPECT_EQ(fastest->strength, GuidanceStrength::kUndecided);
  EXPECT_EQ(fastest->brief,
            "2 workers, 64KiB: undecided; not failed yet: spawn, 1.50 × "
            "thread_shared");
  EXPECT_THAT(fastest->builds_on, IsEmpty());
  const GuidanceStatement* spawn = Find(early, "undecided/cpp/spawn");
  ASSERT_NE(spawn, nullptr);
  EXPECT_THAT(spawn->sentence,
              HasSubstr("To decide: 1 cell with no failure yet (ok 8/8): safe "
                        "needs 36 clean trials a cell, they have 8."));
}

TEST(GuidanceTest, AClientWithoutBenchmarksGetsNoCostStatements) {
  const ReportModel report = Build(
      {Cell("thread_shared", OutcomeKind::kOk, 36),
       Cell("python-grpcio:threads", OutcomeKind::kOk, 36),
       Cell("python-grpcio:multiprocessing(start_method=fork,parent_client="
            "before_pool,parent_channel=used,worker_client=inherited)",
            OutcomeKind::kError, 36)},
      {Scenario("thread_shared", 2, {1000, 1010, 990})},
      {kCppClient, "python-grpcio"});
  const std::vector<GuidanceStatement> guidance = DeriveGuidance(report);
  EXPECT_THAT(Ids(guidance),
              ElementsAre("safe/cpp/thread_shared", "fastest/cpp/2/64KiB",
                          "safe/python-grpcio/python-grpcio:threads",
                          "never_safe/python-grpcio/python-grpcio:"
                          "multiprocessing(start_method=fork,parent_client="
                          "before_pool,parent_channel=used,worker_client="
                          "inherited)",
                          "fork_after_use/python-grpcio"));
  // The Python fork pool whose parent made its client first is a fork after
  // use (the table in guidance.cc); its sentence drops the client prefix.
  EXPECT_THAT(guidance[3].sentence,
              HasSubstr("multiprocessing(start_method=fork,parent_client="
                        "before_pool,parent_channel=used,worker_client="
                        "inherited) is never safe here"));
}

// Checks every statement against the report it cites (defined below).
void ExpectEvidenceSupportsEveryStatement(const ReportModel& report);

// The Python client's models as the matrix names them: the testee's
// variant completed with its defaults, in its order (CellModelName).
constexpr char kPythonThreads[] = "python-grpcio:threads";
constexpr char kPythonForkAfterPool[] =
    "python-grpcio:multiprocessing(start_method=fork,parent_client=after_pool,"
    "parent_channel=used,worker_client=own)";
constexpr char kPythonForkserverAfterPool[] =
    "python-grpcio:multiprocessing(start_method=forkserver,parent_client="
    "after_pool,parent_channel=used,worker_client=own)";
constexpr char kPythonForkserverBeforePool[] =
    "python-grpcio:multiprocessing(start_method=forkserver,parent_client="
    "before_pool,parent_channel=used,worker_client=own)";

// A scenario as process_models_benchmark names it: its own word for the
// model in the run name ("python_threads"), the model's name in the label.
std::vector<nlohmann::json> BenchScenario(const std::string& word,
                                          const std::string& label, int workers,
                                          const std::vector<double>& rows) {
  std::vector<nlohmann::json> runs = Scenario(label, workers, rows);
  const std::string name =
      absl::StrCat("BM_ProcessModel/", word, "/workers:", workers,
                   "/response:64KiB/iterations:1/manual_time");
  for (nlohmann::json& run : runs) {
    run["name"] = name;
    run["run_name"] = name;
  }
  return runs;
}

// Python threads safe everywhere; the fork pool whose parent makes its
// client after the pool safe at the default settings and hanging with fork
// support; both benchmarked at 2 workers, the pool's label spelled
// `fork_pool_label`.
ReportModel PythonBuild(const std::string& fork_pool_label) {
  return Build(
      {Cell("thread_shared", OutcomeKind::kOk, 36),
       Cell(kPythonThreads, OutcomeKind::kOk, 36),
       Cell(kPythonForkAfterPool, OutcomeKind::kOk, 36, OutcomeKind::kOk),
       With(
           Cell(kPythonForkAfterPool, OutcomeKind::kHang, 30, OutcomeKind::kOk),
           ForkSupport)},
      {Scenario("thread_shared", 2, {1000, 1010, 990}),
       BenchScenario("python_threads", kPythonThreads, 2, {10, 11, 9}),
       BenchScenario("python_fork_after_pool", fork_pool_label, 2,
                     {20, 21, 19})},
      {kCppClient, "python-grpcio"});
}

TEST(GuidanceTest, ASafePythonModelGetsTheCostItsBenchmarksMeasured) {
  const ReportModel report = PythonBuild(kPythonForkAfterPool);
  const std::vector<GuidanceStatement> guidance = DeriveGuidance(report);
  const GuidanceStatement* pool =
      Find(guidance,
           absl::StrCat("safe_only_with/python-grpcio/", kPythonForkAfterPool));
  ASSERT_NE(pool, nullptr) << absl::StrJoin(Ids(guidance), "\n");
  EXPECT_THAT(pool->sentence,
              HasSubstr("Cost: at the default settings 2 workers, 64KiB: "
                        "20 ± 1 rows/s (3 repetitions)."));
  ASSERT_EQ(pool->scenarios.size(), 1u);
  EXPECT_EQ(pool->scenarios[0].model, kPythonForkAfterPool);

  const GuidanceStatement* fastest =
      Find(guidance, "fastest/python-grpcio/2/64KiB");
  ASSERT_NE(fastest, nullptr);
  EXPECT_EQ(fastest->strength, GuidanceStrength::kSupported);
  EXPECT_THAT(fastest->answer, ElementsAre(kPythonForkAfterPool));
  EXPECT_THAT(fastest->sentence,
              HasSubstr("(3 repetitions), 2.00 × threads (10 ± 1 rows/s"));
  ExpectEvidenceSupportsEveryStatement(report);

  const std::string text = RenderGuidanceText(report, guidance);
  EXPECT_THAT(text, HasSubstr("2.00 × threads"));
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    EXPECT_LT(TextColumns(line), 100u) << line;
  }
}

TEST(GuidanceTest, ABenchmarkIsMatchedByItsSettingsNotByTheirOrder) {
  // The same settings as the cells' name, listed in another order.
  const ReportModel report = PythonBuild(
      "python-grpcio:multiprocessing(worker_client=own,parent_channel=used,"
      "parent_client=after_pool,start_method=fork)");
  const std::vector<GuidanceStatement> guidance = DeriveGuidance(report);
  const GuidanceStatement* fastest =
      Find(guidance, "fastest/python-grpcio/2/64KiB");
  ASSERT_NE(fastest, nullptr);
  EXPECT_EQ(fastest->strength, GuidanceStrength::kSupported);
  // Named as the matrix names it, so that its safety can be looked up.
  EXPECT_THAT(fastest->answer, ElementsAre(kPythonForkAfterPool));
  ExpectEvidenceSupportsEveryStatement(report);
}

TEST(GuidanceTest, ABenchmarkOfOtherVariantSettingsIsNotTheSafeModelsCost) {
  // The matrix shows forkserver safe with the parent's client made after
  // the pool; the benchmark measured it made before the pool, a model
  // the matrix did not run.
  const ReportModel report = Build(
      {Cell(kPythonForkserverAfterPool, OutcomeKind::kOk, 36, OutcomeKind::kOk),
       With(Cell(kPythonForkserverAfterPool, OutcomeKind::kHang, 30,
                 OutcomeKind::kOk),
            ForkSupport)},
      {BenchScenario("python_forkserver", kPythonForkserverBeforePool, 2,
                     {20, 21, 19})},
      {"python-grpcio"});
  const std::vector<GuidanceStatement> guidance = DeriveGuidance(report);
  const GuidanceStatement* forkserver =
      Find(guidance, absl::StrCat("safe_only_with/python-grpcio/",
                                  kPythonForkserverAfterPool));
  ASSERT_NE(forkserver, nullptr) << absl::StrJoin(Ids(guidance), "\n");
  EXPECT_THAT(forkserver->sentence,
              HasSubstr("Cost: at the default settings not benchmarked."));
  EXPECT_THAT(forkserver->scenarios, IsEmpty());

  const GuidanceStatement* fastest =
      Find(guidance, "fastest/python-grpcio/2/64KiB");
  ASSERT_NE(fastest, nullptr);
  EXPECT_EQ(fastest->strength, GuidanceStrength::kUndecided);
  EXPECT_THAT(fastest->scenarios, IsEmpty());
  // Not "each has failed": the benchmarked model never ran in the matrix.
  EXPECT_THAT(fastest->sentence,
              HasSubstr("or had no cell in the matrix (multiprocessing("
                        "start_method=forkserver,parent_client=before_pool,"
                        "parent_channel=used,worker_client=own))."));
  ExpectEvidenceSupportsEveryStatement(report);
}

// Its trials each took `seconds` of a lane.
CellResult Timed(CellResult cell, double seconds) {
  for (TrialSample& sample : cell.samples) {
    sample.wall_micros = static_cast<int64_t>(seconds * 1e6);
  }
  return cell;
}

// Its trials' watchdog fired.
CellResult Hung(CellResult cell) {
  for (TrialSample& sample : cell.samples) sample.watchdog_fired = true;
  return cell;
}

TEST(GuidanceTest, WhatDecidingTheUndecidedCellsWouldTake) {
  // A clean cell after 1 trial needs 35 more to be safe (36 at the default
  // rule), at 2 s each: 70 lane-seconds, 2 minutes of trials, 1 of budget
  // on 2 lanes. The cell that hung is left out and named; the flaky and
  // safe cells need nothing.
  ReportModel report =
      Build({Timed(Cell("spawn", OutcomeKind::kOk, 1), 2),
             Hung(Timed(Cell(kUsed, OutcomeKind::kHang, 2), 10)),
             Timed(Mixed(Cell("fork_then_create_pristine", OutcomeKind::kOk, 4),
                         1, OutcomeKind::kCrash),
                   1),
             Timed(Cell("thread_shared", OutcomeKind::kOk, 36), 5)},
            {});
  report.environment.machine.hardware_concurrency = 2;
  const std::vector<GuidanceStatement> guidance = DeriveGuidance(report);
  const GuidanceStatement* cost =
      Find(guidance, "undecided/cpp/what_deciding_takes");
  ASSERT_NE(cost, nullptr) << absl::StrJoin(Ids(guidance), ", ");
  EXPECT_EQ(cost->strength, GuidanceStrength::kUndecided);
  EXPECT_THAT(cost->sentence,
              HasSubstr("Deciding 1 cell still undecided would take 35 more "
                        "trials: at the mean time of each cell's trials so "
                        "far, about 2 minutes of trials, so about 1 minute "
                        "more of --matrix_budget with one lane per CPU (2 "
                        "here"));
  EXPECT_THAT(cost->sentence,
              HasSubstr("Not counted: 1 cell with a hung trial"));
  EXPECT_EQ(cost->brief, "1 cell needs 35 trials, ~1 min of budget");
  // First of the client's undecided statements: the console lists it.
  for (const GuidanceStatement& statement : guidance) {
    if (statement.rule != kRuleUndecided) continue;
    EXPECT_EQ(statement.id, cost->id);
    break;
  }
  // One lane, and the same lane time: twice the budget, rounded up.
  report.environment.machine.hardware_concurrency = 1;
  const std::vector<GuidanceStatement> one_lane = DeriveGuidance(report);
  ASSERT_NE(Find(one_lane, cost->id), nullptr);
  EXPECT_THAT(Find(one_lane, cost->id)->brief, HasSubstr("~2 min of budget"));
  // A cap of 10 trials a cell (--quick's) stops the clean cell short: no
  // budget buys its verdict, and the statement says what would.
  report.conformance->trial_policy.stopping.max_trials = 10;
  const std::vector<GuidanceStatement> capped_run = DeriveGuidance(report);
  const GuidanceStatement* capped =
      Find(capped_run, "undecided/cpp/what_deciding_takes");
  ASSERT_NE(capped, nullptr);
  EXPECT_THAT(capped->sentence,
              HasSubstr("1 cell needing up to 36 trials, past this run's "
                        "--max_trials=10"));
  EXPECT_THAT(capped->sentence, Not(HasSubstr("--matrix_budget")));
}

TEST(GuidanceTest, NothingUndecidedNothingToDecide) {
  const std::vector<GuidanceStatement> guidance =
      DeriveGuidance(Build({Cell("thread_shared", OutcomeKind::kOk, 36),
                            Cell(kUsed, OutcomeKind::kHang, 36)},
                           {}));
  EXPECT_EQ(Find(guidance, "undecided/cpp/what_deciding_takes"), nullptr);
}

TEST(GuidanceTest, NoMatrixNoGuidance) {
  EXPECT_THAT(DeriveGuidance(ReportModel()), IsEmpty());
  EXPECT_EQ(RenderGuidanceText(ReportModel(), {}), "");
  EXPECT_EQ(RenderGuidanceMarkdown(ReportModel(), {}), "");
}

// ---------------------------------------------------------------------------
// Rendering.

TEST(GuidanceTest, TheConsoleSectionFitsAHundredColumnsAndTwelveLines) {
  // Many models, so that the lists must be cut.
  std::vector<CellResult> cells;
  for (int i = 0; i < 30; ++i) {
    cells.push_back(Cell(absl::StrCat("grpc_fork_suite(suite_case=case_", i,
                                      "_with_a_long_name)"),
                         OutcomeKind::kHang, 6));
    cells.push_back(
        Cell(absl::StrCat("model_", i), OutcomeKind::kOk, i % 2 ? 36 : 4));
  }
  const ReportModel report = Build(cells, {});
  const std::string text = RenderGuidanceText(report, DeriveGuidance(report));
  const std::vector<absl::string_view> lines =
      absl::StrSplit(text, '\n', absl::SkipEmpty());
  ASSERT_FALSE(lines.empty());
  EXPECT_THAT(std::string(lines[0]), HasSubstr("What to do on this build"));
  EXPECT_LE(lines.size(), 2 + 12u) << text;  // the introduction: 2 lines
  for (absl::string_view line : lines) {
    EXPECT_LT(TextColumns(line), 100u) << line;
  }
  EXPECT_THAT(text, HasSubstr("more"));

  // Fewer lines given: fewer rules, and still a line saying there are more.
  const std::string five =
      RenderGuidanceText(report, DeriveGuidance(report), 5);
  EXPECT_LE(LineCount(five), 5u) << five;
  EXPECT_THAT(five, HasSubstr("  cpp:\n"));
  EXPECT_THAT(five, HasSubstr("    … more in the Markdown summary.\n"));
  // Too few for a client's least (4 lines): one line saying where the
  // statements are.
  EXPECT_THAT(RenderGuidanceText(report, DeriveGuidance(report), 2),
              MatchesRegex("What to do on this build: [0-9]+ statements, in "
                           "the Markdown summary and the HTML page.\n"));
  EXPECT_EQ(RenderGuidanceText(report, DeriveGuidance(report), 0), "");
}

TEST(GuidanceTest, TheConsoleListsEachRuleOnALine) {
  const ReportModel report = TypicalBuild();
  const std::string text = RenderGuidanceText(report, DeriveGuidance(report));
  // The client's name only: the summary's "Clients:" describes it.
  EXPECT_THAT(text, HasSubstr("  cpp:\n"
                              "    Safe here (every cell safe): thread_shared "
                              "(2 cells: ok 72/72, failure ≤ 9.7%); spawn (2 "
                              "cells:\n      ok 76/76, failure ≤ 9.7%)\n"));
  EXPECT_THAT(text, HasSubstr("    Fastest safe model: 2 workers, 64KiB: "
                              "spawn, 1.50 × thread_shared; 8 workers, 64KiB:"
                              " no\n      measurable difference: spawn, "
                              "thread_shared\n"));
}

TEST(GuidanceTest, MarkdownCitesEveryCellAndScenario) {
  const ReportModel report = TypicalBuild();
  const std::string markdown =
      RenderGuidanceMarkdown(report, DeriveGuidance(report));
  EXPECT_THAT(markdown, HasSubstr("## What to do on this build\n\n"));
  EXPECT_THAT(markdown, HasSubstr("### cpp: grpc++ 1.51.1 (C++ 17, gRPC core "
                                  "29.0.0)\n\n**Safe here (every cell "
                                  "safe)**\n\n- thread_shared is safe here"));
  EXPECT_THAT(
      markdown,
      HasSubstr("  - cell `thread_shared workers=8 transport=tcp "
                "table=small faults=none fork_support=unset "
                "poll_strategy=default fork_hooks=none "
                "child_channel=default busy_parent_thread=no workload=read` "
                "(safe): "
                "workers: ok 36/36 → safe, failure 0% [0%–9.7%]\n"));
  EXPECT_THAT(markdown,
              HasSubstr("  - scenario `BM_ProcessModel/spawn/workers:2/"
                        "response:64KiB/iterations:1/manual_time`: 1.5 k ± 5 "
                        "rows/s (5 repetitions)"));
  EXPECT_THAT(markdown,
              HasSubstr("  - builds on: safe/cpp/spawn, safe/cpp/thread_shared"
                        "\n"));
}

// ---------------------------------------------------------------------------
// The evidence supports the statement: re-checked from the citations alone
// (and the report's rule), without the rules' code.

struct Checker {
  const ReportModel& report;
  const std::vector<GuidanceStatement>& all;

  const VerdictRule& rule() const {
    return report.conformance->trial_policy.verdicts;
  }
  int Read(const CellPart& part) const {
    const auto ok = part.counts.find("ok");
    return (ok == part.counts.end() ? 0 : ok->second) + part.ok_after_retry;
  }
  bool PartSafe(const CellPart& part) const {
    return part.verdict == "safe" &&
           part.interval_high < rule().safe_threshold &&
           stats::ClopperPearson(part.failures, part.trials, rule().confidence)
                   .high < rule().safe_threshold;
  }
  bool PartUnsafe(const CellPart& part) const {
    return part.verdict == "unsafe" &&
           stats::ClopperPearson(Read(part), part.trials, rule().confidence)
                   .high < rule().unsafe_threshold;
  }
  // Failed in some trials, and the interval says the rate is not 0.
  bool PartFailing(const CellPart& part) const {
    return PartUnsafe(part) ||
           (part.verdict == "flaky" &&
            stats::ClopperPearson(part.failures, part.trials, rule().confidence)
                    .low > 0);
  }
  std::vector<const CellPart*> Parts(const CitedCell& cell) const {
    std::vector<const CellPart*> parts = {&cell.workers};
    if (cell.parent_after) parts.push_back(&*cell.parent_after);
    return parts;
  }
  bool CellSafe(const CitedCell& cell) const {
    for (const CellPart* part : Parts(cell)) {
      if (!PartSafe(*part)) return false;
    }
    return true;
  }
  bool CellUnsafe(const CitedCell& cell) const {
    for (const CellPart* part : Parts(cell)) {
      if (PartUnsafe(*part)) return true;
    }
    return false;
  }
  bool CellFailing(const CitedCell& cell) const {
    for (const CellPart* part : Parts(cell)) {
      if (PartFailing(*part)) return true;
    }
    return false;
  }
  // The report's cells of `model` (a claim about "every cell" must cite
  // them all).
  std::set<std::string> KeysOf(const std::string& model) const {
    std::set<std::string> keys;
    for (const ReportCell& cell : report.conformance->cells) {
      if (cell.model_name == model) keys.insert(cell.key);
    }
    return keys;
  }
  std::set<std::string> CitedKeys(const GuidanceStatement& s) const {
    std::set<std::string> keys;
    for (const CitedCell& cell : s.cells) keys.insert(cell.key);
    return keys;
  }

  void Check(const GuidanceStatement& s) const {
    SCOPED_TRACE(absl::StrCat(s.id, ": ", s.sentence));
    // Every citation is the report's own.
    const std::map<std::string, const ReportCell*> cells =
        CellsByKey(report.conformance);
    for (const CitedCell& cited : s.cells) {
      const auto found = cells.find(cited.key);
      ASSERT_NE(found, cells.end()) << cited.key;
      EXPECT_EQ(cited.workers.text, found->second->workers.text);
      EXPECT_EQ(cited.workers.verdict, found->second->workers.verdict);
      EXPECT_EQ(cited.parent_after.has_value(),
                found->second->parent_after.has_value());
    }
    for (const CitedScenario& cited : s.scenarios) {
      bool found = false;
      for (const BenchmarkScenario& scenario : report.benchmarks->scenarios) {
        if (scenario.id != cited.id) continue;
        found = true;
        EXPECT_DOUBLE_EQ(*scenario.Median("rows_per_second"), cited.median);
      }
      EXPECT_TRUE(found) << cited.id;
    }
    // Undecided is said, and only undecided statements say it of the whole.
    const bool undecided = s.strength == GuidanceStrength::kUndecided;
    EXPECT_EQ(undecided, absl::StrContains(s.sentence, "undecided") &&
                             !absl::StrContains(s.sentence, "not undecided"))
        << "strength and wording disagree";
    if (undecided) return;

    if (s.rule == kRuleSafe || s.rule == kRuleNeverSafe ||
        s.rule == kRuleNeedsRetry || s.rule == kRuleFailsEverywhere) {
      EXPECT_EQ(CitedKeys(s), KeysOf(s.subject)) << "not every cell cited";
    }
    if (s.rule == kRuleSafe) {
      for (const CitedCell& cell : s.cells)
        EXPECT_TRUE(CellSafe(cell)) << cell.key;
    } else if (s.rule == kRuleNeverSafe) {
      for (const CitedCell& cell : s.cells)
        EXPECT_TRUE(CellUnsafe(cell)) << cell.key;
    } else if (s.rule == kRuleNeedsRetry) {
      bool retried = false;
      for (const CitedCell& cell : s.cells) {
        for (const CellPart* part : Parts(cell)) {
          EXPECT_TRUE(PartSafe(*part) || part->verdict == "needs_retry");
          retried = retried || (part->verdict == "needs_retry" &&
                                part->ok_after_retry > 0);
        }
      }
      EXPECT_TRUE(retried);
    } else if (s.rule == kRuleFailsEverywhere) {
      std::map<std::string, bool> setting_fails;
      for (const CitedCell& cell : s.cells) {
        setting_fails[cell.setting] =
            setting_fails[cell.setting] || CellFailing(cell);
      }
      for (const auto& [setting, fails] : setting_fails) {
        EXPECT_TRUE(fails) << setting;
      }
    } else if (s.rule == kRuleSafeOnlyWith) {
      ASSERT_FALSE(s.answer.empty());
      const std::set<std::string> safe(s.answer.begin(), s.answer.end());
      bool other_fails = false;
      std::map<std::string, int> safe_cells;
      for (const CitedCell& cell : s.cells) {
        if (safe.count(cell.setting)) {
          EXPECT_TRUE(CellSafe(cell)) << cell.key;
          ++safe_cells[cell.setting];
        } else {
          other_fails = other_fails || CellFailing(cell);
        }
      }
      EXPECT_EQ(safe_cells.size(), safe.size()) << "a safe setting uncited";
      EXPECT_TRUE(other_fails) << "no failing setting: not 'only'";
      EXPECT_EQ(CitedKeys(s), KeysOf(s.subject));
    } else if (s.rule == kRuleForkAfterUse) {
      std::map<std::string, std::vector<const CitedCell*>> by_setting;
      for (const CitedCell& cell : s.cells) {
        by_setting[absl::StrCat(cell.model_name, " with ", cell.setting)]
            .push_back(&cell);
      }
      if (s.answer.empty()) {  // nothing works: every setting fails
        EXPECT_FALSE(by_setting.empty());
        for (const auto& [setting, group] : by_setting) {
          bool fails = false;
          for (const CitedCell* cell : group)
            fails = fails || CellFailing(*cell);
          EXPECT_TRUE(fails) << setting;
        }
      }
      for (const std::string& works : s.answer) {
        ASSERT_TRUE(by_setting.count(works)) << works;
        for (const CitedCell* cell : by_setting[works]) {
          EXPECT_TRUE(CellSafe(*cell)) << cell->key;
        }
      }
    } else if (s.rule == kRuleFastest) {
      ASSERT_FALSE(s.answer.empty());
      std::vector<const CitedScenario*> candidates;
      const CitedScenario* top = nullptr;
      for (const CitedScenario& scenario : s.scenarios) {
        if (!scenario.candidate) continue;
        candidates.push_back(&scenario);
        EXPECT_GE(scenario.repetitions, 3);
        if (top == nullptr || scenario.median > top->median) top = &scenario;
        // Each candidate's safety is a supported statement of its own.
        bool shown_safe = false;
        for (const GuidanceStatement& other : all) {
          if (other.subject == scenario.model &&
              (other.rule == kRuleSafe || other.rule == kRuleSafeOnlyWith) &&
              other.strength == GuidanceStrength::kSupported &&
              std::find(s.builds_on.begin(), s.builds_on.end(), other.id) !=
                  s.builds_on.end()) {
            shown_safe = true;
          }
        }
        EXPECT_TRUE(shown_safe) << scenario.model << " not shown safe";
      }
      ASSERT_NE(top, nullptr);
      EXPECT_EQ(s.answer.front(), top->model) << "not the highest median";
      for (const CitedScenario* other : candidates) {
        const bool named = std::find(s.answer.begin(), s.answer.end(),
                                     other->model) != s.answer.end();
        const bool overlaps =
            other->median + other->mad >= top->median - top->mad;
        EXPECT_EQ(named, overlaps) << other->model;
      }
    } else {
      ADD_FAILURE() << "a rule the checker does not know: " << s.rule;
    }
  }
};

void ExpectEvidenceSupportsEveryStatement(const ReportModel& report) {
  const std::vector<GuidanceStatement> guidance = DeriveGuidance(report);
  std::set<std::string> ids;
  for (const GuidanceStatement& statement : guidance) {
    EXPECT_TRUE(ids.insert(statement.id).second) << "twice: " << statement.id;
    EXPECT_FALSE(statement.sentence.empty());
    EXPECT_FALSE(statement.brief.empty());
    Checker{report, guidance}.Check(statement);
  }
}

TEST(GuidanceEvidenceTest, SyntheticReports) {
  ExpectEvidenceSupportsEveryStatement(TypicalBuild());
  ExpectEvidenceSupportsEveryStatement(Build(
      {Cell(kUsed, OutcomeKind::kHang, 30),
       With(Mixed(Cell(kUsed, OutcomeKind::kOk, 30), 6, OutcomeKind::kHang),
            ForkSupport),
       Mixed(Cell("thread_shared", OutcomeKind::kOk, 36), 6,
             OutcomeKind::kOkAfterRetry),
       Cell("spawn", OutcomeKind::kOk, 8)},
      {Scenario("spawn", 1, {10, 11, 12})}));
  ExpectEvidenceSupportsEveryStatement(
      Build({Cell("thread_shared", OutcomeKind::kOk, 36),
             Cell("spawn", OutcomeKind::kOk, 36, OutcomeKind::kOk),
             With(Cell("spawn", OutcomeKind::kOk, 36, OutcomeKind::kHang),
                  ForkSupportAndHooks),
             Cell("python-grpcio:threads", OutcomeKind::kOk, 36)},
            {Scenario("thread_shared", 4, {100, 100, 100}),
             Scenario("spawn", 4, {200, 210, 190}),
             Scenario("python-grpcio:threads", 4, {50, 50, 50})},
            {kCppClient, "python-grpcio"}));
}

TEST(GuidanceEvidenceTest, ARecordedReport) {
  absl::StatusOr<std::string> path =
      RunfileData("reports/testdata/report/valid/every_verdict.json");
  ASSERT_TRUE(path.ok()) << path.status();
  absl::StatusOr<Report> report = Report::Load(*path);
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_FALSE(DeriveGuidance(report->model()).empty());
  ExpectEvidenceSupportsEveryStatement(report->model());
}

}  // namespace
}  // namespace forkcheck
