#include "reports/report.h"

#include <unistd.h>

#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "matrix/cell_result.h"
#include "reports/benchmark_section.h"
#include "reports/conformance_section.h"

namespace forkcheck {
namespace {

using ::testing::HasSubstr;

CellResult HangCell() {
  CellResult result;
  result.cell.model = "fork_after_create";
  result.cell.variant = {{"parent_channel", "used"}};
  result.cell.model_name = "fork_after_create(parent_channel=used)";
  result.cell.groups = {"fork_settings"};
  result.key = CellKey(result.cell);
  for (int i = 0; i < 2; ++i) {
    TrialSample sample;
    sample.workers = OutcomeKind::kHang;
    sample.parent_after = OutcomeKind::kHang;
    sample.worker_details = {"hang (hang in connect)",
                             "hang (hang in connect)"};
    sample.watchdog_fired = true;
    sample.wall_micros = 4'000'000;
    sample.first_row_micros = {-1, -1};
    sample.done_micros = {-1, -1};
    result.samples.push_back(sample);
  }
  return result;
}

nlohmann::json GoogleBenchmarkJson() {
  return nlohmann::json::parse(R"({
    "context": {"date": "2026-11-25T19:00:00+00:00", "num_cpus": 2},
    "benchmarks": [
      {"name": "BM_ProcessModel/thread_shared/workers:4/response:64KiB",
       "run_name": "BM_ProcessModel/thread_shared/workers:4/response:64KiB",
       "run_type": "iteration", "repetitions": 2, "repetition_index": 0,
       "iterations": 1, "real_time": 100.0, "cpu_time": 10.0,
       "time_unit": "ms", "rows_per_second": 2000000.0, "peak_rss_kib": 9000},
      {"name": "BM_ProcessModel/thread_shared/workers:4/response:64KiB",
       "run_name": "BM_ProcessModel/thread_shared/workers:4/response:64KiB",
       "run_type": "iteration", "repetitions": 2, "repetition_index": 1,
       "iterations": 1, "real_time": 120.0, "cpu_time": 12.0,
       "time_unit": "ms", "rows_per_second": 1800000.0, "peak_rss_kib": 9100},
      {"name": "BM_ProcessModel/thread_shared/workers:4/response:64KiB_median",
       "run_name": "BM_ProcessModel/thread_shared/workers:4/response:64KiB",
       "run_type": "aggregate", "aggregate_name": "median",
       "real_time": 110.0, "cpu_time": 11.0, "time_unit": "ms"},
      {"name": "BM_ProcessModel/fork_after_create/workers:1/response:64KiB",
       "run_name": "BM_ProcessModel/fork_after_create/workers:1/response:64KiB",
       "run_type": "iteration", "repetitions": 1, "repetition_index": 0,
       "iterations": 0, "real_time": 0, "cpu_time": 0, "time_unit": "ms",
       "error_occurred": true, "error_message": "not safe here: hang"}
    ]})");
}

ReportParts Parts() {
  ReportParts parts;
  parts.command = {"forkcheck_run", "--size=quick"};
  EnvironmentOptions options;
  options.start = CaptureRunStart();
  parts.environment = CollectEnvironment(options);
  ExpectationsOutcome expectations{"conformance/expectations/grpc-1.51.txt",
                                   true, true, ""};
  ClientSection cpp{"cpp",    "C++ 17",    "grpc++",
                    "1.51.1", "1.51.1",    {{"protobuf", "3.21.12"}},
                    "",       expectations};
  ClientSection python{"python-grpcio",
                       "",
                       "",
                       "",
                       "",
                       {},
                       "python3-grpcio is not installed",
                       {}};
  TrialPolicy policy;
  policy.stopping = {2, 40, 30};
  policy.time_budget_seconds = 600;
  parts.conformance = ConformanceSection({HangCell()}, Axes(), "quick", policy,
                                         "", expectations, {cpp, python});
  absl::StatusOr<nlohmann::json> benchmarks =
      BenchmarkSection({{"process_models_benchmark", GoogleBenchmarkJson()}});
  EXPECT_TRUE(benchmarks.ok()) << benchmarks.status();
  parts.benchmarks = *benchmarks;
  return parts;
}

std::string TempPath(const std::string& name) {
  return absl::StrCat(getenv("TEST_TMPDIR"), "/", name);
}

TEST(ReportTest, TheSchemaIsUsableAndAReportRoundTrips) {
  absl::StatusOr<Report> report = Report::Build(Parts());
  ASSERT_TRUE(report.ok()) << report.status();
  const std::string path = TempPath("out/run.json");
  ASSERT_TRUE(report->Write(path).ok());
  absl::StatusOr<Report> loaded = Report::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->json(), report->json());
  ASSERT_TRUE(loaded->environment().ok()) << loaded->environment().status();
  EXPECT_TRUE(loaded->has_conformance());

