#include <filesystem>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/file_util.h"
#include "common/runfiles.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "reports/html/matrix_grid.h"
#include "reports/html/report_page.h"
#include "reports/html/test_report.h"
#include "reports/html/trend_page.h"

namespace forkcheck::html {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

Report TestReport(double scale = 1,
                  const std::string& start = "2026-11-30T10:00:00Z") {
  absl::StatusOr<Report> report = MakeTestReport(scale, start);
  EXPECT_TRUE(report.ok()) << report.status();
  return *report;
}

TEST(CellVerdictTest, TheVerdictAndItsColourOwnToEachKind) {
  // Every verdict and outcome kind has a colour; ok_after_retry its own.
  std::set<std::string> colours;
  for (const char* name :
       {"safe", "needs_retry", "flaky", "unsafe", "undecided", "ok_after_retry",
        "wrong_data", "error", "hang", "crash"}) {
    colours.insert(VerdictColour(name));
  }
  EXPECT_EQ(colours.size(), 10u);
  EXPECT_STREQ(VerdictColour("ok"), VerdictColour("safe"));
}

TEST(MatrixGridTest, OneGridPerGroupEveryCellByItsVerdict) {
  const Report report = TestReport();
  const std::string grid = RenderMatrixGrid(*report.model().conformance);
  // Two C++ groups, two Python ones.
  EXPECT_EQ(CountOccurrences(grid, "<table class=\"grid\""), 4);
  EXPECT_EQ(CountOccurrences(grid, "class=\"cell v-"), 18 + 6);
  EXPECT_EQ(CountOccurrences(grid, "class=\"cell v-safe\""), 12 + 5);
  EXPECT_EQ(CountOccurrences(grid, "class=\"cell v-needs_retry\""), 1);
  EXPECT_EQ(CountOccurrences(grid, "class=\"cell v-unsafe\""), 3);
  EXPECT_EQ(CountOccurrences(grid, "class=\"cell v-flaky\""), 1);
  EXPECT_EQ(CountOccurrences(grid, "class=\"cell v-flaky wrong-data\""), 1);
  EXPECT_EQ(CountOccurrences(grid, "class=\"cell v-undecided\""), 1);
  // The markup model's one cell, and empty slots where it did not run.
  EXPECT_EQ(CountOccurrences(grid, "class=\"cell none\""), (18 - 13) + (8 - 5));
  // Counts, verdict and interval in the tooltip, wrong data on its own,
  // and why the cell stopped; failures over trials in the cell.
  EXPECT_THAT(grid, HasSubstr("workers: ok 1/3, wrong_data 1/3, hang 1/3 → "
                              "flaky, failure 67% [9.4%–99%] · wrong_data "
                              "1/3 trials\nstopped: time budget\""));
  EXPECT_THAT(grid, HasSubstr("<span class=\"n\">fail 2/3</span>"));
  EXPECT_THAT(grid, HasSubstr("<span class=\"w\">WRONG DATA 1/3</span>"));
  EXPECT_THAT(grid, HasSubstr("parent after: ok 6/6 → undecided, failure 0% "
                              "[0%–46%]"));
  // Outcomes in proportion under the cell; ok_after_retry its own stripe.
  EXPECT_THAT(grid, HasSubstr("linear-gradient(to right, #d500f9 0% 33%"));
  EXPECT_THAT(grid, HasSubstr("linear-gradient(to right, #26a69a 0% 17%, "
                              "#2e7d32 17% 100%)"));
  // The rule and the trial policy, once.
  EXPECT_EQ(CountOccurrences(grid, "Clopper-Pearson"), 1);
  EXPECT_THAT(grid, HasSubstr("<b>Verdicts: </b>95% Clopper-Pearson "
                              "intervals; safe: failure rate&#39;s upper bound "
                              "&lt; 10%; unsafe: ok rate&#39;s upper bound "
                              "&lt; 50%; 2 to 40 trials a cell, mixed "
                              "outcomes judged at 30, time budget 600 s."));
  EXPECT_THAT(grid, HasSubstr(">needs retry</span>"));
  EXPECT_THAT(grid, HasSubstr(">ok_after_retry</span>"));
  // Column headers in the design's order: unset before true.
  EXPECT_LT(grid.find(">unset</th>"), grid.find(">true</th>"));
}

TEST(MatrixGridTest, EachGroupHeadingNamesItsClient) {
  const std::string grid = RenderMatrixGrid(*TestReport().model().conformance);
  EXPECT_THAT(grid, HasSubstr("python_models <span class=\"client\">"
                              "python-grpcio</span>"));
  EXPECT_THAT(grid, HasSubstr("safe_models <span class=\"client\">cpp"
                              "</span>"));
  EXPECT_EQ(CountOccurrences(grid, "data-client=\"python-grpcio\""), 2);
  // Rows under a heading that names the client do not repeat it; the
  // tooltip has the whole key.
  EXPECT_THAT(grid, HasSubstr("<th class=\"model\">threads</th>"));
  EXPECT_THAT(grid, HasSubstr("title=\"python-grpcio:threads busy_parent"));
}

TEST(ReportPageTest, ClientsPanelWithVersionsAndEachClientsExpectations) {
  const std::string page = RenderReportPage(TestReport(), "run.json");
  EXPECT_THAT(page, HasSubstr("<h2>Clients</h2>"));
  EXPECT_EQ(CountOccurrences(page, "class=\"client-ran\""), 2);
  EXPECT_THAT(page, HasSubstr("<td>grpcio 1.51.1</td><td>Python 3.11.2</td>"
                              "<td>29.0.0</td><td>protobuf 3.21.12, python "
                              "3.11.2</td>"));
  EXPECT_THAT(page, HasSubstr("Expectations of cpp (conformance/expectations/"
                              "grpc-1.51.txt): differences"));
  EXPECT_THAT(page, HasSubstr("python-grpcio-1.51.txt</code>: <span "
                              "class=\"expectations\">every cell as "
                              "recorded.</span>"));
  // Every chart series says whose client it is.
  EXPECT_THAT(page, HasSubstr(">python-grpcio:threads</text>"));
  EXPECT_THAT(page, HasSubstr(">cpp:spawn</text>"));
  // The side-by-side table: a client column, the verdict with its counts.
  EXPECT_THAT(page, HasSubstr("<td>python-grpcio</td><td>threads</td><td>"
                              "<span class=\"verdict v-safe\""));
  EXPECT_THAT(page, HasSubstr(">ok 36/36 → safe, failure 0% [0%–9.7%]"
                              "</span></td>"));
  // How each client's expectations were tested.
  EXPECT_THAT(page, HasSubstr("Fisher&#39;s exact test, "
                              "Holm-corrected over 18 tests, family-wise "
                              "alpha 0.01: 1 mismatch"));
  EXPECT_THAT(page, HasSubstr("The process-model matrix (quick, 24 cells)"));
  EXPECT_EQ(CountOccurrences(page, "Clopper-Pearson"), 1);
  EXPECT_THAT(page, Not(HasSubstr("always ok")));
}

TEST(ReportPageTest, ASkippedClientIsMarkedWithItsReason) {
  absl::StatusOr<Report> report =
      MakeTestReport(1, "2026-11-30T10:00:00Z", TestPythonClient::kSkipped);
  ASSERT_TRUE(report.ok()) << report.status();
  const std::string page = RenderReportPage(*report, "run.json");
  EXPECT_THAT(page, HasSubstr(absl::StrCat("<span class=\"client-skipped\">"
                                           "skipped: ",
                                           kTestPythonSkippedReason)));
  EXPECT_EQ(CountOccurrences(page, "class=\"cell v-"), 18);
  EXPECT_EQ(CountOccurrences(page, "data-client=\"python-grpcio\""), 0);
  // One client benchmarked: series keep their plain names.
  EXPECT_THAT(page, HasSubstr(">spawn</text>"));
  EXPECT_THAT(page, Not(HasSubstr("cpp:spawn")));
}

TEST(ReportPageTest, AnOlderReportWithoutClientsShowsItsCppClient) {
  nlohmann::json document = TestReport().json();
  document["conformance"].erase("clients");
  nlohmann::json cpp_cells = nlohmann::json::array();
  for (nlohmann::json& cell : document["conformance"]["cells"]) {
    if (cell["client"] != "cpp") continue;
    cell.erase("client");
    cpp_cells.push_back(cell);
  }
  document["conformance"]["cells"] = cpp_cells;
  absl::StatusOr<Report> report = Report::Parse(document.dump(), "older");
  ASSERT_TRUE(report.ok()) << report.status();
  const std::string page = RenderReportPage(*report, "older.json");
  EXPECT_EQ(CountOccurrences(page, "class=\"client-ran\""), 1);
  EXPECT_THAT(page, HasSubstr("<td><code>cpp</code></td><td>grpc++ "));
  EXPECT_THAT(page, HasSubstr("Expectations of cpp (conformance/expectations/"
                              "grpc-1.51.txt): differences"));
  EXPECT_EQ(CountOccurrences(page, "data-client=\"cpp\""), 2);
}

TEST(ReportPageTest, AVersion1ReportShowsVerdictsDerivedFromItsCounts) {
  absl::StatusOr<std::string> path =
      RunfileData("reports/testdata/report_v1/valid/quick_two_clients.json");
  ASSERT_TRUE(path.ok()) << path.status();
  absl::StatusOr<Report> report = Report::Load(*path);
  ASSERT_TRUE(report.ok()) << report.status();
  const std::string page = RenderReportPage(*report, "old.json");
  EXPECT_THAT(page, HasSubstr("(derived from a schema_version 1 report&#39;s "
                              "counts); 5 trials a cell."));
  EXPECT_EQ(CountOccurrences(page, "class=\"cell v-undecided\""), 2);
  EXPECT_EQ(CountOccurrences(page, "class=\"cell v-flaky"), 2);
  EXPECT_THAT(page, HasSubstr("ok 5/5 → undecided, failure 0% [0%–52%]"));
  EXPECT_EQ(CountOccurrences(page, "class=\"tested\""), 0);
  // Its failed cells carry no evidence: nothing links, nothing is listed.
  EXPECT_THAT(page, Not(HasSubstr("Why cells failed")));
  EXPECT_THAT(page, Not(HasSubstr("class=\"why\"")));
  EXPECT_THAT(page, Not(HasSubstr("stack signatures (trials)")));
}

TEST(MatrixGridTest, AFailedCellsSignaturesInItsTooltipItsEvidenceAClickAway) {
  const std::string grid = RenderMatrixGrid(*TestReport().model().conformance);
  // The tooltip: its signatures, most trials first, and where the rest is.
  EXPECT_THAT(
      grid, HasSubstr(absl::StrCat(
                "\nstack signatures (trials):\n  worker: ", kTestHangSignature,
                " (6)\n  parent: std::thread::join ← main (1)\nclick "
                "for its failed trials&#39; stacks and stderr\"")));
  // Two cells link to their sections (indexes in the report's cells).
  EXPECT_EQ(CountOccurrences(grid, "<a class=\"why\" href=\"#why-"), 2);
  EXPECT_THAT(grid, HasSubstr("<a class=\"why\" href=\"#why-13\">"));
  EXPECT_THAT(grid, HasSubstr("<a class=\"why\" href=\"#why-14\">"));
  EXPECT_EQ(CountOccurrences(grid, "<details class=\"why\""), 2);
  EXPECT_EQ(CountOccurrences(grid, "id=\"why-"), 2);
  EXPECT_THAT(grid, HasSubstr("<h3>Why cells failed</h3>"));
  // Its line: verdict, failed trials, the top signature.
  EXPECT_THAT(grid, HasSubstr(absl::StrCat(
                        "<span class=\"line\">unsafe: hang 6/6 — worker: ",
                        kTestHangSignature, " (6) +1 more</span>")));
  // Per trial with text, every process: 3 trials of each cell, a parent
  // in the first hanging one; worker 1 of the crash's second has no core.
  EXPECT_EQ(CountOccurrences(grid, "<div class=\"trial\">"), 6);
  EXPECT_EQ(CountOccurrences(grid, "<div class=\"process\">"), 13);
  EXPECT_EQ(CountOccurrences(grid, "<pre class=\"stacks\">"), 12);
  EXPECT_EQ(CountOccurrences(grid, "<pre class=\"stderr\">"), 12);
  EXPECT_THAT(grid, HasSubstr("<h5>trial 1 of 6: workers hang, parent after "
                              "ok; capturing took 1.2 s</h5>"));
  EXPECT_THAT(grid, HasSubstr("<span class=\"facts\">(gdb core; SIGSEGV at "
                              "0x0)</span>"));
  EXPECT_THAT(grid, HasSubstr("<p class=\"capture-error\">no stacks: no "
                              "core: core_pattern pipes to "
                              "systemd-coredump</p>"));
  // stderr is text: markup escaped, a control character replaced.
  EXPECT_THAT(grid, HasSubstr("<pre class=\"stderr\">E1205 &lt;b&gt;not "
                              "bold&lt;/b&gt; &amp; \xEF\xBF\xBD[0m reset\n"
                              "</pre>"));
  EXPECT_THAT(grid, Not(HasSubstr("<b>not bold")));
  EXPECT_THAT(grid, HasSubstr("3 other failed trials keep only their "
                              "signatures (counted above)."));
}

TEST(ReportPageTest, GuidanceFirstItsCitationsLinkedToTheGrid) {
  const std::string page = RenderReportPage(TestReport(), "report.json");
  const size_t guidance =
      page.find("<h2 id=\"guidance\">What to do on this build");
  ASSERT_NE(guidance, std::string::npos);
  EXPECT_LT(guidance, page.find("<h2>The process-model matrix"));
  EXPECT_THAT(page, HasSubstr("<h3>python-grpcio: grpcio"));
  // Every cited cell links to an element of the page: its grid cell.
  int links = 0;
  for (size_t at = page.find("href=\"#cell-"); at != std::string::npos;
       at = page.find("href=\"#cell-", at + 1)) {
    const size_t start = at + 7;  // after href="#
    const std::string id = page.substr(start, page.find('"', start) - start);
    EXPECT_THAT(page, HasSubstr(absl::StrCat("id=\"", id, "\"")));
    ++links;
  }
  EXPECT_GT(links, 10);
  // And each statement a fastest one builds on is an element too.
  for (size_t at = page.find("href=\"#guidance-"); at != std::string::npos;
       at = page.find("href=\"#guidance-", at + 1)) {
    const size_t start = at + 7;
    const std::string id = page.substr(start, page.find('"', start) - start);
    EXPECT_THAT(page, HasSubstr(absl::StrCat("id=\"", id, "\"")));
  }
  // Ids are unique: a cell shown in two groups' grids is anchored once.
  for (size_t i = 0; i < 24; ++i) {
    EXPECT_LE(
        CountOccurrences(page, absl::StrCat("id=\"", CellAnchorId(i), "\"")), 1)
        << i;
  }
}

TEST(ReportPageTest, EscapedSelfContainedWithChartsPerResponseSize) {
  const std::string page = RenderReportPage(TestReport(), "run <1>.json");
  EXPECT_THAT(page, Not(HasSubstr("<script")));
  EXPECT_THAT(
      page,
      HasSubstr("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;co"));
  EXPECT_THAT(page, HasSubstr("run &lt;1&gt;.json"));
  EXPECT_EQ(CountOccurrences(page, "<svg "),
            3);  // one response size, three metrics
  EXPECT_THAT(page, HasSubstr("<title>Steady rate (first row to last), 64KiB "
                              "responses</title>"));
  EXPECT_THAT(page, HasSubstr("<title>Fixed cost: time to first row, 64KiB "
                              "responses</title>"));
  EXPECT_THAT(page, HasSubstr("<title>Throughput end to end, 64KiB responses"
                              "</title>"));
  // The skipped model has a slot that says why, in every chart.
  EXPECT_EQ(
      CountOccurrences(page, "skipped: crash: SIGSEGV in the child</title>n/a"),
      3);
  // The ceiling is in the two rate charts, not the fixed cost's.
  EXPECT_EQ(CountOccurrences(page, ">bare gRPC loop (ceiling)</text>"), 2);
  // The side-by-side table has CPU and RSS, and both the fixed cost and
  // the steady rate: spawn at 1 worker reads 42,000 rows/s (median), 4.2
  // MB/s end to end and 6.3 MB/s steady, against the loop's 15 MB/s both
  // ways: 0.28 and 0.42 of the ceiling.
  EXPECT_THAT(page, HasSubstr("CPU s / M rows"));
  EXPECT_THAT(page, HasSubstr("<td>20.0</td>"));
  EXPECT_THAT(page, HasSubstr("<th>fixed cost ms (first row)</th>"));
  EXPECT_THAT(page, HasSubstr("<td>42000 ± 2000</td><td>6</td><td>0.42</td>"
                              "<td>6.0</td><td>4</td><td>0.28</td>"));
}

TEST(ReportPageTest, AReportFromBeforeSteadyRatesHasNoSteadyChart) {
  nlohmann::json document = TestReport().json();
  for (nlohmann::json& scenario : document["benchmarks"]["scenarios"]) {
    scenario["metrics"].erase("steady_bytes_per_second");
  }
  absl::StatusOr<Report> report = Report::Parse(document.dump(), "older");
  ASSERT_TRUE(report.ok()) << report.status();
  const std::string page = RenderReportPage(*report, "older.json");
  EXPECT_EQ(CountOccurrences(page, "<svg "), 2);
  EXPECT_THAT(page, Not(HasSubstr("<title>Steady rate")));
  // No steady rate and no steady ceiling: dashes, the end to end ratio kept.
  EXPECT_THAT(page, HasSubstr("<td>42000 ± 2000</td><td>-</td><td>-</td>"
                              "<td>6.0</td><td>4</td><td>0.28</td>"));
}

TEST(ReportPageTest, SectionsARunDidNotRun) {
  const Report full = TestReport();
  nlohmann::json document = full.json();
  document["conformance"] = nullptr;
  document["benchmarks"] = nullptr;
  absl::StatusOr<Report> bare = Report::Parse(document.dump(), "bare");
  ASSERT_TRUE(bare.ok()) << bare.status();
  const std::string page = RenderReportPage(*bare, "bare.json");
  EXPECT_THAT(page, HasSubstr("This run did not run the matrix."));
  EXPECT_THAT(page, HasSubstr("This run did not run the benchmarks."));
  EXPECT_EQ(CountOccurrences(page, "<svg "), 0);
}

TEST(ReportPageTest, AMetricSomeScenariosLackIsMissingNotZero) {
  nlohmann::json document = TestReport().json();
  for (nlohmann::json& scenario : document["benchmarks"]["scenarios"]) {
    if (scenario["config"].value("label", "") == "spawn") {
      scenario["metrics"].erase("time_to_first_row_ms");
    }
  }
  absl::StatusOr<Report> report = Report::Parse(document.dump(), "partial");
  ASSERT_TRUE(report.ok()) << report.status();
  const std::string page = RenderReportPage(*report, "partial.json");
  EXPECT_THAT(page, HasSubstr("spawn, workers 1: not measured</title>n/a"));
}

class TrendPageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ =
        std::filesystem::path(::testing::TempDir()) /
        ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(directory_);
    std::filesystem::create_directories(directory_);
  }
  std::string Path(const std::string& file) {
    return (directory_ / file).string();
  }
  std::filesystem::path directory_;
};

