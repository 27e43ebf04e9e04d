#include "reports/report_writer.h"

#include <filesystem>
#include <system_error>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/file_util.h"
#include "reports/html/report_page.h"
#include "reports/summary.h"

namespace forkcheck {
namespace {

// "writing the summary: <why>", as the driver has always said it.
absl::Status Failed(const char* what, const absl::Status& status) {
  if (status.ok()) return status;
  return absl::Status(status.code(), absl::StrCat("writing the ", what, ": ",
                                                  status.message()));
}

class JsonWriter : public ReportWriter {
 public:
  explicit JsonWriter(std::string path) : path_(std::move(path)) {}
  absl::Status Write(const Report& report, FileSet* files) const override {
    return Failed("report", files->Add(path_, report.Text()));
  }

 private:
  const std::string path_;
};

class MarkdownWriter : public ReportWriter {
 public:
  explicit MarkdownWriter(std::string path) : path_(std::move(path)) {}
  absl::Status Write(const Report& report, FileSet* files) const override {
    return Failed("summary", files->Add(path_, RenderSummaryMarkdown(report)));
  }

 private:
  const std::string path_;
};

class HtmlWriter : public ReportWriter {
 public:
  HtmlWriter(std::string path, std::string name)
      : path_(std::move(path)), name_(std::move(name)) {}
  absl::Status Write(const Report& report, FileSet* files) const override {
    return Failed("page",
                  files->Add(path_, html::RenderReportPage(report, name_)));
  }

 private:
  const std::string path_;
  const std::string name_;
};

class ConsoleWriter : public ReportWriter {
 public:
  ConsoleWriter(std::ostream* out, ReportPaths paths)
      : out_(out), paths_(std::move(paths)) {}
  absl::Status Write(const Report& report, FileSet*) const override {
    std::string paths =
        absl::StrCat("Report: ", paths_.report, "\nSummary: ", paths_.summary,
                     "\nPage: ", paths_.page, "\n");
    // A merged report's benchmarks ran elsewhere: it has no log to name.
    if (report.model().benchmarks.has_value() && !paths_.bench_log.empty()) {
      absl::StrAppend(&paths, "Benchmark output: ", paths_.bench_log, "\n");
    }
    *out_ << RenderConsoleSummary(report, paths);
    return absl::OkStatus();
  }

 private:
  std::ostream* const out_;
  const ReportPaths paths_;
};

}  // namespace

ReportPaths PathsBeside(const std::string& report_path) {
  std::string base = report_path;
  if (absl::EndsWith(base, ".json")) base.resize(base.size() - 5);
  return {report_path, base + ".md", base + ".html", base + ".bench.log"};
}

absl::Status CheckReportPaths(const ReportPaths& paths) {
  const std::pair<const char*, const std::string*> files[] = {
      {"report", &paths.report},
      {"summary", &paths.summary},
      {"page", &paths.page},
  };
  for (const auto& [what, path] : files) {
    if (absl::Status can = CheckCanCreateFile(*path); !can.ok()) {
      return absl::Status(can.code(), absl::StrCat("the ", what, " \"", *path,
                                                   "\": ", can.message()));
    }
  }
  return absl::OkStatus();
}

std::unique_ptr<ReportWriter> JsonReportWriter(std::string path) {
  return std::make_unique<JsonWriter>(std::move(path));
}

std::unique_ptr<ReportWriter> MarkdownSummaryWriter(std::string path) {
  return std::make_unique<MarkdownWriter>(std::move(path));
}

std::unique_ptr<ReportWriter> HtmlPageWriter(std::string path,
                                             std::string name) {
  return std::make_unique<HtmlWriter>(std::move(path), std::move(name));
}

std::unique_ptr<ReportWriter> ConsoleSummaryWriter(std::ostream* out,
                                                   ReportPaths paths) {
  return std::make_unique<ConsoleWriter>(out, std::move(paths));
}

std::vector<std::unique_ptr<ReportWriter>> RunFileWriters(
    const ReportPaths& paths) {
  std::vector<std::unique_ptr<ReportWriter>> writers;
  writers.push_back(MarkdownSummaryWriter(paths.summary));
  writers.push_back(HtmlPageWriter(
      paths.page, std::filesystem::path(paths.report).filename().string()));
  writers.push_back(JsonReportWriter(paths.report));
  return writers;
}

absl::Status WriteRunOutputs(const Report& report, const ReportPaths& paths,
                             std::ostream* console) {
  const std::filesystem::path parent =
      std::filesystem::path(paths.report).parent_path();
  if (!parent.empty()) {
    std::error_code error;
    std::filesystem::create_directories(parent, error);
    if (error) {
      return absl::FailedPreconditionError(
          absl::StrCat("writing the report: creating ", parent.string(), ": ",
                       error.message()));
    }
  }
  FileSet files;
  for (const std::unique_ptr<ReportWriter>& writer : RunFileWriters(paths)) {
    if (absl::Status written = writer->Write(report, &files); !written.ok()) {
      return written;
    }
  }
  if (absl::Status committed = files.Commit(); !committed.ok()) {
    return absl::Status(committed.code(),
                        absl::StrCat("writing the report and its views: ",
                                     committed.message()));
  }
  return ConsoleSummaryWriter(console, paths)->Write(report, &files);
}

}  // namespace forkcheck
