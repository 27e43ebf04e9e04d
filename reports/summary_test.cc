#include "reports/summary.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "matrix/cell_result.h"
#include "reports/benchmark_section.h"
#include "reports/conformance_section.h"
#include "reports/text_wrap.h"

namespace forkcheck {
namespace {

using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::Not;

int CountOf(const std::string& text, const std::string& what) {
  int count = 0;
  for (size_t at = text.find(what); at != std::string::npos;
       at = text.find(what, at + 1)) {
    ++count;
  }
  return count;
}

// 36 trials: enough for ok in every one to be safe, failure in every one
// to be unsafe (matrix/verdict.h's default rule).
CellResult Cell(const std::string& model_name, int workers, OutcomeKind kind,
                std::optional<OutcomeKind> parent,
                const std::string& client = kCppClient, int trials = 36) {
  CellResult result;
  result.cell.client = client;
  result.cell.model = model_name;
  result.cell.model_name = model_name;
  result.cell.axes.workers = workers;
  result.cell.groups = {"g"};
  result.key = CellKey(result.cell);
  result.stop_reason = "decided";
  TrialSample sample;
  sample.workers = kind;
  sample.parent_after = parent;
  result.samples.assign(trials, sample);
  return result;
}

// `cell` with its first `count` trials' workers outcome `kind`.
CellResult WithTrials(CellResult cell, int count, OutcomeKind kind) {
  for (int i = 0; i < count; ++i) cell.samples[i].workers = kind;
  return cell;
}

TrialPolicy Policy() {
  TrialPolicy policy;
  policy.stopping = {2, 40, 30};
  policy.time_budget_seconds = 600;
  return policy;
}

constexpr char kSafe[] = "ok 36/36 → safe, failure 0% [0%–9.7%]";
constexpr char kRule[] =
    "95% Clopper-Pearson intervals; safe: failure rate's upper bound < 10%; "
    "unsafe: ok rate's upper bound < 50%";

// Payload rates of the synthetic runs: the model reads at half the bare
// loop's steady rate and a quarter of its end-to-end rate, while its rows/s
// is 0.30 of the loop's nominal rows/s, so a ceiling computed from rows
// would show.
constexpr double kMiB = 1 << 20;

nlohmann::json BenchmarkRun(
    const std::string& name, const std::string& label, double rows_per_second,
    const nlohmann::json& rates = nlohmann::json::object()) {
  nlohmann::json run = {{"name", name},
                        {"run_name", name},
                        {"run_type", "iteration"},
                        {"repetitions", 1},
                        {"repetition_index", 0},
                        {"iterations", 1},
                        {"real_time", 10.0},
                        {"cpu_time", 1.0},
                        {"time_unit", "ms"},
                        {"rows_per_second", rows_per_second}};
  run.update(rates);
  if (!label.empty()) {
    run["label"] = label;
    run["time_to_first_row_ms"] = 12.5;
    run["cpu_seconds_per_million_rows"] = 0.75;
    run["peak_rss_kib"] = 2048;
  }
  return run;
}

nlohmann::json SessionLatencyRun(const std::string& name,
                                 const std::string& label, double p50_us,
                                 double p99_us) {
  nlohmann::json run = BenchmarkRun(name, "", 0);
  run.erase("rows_per_second");
  run["label"] = label;
  run["create_session_p50_us"] = p50_us;
  run["create_session_p99_us"] = p99_us;
  return run;
}

Report MakeReport() {
  ReportParts parts;
  parts.command = {"forkcheck_run"};
  EnvironmentOptions options;
  options.start = CaptureRunStart();
  parts.environment = CollectEnvironment(options);
  CellResult capped =
      WithTrials(Cell("fork_then_create_parent_used", 2, OutcomeKind::kOk,
                      std::nullopt, kCppClient, 40),
                 3, OutcomeKind::kWrongData);
  capped.stop_reason = "trial cap";
  parts.conformance = ConformanceSection(
      {Cell("spawn", 2, OutcomeKind::kOk, OutcomeKind::kOk),
       Cell("spawn", 4, OutcomeKind::kOk, OutcomeKind::kOk),
       Cell("fork_after_create(parent_channel=used)", 2, OutcomeKind::kHang,
            OutcomeKind::kHang, kCppClient, 6),
       WithTrials(Cell("thread_shared", 2, OutcomeKind::kOk, std::nullopt), 6,
                  OutcomeKind::kOkAfterRetry),
       capped},
      Axes(), "quick", Policy(), "", {"conformance/expectations/grpc-1.51.txt"},
      {});
  nlohmann::json google = {
      {"benchmarks",
       {BenchmarkRun("BM_ProcessModel/spawn/workers:4/response:64KiB", "spawn",
                     300,
                     {{"bytes_per_second", 2 * kMiB},
                      {"steady_bytes_per_second", 4 * kMiB}}),
        BenchmarkRun("BM_BareReadLoop/workers:4/response:64KiB", "", 1000,
                     {{"bytes_per_second", 8 * kMiB},
                      {"steady_bytes_per_second", 8 * kMiB}}),
        SessionLatencyRun("BM_CreateSessionLatency/spawn/workers:4", "spawn",
                          310, 950)}}};
  parts.benchmarks = *BenchmarkSection({{"process_models_benchmark", google}});
  absl::StatusOr<Report> report = Report::Build(parts);
  EXPECT_TRUE(report.ok()) << report.status();
  return *report;
}

TEST(SummaryTest, EveryModelSideBySideWithSafetyAndCost) {
  const std::vector<ModelCostRow> rows = ModelCostRows(MakeReport());
  ASSERT_EQ(rows.size(), 4u);
  const ModelCostRow& spawn = rows[0];
  EXPECT_EQ(spawn.model, "spawn");
  EXPECT_EQ(spawn.workers, 4);
  EXPECT_EQ(spawn.response, "64KiB");
  EXPECT_EQ(spawn.safety, kSafe);  // the 4-worker baseline cell
  EXPECT_EQ(spawn.safety_verdict, "safe");
  EXPECT_EQ(spawn.safety_cell_workers, 4);
  EXPECT_EQ(spawn.parent_after, kSafe);
  EXPECT_EQ(spawn.parent_after_verdict, "safe");
  EXPECT_DOUBLE_EQ(*spawn.rows_per_second, 300);
  EXPECT_DOUBLE_EQ(*spawn.bytes_per_second, 2 * kMiB);
  EXPECT_DOUBLE_EQ(*spawn.steady_bytes_per_second, 4 * kMiB);
  // Bytes over the bare loop's bytes: steady 4 / 8, end to end 2 / 8 (not
  // rows over its nominal rows, 300 / 1000).
  EXPECT_DOUBLE_EQ(*spawn.ceiling_ratio, 0.5);
  EXPECT_DOUBLE_EQ(*spawn.end_to_end_ceiling_ratio, 0.25);
  EXPECT_DOUBLE_EQ(*spawn.time_to_first_row_ms, 12.5);
  EXPECT_DOUBLE_EQ(*spawn.cpu_seconds_per_million_rows, 0.75);
  EXPECT_DOUBLE_EQ(*spawn.peak_rss_mib, 2);
  EXPECT_DOUBLE_EQ(*spawn.create_session_p50_us, 310);
  EXPECT_DOUBLE_EQ(*spawn.create_session_p99_us, 950);
  const ModelCostRow& fork = rows[1];
  EXPECT_EQ(fork.model, "fork_after_create(parent_channel=used)");
  EXPECT_EQ(fork.workers, 0);
  EXPECT_EQ(fork.safety, "hang 6/6 → unsafe, failure 100% [54%–100%]");
  EXPECT_EQ(fork.safety_verdict, "unsafe");
  EXPECT_FALSE(fork.rows_per_second.has_value());
  // ok_after_retry is its own kind, and makes the cell need a retry.
  EXPECT_EQ(rows[2].safety,
            "ok 30/36, ok_after_retry 6/36 → needs_retry, failure 17% "
            "[6.4%–33%]");
  // Wrong data is reported on its own, whatever the verdict.
  EXPECT_EQ(rows[3].safety,
            "ok 37/40, wrong_data 3/40 → flaky, failure 7.5% [1.6%–20%] · "
            "wrong_data 3/40 trials");
  EXPECT_EQ(rows[3].parent_after, "-");
  EXPECT_EQ(rows[3].parent_after_verdict, "");
}

TEST(SummaryTest, TextAndMarkdownShowTheTable) {
  const Report report = MakeReport();
  const std::string text = RenderSummaryText(report);
  EXPECT_THAT(text, HasSubstr("gRPC "));
  // One row per model (ModelTableTest has the details).
  EXPECT_THAT(text, HasSubstr("cpp:\n  model "));
  EXPECT_THAT(text,
              HasSubstr("\n  spawn                          safe, 2 cells: "
                        "ok 72/72"));
  EXPECT_THAT(text, HasSubstr("\n  fork_after_create              unsafe: "
                              "hang 6/6, ≥54%"));
  // × ceiling is the steady ratio; the first row is the fixed cost.
  EXPECT_THAT(text, HasSubstr(" 300 ±0%    0.50  12 ms\n"));
  EXPECT_THAT(text, HasSubstr("Matrix: quick, 5 cells, 2 to 40 trials a cell, "
                              "mixed at 30 (50 off record), time budget 600 "
                              "s.\n"));
  const std::string markdown = RenderSummaryMarkdown(report);
  EXPECT_THAT(markdown,
              HasSubstr(absl::StrCat("| cpp | spawn | ", kSafe, " | ", kSafe,
                                     " | 4 | 64KiB | 300 ± 0 | 4 | 0.50 | "
                                     "12.5 | 2 | 0.25 | 0.75 | 2.0 | 310 / "
                                     "950 |")));
  EXPECT_THAT(markdown, HasSubstr("## The process-model matrix (quick, 2 to "
                                  "40 trials a cell, mixed at 30 (50 off "
                                  "record), time budget 600 s)"));
  // Every cell, with why it stopped if not decided.
  EXPECT_THAT(markdown,
              HasSubstr("` | ok 37/40, wrong_data 3/40 → flaky, failure 7.5% "
                        "[1.6%–20%] · wrong_data 3/40 trials | - | trial cap "
                        "|\n"));
  EXPECT_THAT(markdown,
              HasSubstr(absl::StrCat("` | ", kSafe, " | ", kSafe, " |  |\n")));
  // The rule, once in each.
  for (const std::string* output : {&text, &markdown}) {
    EXPECT_EQ(CountOf(*output, "Clopper-Pearson"), 1) << *output;
    EXPECT_THAT(*output, Not(HasSubstr("always ok")));
  }
  EXPECT_THAT(markdown, HasSubstr(absl::StrCat("Verdicts: ", kRule, ".\n")));
  EXPECT_THAT(text, HasSubstr("Verdicts: 95% Clopper-Pearson intervals; safe: "
                              "failure rate's upper bound < 10%; unsafe: ok "
                              "rate's\n  upper bound < 50%.\n"));
  // An older report (no clients list): its one C++ client and its
  // expectations.
  EXPECT_THAT(markdown, HasSubstr("## Clients\n\n- cpp: grpc++ "));
  EXPECT_THAT(markdown,
              HasSubstr("Expectations of cpp (conformance/expectations/"
                        "grpc-1.51.txt): none recorded for this version.\n"));
}

// A report of benchmarks only, of the spawn model at 4 workers and 64KiB.
Report BenchmarksOnlyReport(const std::vector<nlohmann::json>& runs) {
  ReportParts parts;
  parts.command = {"forkcheck_run"};
  EnvironmentOptions options;
  options.start = CaptureRunStart();
  parts.environment = CollectEnvironment(options);
  parts.benchmarks =
      *BenchmarkSection({{"process_models_benchmark", {{"benchmarks", runs}}}});
  absl::StatusOr<Report> report = Report::Build(parts);
  EXPECT_TRUE(report.ok()) << report.status();
  return *report;
}

constexpr char kSpawn[] = "BM_ProcessModel/spawn/workers:4/response:64KiB";
constexpr char kBare[] = "BM_BareReadLoop/workers:4/response:64KiB";

TEST(SummaryTest, WithoutTheBareLoopThereIsNoCeiling) {
  const Report report = BenchmarksOnlyReport(
      {BenchmarkRun(kSpawn, "spawn", 300,
                    {{"bytes_per_second", 2 * kMiB},
                     {"steady_bytes_per_second", 4 * kMiB}}),
       // Another size's loop is no ceiling for 64KiB.
       BenchmarkRun("BM_BareReadLoop/workers:4/response:256KiB", "", 1000,
                    {{"bytes_per_second", 8 * kMiB},
                     {"steady_bytes_per_second", 8 * kMiB}})});
  const std::vector<ModelCostRow> rows = ModelCostRows(report);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_FALSE(rows[0].ceiling_ratio.has_value());
  EXPECT_FALSE(rows[0].end_to_end_ceiling_ratio.has_value());
  EXPECT_THAT(RenderSummaryMarkdown(report),
              HasSubstr("| 4 | 64KiB | 300 ± 0 | 4 | - | 12.5 | 2 | - | "
                        "0.75 | 2.0 | - |"));
  EXPECT_THAT(RenderSummaryText(report),
              HasSubstr(" 300 ±0%    -     12 ms\n"));
}

TEST(SummaryTest, AReportFromBeforeSteadyRatesShowsADashForThem) {
  // Only rows/s and bytes/s, as process_models_benchmark wrote them
  // before it measured steady rates.
  const Report report = BenchmarksOnlyReport(
      {BenchmarkRun(kSpawn, "spawn", 300, {{"bytes_per_second", 2 * kMiB}}),
       BenchmarkRun(kBare, "", 1000, {{"bytes_per_second", 8 * kMiB}})});
  const std::vector<ModelCostRow> rows = ModelCostRows(report);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_FALSE(rows[0].steady_bytes_per_second.has_value());
  EXPECT_FALSE(rows[0].ceiling_ratio.has_value());
  EXPECT_DOUBLE_EQ(*rows[0].end_to_end_ceiling_ratio, 0.25);
  EXPECT_THAT(RenderSummaryMarkdown(report),
              HasSubstr("| 4 | 64KiB | 300 ± 0 | - | - | 12.5 | 2 | 0.25 | "
                        "0.75 | 2.0 | - |"));
  // The table's × ceiling falls back to the end-to-end ratio.
  EXPECT_THAT(RenderSummaryText(report),
              HasSubstr(" 300 ±0%    0.25  12 ms\n"));

  // Older still: rows/s alone, on both sides. Nothing to divide.
  const Report rows_only = BenchmarksOnlyReport(
      {BenchmarkRun(kSpawn, "spawn", 300), BenchmarkRun(kBare, "", 1000)});
  EXPECT_FALSE(
      ModelCostRows(rows_only)[0].end_to_end_ceiling_ratio.has_value());
  EXPECT_THAT(RenderSummaryMarkdown(rows_only),
              HasSubstr("| 4 | 64KiB | 300 ± 0 | - | - | 12.5 | - | - | "
                        "0.75 | 2.0 | - |"));
}

TEST(SummaryTest, TheTextFitsAHundredColumns) {
  const std::string text = RenderSummaryText(MakeReport());
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    EXPECT_LT(TextColumns(line), 100u) << line;
  }
}

// A mismatch of `key`'s line `line`: a safe cell's workers now hang.
ExpectationMismatch SafeCellNowHangs(const std::string& key, int line) {
  ExpectationMismatch mismatch;
  mismatch.key = key;
  mismatch.line = line;
  mismatch.part = "workers";
  mismatch.why = "failure rate changed";
  mismatch.recorded = "ok 40/40 → safe, failure 0% [0%–8.8%]";
  mismatch.observed = "hang 36/36 → unsafe, failure 100% [90%–100%]";
  mismatch.p_value = 1e-20;
  mismatch.adjusted_p_value = 1.2e-19;
  return mismatch;
}

ClientSection PythonClient(bool ran) {
  ClientSection client;
  client.client = "python-grpcio";
  if (!ran) {
    client.skipped = "python3-grpcio is not installed";
    return client;
  }
  client.language = "Python 3.11";
  client.library = "grpcio";
  client.library_version = "1.51.1";
  client.grpc_core_version = "29.0.0";
  client.versions = {{"protobuf", "3.21.12"}};
  client.expectations = {"conformance/expectations/python-grpcio-1.51.txt",
                         true, false, "python-grpcio:threads: hang\n"};
  ExpectationsCheck check;
  check.rule.alpha = 0.01;
  check.tests = 12;
  check.sensitivity = CheckSensitivity{2, 50, 0.2, 0.95};
  check.mismatches = {SafeCellNowHangs("python-grpcio:threads workers=2", 4)};
  client.expectations.check = check;
  return client;
}

ClientSection CppClient() {
  ClientSection client;
  client.client = "cpp";
  client.language = "C++ 17";
  client.library = "grpc++";
  client.library_version = "1.51.1";
  client.grpc_core_version = "29.0.0";
  client.expectations = {"conformance/expectations/grpc-1.51.txt", true, true,
                         ""};
  return client;
}

Report MakeTwoClientReport(bool python_ran) {
  ReportParts parts;
  parts.command = {"forkcheck_run"};
  EnvironmentOptions options;
  options.start = CaptureRunStart();
  parts.environment = CollectEnvironment(options);
  std::vector<CellResult> cells = {
      Cell("spawn", 2, OutcomeKind::kOk, OutcomeKind::kOk)};
  if (python_ran) {
    cells.push_back(Cell("python-grpcio:threads", 2, OutcomeKind::kHang,
                         std::nullopt, "python-grpcio"));
  }
  parts.conformance = ConformanceSection(
      cells, Axes(), "quick", Policy(), "", CppClient().expectations,
      {CppClient(), PythonClient(python_ran)});
  // The Python benchmark first: rows still come client by client.
  nlohmann::json google = {
      {"benchmarks",
       {BenchmarkRun("BM_ProcessModel/python_threads/workers:2/response:64KiB",
                     "python-grpcio:threads", 150),
        BenchmarkRun("BM_ProcessModel/spawn/workers:2/response:64KiB", "spawn",
                     300)}}};
  parts.benchmarks = *BenchmarkSection({{"process_models_benchmark", google}});
  absl::StatusOr<Report> report = Report::Build(parts);
  EXPECT_TRUE(report.ok()) << report.status();
  return *report;
}

TEST(SummaryTest, ClientsSideBySideWithTheirOwnExpectations) {
  const Report report = MakeTwoClientReport(true);
  const std::vector<ModelCostRow> rows = ModelCostRows(report);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].client, "cpp");
  EXPECT_EQ(rows[0].model, "spawn");
  EXPECT_EQ(rows[1].client, "python-grpcio");
  EXPECT_EQ(rows[1].model, "python-grpcio:threads");
  EXPECT_EQ(rows[1].safety, "hang 36/36 → unsafe, failure 100% [90%–100%]");
  EXPECT_DOUBLE_EQ(*rows[1].rows_per_second, 150);

  const std::string markdown = RenderSummaryMarkdown(report);
  EXPECT_THAT(markdown,
              HasSubstr("- cpp: grpc++ 1.51.1 (C++ 17, gRPC core 29.0.0)\n"
                        "- python-grpcio: grpcio 1.51.1 (Python 3.11, gRPC "
                        "core 29.0.0; protobuf 3.21.12)\n"));
  EXPECT_THAT(markdown, HasSubstr("| python-grpcio | threads | hang 36/36 → "
                                  "unsafe, failure 100% [90%–100%] |"));
  EXPECT_THAT(markdown, HasSubstr("Expectations of cpp (conformance/"
                                  "expectations/grpc-1.51.txt): every cell "
                                  "as recorded."));
  EXPECT_THAT(markdown,
              HasSubstr("Expectations of python-grpcio (conformance/"
                        "expectations/python-grpcio-1.51.txt): differences. "
                        "Fisher's exact test, Holm-corrected over 12 "
                        "tests, family-wise alpha 0.01: 1 mismatch; 2 of 12 "
                        "had the power (95%) to see a 20-point change in 50 "
                        "trials."
                        "\n\n```\npython-grpcio:threads: hang\n```"));
  const std::string text = RenderSummaryText(report);
  EXPECT_THAT(text, HasSubstr("Clients:\n  cpp: grpc++ 1.51.1"));
  EXPECT_THAT(text, HasSubstr("Expectations of python-grpcio (conformance/"
                              "expectations/python-grpcio-1.51.txt): "
                              "differences.\n  Fisher's exact test, "
                              "Holm-corrected over 12 tests, family-wise "
                              "alpha 0.01: 1 mismatch; 2 of 12\n  had the "
                              "power (95%) to see a 20-point change in 50 "
                              "trials.\n"));
}

