#include "matrix/matrix_table.h"

#include <algorithm>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "stats/sample_summary.h"

namespace forkcheck {
namespace {

// The median, or -1 ("-" in the table) for no values.
double MedianOrNone(const std::vector<double>& values) {
  return values.empty() ? -1 : Median(values);
}

std::string FormatMillis(double millis) {
  if (millis < 0) return "-";
  if (millis >= 1000) return absl::StrFormat("%.1f s", millis / 1000);
  return absl::StrFormat("%.0f ms", millis);
}

std::string NonDefaultAxes(const Axes& axes, const Axes& defaults) {
  const auto values = AxisValues(axes);
  const auto default_values = AxisValues(defaults);
  std::vector<std::string> differing;
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i].second != default_values[i].second) {
      differing.push_back(absl::StrCat(values[i].first, "=", values[i].second));
    }
  }
  return differing.empty() ? "(defaults)" : absl::StrJoin(differing, " ");
}

// The TCP connections the trials reported: "2", or "1-2" if they differed.
std::string ConnectionsText(const CellResult& result) {
  int low = -1;
  int high = -1;
  for (const TrialSample& sample : result.samples) {
    if (sample.tcp_connections < 0) continue;
    low = low < 0 ? sample.tcp_connections
                  : std::min(low, sample.tcp_connections);
    high = std::max(high, sample.tcp_connections);
  }
  if (low < 0) return "-";
  return low == high ? absl::StrCat(low) : absl::StrCat(low, "-", high);
}

}  // namespace

// The trials with wrong rows on their own: a tally must never hide them.
std::string DescribeCellPart(const OutcomeCounts& counts,
                             const VerdictRule& rule) {
  const RateVerdict verdict = Judge(counts, rule);
  std::string text = DescribeVerdict(counts, verdict);
  if (verdict.wrong_data > 0) {
    absl::StrAppend(&text, " · wrong_data ", verdict.wrong_data, "/",
                    verdict.trials, " trials");
  }
  return text;
}

double MedianFirstRowMillis(const CellResult& result) {
  std::vector<double> per_trial;
  for (const TrialSample& sample : result.samples) {
    std::vector<double> workers;
    for (int64_t micros : sample.first_row_micros) {
      if (micros >= 0) workers.push_back(micros / 1000.0);
    }
    if (!workers.empty()) per_trial.push_back(Median(workers));
  }
  return MedianOrNone(per_trial);
}

double MedianWallMillis(const CellResult& result) {
  std::vector<double> walls;
  for (const TrialSample& sample : result.samples) {
    if (sample.harness_error.empty()) walls.push_back(sample.wall_micros / 1e3);
  }
  return MedianOrNone(walls);
}

std::string RenderMatrixTable(const std::vector<CellResult>& results,
                              const Axes& defaults, const VerdictRule& rule) {
  std::vector<std::string> defaults_text;
  for (const auto& [name, value] : AxisValues(defaults)) {
    defaults_text.push_back(absl::StrCat(name, "=", value));
  }
  // Each cell: a row of the table, then its verdicts below it (too wide
  // for a column of their own beside a key).
  std::vector<std::vector<std::string>> rows = {
      {"cell", "tcp conns", "first row", "wall"}};
  std::vector<std::vector<std::string>> verdicts = {{}};
  for (const CellResult& result : results) {
    rows.push_back({absl::StrCat(result.cell.model_name, " ",
                                 NonDefaultAxes(result.cell.axes, defaults)),
                    ConnectionsText(result),
                    FormatMillis(MedianFirstRowMillis(result)),
                    FormatMillis(MedianWallMillis(result))});
    std::vector<std::string> lines = {absl::StrCat(
        "workers: ", DescribeCellPart(result.WorkerCounts(), rule))};
    const OutcomeCounts parent = result.ParentCounts();
    if (parent.total() > 0) {
      lines.push_back(
          absl::StrCat("parent after: ", DescribeCellPart(parent, rule)));
    }
    int harness_errors = 0;
    for (const TrialSample& sample : result.samples) {
      harness_errors += sample.harness_error.empty() ? 0 : 1;
    }
    std::vector<std::string> notes;
    if (!result.stop_reason.empty() && result.stop_reason != "decided") {
      notes.push_back(absl::StrCat("stopped: ", result.stop_reason));
    }
    if (harness_errors > 0) {
      notes.push_back(absl::StrCat(harness_errors, " trial",
                                   harness_errors == 1 ? "" : "s",
                                   " not run (harness error)"));
    }
    if (!notes.empty()) lines.push_back(absl::StrJoin(notes, "; "));
    verdicts.push_back(std::move(lines));
  }
  std::vector<size_t> widths(rows[0].size(), 0);
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      widths[i] = std::max(widths[i], row[i].size());
    }
  }
  std::string text = absl::StrCat("Verdicts: ", DescribeRule(rule),
                                  ".\nAxes not shown are at their defaults: ",
                                  absl::StrJoin(defaults_text, " "), "\n");
  for (size_t r = 0; r < rows.size(); ++r) {
    std::string line;
    for (size_t i = 0; i < rows[r].size(); ++i) {
      absl::StrAppend(&line, rows[r][i],
                      i + 1 < rows[r].size()
                          ? std::string(widths[i] - rows[r][i].size() + 2, ' ')
                          : "");
    }
    absl::StrAppend(&text, line, "\n");
    for (const std::string& verdict : verdicts[r]) {
      absl::StrAppend(&text, "    ", verdict, "\n");
    }
  }
  return text;
}

}  // namespace forkcheck
