// Charts as inline SVG text: pure functions from data to markup, so a report
// page, a comparison page and the trend page draw alike. Every chart has a
// <title> (its name, for screen readers and tooltips), axes with ticks,
// a legend, and a <title> on every bar or point with its exact values.
#ifndef FORKCHECK_REPORTS_HTML_SVG_CHART_H_
#define FORKCHECK_REPORTS_HTML_SVG_CHART_H_

#include <optional>
#include <string>
#include <vector>

namespace forkcheck::html {

// One measured value and its spread (e.g. median with min and max over the
// repetitions); low == value == high draws no whisker.
struct ChartValue {
  double value = 0;
  double low = 0;
  double high = 0;
};

struct ChartSeries {
  std::string name;
  // One per category; nullopt: nothing measured there. Non-finite values
  // count as nothing measured.
  std::vector<std::optional<ChartValue>> values;
  // Optional, one per category: why a value is missing (a skipped
  // benchmark's reason), or extra tooltip text.
  std::vector<std::string> notes;
  // A CSS colour; empty takes the next of the chart's palette.
  std::string colour;
};

struct ChartSpec {
  std::string title;
  std::string x_label;                  // e.g. "workers"
  std::string y_label;                  // with the unit, e.g. "rows/s"
  std::string spread_label;             // what whiskers mean, e.g. "min to max"
  std::vector<std::string> categories;  // the x positions, in order
  std::vector<ChartSeries> series;
  int width = 560;   // two side by side on a 1200px page
  int height = 300;  // of the plot and axes; the legend adds to it
};

// Grouped bars from zero: one group per category, one bar per series, with
// whiskers from low to high. A missing value is marked "n/a" in its slot.
std::string RenderGroupedBarChart(const ChartSpec& spec);

// One line per series over the categories (e.g. reports in time order),
// with a marker and whiskers at each value; gaps where values are missing.
std::string RenderLineChart(const ChartSpec& spec);

// A linear axis covering [low, high] with "nice" tick steps (1, 2, 5 ×
// 10^n). Degenerate ranges (one value, all equal, zero) widen to a
// readable one.
struct AxisScale {
  double min = 0;
  double max = 1;
  std::vector<double> ticks;
};
AxisScale NiceScale(double low, double high, int target_ticks = 5);

// Short tick text: 1200 -> "1.2k", 3500000 -> "3.5M", 0.25 -> "0.25".
std::string FormatTick(double value);
// Tooltip text: three significant digits at least, thousands grouped.
std::string FormatValue(double value);

}  // namespace forkcheck::html

#endif  // FORKCHECK_REPORTS_HTML_SVG_CHART_H_