TEST(SummaryTest, AQuasiBinomialMismatchSaysItsTestAndRoundTrips) {
  ReportParts parts;
  parts.command = {"forkcheck_run"};
  EnvironmentOptions options;
  options.start = CaptureRunStart();
  parts.environment = CollectEnvironment(options);
  ClientSection python = PythonClient(true);
  ExpectationMismatch& mismatch = python.expectations.check->mismatches[0];
  mismatch.test = kQuasiBinomialTest;
  mismatch.dispersion = 4.0;
  mismatch.runs = 13;
  mismatch.p_value = 2e-4;
  python.expectations.check->quasi_binomial_tests = 1;
  parts.conformance =
      ConformanceSection({Cell("python-grpcio:threads", 2, OutcomeKind::kHang,
                               std::nullopt, "python-grpcio")},
                         Axes(), "quick", Policy(), "",
                         CppClient().expectations, {CppClient(), python});
  // Build validates against the schema.
  absl::StatusOr<Report> report = Report::Build(parts);
  ASSERT_TRUE(report.ok()) << report.status();
  const nlohmann::json& written =
      report->json()["conformance"]["clients"][1]["expectations"];
  EXPECT_EQ(written["quasi_binomial_tests"], 1);
  EXPECT_EQ(written["mismatches"][0]["test"], "quasi_binomial");
  EXPECT_EQ(written["mismatches"][0]["runs"], 13);
  absl::StatusOr<Report> reread = Report::Parse(report->Text(), "reread");
  ASSERT_TRUE(reread.ok()) << reread.status();
  const std::string text = RenderSummaryText(*reread);
  EXPECT_THAT(text, HasSubstr("(quasi-binomial p = 0.0002 (runs spread 4.0 "
                              "times the binomial's,\n      over 13 recorded "
                              "runs)"));
  EXPECT_THAT(text, HasSubstr("Fisher's exact test (quasi-binomial on 1 part "
                              "whose recorded runs disagree)"));
}