  const nlohmann::json& cell = loaded->json()["conformance"]["cells"][0];
  EXPECT_EQ(loaded->json()["schema_version"], 2);
  EXPECT_EQ(cell["workers"]["summary"], "always hang");
  EXPECT_EQ(cell["workers"]["counts"]["hang"], 2);
  // Two hangs: too few trials to call it unsafe.
  EXPECT_EQ(cell["workers"]["trials"], 2);
  EXPECT_EQ(cell["workers"]["failures"], 2);
  EXPECT_EQ(cell["workers"]["wrong_data"], 0);
  EXPECT_EQ(cell["workers"]["failure_rate"], 1.0);
  EXPECT_EQ(cell["workers"]["verdict"], "undecided");
  EXPECT_EQ(cell["workers"]["text"],
            "hang 2/2 → undecided, failure 100% [16%–100%]");
  EXPECT_NEAR(cell["workers"]["interval"]["low"].get<double>(), 0.158, 1e-3);
  EXPECT_EQ(cell["workers"]["interval"]["high"], 1.0);
  EXPECT_EQ(cell["parent_after"]["verdict"], "undecided");
  EXPECT_EQ(cell["stop_reason"], "");
  const nlohmann::json& policy = loaded->json()["conformance"]["trial_policy"];
  EXPECT_EQ(policy["stopping"],
            nlohmann::json({{"min_trials", 2},
                            {"max_trials", 40},
                            {"flaky_trials", 30},
                            {"departing_trials", 50},
                            {"time_budget_seconds", 600.0}}));
  EXPECT_EQ(policy["verdicts"]["method"], "clopper-pearson");
  EXPECT_EQ(policy["verdicts"]["text"],
            "95% Clopper-Pearson intervals; safe: failure rate's upper bound "
            "< 10%; unsafe: ok rate's upper bound < 50%");
  EXPECT_FALSE(policy.contains("derived_from_v1"));
  EXPECT_FALSE(loaded->json()["conformance"].contains("repetitions"));
  // No expectations check ran (the outcome has none): no statistics.
  const nlohmann::json& expectations =
      loaded->json()["conformance"]["expectations"];
  EXPECT_TRUE(expectations["alpha"].is_null());
  EXPECT_EQ(expectations["tests"], 0);
  EXPECT_EQ(expectations["mismatches"], nlohmann::json::array());
  EXPECT_EQ(cell["axes"]["fork_support"], "unset");
  EXPECT_EQ(cell["trials"].size(), 2u);
  EXPECT_EQ(cell["client"], "cpp");

  const nlohmann::json& clients = loaded->json()["conformance"]["clients"];
  ASSERT_EQ(clients.size(), 2u);
  EXPECT_EQ(clients[0]["status"], "ran");
  EXPECT_EQ(clients[0]["versions"]["protobuf"], "3.21.12");
  EXPECT_EQ(clients[0]["expectations"]["file"],
            "conformance/expectations/grpc-1.51.txt");
  EXPECT_EQ(clients[1]["status"], "skipped");
  EXPECT_EQ(clients[1]["skipped_reason"], "python3-grpcio is not installed");
  EXPECT_TRUE(clients[1]["expectations"].is_null());
}

TEST(ReportTest, AReportFromBeforeTheClientDimensionStillReads) {
  absl::StatusOr<Report> report = Report::Build(Parts());
  ASSERT_TRUE(report.ok()) << report.status();
  nlohmann::json older = report->json();
  older["conformance"].erase("clients");
  older["conformance"]["cells"][0].erase("client");
  EXPECT_TRUE(Report::Parse(older.dump(), "older.json").ok());
}

TEST(ReportTest, ScenariosKeepRawSamplesAndTheirAggregates) {
  absl::StatusOr<Report> report = Report::Build(Parts());
  ASSERT_TRUE(report.ok()) << report.status();
  const nlohmann::json& scenarios = report->json()["benchmarks"]["scenarios"];
  ASSERT_EQ(scenarios.size(), 2u);
  const nlohmann::json& safe = scenarios[0];
  EXPECT_EQ(safe["config"]["benchmark"], "BM_ProcessModel");
  EXPECT_EQ(safe["config"]["workers"], 4);
  EXPECT_EQ(safe["config"]["response"], "64KiB");
  EXPECT_EQ(safe["repetitions"], 2);
  const nlohmann::json& rows = safe["metrics"]["rows_per_second"];
  EXPECT_EQ(rows["unit"], "1/s");
  EXPECT_EQ(rows["samples"], nlohmann::json({2000000.0, 1800000.0}));
  EXPECT_EQ(rows["median"], 1900000.0);
  EXPECT_EQ(safe["metrics"]["real_time"]["unit"], "ms");
  EXPECT_EQ(safe["metrics"]["peak_rss_kib"]["unit"], "KiB");
  EXPECT_EQ(scenarios[1]["skipped"], "not safe here: hang");
  // The binary's own JSON is kept whole, aggregates and all.
  EXPECT_EQ(report
                ->json()["benchmarks"]["google_benchmark"]
                        ["process_models_benchmark"]["benchmarks"]
                .size(),
            4u);
}