TEST_F(TrendPageTest, OrderedByStartTimeUnreadableFilesNamed) {
  // The later run sorts first by name: the order must come from the time.
  ASSERT_TRUE(
      TestReport(1.1, "2026-12-01T10:00:00Z").Write(Path("a.json")).ok());
  ASSERT_TRUE(
      TestReport(1.0, "2026-11-30T10:00:00Z").Write(Path("b.json")).ok());
  ASSERT_TRUE(
      WriteFileAtomically(Path("c.json"), "{\"schema_version\": 3}").ok());
  ASSERT_TRUE(WriteFileAtomically(Path("notes.txt"), "not a report").ok());
  std::filesystem::create_directories(Path("folder.json"));

  absl::StatusOr<History> history = LoadHistory(directory_.string());
  ASSERT_TRUE(history.ok()) << history.status();
  ASSERT_EQ(history->reports.size(), 2u);
  EXPECT_EQ(history->reports[0].file, "b.json");
  EXPECT_EQ(history->reports[1].file, "a.json");
  ASSERT_EQ(history->unreadable.size(), 1u);
  EXPECT_EQ(history->unreadable[0].file, "c.json");
  EXPECT_THAT(history->unreadable[0].why,
              HasSubstr("schema_version 3; this forkcheck reads 1 and 2"));

  const std::string page = RenderTrendPage(*history, "history");
  EXPECT_THAT(page, HasSubstr("1 file skipped"));
  EXPECT_THAT(page, HasSubstr("17 safe, 1 needs_retry, 2 flaky, 3 unsafe, 1 "
                              "undecided; 1 with wrong_data; expectations: "
                              "cpp DIFFER, python-grpcio as recorded"));
  // Both runs judged by one rule: stated once.
  EXPECT_EQ(CountOccurrences(page, "Clopper-Pearson"), 1);
  EXPECT_THAT(page, HasSubstr(">with wrong_data</text>"));
  EXPECT_THAT(page, HasSubstr("<code>c.json</code>"));
  EXPECT_THAT(page, Not(HasSubstr("<script")));
  // The verdict chart, and rows/s and first row at 1 and 4 workers.
  EXPECT_EQ(CountOccurrences(page, "<svg "), 1 + 2 * 2);
  EXPECT_THAT(page, HasSubstr("<title>Throughput, 4 workers, 64KiB "
                              "responses</title>"));
  // spawn at 1 worker: 42,000 then 46,200 rows/s (medians), in that order.
  const size_t early =
      page.find("spawn, run (start time, UTC) 11-30 10:00: 42,000 rows/s");
  const size_t late =
      page.find("spawn, run (start time, UTC) 12-01 10:00: 46,200 rows/s");
  ASSERT_NE(early, std::string::npos);
  ASSERT_NE(late, std::string::npos);
  EXPECT_LT(early, late);
}