TEST(SummaryTest, ASkippedClientSaysWhy) {
  const Report report = MakeTwoClientReport(false);
  const std::string markdown = RenderSummaryMarkdown(report);
  EXPECT_THAT(markdown, HasSubstr("- python-grpcio: skipped: python3-grpcio "
                                  "is not installed\n"));
  EXPECT_THAT(markdown, Not(HasSubstr("Expectations of python-grpcio")));
  EXPECT_THAT(RenderSummaryText(report),
              HasSubstr("python-grpcio: skipped: python3-grpcio"));
}

TEST(SummaryTest, AProbedRunSaysItsCountsAreNotEvidence) {
  nlohmann::json document = MakeTwoClientReport(true).json();
  document["conformance"]["power_probe"] =
      "power probe: cells matching \"thread_shared\" read small_power_probe";
  absl::StatusOr<Report> probed = Report::Parse(document.dump(), "probed");
  ASSERT_TRUE(probed.ok()) << probed.status();
  EXPECT_THAT(RenderSummaryText(*probed),
              HasSubstr("NOT EVIDENCE: power probe: cells matching"));
  EXPECT_THAT(RenderSummaryText(MakeTwoClientReport(true)),
              Not(HasSubstr("NOT EVIDENCE")));
}

constexpr char kPluck[] =
    "grpc_pollset_work ← grpc::CompletionQueue::Pluck ← "
    "grpc::ClientReader::Read";

