#include "reports/report_model.h"

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/file_util.h"
#include "common/runfiles.h"
#include "environment/environment.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "reports/compare/testing/synthetic_report.h"
#include "reports/environment_json.h"
#include "reports/report.h"

namespace forkcheck {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

json ReadFixture(const std::string& name) {
  absl::StatusOr<std::string> path =
      RunfileData(absl::StrCat("reports/testdata/report/valid/", name));
  EXPECT_TRUE(path.ok()) << path.status();
  absl::StatusOr<std::string> text = ReadFile(path.value_or(""), "fixture");
  EXPECT_TRUE(text.ok()) << text.status();
  return json::parse(text.value_or("null"));
}

// The message of parsing `document`, which must fail.
std::string ErrorOf(const json& document) {
  absl::StatusOr<ReportModel> model = ParseReportModel(document);
  EXPECT_FALSE(model.ok());
  return std::string(model.status().message());
}

TEST(ReportModelTest, TheFixtureWithEveryVerdictReadsWhole) {
  const json document = ReadFixture("every_verdict.json");
  absl::StatusOr<ReportModel> model = ParseReportModel(document);
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ(model->environment.machine.hardware_concurrency, 2);
  ASSERT_TRUE(model->conformance.has_value());
  EXPECT_FALSE(model->benchmarks.has_value());
  const ReportConformance& conformance = *model->conformance;
  EXPECT_EQ(conformance.size, document["conformance"]["size"]);
  EXPECT_EQ(conformance.trial_policy.stopping.max_trials, 40);
  EXPECT_EQ(conformance.trial_policy.time_budget_seconds, 600);
  EXPECT_THAT(conformance.trial_policy.rule_text, HasSubstr("Clopper-Pearson"));
  EXPECT_FALSE(conformance.trial_policy.derived_from_v1);
  ASSERT_EQ(conformance.cells.size(), 6u);
  for (size_t i = 0; i < conformance.cells.size(); ++i) {
    const json& cell = document["conformance"]["cells"][i];
    const ReportCell& parsed = conformance.cells[i];
    // The fixture predates the workload axis: its cells read as read cells
    // and their keys gain the axis, so they match newer reports' cells.
    EXPECT_FALSE(cell["axes"].contains("workload"));
    EXPECT_EQ(parsed.axes.workload, "read");
    EXPECT_EQ(parsed.key, cell["key"].get<std::string>() + " workload=read");
    EXPECT_EQ(parsed.client, cell["client"]);
    EXPECT_EQ(parsed.axes.workers, cell["axes"]["workers"]);
    EXPECT_EQ(parsed.axes.fork_support, cell["axes"]["fork_support"]);
    EXPECT_EQ(parsed.workers.verdict, cell["workers"]["verdict"]);
    EXPECT_EQ(parsed.workers.text, cell["workers"]["text"]);
    EXPECT_EQ(parsed.workers.trials, cell["workers"]["trials"]);
    EXPECT_EQ(parsed.workers.interval_high,
              cell["workers"]["interval"]["high"]);
    EXPECT_EQ(parsed.parent_after.has_value(), !cell["parent_after"].is_null());
    EXPECT_EQ(parsed.stop_reason, cell["stop_reason"]);
    EXPECT_EQ(parsed.trials.size(), cell["trials"].size());
    int counted = 0;
    for (const auto& [kind, count] : parsed.workers.counts) {
      EXPECT_EQ(count, cell["workers"]["counts"][kind]) << kind;
      counted += count;
    }
    EXPECT_EQ(counted, parsed.workers.trials);
  }
  ASSERT_EQ(conformance.clients.size(), 2u);
  EXPECT_EQ(conformance.clients[0].client, "cpp");
  EXPECT_FALSE(conformance.clients[0].inferred);
  const ExpectationsStatistics& statistics = conformance.clients[0].statistics;
  EXPECT_EQ(statistics.alpha, 0.01);
  EXPECT_EQ(statistics.tests, 18);
  ASSERT_EQ(statistics.mismatches.size(), 1u);
  EXPECT_EQ(statistics.mismatches[0].line, 7);
  EXPECT_EQ(statistics.mismatches[0].why, "wrong_data never recorded");
  const json& mismatch =
      document["conformance"]["clients"][0]["expectations"]["mismatches"][0];
  EXPECT_EQ(statistics.mismatches[0].key, mismatch["key"]);
  EXPECT_EQ(statistics.mismatches[0].part, "workers");
  EXPECT_EQ(statistics.mismatches[0].recorded, mismatch["recorded"]);
  EXPECT_EQ(statistics.mismatches[0].observed, mismatch["observed"]);

  // p-values other than the fixture's 1 (a mismatch's default) are read.
  json tested = document;
  json& tested_mismatch =
      tested["conformance"]["clients"][0]["expectations"]["mismatches"][0];
  tested_mismatch["p_value"] = 2.6e-7;
  tested_mismatch["adjusted_p_value"] = 3.1e-6;
  absl::StatusOr<ReportModel> with_p = ParseReportModel(tested);
  ASSERT_TRUE(with_p.ok()) << with_p.status();
  const ExpectationMismatch& read =
      with_p->conformance->clients[0].statistics.mismatches[0];
  EXPECT_EQ(read.p_value, 2.6e-7);
  EXPECT_EQ(read.adjusted_p_value, 3.1e-6);
  // The fixture predates the check's sensitivity: none; and the
  // quasi-binomial test: every test Fisher's.
  EXPECT_FALSE(with_p->conformance->clients[0].statistics.sensitivity);
  EXPECT_EQ(read.test, kFisherTest);
  EXPECT_EQ(with_p->conformance->clients[0].statistics.quasi_binomial_tests, 0);

  // A quasi-binomial mismatch reads with its dispersion and runs.
  json quasi = tested;
  json& quasi_outcome = quasi["conformance"]["clients"][0]["expectations"];
  quasi_outcome["quasi_binomial_tests"] = 3;
  quasi_outcome["mismatches"][0]["test"] = "quasi_binomial";
  quasi_outcome["mismatches"][0]["dispersion"] = 4.0;
  quasi_outcome["mismatches"][0]["runs"] = 13;
  absl::StatusOr<ReportModel> with_quasi = ParseReportModel(quasi);
  ASSERT_TRUE(with_quasi.ok()) << with_quasi.status();
  const ExpectationsStatistics& quasi_statistics =
      with_quasi->conformance->clients[0].statistics;
  EXPECT_EQ(quasi_statistics.quasi_binomial_tests, 3);
  EXPECT_EQ(quasi_statistics.mismatches[0].test, kQuasiBinomialTest);
  EXPECT_EQ(quasi_statistics.mismatches[0].dispersion, 4.0);
  EXPECT_EQ(quasi_statistics.mismatches[0].runs, 13);
  json unknown_test = quasi;
  unknown_test["conformance"]["clients"][0]["expectations"]["mismatches"][0]
              ["test"] = "chi_square";
  absl::StatusOr<ReportModel> unknown = ParseReportModel(unknown_test);
  ASSERT_FALSE(unknown.ok());
  EXPECT_THAT(std::string(unknown.status().message()),
              HasSubstr("\"chi_square\" is not a rate test (fisher, "
                        "quasi_binomial)"));
  quasi_outcome["mismatches"][0].erase("runs");
  absl::StatusOr<ReportModel> without_runs = ParseReportModel(quasi);
  ASSERT_FALSE(without_runs.ok());
  EXPECT_THAT(std::string(without_runs.status().message()), HasSubstr("runs"));

  // Where it was counted, it is read whole; a part of it is an error.
  json& outcome = tested["conformance"]["clients"][0]["expectations"];
  outcome["sensitivity"] = {
      {"tests", 7}, {"trials", 50}, {"shift", 0.2}, {"power", 0.95}};
  absl::StatusOr<ReportModel> counted = ParseReportModel(tested);
  ASSERT_TRUE(counted.ok()) << counted.status();
  const std::optional<CheckSensitivity>& sensitivity =
      counted->conformance->clients[0].statistics.sensitivity;
  ASSERT_TRUE(sensitivity.has_value());
  EXPECT_EQ(sensitivity->tests, 7);
  EXPECT_EQ(sensitivity->trials, 50);
  EXPECT_EQ(sensitivity->shift, 0.2);
  EXPECT_EQ(sensitivity->power, 0.95);
  outcome["sensitivity"].erase("trials");
  absl::StatusOr<ReportModel> partial = ParseReportModel(tested);
  ASSERT_FALSE(partial.ok());
  EXPECT_THAT(std::string(partial.status().message()),
              HasSubstr("sensitivity"));
}

TEST(ReportModelTest, AnUpgradedVersion1ReportSaysSo) {
  absl::StatusOr<ReportModel> model =
      ParseReportModel(ReadFixture("upgraded_from_v1.json"));
  ASSERT_TRUE(model.ok()) << model.status();
  ASSERT_TRUE(model->conformance.has_value());
  EXPECT_TRUE(model->conformance->trial_policy.derived_from_v1);
  for (const ReportClient& client : model->conformance->clients) {
    // No statistical check was made.
    EXPECT_FALSE(client.statistics.alpha.has_value()) << client.client;
  }
}

TEST(ReportModelTest, AReportBuiltIsReadThroughItsModel) {
  SyntheticReport spec;
  spec.scenarios = {{"BM_ProcessModel/spawn/workers:2/response:64KiB",
                     {{"rows_per_second", {100, 110, 120}}}},
                    {"BM_ProcessModel/thread_shared/workers:1/response:8KiB",
                     {},
                     "not safe here: hang"}};
  spec.cells = {{"spawn", "unset", Trials({{"ok", 3}}), {}},
                {"fork_after_create", "true", Trials({{"hang", 2}}),
                 Trials({{"crash", 2}})}};
  const Report report = BuildSyntheticReport(spec);
  const ReportModel& model = report.model();
  EXPECT_EQ(model.environment.machine.hostname, "testhost");
  ASSERT_TRUE(model.benchmarks.has_value());
  ASSERT_EQ(model.benchmarks->scenarios.size(), 2u);
  const BenchmarkScenario& spawn = model.benchmarks->scenarios[0];
  EXPECT_EQ(spawn.ConfigText("benchmark"), "BM_ProcessModel");
  EXPECT_EQ(spawn.ConfigInteger("workers"), 2);
  EXPECT_EQ(spawn.ConfigText("response"), "64KiB");
  EXPECT_EQ(spawn.ConfigText("no such key"), "");
  EXPECT_EQ(spawn.ConfigInteger("response"), 0);
  EXPECT_FALSE(spawn.skipped.has_value());
  EXPECT_EQ(spawn.Median("rows_per_second"), 110);
  EXPECT_EQ(spawn.metrics.at("rows_per_second").samples.size(), 3u);
  EXPECT_EQ(spawn.Median("no_such_metric"), std::nullopt);
  EXPECT_EQ(model.benchmarks->scenarios[1].skipped, "not safe here: hang");

  ASSERT_TRUE(model.conformance.has_value());
  ASSERT_EQ(model.conformance->cells.size(), 2u);
  const ReportCell& forked = model.conformance->cells[1];
  EXPECT_EQ(forked.client, "cpp");  // the cell does not say: an older report
  EXPECT_EQ(forked.axes.fork_support, "true");
  EXPECT_EQ(forked.workers.counts, (std::map<std::string, int>{{"hang", 2}}));
  ASSERT_TRUE(forked.parent_after.has_value());
  EXPECT_EQ(forked.parent_after->failures, 2);
  EXPECT_FALSE(model.conformance->cells[0].parent_after.has_value());
}

TEST(ReportModelTest, AReportWithoutAClientListIsOneCppClientThatRan) {
  SyntheticReport spec;
  spec.grpc_version = "1.51.1";
  spec.cells = {{"spawn", "unset", Trials({{"ok", 2}}), {}}};
  const Report report = BuildSyntheticReport(spec);
  const std::vector<ReportClient>& clients =
      report.model().conformance->clients;
  ASSERT_EQ(clients.size(), 1u);
  EXPECT_EQ(clients[0].client, "cpp");
  EXPECT_TRUE(clients[0].inferred);
  EXPECT_TRUE(clients[0].ran());
  EXPECT_EQ(clients[0].library, "grpc++");
  EXPECT_EQ(clients[0].library_version, "1.51.1");
  EXPECT_EQ(clients[0].expectations.file,
            report.json()["conformance"]["expectations"]["file"]);
}

TEST(ReportModelTest, ListedClientsRanOrWereSkipped) {
  SyntheticReport spec;
  spec.cells = {{"spawn", "unset", Trials({{"ok", 2}}), {}, "cpp"}};
  const Report ran = BuildSyntheticReport(WithPythonClient(spec, "1.60.0"));
  const std::vector<ReportClient>& clients = ran.model().conformance->clients;
  ASSERT_EQ(clients.size(), 2u);
  EXPECT_FALSE(clients[1].inferred);
  EXPECT_EQ(clients[1].client, "python-grpcio");
  EXPECT_EQ(clients[1].library_version, "1.60.0");
  EXPECT_TRUE(clients[1].ran());

  const Report skipped =
      BuildSyntheticReport(WithPythonClient(spec, "", "not installed"));
  EXPECT_EQ(skipped.model().conformance->clients[1].skipped, "not installed");
  EXPECT_FALSE(skipped.model().conformance->clients[1].ran());
}

TEST(ReportModelTest, AMalformedReportIsAnErrorNamingThePath) {
  const json good = ReadFixture("every_verdict.json");
  ASSERT_TRUE(ParseReportModel(good).ok());

  EXPECT_EQ(ErrorOf(json::array()), "(root): expected an object, got array");
  json document = good;
  document.erase("tool");
  EXPECT_EQ(ErrorOf(document), "tool: missing required field");

  document = good;
  document["conformance"]["cells"][3]["workers"]["trials"] = "many";
  EXPECT_EQ(ErrorOf(document),
            "conformance.cells[3].workers.trials: expected an integer, got "
            "string \"many\"");

  document = good;
  document["conformance"]["cells"][0]["workers"]["counts"]["hang"] = 0;
  EXPECT_THAT(ErrorOf(document),
              HasSubstr("conformance.cells[0].workers.counts.hang: value 0 "
                        "out of range"));

  // Totals that contradict the counts (a reader would ask for the interval
  // of 20 ok in 19 trials), and counts no run makes.
  document = good;
  document["conformance"]["cells"][3]["workers"]["trials"] = 19;
  EXPECT_EQ(ErrorOf(document),
            "conformance.cells[3].workers.trials: 19 is not the sum of the "
            "counts (30)");
  document = good;
  document["conformance"]["cells"][3]["workers"]["ok_after_retry"] = 31;
  EXPECT_EQ(ErrorOf(document),
            "conformance.cells[3].workers.ok_after_retry: 31 is more than the "
            "part's 30 trials");
  document = good;
  document["conformance"]["cells"][0]["workers"]["counts"] = {
      {"ok", 1000000000}};
  EXPECT_THAT(ErrorOf(document),
              HasSubstr("conformance.cells[0].workers.counts.ok: value "
                        "1000000000 out of range"));

  document = good;
  document["conformance"]["cells"][1]["trials"][0].erase("rows");
  EXPECT_EQ(ErrorOf(document),
            "conformance.cells[1].trials[0].rows: missing required field");

  document = good;
  document["conformance"]["clients"][1]["expectations"]["mismatches"] = 3;
  EXPECT_EQ(ErrorOf(document),
            "conformance.clients[1].expectations.mismatches: expected an "
            "array, got number");

  document = good;
  document["conformance"]["defaults"] = nullptr;
  EXPECT_EQ(ErrorOf(document),
            "conformance.defaults: expected an object, got null");

  document = good;
  document["environment"]["grpc"].erase("cpp_version");
  EXPECT_THAT(ErrorOf(document), HasSubstr("environment.grpc.cpp_version"));

  document = good;
  document["benchmarks"] = {{"scenarios",
                             {{{"id", "BM_X"},
                               {"binary", "x"},
                               {"config", {{"workers", json::array()}}},
                               {"repetitions", 1},
                               {"metrics", json::object()}}}}};
  EXPECT_EQ(ErrorOf(document),
            "benchmarks.scenarios[0].config.workers: expected a string, "
            "number or boolean, got array");
}

// The environment block as the driver writes it reads back as it was.
TEST(ReportModelTest, TheEnvironmentRoundTrips) {
  json document = ReadFixture("every_verdict.json");
  Environment collected =
      CollectEnvironment(EnvironmentOptionsFromProcess(CaptureRunStart()));
  collected.grpc_env["GRPC_TRACE"] = "api";
  const json written = EnvironmentToJson(collected);
  document["environment"] = written;
  absl::StatusOr<ReportModel> read = ParseReportModel(document);
  ASSERT_TRUE(read.ok()) << read.status() << "\n" << written.dump(2);
  EXPECT_EQ(EnvironmentToJson(read->environment), written);
  EXPECT_EQ(read->environment.machine.memory_total_bytes,
            collected.machine.memory_total_bytes);
  EXPECT_EQ(read->environment.grpc_env, collected.grpc_env);

  // Unknown numbers and load averages round-trip as "unknown".
  collected.machine.cpus_online.reset();
  collected.machine.load_average_at_start.reset();
  document["environment"] = EnvironmentToJson(collected);
  EXPECT_EQ(document["environment"]["machine"]["cpus_online"], "unknown");
  read = ParseReportModel(document);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_FALSE(read->environment.machine.cpus_online.has_value());
  EXPECT_FALSE(read->environment.machine.load_average_at_start.has_value());

  collected.machine.load_average_at_start = LoadAverage{0.5, 1.25, 2};
  document["environment"] = EnvironmentToJson(collected);
  read = ParseReportModel(document);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->environment.machine.load_average_at_start,
            (LoadAverage{0.5, 1.25, 2}));

