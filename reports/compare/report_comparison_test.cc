#include "reports/compare/report_comparison.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "reports/compare/comparison_render.h"
#include "reports/compare/testing/synthetic_report.h"

namespace forkcheck {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kModel[] = "BM_ProcessModel/spawn/workers:1/response:64KiB";
constexpr char kBare[] = "BM_BareReadLoop/workers:1/response:64KiB";
const std::vector<double> kRows = {1000, 1010, 990, 1005, 995, 1002, 998};
const std::vector<double> kRss = {9000, 9001, 9002, 9000, 9001, 9002, 9000};

SyntheticScenario Model(double factor) {
  return {kModel,
          {{"rows_per_second", Scaled(kRows, factor)},
           {"real_time", Scaled(kRows, 1 / factor)},
           {"peak_rss_kib", kRss},
           {"connections", {1, 1, 1, 1, 1, 1, 1}}},
          ""};
}

// 30 trials of the cell: enough for a change from always ok to always
// something else to be significant.
SyntheticReport Spec(double factor, const std::string& outcome = "ok") {
  SyntheticReport spec;
  spec.scenarios = {Model(factor), {kBare, {{"rows_per_second", kRows}}, ""}};
  spec.cells = {{"spawn", "unset", Trials({{outcome, 30}}), {}}};
  return spec;
}

ReportComparison Compare(const SyntheticReport& old_spec,
                         const SyntheticReport& new_spec,
                         const CompareOptions& options = CompareOptions()) {
  absl::StatusOr<ReportComparison> comparison =
      CompareReports(BuildSyntheticReport(old_spec), "old.json",
                     BuildSyntheticReport(new_spec), "new.json", options);
  EXPECT_TRUE(comparison.ok()) << comparison.status();
  return comparison.ok() ? *comparison : ReportComparison();
}

const MetricComparison* Find(const ReportComparison& c,
                             const std::string& scenario,
                             const std::string& metric) {
  for (const MetricComparison& m : c.metrics) {
    if (m.scenario == scenario && m.metric == metric) return &m;
  }
  ADD_FAILURE() << "no " << scenario << " " << metric;
  return nullptr;
}

TEST(ReportComparisonTest, ASlowerModelIsARegressionAndNothingElseIs) {
  const ReportComparison c = Compare(Spec(1.0), Spec(0.9));
  EXPECT_TRUE(c.HasRegression());
  EXPECT_FALSE(c.HasWorseOutcome());
  EXPECT_EQ(c.scenarios_in_common, 2);
  EXPECT_EQ(c.metrics.size(), 5u);
  EXPECT_EQ(Find(c, kModel, "rows_per_second")->verdict, Verdict::kRegressed);
  EXPECT_EQ(Find(c, kModel, "real_time")->verdict, Verdict::kRegressed);
  EXPECT_EQ(Find(c, kModel, "peak_rss_kib")->verdict, Verdict::kUnchanged);
  EXPECT_EQ(Find(c, kModel, "connections")->verdict, Verdict::kInformational);
  EXPECT_EQ(Find(c, kBare, "rows_per_second")->verdict, Verdict::kUnchanged);
  EXPECT_TRUE(c.matrix.changes.empty());
}

TEST(ReportComparisonTest, TheSameReportTwiceHasNoRegression) {
  const ReportComparison c = Compare(Spec(1.0), Spec(1.0));
  EXPECT_FALSE(c.HasRegression());
  EXPECT_FALSE(c.HasWorseOutcome());
  EXPECT_TRUE(c.environment.differences.empty());
  EXPECT_TRUE(c.overlap.Enough());
  EXPECT_EQ(c.Judge(), Gate::kPass);
  EXPECT_THAT(RenderComparisonText(c),
              HasSubstr("OK: no conformance cell got worse, no metric "
                        "regressed (in common: cells 100%, benchmark metrics "
                        "100%)"));
}

TEST(ReportComparisonTest, OtherFailureKindsAtTheSameRateAreNotWorse) {
  SyntheticReport old_spec = Spec(1.0);
  old_spec.cells[0].workers = Trials({{"ok", 18}, {"crash", 2}});
  SyntheticReport new_spec = Spec(1.0);
  new_spec.cells[0].workers = Trials({{"ok", 18}, {"hang", 2}});
  const ReportComparison c = Compare(old_spec, new_spec);
  EXPECT_FALSE(c.HasWorseOutcome());
  EXPECT_EQ(c.Judge(), Gate::kPass);
  ASSERT_EQ(c.matrix.changes.size(), 1u);
  const std::string text = RenderComparisonText(c);
  EXPECT_THAT(text, HasSubstr("changed, not significant"));
  EXPECT_THAT(text, HasSubstr("ok 18/20, crash 2/20"));
  EXPECT_THAT(text, HasSubstr("ok 18/20, hang 2/20"));
}

TEST(ReportComparisonTest, AWorseOutcomeComesWithItsEnvironment) {
  SyntheticReport newer = Spec(1.0, "hang");
  newer.grpc_version = "1.60.0";
  newer.hostname = "elsewhere";
  const ReportComparison c = Compare(Spec(1.0), newer);
  EXPECT_TRUE(c.HasWorseOutcome());
  EXPECT_FALSE(c.HasRegression());
  ASSERT_EQ(c.outcome_context.size(), 1u);
  EXPECT_EQ(c.outcome_context[0].field, "grpc.cpp_version");
  EXPECT_TRUE(c.environment.different_machines);
  EXPECT_EQ(c.environment.differences.size(), 2u);
}

TEST(ReportComparisonTest, UnmatchedAndSkippedScenariosAreListed) {
  SyntheticReport newer = Spec(1.0);
  newer.scenarios[1].id = "BM_BareReadLoop/workers:2/response:64KiB";
  newer.scenarios[0].skipped = "not safe here: hang";
  const ReportComparison c = Compare(Spec(1.0), newer);
  EXPECT_EQ(c.scenarios_in_common, 1);
  EXPECT_EQ(c.scenarios_only_in_old, std::vector<std::string>{kBare});
  EXPECT_EQ(
      c.scenarios_only_in_new,
      std::vector<std::string>{"BM_BareReadLoop/workers:2/response:64KiB"});
  EXPECT_THAT(c.notes, testing::Contains(
                           HasSubstr("skipped in new (not safe here: hang)")));
  // A skipped benchmark has no metrics: each old one is noted as gone.
  EXPECT_THAT(c.notes,
              testing::Contains(HasSubstr("rows_per_second only in old")));
}

TEST(ReportComparisonTest, NothingInCommonIsNotComparable) {
  SyntheticReport a;
  a.scenarios = {{"BM_A", {{"real_time", kRows}}, ""}};
  SyntheticReport b;
  b.scenarios = {{"BM_B", {{"real_time", kRows}}, ""}};
  const ReportComparison c = Compare(a, b);
  EXPECT_EQ(c.Judge(), Gate::kNotComparable);
  EXPECT_THAT(RenderComparisonText(c),
              HasSubstr("NOT COMPARABLE: too little in common to judge "
                        "(benchmark metrics 0% < 50%; nothing compared)"));
}

// A full matrix of `cells` cells, `scenarios` benchmark scenarios.
SyntheticReport Full(int cells, int scenarios) {
  SyntheticReport spec;
  for (int i = 0; i < cells; ++i) {
    spec.cells.push_back(
        {"cell" + std::to_string(i), "unset", Trials({{"ok", 30}}), {}});
  }
  for (int i = 0; i < scenarios; ++i) {
    spec.scenarios.push_back(
        {"BM_Full/" + std::to_string(i), {{"rows_per_second", kRows}}, ""});
  }
  return spec;
}

TEST(ReportComparisonTest, TooLittleInCommonIsNeverOk) {
  // 12 of 186 cells and no benchmark scenario in common: the 12 are all
  // fine, and still nothing can be said of the rest.
  SyntheticReport partial = Full(12, 0);
  partial.scenarios = {{"BM_Other", {{"rows_per_second", kRows}}, ""}};
  const ReportComparison c = Compare(Full(186, 3), partial);
  EXPECT_FALSE(c.HasWorseOutcome());
  EXPECT_FALSE(c.HasRegression());
  EXPECT_EQ(c.Judge(), Gate::kNotComparable);
  const std::string text = RenderComparisonText(c);
  const std::string markdown = RenderComparisonMarkdown(c);
  for (const std::string& out : {text, markdown}) {
    SCOPED_TRACE(out);
    EXPECT_THAT(out, Not(HasSubstr("OK")));
    EXPECT_THAT(out, HasSubstr("NOT COMPARABLE: too little in common to "
                               "judge (cells 6.45% < 50%; benchmark metrics "
                               "0% < 50%); nothing got worse in what was "
                               "compared"));
    EXPECT_THAT(out, HasSubstr("matrix cells: 12 of 186 old, 12 of 12 new "
                               "(6.45%)  BELOW"));
    EXPECT_THAT(out, HasSubstr("benchmark scenarios: 0 of 3 old, 0 of 1 new"));
    EXPECT_THAT(out, HasSubstr("benchmark metrics: 0 of 3 old, 0 of 1 new (0%)"
                               "  BELOW"));
  }
  const nlohmann::json json = ComparisonToJson(c);
  EXPECT_EQ(json["verdict"], "not_comparable");
  EXPECT_EQ(json["comparable"], false);
  EXPECT_EQ(json["overlap"]["cells"]["in_common"], 12);
  EXPECT_EQ(json["overlap"]["cells"]["old"], 186);
  EXPECT_EQ(json["overlap"]["min_overlap"], 0.5);
  EXPECT_THAT(json["headline"].get<std::string>(), HasSubstr("NOT COMPARABLE"));
  // A lower threshold accepts it.
  CompareOptions lenient;
  lenient.min_overlap = 0.05;
  SyntheticReport partial_same_bench = Full(12, 3);
  EXPECT_EQ(Compare(Full(186, 3), partial_same_bench, lenient).Judge(),
            Gate::kPass);
}

TEST(ReportComparisonTest, AWorseCellOutranksTooLittleInCommon) {
  SyntheticReport partial = Full(12, 0);
  partial.cells[0].workers = Trials({{"ok", 10}, {"hang", 20}});
  const ReportComparison c = Compare(Full(186, 3), partial);
  EXPECT_EQ(c.Judge(), Gate::kRegression);
  EXPECT_THAT(RenderComparisonText(c),
              HasSubstr("FAIL: 1 conformance cell(s) worse, 0 metric(s) "
                        "regressed; and NOT COMPARABLE as a whole (cells "
                        "6.45% < 50%; benchmark metrics 0% < 50%)"));
}

TEST(ReportComparisonTest, EveryFormatPutsOutcomeChangesFirst) {
  SyntheticReport newer = Spec(0.9, "hang");
  newer.kernel_release = "6.5.0";
  const ReportComparison c = Compare(Spec(1.0), newer);
  const std::string text = RenderComparisonText(c);
  const std::string markdown = RenderComparisonMarkdown(c);
  for (const std::string& out : {text, markdown}) {
    SCOPED_TRACE(out);
    EXPECT_THAT(out, HasSubstr("FAIL: 1 conformance cell(s) worse, 2 "
                               "metric(s) regressed"));
    // The rule, with the number of tests and the alpha, and the overlap.
    EXPECT_THAT(out, HasSubstr("Holm's correction over 1 test(s), "
                               "family-wise alpha 0.01"));
    EXPECT_THAT(out, HasSubstr("matrix cells: 1 of 1 old, 1 of 1 new (100%)"));
    EXPECT_THAT(out, HasSubstr("benchmark metrics: 5 of 5 old, 5 of 5 new"));
    EXPECT_THAT(out, HasSubstr("silently wrong rows are never noise"));
    // Both sides' counts and both p-values: fisher_exact([[0, 30], [30,
    // 0]]) is 1.69e-17.
    EXPECT_THAT(out, HasSubstr("ok 30/30"));
    EXPECT_THAT(out, HasSubstr("hang 30/30"));
    EXPECT_THAT(out, HasSubstr("1.69e-17"));
    EXPECT_THAT(out, HasSubstr("failure rate 0% -> 100%"));
    const size_t matrix = out.find("hang 30/30");
    const size_t environment = out.find("machine.kernel_release");
    const size_t metrics = out.find("rows_per_second");
    ASSERT_NE(matrix, std::string::npos);
    ASSERT_NE(environment, std::string::npos);
    ASSERT_NE(metrics, std::string::npos);
    EXPECT_LT(matrix, environment);
    EXPECT_LT(environment, metrics);
    EXPECT_THAT(out, HasSubstr("-10.0%"));
    EXPECT_THAT(out, HasSubstr("regressed"));
  }
  EXPECT_THAT(markdown,
              HasSubstr("| worse | spawn workers=2 fork_support=unset"));

  const nlohmann::json json = ComparisonToJson(c);
  EXPECT_EQ(json["regression"], true);
  EXPECT_EQ(json["worse_outcome"], true);
  EXPECT_EQ(json["verdict"], "regression");
  EXPECT_EQ(json["conformance"]["alpha"], 0.01);
  EXPECT_EQ(json["conformance"]["tests"], 1);
  EXPECT_EQ(json["options"]["cell_alpha"], 0.01);
  EXPECT_EQ(json["options"]["min_overlap"], 0.5);
  EXPECT_EQ(json["overlap"]["enough"], true);
  const nlohmann::json& change = json["conformance"]["changes"][0];
  EXPECT_EQ(change["direction"], "worse");
  EXPECT_EQ(change["workers"]["old"]["text"], "ok 30/30");
  EXPECT_EQ(change["workers"]["new"]["text"], "hang 30/30");
  EXPECT_EQ(change["workers"]["new"]["failures"], 30);
  EXPECT_LT(change["workers"]["p_value"].get<double>(), 1e-16);
  EXPECT_LT(change["workers"]["adjusted_p_value"].get<double>(), 1e-16);
  EXPECT_EQ(change["workers"]["new_wrong_data"], false);
  EXPECT_TRUE(change["parent_after"].is_null());
  EXPECT_EQ(json["conformance"]["environment_differences"][0]["field"],
            "machine.kernel_release");
  EXPECT_EQ(json["options"]["threshold"], 0.05);
  bool found = false;
  for (const nlohmann::json& m : json["benchmarks"]["metrics"]) {
    if (m["scenario"] == kModel && m["metric"] == "rows_per_second") {
      found = true;
      EXPECT_EQ(m["verdict"], "regressed");
      EXPECT_NEAR(m["change"].get<double>(), -0.1, 1e-12);
      EXPECT_EQ(m["old"]["n"], 7);
      EXPECT_LT(m["p_value"].get<double>(), 0.05);
      EXPECT_EQ(m["direction"], "higher is better");
    }
  }
  EXPECT_TRUE(found);
}

TEST(ReportComparisonTest, AnotherMachineIsSaidUpFront) {
  SyntheticReport other = Spec(1.0);
  other.hostname = "elsewhere";
  const ReportComparison c = Compare(Spec(1.0), other);
  EXPECT_THAT(RenderComparisonText(c),
              HasSubstr("WARNING: the reports come from different machines"));
  EXPECT_THAT(RenderComparisonMarkdown(c),
              HasSubstr("> WARNING: the reports come from different machines"));
  EXPECT_EQ(ComparisonToJson(c)["environment"]["different_machines"], true);
}

SyntheticReport WithPython(const std::string& python_version,
                           const std::string& skipped = "") {
  return WithPythonClient(Spec(1.0), python_version, skipped);
}

TEST(ReportComparisonTest, AClientSkippedInNewIsSaidUpFrontWithItsCells) {
  const ReportComparison c = Compare(
      WithPython("1.51.1"), WithPython("", "python3-grpcio is not installed"));
  EXPECT_TRUE(c.ClientsRanDifferently());
  EXPECT_FALSE(c.HasWorseOutcome());
  EXPECT_TRUE(c.matrix.only_in_old.empty());
  const std::string line =
      "python-grpcio: ran in old, skipped in new (python3-grpcio is not "
      "installed): its 2 cells are only in old";
  const std::string text = RenderComparisonText(c);
  EXPECT_THAT(text, HasSubstr("WARNING: a client ran in one report only; its "
                              "matrix cells appear or disappear:\n  " +
                              line));
  EXPECT_THAT(text, Not(HasSubstr("cells only in old")));
  EXPECT_THAT(RenderComparisonMarkdown(c), HasSubstr("> - " + line));
  const nlohmann::json json = ComparisonToJson(c)["conformance"]["clients"];
  ASSERT_EQ(json.size(), 1u);
  EXPECT_EQ(json[0]["ran_in_new"], false);
  EXPECT_EQ(json[0]["skipped_reason"], "python3-grpcio is not installed");
  EXPECT_EQ(json[0]["cells_only_in_old"].size(), 2u);
}

TEST(ReportComparisonTest, AClientsNewLibraryVersionIsNamed) {
  const ReportComparison c =
      Compare(WithPython("1.51.1"), WithPython("1.60.0"));
  EXPECT_FALSE(c.ClientsRanDifferently());
  EXPECT_THAT(RenderComparisonText(c),
              HasSubstr("client versions changed:\n    python-grpcio: "
                        "grpcio 1.51.1 -> 1.60.0\n"));
  EXPECT_THAT(RenderComparisonMarkdown(c),
              HasSubstr("- python-grpcio: grpcio 1.51.1 -> 1.60.0"));
  EXPECT_THAT(RenderComparisonText(c), Not(HasSubstr("WARNING: a client")));
}

TEST(ReportComparisonTest, AnOlderReportAgainstOneWithClients) {
  // Spec(1.0) predates clients; its C++ client is the same one.
  const ReportComparison c = Compare(Spec(1.0), WithPython("1.51.1"));
  ASSERT_EQ(c.clients.size(), 1u);
  EXPECT_EQ(c.clients[0].Summary(),
            "python-grpcio: ran in new, absent from old: its 2 cells are "
            "only in new");
  EXPECT_EQ(c.matrix.cells_in_common, 1);
}

// A cell that hangs in every trial of both reports, in other frames in the
// new one: the same verdict, a different hang.
SyntheticReport HangingIn(const std::string& signature) {
  SyntheticReport spec = Spec(1.0);
  spec.cells.push_back({"fork_after_create(parent_channel=used)",
                        "unset",
                        Trials({{"hang", 30}}),
                        {},
                        "",
                        {{signature, 30}, {"parent: std::thread::join", 2}}});
  return spec;
}

constexpr char kPluck[] =
    "worker: grpc_pollset_work ← grpc::CompletionQueue::Pluck";
constexpr char kNext[] =
    "worker: grpc_pollset_work ← grpc::CompletionQueue::Next";

TEST(ReportComparisonTest, ChangedSignaturesAreNewsNotARegression) {
  const ReportComparison c = Compare(HangingIn(kPluck), HangingIn(kNext));
  ASSERT_EQ(c.signatures.changes.size(), 1u);
  // The verdict, and so the exit status, are a pass all the same.
  EXPECT_TRUE(c.matrix.changes.empty());
  EXPECT_EQ(c.Judge(), Gate::kPass);

  const std::string text = RenderComparisonText(c);
  EXPECT_THAT(text, HasSubstr("\nStack signature changes (2 cells in common; "
                              "signatures (the process kind"));
  EXPECT_THAT(text,
              HasSubstr("  fork_after_create(parent_channel=used) workers=2 "
                        "fork_support=unset\n"
                        "    verdict the same: unsafe, hang 30/30 -> unsafe, "
                        "hang 30/30\n"
                        "    only in old: worker: grpc_pollset_work ← "
                        "grpc::CompletionQueue::Pluck (30)\n"
                        "    only in new: worker: grpc_pollset_work ← "
                        "grpc::CompletionQueue::Next (30)\n"));
  // The signature both saw is not news.
  EXPECT_THAT(text, Not(HasSubstr("std::thread::join")));
  EXPECT_THAT(text, HasSubstr("never a regression: they do not change the "
                              "verdict or the exit status"));

  const std::string markdown = RenderComparisonMarkdown(c);
  EXPECT_THAT(markdown, HasSubstr("## Stack signature changes\n\n"));
  EXPECT_THAT(markdown,
              HasSubstr("- `fork_after_create(parent_channel=used) workers=2 "
                        "fork_support=unset`: verdict the same, unsafe, hang "
                        "30/30 → unsafe, hang 30/30\n"
                        "  - only in old: `worker: grpc_pollset_work ← "
                        "grpc::CompletionQueue::Pluck` (30)\n"
                        "  - only in new: `worker: grpc_pollset_work ← "
                        "grpc::CompletionQueue::Next` (30)\n"));

  const nlohmann::json json = ComparisonToJson(c);
  EXPECT_EQ(json["verdict"], "pass");
  const nlohmann::json& changes = json["conformance"]["signature_changes"];
  EXPECT_EQ(changes["compared"], true);
  ASSERT_EQ(changes["changes"].size(), 1u);
  EXPECT_EQ(changes["changes"][0]["same_verdict"], true);
  EXPECT_EQ(changes["changes"][0]["new"]["only_here"][0]["signature"], kNext);
  EXPECT_EQ(changes["changes"][0]["new"]["only_here"][0]["trials"], 30);
}

TEST(ReportComparisonTest, SignaturesAreNotComparedWithAnOlderReport) {
  SyntheticReport older = HangingIn(kPluck);
  older.cells.back().signatures.clear();
  const ReportComparison c = Compare(older, HangingIn(kNext));
  EXPECT_TRUE(c.signatures.changes.empty());
  EXPECT_THAT(RenderComparisonText(c),
              HasSubstr("  not compared: the old report records no stack "
                        "signatures (written before they were, or no trial "
                        "failed)\n"));
  EXPECT_EQ(ComparisonToJson(c)["conformance"]["signature_changes"]["compared"],
            false);
  // Two reports without failures say nothing changed.
  EXPECT_THAT(RenderComparisonMarkdown(Compare(Spec(1.0), Spec(1.0))),
              HasSubstr("Not compared: the old and the new reports record no "
                        "stack signatures"));
}

}  // namespace
}  // namespace forkcheck