ProcessEvidence Evidence(const std::string& process,
                         const std::string& signature,
                         const std::string& capture_error = "") {
  ProcessEvidence evidence;
  evidence.process = process;
  evidence.signature = signature;
  evidence.stacks_source = signature.empty() ? "" : "gdb attach";
  evidence.stacks = signature.empty() ? "" : "Thread 1: " + signature;
  evidence.stderr_tail = "E0000 some <error> & more\n";
  evidence.capture_error = capture_error;
  return evidence;
}

// `cell` with every failed trial's evidence: two workers stuck in Pluck,
// and in the first `parent_trials` of them the parent stuck elsewhere.
CellResult Explained(CellResult cell, int parent_trials = 0) {
  int failed = 0;
  for (TrialSample& sample : cell.samples) {
    if (sample.workers == OutcomeKind::kOk) continue;
    sample.evidence = {Evidence("worker 0", kPluck),
                       Evidence("worker 1", kPluck)};
    if (failed++ < parent_trials) {
      sample.evidence.insert(sample.evidence.begin(),
                             Evidence("parent", "pthread_join ← main"));
    }
  }
  return cell;
}

Report ReportOf(std::vector<CellResult> cells) {
  ReportParts parts;
  parts.command = {"forkcheck_run"};
  EnvironmentOptions options;
  options.start = CaptureRunStart();
  parts.environment = CollectEnvironment(options);
  parts.conformance =
      ConformanceSection(cells, Axes(), "quick", Policy(), "",
                         {"conformance/expectations/grpc-1.51.txt"}, {});
  absl::StatusOr<Report> report = Report::Build(parts);
  EXPECT_TRUE(report.ok()) << report.status();
  return *report;
}

