// A run's outputs behind one interface: the JSON report, its Markdown
// summary and its HTML page beside it, and the summary on the console. The
// driver hands the report to WriteRunOutputs, so adding an output is one
// more writer, not more code in the driver.
//
// The shape of Google Benchmark's reporters (one interface, one
// implementation per format), simpler: a writer takes the whole validated
// Report at once, since a report is complete before anything is written.
//
// The three files appear as a set (common/file_set.h): each is written to a
// temporary beside it, then all are renamed into place, the report last,
// and the directory is flushed. An interrupted run leaves none of them and
// no temporary; a report on disk always has its summary and page beside it.
#ifndef FORKCHECK_REPORTS_REPORT_WRITER_H_
#define FORKCHECK_REPORTS_REPORT_WRITER_H_

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/file_set.h"
#include "reports/report.h"

namespace forkcheck {

class ReportWriter {
 public:
  virtual ~ReportWriter() = default;

  // Writes `report` out: a file's writer adds its file to `files` (it
  // appears when the caller commits the set), the console's writes at once
  // and ignores `files`. An error says which output failed and names its
  // path, e.g. "writing the summary: cannot create \"out/r.md.tmp.42\": No
  // such file or directory".
  virtual absl::Status Write(const Report& report, FileSet* files) const = 0;
};

// Where a run's files go: the report, and beside it (".json" replaced, or
// appended if the report's path has another ending) its summary, page and
// benchmark log.
struct ReportPaths {
  std::string report;   // e.g. "reports/out/20261205T180000Z-grpc1.51.1.json"
  std::string summary;  // "reports/out/20261205T180000Z-grpc1.51.1.md"
  std::string page;     // "reports/out/20261205T180000Z-grpc1.51.1.html"
  // The benchmark binaries' console output, if the run had benchmarks:
  // "reports/out/20261205T180000Z-grpc1.51.1.bench.log"; "" when there is
  // none to name (a merged report's benchmarks ran in a shard).
  std::string bench_log;
};
ReportPaths PathsBeside(const std::string& report_path);

// Whether the three files could be written (common/file_util.h
// CheckCanCreateFile), checked before a run does its work so that it does
// not end by losing its results. Leaves nothing behind. FAILED_PRECONDITION
// naming the file, e.g. "the report \"/proc/r.json\": \"/proc\": cannot
// create files there: No such file or directory".
absl::Status CheckReportPaths(const ReportPaths& paths);

// The report as JSON (Report::Text: validated text).
std::unique_ptr<ReportWriter> JsonReportWriter(std::string path);
// RenderSummaryMarkdown.
std::unique_ptr<ReportWriter> MarkdownSummaryWriter(std::string path);
// html::RenderReportPage, labelled `name` (the report's file name).
std::unique_ptr<ReportWriter> HtmlPageWriter(std::string path,
                                             std::string name);
// RenderSummaryText, then where each file went, to `out` (not owned). A
// failing stream is not an error: the files are what a run leaves behind.
std::unique_ptr<ReportWriter> ConsoleSummaryWriter(std::ostream* out,
                                                   ReportPaths paths);

// The main job's file writers, in the order their files are renamed into
// place: the summary, the page, then the report, last, so that a report is
// never found without its summary and page (a reader, a history folder's
// trend page, looks for the report).
std::vector<std::unique_ptr<ReportWriter>> RunFileWriters(
    const ReportPaths& paths);

// Writes the main job's outputs: the report's directory (made if missing),
// the files of RunFileWriters as one FileSet, then, once they are in place,
// the summary on `console` naming them.
absl::Status WriteRunOutputs(const Report& report, const ReportPaths& paths,
                             std::ostream* console);

}  // namespace forkcheck

#endif  // FORKCHECK_REPORTS_REPORT_WRITER_H_