  // Words this version does not write still read: older reports wrote
  // "fastbuild", and the schema allows any text there.
  document["environment"]["build"]["config"] = "fastbuild";
  document["environment"]["harness"]["git_tree"] = "messy";
  read = ParseReportModel(document);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->environment.build.config, "fastbuild");
  EXPECT_EQ(read->environment.harness.git_tree, "messy");
}

TEST(ReportModelTest, AMalformedEnvironmentIsAnErrorNamingTheField) {
  const json good = ReadFixture("every_verdict.json");
  ASSERT_TRUE(ParseReportModel(good).ok());
  struct Case {
    std::function<void(json&)> spoil;
    std::string message;
  };
  const Case cases[] = {
      {[](json& j) { j["machine"].erase("cpu_model"); },
       "environment.machine.cpu_model: missing required field"},
      {[](json& j) { j["machine"]["cpu_modle"] = "x"; },
       "environment.machine.cpu_modle: unknown key"},
      {[](json& j) { j["grpc"]["cpp_version"] = 1; },
       "environment.grpc.cpp_version: expected a string, got number"},
      {[](json& j) { j["grpc"]["cpp_version"] = ""; },
       "environment.grpc.cpp_version: must not be empty"},
      {[](json& j) { j["grpc"]["atfork"] = "maybe"; },
       "environment.grpc.atfork: unexpected value \"maybe\""},
      {[](json& j) { j["build"]["sanitizers"] = "address"; },
       "environment.build.sanitizers: expected an array, got string"},
      {[](json& j) { j["build"]["inferred_flags"][0] = 3; },
       "environment.build.inferred_flags[0]: expected a string"},
      {[](json& j) { j["machine"]["cpus_online"] = 0; },
       "environment.machine.cpus_online: value 0 out of range"},
      {[](json& j) { j["machine"]["cpus_online"] = "two"; },
       "environment.machine.cpus_online: expected an integer or \"unknown\""},
      {[](json& j) {
         j["machine"]["load_average_at_start"] = {1, 2};
       },
       "environment.machine.load_average_at_start: expected [1 min"},
      {[](json& j) {
         j["machine"]["load_average_at_start"] = {1, -2, 3};
       },
       "environment.machine.load_average_at_start[1]: must not be negative"},
      {[](json& j) { j["end_time"] = "yesterday"; },
       "environment.end_time: not an RFC 3339 time"},
      {[](json& j) { j["grpc_env"]["PATH"] = "/bin"; },
       "environment.grpc_env.PATH: not a GRPC_ variable"},
      {[](json& j) { j["grpc_env"]["GRPC_TRACE"] = 1; },
       "environment.grpc_env.GRPC_TRACE: expected a string"},
      {[](json& j) { j["notes"] = {1}; },
       "environment.notes[0]: expected a string"},
      {[](json& j) { j = json::array(); },
       "environment: expected an object, got array"},
  };
  for (const Case& c : cases) {
    json spoiled = good;
    c.spoil(spoiled["environment"]);
    absl::StatusOr<ReportModel> read = ParseReportModel(spoiled);
    ASSERT_FALSE(read.ok()) << c.message;
    EXPECT_EQ(read.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(absl::StartsWith(read.status().message(), c.message))
        << "got: " << read.status().message() << "\nwanted: " << c.message;
  }
}

}  // namespace
}  // namespace forkcheck