// The watchdog's allowance for CPU waits (supervisor/cpu_starvation.h) is
// told only when it mattered: trials it let finish, and hangs still waiting
// for a CPU when it ran out.
TEST(SummaryTest, TrialsTheWatchdogWaitedForAreCounted) {
  EXPECT_THAT(RenderSummaryText(ReportOf({Cell("spawn", 2, OutcomeKind::kOk,
                                               std::nullopt)})),
              Not(HasSubstr("CPU:")));

  CellResult cell = WithTrials(
      Cell("spawn", 2, OutcomeKind::kOk, std::nullopt), 2, OutcomeKind::kHang);
  cell.samples[0].watchdog_fired = true;
  cell.samples[0].starvation_allowance_micros = 8000000;
  cell.samples[0].killed_waiting_for_cpu = true;
  cell.samples[1].watchdog_fired = true;  // a hang that waited for nothing
  cell.samples[2].starvation_allowance_micros = 1250000;
  cell.samples[3].starvation_allowance_micros = 300000;
  const Report report = ReportOf({cell});
  const std::string text = RenderSummaryText(report);
  EXPECT_THAT(text, HasSubstr("CPU: 2 trials ended in time the watchdog "
                              "added for waits for a CPU"));
  EXPECT_THAT(text, HasSubstr("(up to 1.2 s)"));
  EXPECT_THAT(text, HasSubstr("1 hung trial was\n  still waiting for a CPU"));
  // The report keeps what the summary counts, and reads it back.
  absl::StatusOr<Report> again = Report::Parse(report.json().dump(), "again");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(RenderSummaryText(*again), text);
}

