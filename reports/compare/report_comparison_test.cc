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

SyntheticReport Spec(double factor, const std::string& outcome = "ok") {
  SyntheticReport spec;
  spec.scenarios = {Model(factor), {kBare, {{"rows_per_second", kRows}}, ""}};
  spec.cells = {{"spawn", "unset", {outcome, outcome}, {}}};
  return spec;
}

ReportComparison Compare(const SyntheticReport& old_spec,
                         const SyntheticReport& new_spec) {
  absl::StatusOr<ReportComparison> comparison = CompareReports(
      BuildSyntheticReport(old_spec), "old.json",
      BuildSyntheticReport(new_spec), "new.json", CompareOptions());
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

TEST(ReportComparisonTest, NothingInCommonIsAnError) {
  SyntheticReport a;
  a.scenarios = {{"BM_A", {{"real_time", kRows}}, ""}};
  SyntheticReport b;
  b.scenarios = {{"BM_B", {{"real_time", kRows}}, ""}};
  absl::StatusOr<ReportComparison> c =
      CompareReports(BuildSyntheticReport(a), "a.json", BuildSyntheticReport(b),
                     "b.json", CompareOptions());
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(c.status().message(),
              HasSubstr("a.json and b.json have no benchmark scenario and no "
                        "conformance cell in common"));
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
    const size_t matrix = out.find("always ok -> always hang");
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
  EXPECT_EQ(json["conformance"]["changes"][0]["direction"], "worse");
  EXPECT_EQ(json["conformance"]["changes"][0]["workers"]["new"], "always hang");
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

}  // namespace
}  // namespace forkcheck
