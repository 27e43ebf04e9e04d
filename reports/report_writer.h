// A run's outputs behind one interface: the JSON report, its Markdown
// summary and its HTML page beside it, and the summary on the console. The
// driver builds the list once and writes each in turn, so adding an output
// is one more writer, not more code in the driver.
//
// The shape of Google Benchmark's reporters (one interface, one
// implementation per format), simpler: a writer takes the whole validated
// Report at once, since a report is complete before anything is written.
#ifndef FORKCHECK_REPORTS_REPORT_WRITER_H_
#define FORKCHECK_REPORTS_REPORT_WRITER_H_

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "reports/report.h"

namespace forkcheck {

class ReportWriter {
 public:
  virtual ~ReportWriter() = default;

  // Writes `report` out. A file is replaced atomically (all of it or none);
  // an error says which output failed and names its path, e.g. "writing
  // the summary: cannot create \"out/r.md.tmp.42\": No such file or
  // directory".
  virtual absl::Status Write(const Report& report) const = 0;
};

// Where a run's files go: the report, and beside it (".json" replaced, or
// appended if the report's path has another ending) its summary, page and
// benchmark log.
struct ReportPaths {
  std::string report;   // e.g. "reports/out/20261205T180000Z-grpc1.51.1.json"
  std::string summary;  // "reports/out/20261205T180000Z-grpc1.51.1.md"
  std::string page;     // "reports/out/20261205T180000Z-grpc1.51.1.html"
  // The benchmark binaries' console output, if the run had benchmarks:
  // "reports/out/20261205T180000Z-grpc1.51.1.bench.log".
  std::string bench_log;
};
ReportPaths PathsBeside(const std::string& report_path);

// The report as JSON (Report::Write: directories created, validated text).
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

// The main job's writers, in the order they run: the three files, then the
// console, which names them.
std::vector<std::unique_ptr<ReportWriter>> RunReportWriters(
    const ReportPaths& paths, std::ostream* console);

}  // namespace forkcheck

#endif  // FORKCHECK_REPORTS_REPORT_WRITER_H_
