#include "reports/report_writer.h"

#include <cstdlib>
#include <filesystem>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/file_set.h"
#include "common/file_util.h"
#include "common/runfiles.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "reports/html/report_page.h"
#include "reports/report.h"
#include "reports/summary.h"

namespace forkcheck {
namespace {

using ::testing::ElementsAre;
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

// The names in `directory`.
std::set<std::string> Names(const std::string& directory) {
  std::set<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(directory)) {
    names.insert(entry.path().filename().string());
  }
  return names;
}

TEST(ReportWriterTest, TheRunsOutputsAreWrittenAsASetThenNamed) {
  const Report report = SmallReport();
  // The report's directory does not exist yet: it is made.
  const std::string directory = absl::StrCat(TestDirectory(), "/every");
  const ReportPaths paths = PathsBeside(directory + "/run.json");
  std::ostringstream console;
  const absl::Status written = WriteRunOutputs(report, paths, &console);
  ASSERT_TRUE(written.ok()) << written;
  // The three files and nothing else: no temporary stays.
  EXPECT_THAT(Names(directory), ElementsAre("run.html", "run.json", "run.md"));

  absl::StatusOr<Report> reread = Report::Load(paths.report);
  ASSERT_TRUE(reread.ok()) << reread.status();
  EXPECT_EQ(reread->json(), report.json());
  EXPECT_EQ(Contents(paths.report), report.Text());

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
  // The summary and the paths within the console's lines
  // (RenderConsoleSummary; summary_test renders one where the budget
  // binds).
  EXPECT_EQ(console.str(),
            RenderConsoleSummary(report, absl::StrCat(
                                             "Report: ", paths.report,
                                             "\nSummary: ", paths.summary,
                                             "\nPage: ", paths.page, "\n")));
  EXPECT_THAT(console.str(), StartsWith("\n" + RenderSummaryText(report)));
}

TEST(ReportWriterTest, TheBenchmarkLogIsNamedWhenTheRunHadBenchmarks) {
  nlohmann::json json = SmallReport().json();
  json["benchmarks"] = {{"scenarios", nlohmann::json::array()},
                        {"google_benchmark", nlohmann::json::object()}};
  absl::StatusOr<Report> report = Report::Parse(json.dump(), "with_benchmarks.json");
  ASSERT_TRUE(report.ok()) << report.status();
  const ReportPaths paths = PathsBeside("out/run.json");
  std::ostringstream console;
  ASSERT_TRUE(ConsoleSummaryWriter(&console, paths)->Write(*report, nullptr).ok());
  EXPECT_THAT(console.str(),
              EndsWith("\nPage: out/run.html\n"
                       "Benchmark output: out/run.bench.log\n"));
}

TEST(ReportWriterTest, TheReportIsRenamedLast) {
  FileSet files;
  const std::string directory = absl::StrCat(TestDirectory(), "/order");
  std::filesystem::create_directories(directory);
  const ReportPaths paths = PathsBeside(directory + "/run.json");
  const Report report = SmallReport();
  for (const auto& writer : RunFileWriters(paths)) {
    ASSERT_TRUE(writer->Write(report, &files).ok());
  }
  ASSERT_TRUE(files.Commit().ok());
  EXPECT_THAT(Names(directory), ElementsAre("run.html", "run.json", "run.md"));

  // So a page that cannot be put in place keeps the report out, and no
  // temporary stays; nothing is printed as written.
  const std::string blocked = absl::StrCat(TestDirectory(), "/blocked");
  std::filesystem::create_directories(blocked + "/run.html");
  std::ostringstream console;
  const absl::Status written =
      WriteRunOutputs(report, PathsBeside(blocked + "/run.json"), &console);
  ASSERT_FALSE(written.ok());
  EXPECT_THAT(std::string(written.message()),
              HasSubstr("cannot rename onto \"" + blocked + "/run.html\""));
  EXPECT_THAT(Names(blocked), ElementsAre("run.html", "run.md"));
  EXPECT_TRUE(std::filesystem::is_empty(blocked + "/run.html"));
  EXPECT_EQ(console.str(), "");
}

TEST(ReportWriterTest, AFailingWriterSaysWhatFailedAndWhere) {
  const Report report = SmallReport();
  // A file set makes no directories: the files cannot be written where
  // there is no directory.
  const std::string missing = absl::StrCat(TestDirectory(), "/missing");
  FileSet files;
  const std::string summary = missing + "/run.md";
  absl::Status status = MarkdownSummaryWriter(summary)->Write(report, &files);
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(std::string(status.message()),
              StartsWith("writing the summary: "));
  EXPECT_THAT(std::string(status.message()), HasSubstr(summary));

  const std::string page = missing + "/run.html";
  status = HtmlPageWriter(page, "run.json")->Write(report, &files);
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(std::string(status.message()), StartsWith("writing the page: "));
  EXPECT_THAT(std::string(status.message()), HasSubstr(page));

  const std::string json = missing + "/run.json";
  status = JsonReportWriter(json)->Write(report, &files);
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(std::string(status.message()),
              StartsWith("writing the report: "));
  EXPECT_THAT(std::string(status.message()), HasSubstr(json));

  // The report's directory cannot be made under a file.
  const std::string file = absl::StrCat(TestDirectory(), "/a_file");
  ASSERT_TRUE(WriteFileAtomically(file, "x").ok());
  std::ostringstream console;
  status = WriteRunOutputs(report, PathsBeside(file + "/run.json"), &console);
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(std::string(status.message()),
              StartsWith("writing the report: "));
  EXPECT_THAT(std::string(status.message()), HasSubstr(file));
}

TEST(ReportWriterTest, ThePathsAreCheckedBeforeAnyWork) {
  const std::string directory = absl::StrCat(TestDirectory(), "/checked");
  std::filesystem::create_directories(directory + "/run.html");
  const std::set<std::string> before = Names(directory);
  // Missing directories would be made.
  EXPECT_TRUE(CheckReportPaths(PathsBeside(directory + "/new/run.json")).ok());

  absl::Status checked = CheckReportPaths(PathsBeside("/proc/fc.json"));
  ASSERT_FALSE(checked.ok());
  EXPECT_THAT(std::string(checked.message()),
              StartsWith("the report \"/proc/fc.json\": \"/proc\": cannot "
                         "create files there"));
  // The page's place is taken by a directory.
  checked = CheckReportPaths(PathsBeside(directory + "/run.json"));
  ASSERT_FALSE(checked.ok());
  EXPECT_THAT(std::string(checked.message()),
              StartsWith("the page \"" + directory + "/run.html\": "));
  EXPECT_THAT(std::string(checked.message()), HasSubstr("is a directory"));
  EXPECT_EQ(Names(directory), before);  // nothing left behind
}

}  // namespace
}  // namespace forkcheck
