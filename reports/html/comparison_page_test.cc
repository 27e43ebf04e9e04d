#include "reports/html/comparison_page.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "reports/compare/report_comparison.h"
#include "reports/html/comparison_test_reports.h"
#include "reports/html/test_report.h"

namespace forkcheck::html {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

struct Rendered {
  ReportComparison comparison;
  std::string page;
};

Rendered Render(const SyntheticReport& old_spec,
                const SyntheticReport& new_spec) {
  const Report old_report = BuildSyntheticReport(old_spec);
  const Report new_report = BuildSyntheticReport(new_spec);
  absl::StatusOr<ReportComparison> comparison = CompareReports(
      old_report, "old <1>.json", new_report, "new.json", CompareOptions());
  EXPECT_TRUE(comparison.ok()) << comparison.status();
  if (!comparison.ok()) return {};
  return {*comparison,
          RenderComparisonPage(*comparison, old_report, new_report)};
}

TEST(ComparisonPageTest, EscapesNamesFromReports) {
  const Rendered r = Render(ComparisonSpec(1), ComparisonSpec(1));
  EXPECT_THAT(r.page, Not(HasSubstr("<img")));
  EXPECT_THAT(r.page, Not(HasSubstr("<b>bold")));
  EXPECT_THAT(r.page, HasSubstr("&lt;img src=x&gt;&amp;more"));
  EXPECT_THAT(r.page, HasSubstr("old &lt;1&gt;.json"));
}

TEST(ComparisonPageTest, NothingWorseSaysSo) {
  const Rendered r = Render(ComparisonSpec(1), ComparisonSpec(1));
  EXPECT_THAT(r.page, HasSubstr("class=\"verdict good\""));
  EXPECT_THAT(r.page, HasSubstr("No conformance cell got worse, no metric "
                                "regressed"));
  EXPECT_THAT(r.page, HasSubstr("data-gate=\"pass\""));
  EXPECT_THAT(r.page, HasSubstr("No cell changed its outcome: none "
                                "significantly, none in its kinds (3 cells"));
  EXPECT_THAT(r.page, HasSubstr("In common, matrix cells: 3 of 3 old, 3 of 3 "
                                "new (100%)"));
  EXPECT_THAT(r.page, Not(HasSubstr("machines-differ")));
  EXPECT_EQ(CountOccurrences(r.page, "class=\"badge v-regressed\""), 0);
}

TEST(ComparisonPageTest, AWorseOutcomeComesFirstColouredAsTheGrid) {
  const Rendered r =
      Render(ComparisonSpec(1), WithChangedOutcomes(ComparisonSpec(1)));
  ASSERT_TRUE(r.comparison.HasWorseOutcome());
  EXPECT_THAT(r.page, HasSubstr("class=\"verdict bad\""));
  EXPECT_THAT(r.page, HasSubstr("Worse: 1 conformance cell worse"));
  // The rule, its tests and alpha; both sides' counts and p-values.
  EXPECT_THAT(r.page, HasSubstr("Holm&#39;s correction over 4 tests, "
                                "family-wise alpha 0.01"));
  EXPECT_THAT(r.page, HasSubstr("ok 30/30 → ok 20/30, crash 10/30"));
  EXPECT_THAT(r.page, HasSubstr("failure rate 0% -&gt; 33.3%"));
  EXPECT_THAT(r.page, HasSubstr("<span class=\"p\">p "));
  EXPECT_THAT(r.page, HasSubstr("silently wrong rows are never noise"));
  const size_t worse = r.page.find("class=\"change-worse\"");
  const size_t better = r.page.find("class=\"change-better\"");
  ASSERT_NE(worse, std::string::npos);
  ASSERT_NE(better, std::string::npos);
  EXPECT_LT(worse, better);
  // Before the environment and the benchmarks, and the worse row's new cell
  // is striped ok/crash like the matrix grid's.
  EXPECT_LT(better, r.page.find("<h2>Environment differences"));
  EXPECT_LT(r.page.find("<h2>Environment differences"),
            r.page.find("<h2>Benchmarks"));
  EXPECT_THAT(r.page, HasSubstr("class=\"cell v-flaky\""));
  EXPECT_THAT(r.page, HasSubstr("#c62828"));
  // With what changed that can change outcomes: gRPC.
  EXPECT_THAT(r.page, HasSubstr("What changed that can change outcomes"));
  EXPECT_THAT(r.page, HasSubstr("1.52.0"));
}

TEST(ComparisonPageTest, TooLittleInCommonIsNeverGood) {
  SyntheticReport fewer = ComparisonSpec(1);
  fewer.cells.resize(1);
  fewer.scenarios.clear();
  fewer.scenarios.push_back({"BM_Elsewhere", {{"real_time", {1, 2, 3}}}, ""});
  const Rendered r = Render(ComparisonSpec(1), fewer);
  EXPECT_EQ(r.comparison.Judge(), Gate::kNotComparable);
  EXPECT_THAT(r.page, HasSubstr("class=\"verdict unknown\""));
  EXPECT_THAT(r.page, HasSubstr("data-gate=\"not_comparable\""));
  EXPECT_THAT(r.page, Not(HasSubstr("class=\"verdict good\"")));
  EXPECT_THAT(r.page, HasSubstr("Not comparable: too little in common to "
                                "judge (cells 33.3% &lt; 50%"));
  EXPECT_THAT(r.page, HasSubstr("class=\"overlap below\""));
  EXPECT_THAT(r.page, HasSubstr("In common, matrix cells: 1 of 3 old, 1 of 1 "
                                "new (33.3%), below 50%"));
}

TEST(ComparisonPageTest, ARegressedMetricIsMarkedAndItsScenarioOpenFirst) {
  const Rendered r = Render(ComparisonSpec(1), ComparisonSpec(0.8));
  ASSERT_TRUE(r.comparison.HasRegression());
  EXPECT_THAT(r.page, HasSubstr("class=\"verdict bad\""));
  EXPECT_THAT(r.page, HasSubstr("metric regressed"));
  EXPECT_GE(CountOccurrences(r.page, "class=\"badge v-regressed\""), 2);
  const size_t model = r.page.find(
      absl::StrCat("data-scenario=\"", kComparedModel, "\" open=\"open\""));
  ASSERT_NE(model, std::string::npos);
  EXPECT_LT(model, r.page.find("data-scenario=\"BM_Other/"));
  // Informational metrics are there, folded away.
  EXPECT_THAT(r.page, HasSubstr("<details class=\"informational\">"));
  // Old and new throughput side by side in charts.
  EXPECT_EQ(CountOccurrences(r.page, "<svg"), 2);
  EXPECT_THAT(r.page, HasSubstr("Throughput, 64KiB responses, 1 worker"));
}

TEST(ComparisonPageTest, DifferentMachinesGetABanner) {
  SyntheticReport elsewhere = ComparisonSpec(1);
  elsewhere.hostname = "elsewhere";
  const Rendered r = Render(ComparisonSpec(1), elsewhere);
  ASSERT_TRUE(r.comparison.environment.different_machines);
  EXPECT_THAT(r.page, HasSubstr("id=\"machines-differ\""));
  EXPECT_THAT(r.page, HasSubstr("elsewhere"));
}

TEST(ComparisonPageTest, AClientSkippedInNewIsABannerWithItsCells) {
  const Rendered r =
      Render(WithPythonClient(ComparisonSpec(1), "1.51.1"),
             WithPythonClient(ComparisonSpec(1), "",
                              "python3-grpcio is not installed"));
  EXPECT_THAT(r.page, HasSubstr("id=\"clients-differ\""));
  EXPECT_THAT(r.page, HasSubstr("python-grpcio: ran in old, skipped in new "
                                "(python3-grpcio is not installed): its 2 "
                                "cells are only in old"));
  EXPECT_THAT(r.page,
              HasSubstr("2 cells of python-grpcio only in the old report"));
  EXPECT_THAT(r.page, Not(HasSubstr("cells only in the old report")));
  EXPECT_THAT(r.page, Not(HasSubstr("client-versions")));
}

TEST(ComparisonPageTest, AClientsNewVersionIsListed) {
  const Rendered r = Render(WithPythonClient(ComparisonSpec(1), "1.51.1"),
                            WithPythonClient(ComparisonSpec(1), "1.60.0"));
  EXPECT_THAT(r.page, Not(HasSubstr("clients-differ")));
  EXPECT_THAT(r.page, HasSubstr("<li>python-grpcio: grpcio 1.51.1 -&gt; "
                                "1.60.0</li>"));
}

TEST(ComparisonPageTest, ChangedSignaturesAreListedAsNewsNotFailures) {
  // The same verdict, in other frames: the page stays green.
  SyntheticReport other = ComparisonSpec(1);
  other.cells[0].signatures = {{"worker: <i>elsewhere</i>", 29}};
  const Rendered r = Render(ComparisonSpec(1), other);
  EXPECT_EQ(r.comparison.Judge(), Gate::kPass);
  EXPECT_THAT(r.page, HasSubstr("class=\"verdict good\""));
  EXPECT_THAT(r.page, HasSubstr("<h2>Stack signature changes</h2>"));
  EXPECT_EQ(CountOccurrences(r.page, "class=\"signature-change same-verdict\""),
            1);
  EXPECT_THAT(r.page, HasSubstr(absl::StrCat(
                          "<td>unsafe, hang 30/30</td><td>unsafe, hang "
                          "30/30</td><td class=\"signatures\"><code>",
                          "worker: grpc_pollset_work ← "
                          "grpc::CompletionQueue::Pluck</code> (30)</td>"
                          "<td class=\"signatures\"><code>worker: "
                          "&lt;i&gt;elsewhere&lt;/i&gt;</code> (29)</td>")));
  EXPECT_THAT(r.page, Not(HasSubstr("<i>elsewhere")));
  EXPECT_THAT(r.page, HasSubstr("it is never a regression"));
  // After the cell changes, before the environment.
  EXPECT_LT(r.page.find("<h2>Conformance cell changes"),
            r.page.find("<h2>Stack signature changes"));
  EXPECT_LT(r.page.find("<h2>Stack signature changes"),
            r.page.find("<h2>Environment differences"));

  // A signature gone with its hangs, a new one with the crashes.
  const Rendered changed =
      Render(ComparisonSpec(1), WithChangedOutcomes(ComparisonSpec(1)));
  EXPECT_EQ(CountOccurrences(changed.page, "class=\"signature-change\""), 2);
  EXPECT_THAT(changed.page,
              HasSubstr("<td>unsafe, hang 30/30</td><td>undecided, "
                        "no failed trial</td>"));

  // Nothing changed; and reports without signatures say so.
  EXPECT_THAT(Render(ComparisonSpec(1), ComparisonSpec(1)).page,
              HasSubstr("No cell&#39;s signatures changed (3 cells in "
                        "common)."));
  SyntheticReport older = ComparisonSpec(1);
  older.cells[0].signatures.clear();
  EXPECT_THAT(Render(older, ComparisonSpec(1)).page,
              HasSubstr("Not compared: the old report records no stack "
                        "signatures"));
}

}  // namespace
}  // namespace forkcheck::html
