#include "reports/html/svg_chart.h"

#include <cmath>
#include <limits>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "reports/html/test_report.h"

namespace forkcheck::html {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

// A small well-formedness check: tags nest and close, attribute values are
// quoted, every & starts an entity. (The sh tests parse whole pages with a
// real XML parser.)
::testing::AssertionResult WellFormed(const std::string& svg) {
  std::vector<std::string> open;
  for (size_t i = 0; i < svg.size(); ++i) {
    if (svg[i] == '&') {
      const size_t semicolon = svg.find(';', i);
      if (semicolon == std::string::npos || semicolon - i > 8) {
        return ::testing::AssertionFailure() << "bare & at " << i;
      }
      continue;
    }
    if (svg[i] != '<') continue;
    const size_t end = svg.find('>', i);
    if (end == std::string::npos) {
      return ::testing::AssertionFailure() << "unclosed < at " << i;
    }
    std::string tag = svg.substr(i + 1, end - i - 1);
    i = end;
    if (tag[0] == '/') {
      if (open.empty() || open.back() != tag.substr(1)) {
        return ::testing::AssertionFailure()
               << "</" << tag.substr(1) << "> closes "
               << (open.empty() ? "nothing" : open.back());
      }
      open.pop_back();
      continue;
    }
    if (std::count(tag.begin(), tag.end(), '"') % 2 != 0) {
      return ::testing::AssertionFailure() << "unbalanced quotes in <" << tag;
    }
    if (tag.back() == '/') continue;
    open.push_back(tag.substr(0, tag.find(' ')));
  }
  if (!open.empty()) {
    return ::testing::AssertionFailure()
           << "<" << open.back() << "> not closed";
  }
  return ::testing::AssertionSuccess();
}

ChartSpec TwoModels() {
  ChartSpec spec;
  spec.title = "Throughput";
  spec.x_label = "workers";
  spec.y_label = "rows/s";
  spec.spread_label = "min to max";
  spec.categories = {"1", "4"};
  spec.series = {
      {"spawn", {ChartValue{100, 90, 120}, ChartValue{400, 400, 400}}},
      {"<b>&model</b>",
       {ChartValue{50, 40, 60}, std::nullopt},
       {"", "skipped: crash"}}};
  return spec;
}

TEST(NiceScaleTest, CoversTheRangeWithRoundSteps) {
  const AxisScale scale = NiceScale(0, 937);
  EXPECT_EQ(scale.min, 0);
  EXPECT_EQ(scale.max, 1000);
  EXPECT_THAT(scale.ticks, ElementsAre(0, 200, 400, 600, 800, 1000));
}

TEST(NiceScaleTest, DegenerateRangesWiden) {
  const AxisScale zero = NiceScale(0, 0);  // all zero
  EXPECT_EQ(zero.min, 0);
  EXPECT_GT(zero.max, 0);
  const AxisScale equal = NiceScale(5, 5);  // one value, or all equal
  EXPECT_LT(equal.min, 5);
  EXPECT_GT(equal.max, 5);
  EXPECT_GE(equal.ticks.size(), 2u);
  const AxisScale nan = NiceScale(std::nan(""), 3);
  EXPECT_EQ(nan.min, 0);
  EXPECT_EQ(nan.max, 1);
  const AxisScale negative = NiceScale(-30, 10);
  EXPECT_LE(negative.min, -30);
  EXPECT_GE(negative.max, 10);
}

TEST(FormatTest, TicksShortValuesExact) {
  EXPECT_EQ(FormatTick(0), "0");
  EXPECT_EQ(FormatTick(1200), "1.2k");
  EXPECT_EQ(FormatTick(3500000), "3.5M");
  EXPECT_EQ(FormatTick(0.25), "0.25");
  EXPECT_EQ(FormatValue(12345678), "12,345,678");
  EXPECT_EQ(FormatValue(-1234), "-1,234");
  EXPECT_EQ(FormatValue(12.5), "12.5");
}

TEST(GroupedBarChartTest, BarsWhiskersLegendAndTitles) {
  const std::string svg = RenderGroupedBarChart(TwoModels());
  EXPECT_TRUE(WellFormed(svg));
  EXPECT_THAT(svg, HasSubstr("<svg xmlns=\"http://www.w3.org/2000/svg\""));
  EXPECT_THAT(svg, HasSubstr("<title>Throughput</title>"));
  EXPECT_EQ(CountOccurrences(svg, "class=\"bar\""), 3);
  // Whiskers (3 lines each) where the spread is not empty, and the legend's.
  EXPECT_EQ(CountOccurrences(svg, "class=\"whisker\""), 3 * 2 + 3);
  EXPECT_THAT(svg, HasSubstr("<title>spawn, workers 1: 100 rows/s (min to "
                             "max: 90 to 120)</title>"));
  // The missing value says why; the series name is text.
  EXPECT_THAT(svg, HasSubstr("workers 4: skipped: crash</title>n/a"));
  EXPECT_THAT(svg, HasSubstr("&lt;b&gt;&amp;model&lt;/b&gt;"));
  EXPECT_THAT(svg, Not(HasSubstr("<b>")));
}

TEST(GroupedBarChartTest, NothingMeasured) {
  ChartSpec spec = TwoModels();
  for (ChartSeries& series : spec.series) {
    series.values = {std::nullopt, ChartValue{std::nan(""), 0, 0}};
  }
  const std::string svg = RenderGroupedBarChart(spec);
  EXPECT_TRUE(WellFormed(svg));
  EXPECT_EQ(CountOccurrences(svg, "class=\"bar\""), 0);
  EXPECT_EQ(CountOccurrences(svg, ">n/a<"), 4);
  EXPECT_THAT(svg, HasSubstr("no measurements"));
}

TEST(GroupedBarChartTest, AllZeroAndNoSeries) {
  ChartSpec spec = TwoModels();
  spec.series = {{"idle", {ChartValue{0, 0, 0}, ChartValue{0, 0, 0}}}};
  std::string svg = RenderGroupedBarChart(spec);
  EXPECT_TRUE(WellFormed(svg));
  EXPECT_EQ(CountOccurrences(svg, "class=\"bar\""), 2);
  EXPECT_THAT(svg, Not(HasSubstr("nan")));
  spec.series.clear();
  spec.categories.clear();
  svg = RenderGroupedBarChart(spec);
  EXPECT_TRUE(WellFormed(svg));
  EXPECT_THAT(svg, HasSubstr("no measurements"));
}

TEST(LineChartTest, GapsSplitTheLine) {
  ChartSpec spec = TwoModels();
  spec.categories = {"a", "b", "c", "d"};
  spec.series = {{"spawn",
                  {ChartValue{1, 1, 1}, ChartValue{2, 1, 3}, std::nullopt,
                   ChartValue{4, 4, 4}}}};
  const std::string svg = RenderLineChart(spec);
  EXPECT_TRUE(WellFormed(svg));
  EXPECT_EQ(CountOccurrences(svg, "class=\"point\""), 3);
  EXPECT_EQ(CountOccurrences(svg, "<path "), 1);
  // Two runs of the pen: a, b; then d alone.
  EXPECT_EQ(CountOccurrences(svg, " d=\"M"), 1);
  EXPECT_EQ(CountOccurrences(svg, " M"), 1);
  EXPECT_EQ(CountOccurrences(svg, " L"), 1);
}

TEST(LineChartTest, OnePointIsAMarker) {
  ChartSpec spec = TwoModels();
  spec.categories = {"only"};
  spec.series = {{"spawn", {ChartValue{7, 7, 7}}}};
  const std::string svg = RenderLineChart(spec);
  EXPECT_TRUE(WellFormed(svg));
  EXPECT_EQ(CountOccurrences(svg, "class=\"point\""), 1);
  EXPECT_THAT(svg, Not(HasSubstr(" L")));
  EXPECT_THAT(svg, Not(HasSubstr("nan")));
  EXPECT_THAT(svg, Not(HasSubstr("inf")));
}

TEST(LineChartTest, ManyCategoriesThinTheirLabels) {
  ChartSpec spec = TwoModels();
  spec.series = {{"spawn", {}}};
  spec.categories.clear();
  for (int i = 0; i < 60; ++i) {
    spec.categories.push_back("run " + std::to_string(i));
    spec.series[0].values.push_back(ChartValue{1.0 * i, 1.0 * i, 1.0 * i});
  }
  const std::string svg = RenderLineChart(spec);
  EXPECT_TRUE(WellFormed(svg));
  EXPECT_EQ(CountOccurrences(svg, "class=\"point\""), 60);
  EXPECT_LT(CountOccurrences(svg, "<title>run "), 30);
}

}  // namespace
}  // namespace forkcheck::html