TEST(SummaryTest, AModelsWritingCellsAreARowOfTheirOwn) {
  CellResult writes = Cell("spawn", 2, OutcomeKind::kHang, OutcomeKind::kOk);
  writes.cell.axes.workload = "write";
  writes.key = CellKey(writes.cell);
  const Report report =
      ReportOf({Cell("spawn", 2, OutcomeKind::kOk, OutcomeKind::kOk), writes});
  const std::vector<ModelCostRow> rows = ModelCostRows(report);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(ShownModel(rows[0]), "spawn");
  EXPECT_EQ(rows[0].safety_verdict, "safe");
  EXPECT_EQ(ShownModel(rows[1]), "spawn (write)");
  EXPECT_EQ(rows[1].safety_verdict, "unsafe");
  EXPECT_THAT(RenderSummaryText(report), HasSubstr("spawn (write)"));
}

TEST(SummaryTest, WhyCellsFailedNamesEachModelsSignatures) {
  CellResult unreadable =
      Cell("fork_after_create(parent_channel=idle)", 2, OutcomeKind::kCrash,
           std::nullopt, kCppClient, 6);
  for (TrialSample& sample : unreadable.samples) {
    sample.evidence = {
        Evidence("worker 0", "", "ptrace: Operation not permitted")};
  }
  const Report report = ReportOf(
      {Cell("spawn", 2, OutcomeKind::kOk, OutcomeKind::kOk),
       Explained(Cell("fork_after_create(parent_channel=used)", 2,
                      OutcomeKind::kHang, std::nullopt, kCppClient, 30),
                 2),
       Explained(
           WithTrials(Cell("fork_after_create(parent_channel=used)", 4,
                           OutcomeKind::kOk, std::nullopt, kCppClient, 30),
                      6, OutcomeKind::kHang)),
       WithTrials(Cell("thread_shared", 2, OutcomeKind::kOk, std::nullopt), 6,
                  OutcomeKind::kOkAfterRetry),
       unreadable});
  const std::string text = RenderSummaryText(report);
  // Per model, most failed trials first, its cells' trials summed; a
  // worker's index is not part of its signature.
  EXPECT_THAT(text,
              HasSubstr("Why cells failed (per model: failed trials; its most "
                        "seen stack signature, workers' first):\n"
                        "  cpp: fork_after_create(parent_channel=used), 2 "
                        "cells: hang 36/60 — worker: grpc_pollset_work ←\n"
                        "    grpc::CompletionQueue::Pluck ← "
                        "grpc::ClientReader::Read (36); 1 more signature\n"
                        "  cpp: fork_after_create(parent_channel=idle), 1 "
                        "cell: crash 6/6 — no stack signature (ptrace:\n"
                        "    Operation not permitted)\n"));
  // A retried call is not a failure to explain.
  EXPECT_THAT(text, Not(HasSubstr("thread_shared, 1 cell")));
  EXPECT_THAT(text, Not(HasSubstr("more models")));

  const std::string markdown = RenderSummaryMarkdown(report);
  EXPECT_THAT(markdown, HasSubstr("## Why cells failed\n\n"));
  EXPECT_THAT(
      markdown,
      HasSubstr("- `fork_after_create(parent_channel=used) workers=2 "));
  EXPECT_THAT(
      markdown,
      HasSubstr("busy_parent_thread=no workload=read` (unsafe): hang 30/30 — "
                "`worker: "
                "grpc_pollset_work ← grpc::CompletionQueue::Pluck ← "
                "grpc::ClientReader::Read` (30); `parent: "
                "pthread_join ← main` (2)\n"));
  EXPECT_THAT(markdown, HasSubstr("workers=4"));
  EXPECT_THAT(markdown, HasSubstr("(flaky): hang 6/30 — `worker: "));
  EXPECT_THAT(markdown, HasSubstr("(unsafe): crash 6/6 — no stack signature "
                                  "(ptrace: Operation not permitted)\n"));
  EXPECT_THAT(markdown, Not(HasSubstr("- `thread_shared")));
}

