// html: reports as self-contained HTML pages.
//
//   bazel run //reports/html:html -- REPORT.json --out=page.html
//   bazel run //reports/html:html -- --history=DIR --out=trend.html
//
// Relative paths are taken from where `bazel run` was started. The page is
// written atomically. Exit status: 0 written; 2 bad usage, a report that
// does not load, a folder that cannot be listed, or an unwritable output.
// (Files in a history folder that do not load are named on the page and on
// stderr, not errors.)
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/file_util.h"
#include "common/runfiles.h"
#include "reports/html/report_page.h"
#include "reports/html/trend_page.h"
#include "reports/report.h"

namespace forkcheck::html {
namespace {

constexpr int kUsage = 2;

constexpr char kUsageText[] =
    "usage: html REPORT.json --out=PAGE.html\n"
    "       html --history=DIR --out=TREND.html\n";

int Fail(const std::string& message) {
  std::fprintf(stderr, "html: %s\n", message.c_str());
  return kUsage;
}

int Run(int argc, char** argv) {
  std::string report_path, history, out;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (absl::StartsWith(arg, "--out=")) {
      out = arg.substr(6);
    } else if (absl::StartsWith(arg, "--history=")) {
      history = arg.substr(10);
    } else if (arg == "--help" || arg == "-h") {
      std::fputs(kUsageText, stdout);
      return 0;
    } else if (absl::StartsWith(arg, "-")) {
      return Fail(absl::StrCat("unknown flag ", arg, "\n", kUsageText));
    } else if (report_path.empty()) {
      report_path = arg;
    } else {
      return Fail(absl::StrCat("one report at a time (got ", report_path,
                               " and ", arg, ")\n", kUsageText));
    }
  }
  if (out.empty())
    return Fail(absl::StrCat("--out= is required\n", kUsageText));
  if (report_path.empty() == history.empty()) {
    return Fail(absl::StrCat("give a REPORT.json or --history=DIR, not ",
                             report_path.empty() ? "neither" : "both", "\n",
                             kUsageText));
  }
  const std::string out_path = PathFromUsersDirectory(out);
  // The page must not replace a report it is made from.
  const auto refuse_input = [&](const std::string& input) {
    return Fail(absl::StrCat("--out=", out, " is the report ", input,
                             " the page is made from; write the page "
                             "elsewhere"));
  };
  std::string page;
  if (!report_path.empty()) {
    if (SameFile(out_path, PathFromUsersDirectory(report_path))) {
      return refuse_input(report_path);
    }
    absl::StatusOr<Report> report =
        Report::Load(PathFromUsersDirectory(report_path));
    if (!report.ok()) return Fail(std::string(report.status().message()));
    page = RenderReportPage(
        *report, std::filesystem::path(report_path).filename().string());
  } else {
    absl::StatusOr<History> loaded =
        LoadHistory(PathFromUsersDirectory(history));
    if (!loaded.ok()) return Fail(std::string(loaded.status().message()));
    // Every *.json file of the folder is an input, read or not.
    std::vector<std::string> inputs;
    for (const History::Entry& entry : loaded->reports) {
      inputs.push_back(entry.file);
    }
    for (const History::Unreadable& file : loaded->unreadable) {
      inputs.push_back(file.file);
    }
    for (const std::string& file : inputs) {
      const std::string input = absl::StrCat(history, "/", file);
      if (SameFile(out_path, PathFromUsersDirectory(input))) {
        return refuse_input(input);
      }
    }
    for (const History::Unreadable& file : loaded->unreadable) {
      std::fprintf(stderr, "html: skipped %s: %s\n", file.file.c_str(),
                   file.why.c_str());
    }
    page = RenderTrendPage(*loaded, history);
  }
  if (absl::Status written = WriteFileAtomically(out_path, page);
      !written.ok()) {
    return Fail(std::string(written.message()));
  }
  std::fprintf(stderr, "html: wrote %s\n", out.c_str());
  return 0;
}

}  // namespace
}  // namespace forkcheck::html

int main(int argc, char** argv) { return forkcheck::html::Run(argc, argv); }