TEST(ReportTest, MetricUnitsFollowTheCountersNames) {
  EXPECT_EQ(MetricUnit("bytes_per_second", "ms"), "bytes/s");
  EXPECT_EQ(MetricUnit("steady_bytes_per_second", "ms"), "bytes/s");
  EXPECT_EQ(MetricUnit("rows_per_second", "ms"), "1/s");
  EXPECT_EQ(MetricUnit("time_to_first_row_ms", "us"), "ms");
  EXPECT_EQ(MetricUnit("real_time", "us"), "us");
  EXPECT_EQ(MetricUnit("connections", "ms"), "count");
}

TEST(ReportTest, BrokenReportsAreRejectedWithWhatIsWrong) {
  absl::StatusOr<Report> report = Report::Build(Parts());
  ASSERT_TRUE(report.ok()) << report.status();
  nlohmann::json newer = report->json();
  newer["schema_version"] = 3;
  nlohmann::json as_text = report->json();
  as_text["schema_version"] = "2";
  nlohmann::json bad_verdict = report->json();
  bad_verdict["conformance"]["cells"][0]["workers"]["verdict"] = "maybe";
  nlohmann::json no_interval = report->json();
  no_interval["conformance"]["cells"][0]["parent_after"].erase("interval");
  nlohmann::json old_field = report->json();
  old_field["conformance"]["repetitions"] = 2;
  nlohmann::json missing = report->json();
  missing["environment"].erase("grpc");
  nlohmann::json wrong_outcome = report->json();
  wrong_outcome["conformance"]["cells"][0]["trials"][1]["workers"] = "hangs";
  nlohmann::json wrong_status = report->json();
  wrong_status["conformance"]["clients"][1]["status"] = "maybe";
  const std::pair<std::string, std::string> cases[] = {
      {newer.dump(), "schema_version 3; this forkcheck reads 1 and 2"},
      {as_text.dump(), "schema_version \"2\"; this forkcheck reads 1 and 2"},
      {bad_verdict.dump(), "/conformance/cells/0/workers/verdict"},
      {no_interval.dump(),
       "/conformance/cells/0/parent_after: missing "
       "required property \"interval\""},
      {old_field.dump(), "/conformance: unexpected property \"repetitions\""},
      {missing.dump(), "/environment: missing required property \"grpc\""},
      {wrong_outcome.dump(), "/conformance/cells/0/trials/1/workers"},
      {wrong_status.dump(), "/conformance/clients/1/status"},
      {"{\"schema_version\": 1, ", "r.json"},
      {"[]", "not a forkcheck report"},
  };
  for (const auto& [text, expected] : cases) {
    absl::StatusOr<Report> parsed = Report::Parse(text, "r.json");
    ASSERT_FALSE(parsed.ok()) << expected;
    EXPECT_THAT(std::string(parsed.status().message()), HasSubstr(expected));
  }
  EXPECT_EQ(Report::Load(TempPath("absent.json")).status().code(),
            absl::StatusCode::kNotFound);
}

TEST(ReportTest, BenchmarkJsonThatIsNotGoogleBenchmarksIsAnError) {
  EXPECT_FALSE(BenchmarkSection({{"b", nlohmann::json::object()}}).ok());
  EXPECT_FALSE(
      BenchmarkSection({{"b", nlohmann::json::parse(R"({"benchmarks": [1]})")}})
          .ok());
}

// Another libbenchmark's types for the text fields: an error naming the
// field, not nlohmann's exception out of the main job.
TEST(ReportTest, BenchmarkRunFieldsOfAnotherTypeAreErrorsNamingThem) {
  for (const char* field :
       {R"("run_type": 0)", R"("run_name": [])", R"("time_unit": 1e-9)",
        R"("label": {})", R"("error_occurred": "yes")",
        R"("error_occurred": true, "error_message": 7)"}) {
    const absl::StatusOr<nlohmann::json> section = BenchmarkSection(
        {{"b", nlohmann::json::parse(absl::StrCat(
                   R"({"benchmarks": [{"name": "BM_x", )", field, "}]}"))}});
    ASSERT_FALSE(section.ok()) << field;
    EXPECT_EQ(section.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(section.status().message(), HasSubstr("b.benchmarks[0]."))
        << field;
  }
}

}  // namespace
}  // namespace forkcheck