TEST(SummaryTest, WhyCellsFailedFitsEightLinesOnTheConsole) {
  std::vector<CellResult> cells;
  for (int i = 0; i < 12; ++i) {
    cells.push_back(
        Explained(Cell(absl::StrCat("model_", i), 2, OutcomeKind::kHang,
                       std::nullopt, kCppClient, 6 + i)));
  }
  const Report report = ReportOf(cells);
  const std::string text = RenderSummaryText(report);
  const size_t start = text.find("Why cells failed");
  ASSERT_NE(start, std::string::npos) << text;
  const size_t end = text.find("\n\n", start);
  const std::string section = text.substr(start, end - start + 1);
  // The heading, then at most 8 lines, the last saying what did not fit.
  EXPECT_LE(CountOf(section, "\n"), 9) << section;
  // The models with the most failed trials first.
  EXPECT_THAT(section, HasSubstr("  cpp: model_11, 1 cell: hang 17/17 — "));
  EXPECT_THAT(section, HasSubstr("  … 9 more models with failed trials; "
                                 "every cell's signatures: Markdown "
                                 "summary, HTML page.\n"));
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    EXPECT_LT(TextColumns(line), 100u) << line;
  }
  // The Markdown lists every one.
  EXPECT_EQ(CountOf(RenderSummaryMarkdown(report), "`worker: "), 12);
}

// Everything the console can say at once: two clients whose checks failed
// with five mismatches each, a dozen models with failed trials each, and
// guidance about every one of them.
Report EverythingFiresReport() {
  ClientSection cpp = CppClient();
  ClientSection python = PythonClient(true);
  for (ClientSection* client : {&cpp, &python}) {
    client->expectations.passed = false;
    client->expectations.differences = "";
    ExpectationsCheck check;
    check.rule.alpha = 0.01;
    check.tests = 40;
    for (int i = 0; i < 5; ++i) {
      const ExpectationMismatch mismatch = SafeCellNowHangs(
          absl::StrCat(client->client, ":model_", i,
                       " workers=2 transport=tcp table=small faults=none "
                       "fork_support=unset"),
          10 + i);
      check.mismatches.push_back(mismatch);
      absl::StrAppend(&client->expectations.differences, mismatch.key,
                      ": hang\n");
    }
    client->expectations.check = check;
  }
  std::vector<CellResult> cells;
  for (int i = 0; i < 12; ++i) {
    cells.push_back(
        Explained(Cell(absl::StrCat("model_", i), 2, OutcomeKind::kHang,
                       std::nullopt, kCppClient, 6 + i)));
    cells.push_back(Cell(absl::StrCat("safe_model_", i), 2, OutcomeKind::kOk,
                         std::nullopt));
    cells.push_back(Explained(Cell(absl::StrCat("python-grpcio:model_", i), 2,
                                   OutcomeKind::kHang, std::nullopt,
                                   "python-grpcio", 6 + i)));
  }
  ReportParts parts;
  parts.command = {"forkcheck_run"};
  EnvironmentOptions options;
  options.start = CaptureRunStart();
  parts.environment = CollectEnvironment(options);
  parts.conformance = ConformanceSection(cells, Axes(), "quick", Policy(), "",
                                         cpp.expectations, {cpp, python});
  absl::StatusOr<Report> report = Report::Build(parts);
  EXPECT_TRUE(report.ok()) << report.status();
  return *report;
}

