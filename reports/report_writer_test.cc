#include "reports/report_writer.h"

#include <cstdlib>
#include <sstream>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/file_util.h"
#include "common/runfiles.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "reports/html/report_page.h"
#include "reports/report.h"
#include "reports/summary.h"

namespace forkcheck {
namespace {

using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// A small report: a cell per verdict, no benchmarks.
Report SmallReport() {
  absl::StatusOr<std::string> path =
      RunfileData("reports/testdata/report/valid/every_verdict.json");
  EXPECT_TRUE(path.ok()) << path.status();
  absl::StatusOr<Report> report = Report::Load(path.value_or(""));
  EXPECT_TRUE(report.ok()) << report.status();
  return *std::move(report);
}

std::string TestDirectory() {
  const char* tmp = std::getenv("TEST_TMPDIR");
  return tmp != nullptr ? tmp : "/tmp";
}

std::string Contents(const std::string& path) {
  absl::StatusOr<std::string> text = ReadFile(path, "output");
  EXPECT_TRUE(text.ok()) << text.status();
  return text.value_or("");
}

TEST(ReportWriterTest, TheSummaryAndPageGoBesideTheReport) {
  const ReportPaths paths = PathsBeside("out/run.json");
  EXPECT_EQ(paths.report, "out/run.json");
  EXPECT_EQ(paths.summary, "out/run.md");
  EXPECT_EQ(paths.page, "out/run.html");
  EXPECT_EQ(paths.bench_log, "out/run.bench.log");
  // Another ending is kept, so nothing is written over the report.
  EXPECT_EQ(PathsBeside("out/run.txt").summary, "out/run.txt.md");
}

TEST(ReportWriterTest, EveryWriterOfTheRunWritesItsOutput) {
  const Report report = SmallReport();
  // The report's directory does not exist yet: the JSON writer makes it,
  // and the others write beside it.
  const ReportPaths paths =
      PathsBeside(absl::StrCat(TestDirectory(), "/every/run.json"));
  std::ostringstream console;
  for (const auto& writer : RunReportWriters(paths, &console)) {
    const absl::Status written = writer->Write(report);
    ASSERT_TRUE(written.ok()) << written;
  }

  absl::StatusOr<Report> reread = Report::Load(paths.report);
  ASSERT_TRUE(reread.ok()) << reread.status();
  EXPECT_EQ(reread->json(), report.json());

  const std::string markdown = Contents(paths.summary);
  EXPECT_THAT(markdown, StartsWith("# forkcheck run\n"));
  EXPECT_EQ(markdown, RenderSummaryMarkdown(report));

  const std::string page = Contents(paths.page);
  EXPECT_THAT(page, StartsWith("<!DOCTYPE html>"));
  EXPECT_THAT(page, HasSubstr("run.json"));  // labelled by the report's name
  EXPECT_EQ(page, html::RenderReportPage(report, "run.json"));

  // The summary, then where each file went, as the driver always printed;
  // no benchmarks, so no benchmark log (TheBenchmarkLogIsNamed).
  ASSERT_FALSE(report.model().benchmarks.has_value());
  EXPECT_EQ(
      console.str(),
      absl::StrCat("\n", RenderSummaryText(report), "\nReport: ", paths.report,
                   "\nSummary: ", paths.summary, "\nPage: ", paths.page, "\n"));
}

TEST(ReportWriterTest, TheBenchmarkLogIsNamedWhenTheRunHadBenchmarks) {
  nlohmann::json json = SmallReport().json();
  json["benchmarks"] = {{"scenarios", nlohmann::json::array()},
                        {"google_benchmark", nlohmann::json::object()}};
  absl::StatusOr<Report> report = Report::Parse(json.dump(), "with_benchmarks.json");
  ASSERT_TRUE(report.ok()) << report.status();
  const ReportPaths paths = PathsBeside("out/run.json");
  std::ostringstream console;
  ASSERT_TRUE(ConsoleSummaryWriter(&console, paths)->Write(*report).ok());
  EXPECT_THAT(console.str(),
              EndsWith("\nPage: out/run.html\n"
                       "Benchmark output: out/run.bench.log\n"));
}

TEST(ReportWriterTest, AFailingWriterSaysWhatFailedAndWhere) {
  const Report report = SmallReport();
  // WriteFileAtomically makes no directories: the files beside the report
  // cannot be written where there is no directory.
  const std::string missing = absl::StrCat(TestDirectory(), "/missing");
  const std::string summary = missing + "/run.md";
  absl::Status status = MarkdownSummaryWriter(summary)->Write(report);
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(std::string(status.message()),
              StartsWith("writing the summary: "));
  EXPECT_THAT(std::string(status.message()), HasSubstr(summary));

  const std::string page = missing + "/run.html";
  status = HtmlPageWriter(page, "run.json")->Write(report);
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(std::string(status.message()), StartsWith("writing the page: "));
  EXPECT_THAT(std::string(status.message()), HasSubstr(page));

  // The report's directory cannot be made under a file.
  const std::string file = absl::StrCat(TestDirectory(), "/a_file");
  ASSERT_TRUE(WriteFileAtomically(file, "x").ok());
  status = JsonReportWriter(file + "/run.json")->Write(report);
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(std::string(status.message()),
              StartsWith("writing the report: "));
  EXPECT_THAT(std::string(status.message()), HasSubstr(file));
}

}  // namespace
}  // namespace forkcheck
