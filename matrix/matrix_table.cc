#include "matrix/matrix_table.h"

#include <algorithm>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/statistics.h"

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
                              const Axes& defaults) {
  std::vector<std::string> defaults_text;
  for (const auto& [name, value] : AxisValues(defaults)) {
    defaults_text.push_back(absl::StrCat(name, "=", value));
  }
  std::vector<std::vector<std::string>> rows = {{"model", "axes", "workers",
                                                 "parent_after", "tcp conns",
                                                 "first row", "wall"}};
  for (const CellResult& result : results) {
    std::string workers = result.WorkerCounts().Summary();
    int harness_errors = 0;
    for (const TrialSample& sample : result.samples) {
      harness_errors += sample.harness_error.empty() ? 0 : 1;
    }
    if (harness_errors > 0) {
      absl::StrAppend(&workers, " (", harness_errors, " not run)");
    }
    const OutcomeCounts parent = result.ParentCounts();
    rows.push_back(
        {result.cell.model_name, NonDefaultAxes(result.cell.axes, defaults),
         workers, parent.total() == 0 ? "-" : parent.Summary(),
         ConnectionsText(result), FormatMillis(MedianFirstRowMillis(result)),
         FormatMillis(MedianWallMillis(result))});
  }
  std::vector<size_t> widths(rows[0].size(), 0);
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      widths[i] = std::max(widths[i], row[i].size());
    }
  }
  std::string text = absl::StrCat("Axes not shown are at their defaults: ",
                                  absl::StrJoin(defaults_text, " "), "\n");
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      absl::StrAppend(&line, row[i],
                      i + 1 < row.size()
                          ? std::string(widths[i] - row[i].size() + 2, ' ')
                          : "");
    }
    absl::StrAppend(&text, line, "\n");
  }
  return text;
}

}  // namespace forkcheck