TEST_F(TrendPageTest, RunsJudgedByDifferentRulesSayWhich) {
  nlohmann::json document = TestReport().json();
  document["conformance"]["trial_policy"]["verdicts"]["text"] = "another rule";
  absl::StatusOr<Report> other = Report::Parse(document.dump(), "other");
  ASSERT_TRUE(other.ok()) << other.status();
  ASSERT_TRUE(TestReport(1, "2026-11-30T10:00:00Z").Write(Path("a.json")).ok());
  ASSERT_TRUE(other->Write(Path("b.json")).ok());
  absl::StatusOr<History> history = LoadHistory(directory_.string());
  ASSERT_TRUE(history.ok()) << history.status();
  const std::string page = RenderTrendPage(*history, "history");
  EXPECT_THAT(page, HasSubstr("different rules"));
  EXPECT_THAT(page, HasSubstr("<li>run 1: 95% Clopper-Pearson"));
  EXPECT_THAT(page, HasSubstr("<li>run 2: another rule; 2 to 40 trials"));
}

TEST_F(TrendPageTest, EmptyFolderAndMissingFolder) {
  absl::StatusOr<History> history = LoadHistory(directory_.string());
  ASSERT_TRUE(history.ok()) << history.status();
  EXPECT_THAT(RenderTrendPage(*history, "empty"),
              HasSubstr("No reports to show."));
  absl::StatusOr<History> missing = LoadHistory(Path("nowhere"));
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.status().message(), HasSubstr("nowhere: not a folder"));
}

}  // namespace
}  // namespace forkcheck::html