TEST(SummaryTest, TheConsoleSummaryKeepsToItsLinesWhateverFires) {
  const Report report = EverythingFiresReport();
  const std::string whole = RenderSummaryText(report);
  const std::string kept = RenderSummaryText(report, kConsoleSummaryLines);
  // The whole would not fit: the budget is what keeps it short.
  EXPECT_GT(LineCount(whole), kConsoleSummaryLines) << whole;
  EXPECT_LE(LineCount(kept), kConsoleSummaryLines) << kept;
  for (const std::string* text : {&whole, &kept}) {
    for (absl::string_view line : absl::StrSplit(*text, '\n')) {
      EXPECT_LT(TextColumns(line), 100u) << line;
    }
  }
  // As the console shows it, with 4 lines of paths after it.
  const std::string console = RenderConsoleSummary(
      report, "Report: r.json\nSummary: r.md\nPage: r.html\nBenchmark "
              "output: r.bench.log\n");
  EXPECT_LE(LineCount(console), kConsoleSummaryLines) << console;
  EXPECT_GE(LineCount(console), kConsoleSummaryLines - 2) << console;
  EXPECT_THAT(console, EndsWith("\nReport: r.json\nSummary: r.md\nPage: "
                                "r.html\nBenchmark output: r.bench.log\n"));
  // Every section still says something, and where the rest is.
  EXPECT_THAT(kept, HasSubstr("What to do on this build"));
  EXPECT_THAT(kept, HasSubstr("  cpp:\n"));
  EXPECT_THAT(kept, HasSubstr("  python-grpcio:\n"));
  EXPECT_THAT(kept, HasSubstr("Why cells failed"));
  EXPECT_THAT(kept, HasSubstr("Expectations of cpp"));
  EXPECT_THAT(kept, HasSubstr("Expectations of python-grpcio"));
  EXPECT_EQ(CountOf(kept,
                    " more; all, with the lines to write if they are "
                    "real, are in the Markdown summary.\n"),
            2)
      << kept;
  // The differences come first: both clients show a mismatch.
  EXPECT_THAT(kept, HasSubstr("  line 10: cpp:model_0 workers=2"));
  EXPECT_THAT(kept, HasSubstr("  line 10: python-grpcio:model_0 workers=2"));

  // Fewer lines than the fixed part needs: the rest shrink to their least
  // forms, and nothing breaks.
  const std::string least = RenderSummaryText(report, 0);
  EXPECT_THAT(least, Not(HasSubstr("What to do on this build")));
  EXPECT_THAT(least, HasSubstr("Expectations of python-grpcio"));
  // Just above it, the least of each: a line of differences a client, the
  // guidance's heading and four lines a client, why cells failed in one,
  // and a blank line after the guidance and after why cells failed.
  const size_t fixed = LineCount(least);
  const std::string short_text = RenderSummaryText(report, fixed + 14);
  EXPECT_LE(LineCount(short_text), fixed + 14) << short_text;
  EXPECT_EQ(CountOf(short_text, " more; all, with the lines to write"), 2);
  EXPECT_THAT(short_text, HasSubstr("What to do on this build (rules"));
  EXPECT_THAT(short_text, HasSubstr("  cpp:\n    Safe here"));
  EXPECT_THAT(short_text, HasSubstr("  python-grpcio:\n    Never safe"));
  EXPECT_THAT(short_text, HasSubstr("Why cells failed: 24 models with failed "
                                    "trials; signatures: Markdown summary, "
                                    "HTML page.\n"));
}

TEST(SummaryTest, AnOlderReportSaysItHasNoSignatures) {
  // MakeReport's cells failed, but (as before issue 13) without evidence.
  const Report report = MakeReport();
  EXPECT_THAT(RenderSummaryText(report),
              HasSubstr("Why cells failed: this report records no stack "
                        "signatures (it predates them).\n"));
  EXPECT_THAT(RenderSummaryMarkdown(report),
              HasSubstr("## Why cells failed\n\nThis report records no "
                        "stack signatures (it predates them).\n"));
  // Nothing failed: nothing to say.
  const Report clean =
      ReportOf({Cell("spawn", 2, OutcomeKind::kOk, OutcomeKind::kOk)});
  EXPECT_THAT(RenderSummaryText(clean), Not(HasSubstr("Why cells failed")));
  EXPECT_THAT(RenderSummaryMarkdown(clean), Not(HasSubstr("Why cells failed")));
}

}  // namespace
}  // namespace forkcheck
