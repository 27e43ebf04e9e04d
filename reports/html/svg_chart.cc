#include "reports/html/svg_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "reports/html/html_writer.h"

namespace forkcheck::html {
namespace {

// Tableau 10: distinct hues that stay apart for common colour blindness.
constexpr const char* kPalette[] = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2",
                                    "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
                                    "#9c755f", "#bab0ac"};
constexpr int kPaletteSize = sizeof(kPalette) / sizeof(kPalette[0]);

constexpr double kLeft = 70, kRight = 16, kTop = 36, kBottom = 46;
constexpr double kCharWidth = 6.6;  // average glyph width at 12px, for layout
constexpr double kLegendRow = 18;

std::string SeriesColour(const ChartSpec& spec, size_t index) {
  const std::string& colour = spec.series[index].colour;
  return colour.empty() ? kPalette[index % kPaletteSize] : colour;
}

std::string Px(double value) { return absl::StrFormat("%.1f", value); }

bool Present(const std::optional<ChartValue>& value) {
  return value.has_value() && std::isfinite(value->value) &&
         std::isfinite(value->low) && std::isfinite(value->high);
}

const std::optional<ChartValue>& ValueAt(const ChartSeries& series,
                                         size_t category) {
  static const std::optional<ChartValue> kNone;
  return category < series.values.size() ? series.values[category] : kNone;
}

std::string NoteAt(const ChartSeries& series, size_t category) {
  return category < series.notes.size() ? series.notes[category] : "";
}

// The plot area and the value scale shared by both chart kinds.
struct Frame {
  double x0, x1, y0, y1;  // plot area, y0 at the top
  AxisScale scale;
  double Y(double value) const {
    return y1 - (value - scale.min) / (scale.max - scale.min) * (y1 - y0);
  }
};

Frame MakeFrame(const ChartSpec& spec) {
  // Charts start at zero: bars must, and a trend read against zero does
  // not exaggerate a small change (the whiskers show the noise).
  double low = 0, high = 0;
  for (const ChartSeries& series : spec.series) {
    for (size_t c = 0; c < spec.categories.size(); ++c) {
      const std::optional<ChartValue>& value = ValueAt(series, c);
      if (!Present(value)) continue;
      low = std::min({low, value->value, value->low});
      high = std::max({high, value->value, value->high});
    }
  }
  return {kLeft, spec.width - kRight, kTop, spec.height - kBottom,
          NiceScale(low, high)};
}

bool HasValues(const ChartSpec& spec) {
  for (const ChartSeries& series : spec.series) {
    for (size_t c = 0; c < spec.categories.size(); ++c) {
      if (Present(ValueAt(series, c))) return true;
    }
  }
  return false;
}

std::string Truncated(const std::string& text, double width) {
  const size_t fits = static_cast<size_t>(std::max(3.0, width / kCharWidth));
  if (text.size() <= fits) return text;
  size_t cut = fits - 1;
  // Never inside a UTF-8 sequence.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  return text.substr(0, cut) + "\xE2\x80\xA6";  // …
}

std::string Text(double x, double y, const std::string& text,
                 const Attributes& extra = {}) {
  Attributes attributes = {{"x", Px(x)}, {"y", Px(y)}};
  attributes.insert(attributes.end(), extra.begin(), extra.end());
  return TextElement("text", attributes, text);
}

std::string Line(double x1, double y1, double x2, double y2,
                 const std::string& css_class, const std::string& stroke = "") {
  return absl::StrCat("<line x1=\"", Px(x1), "\" y1=\"", Px(y1), "\" x2=\"",
                      Px(x2), "\" y2=\"", Px(y2), "\" class=\"", css_class,
                      "\"", stroke.empty() ? "" : " stroke=\"" + stroke + "\"",
                      "/>");
}

// Title, y grid and ticks, axis labels, category labels.
std::string Axes(const ChartSpec& spec, const Frame& frame,
                 const std::vector<double>& category_x, double label_width) {
  std::string svg = Text(frame.x0, 20, spec.title, {{"class", "title"}});
  for (const double tick : frame.scale.ticks) {
    const double y = frame.Y(tick);
    absl::StrAppend(&svg, Line(frame.x0, y, frame.x1, y, "grid"),
                    Text(frame.x0 - 6, y + 4, FormatTick(tick),
                         {{"class", "tick"}, {"text-anchor", "end"}}));
  }
  absl::StrAppend(&svg, Line(frame.x0, frame.y1, frame.x1, frame.y1, "axis"),
                  Line(frame.x0, frame.y0, frame.x0, frame.y1, "axis"));
  // Thin the labels out when they would overlap.
  const size_t every = std::max<size_t>(
      1, static_cast<size_t>(std::ceil(48.0 / std::max(1.0, label_width))));
  const double shown_width = label_width * static_cast<double>(every);
  for (size_t c = 0; c < category_x.size(); c += every) {
    const std::string& name = spec.categories[c];
    const std::string shown = Truncated(name, shown_width - 4);
    absl::StrAppend(&svg, Element("text",
                                  {{"x", Px(category_x[c])},
                                   {"y", Px(frame.y1 + 16)},
                                   {"class", "tick"},
                                   {"text-anchor", "middle"}},
                                  absl::StrCat(TextElement("title", name),
                                               EscapeText(shown))));
  }
  absl::StrAppend(
      &svg,
      Text((frame.x0 + frame.x1) / 2, frame.y1 + 36, spec.x_label,
           {{"class", "label"}, {"text-anchor", "middle"}}),
      Text(0, 0, spec.y_label,
           {{"class", "label"},
            {"text-anchor", "middle"},
            {"transform",
             absl::StrCat("translate(16,", Px((frame.y0 + frame.y1) / 2),
                          ") rotate(-90)")}}));
  return svg;
}

// Entries wrap into rows under the plot; returns the markup and its height.
std::pair<std::string, double> Legend(const ChartSpec& spec, double top,
                                      bool lines) {
  std::string svg;
  double x = kLeft, y = top + 12;
  int rows = 1;
  std::string spread;
  if (!spec.spread_label.empty()) {
    spread = absl::StrCat("whiskers: ", spec.spread_label);
  }
  for (size_t i = 0; i <= spec.series.size(); ++i) {
    const bool is_spread = i == spec.series.size();
    if (is_spread && spread.empty()) break;
    const std::string& full = is_spread ? spread : spec.series[i].name;
    // A name longer than a legend row is cut; the full name is its title.
    const std::string name = Truncated(full, spec.width - kLeft - kRight - 22);
    const double width = 22 + kCharWidth * static_cast<double>(name.size());
    if (x + width > spec.width - kRight && x > kLeft) {
      x = kLeft;
      y += kLegendRow;
      ++rows;
    }
    if (is_spread) {
      absl::StrAppend(&svg, Line(x + 6, y - 9, x + 6, y + 1, "whisker"),
                      Line(x + 2, y - 9, x + 10, y - 9, "whisker"),
                      Line(x + 2, y + 1, x + 10, y + 1, "whisker"));
    } else {
      const std::string colour = SeriesColour(spec, i);
      if (lines) {
        absl::StrAppend(&svg, Line(x, y - 4, x + 14, y - 4, "series", colour),
                        "<circle cx=\"", Px(x + 7), "\" cy=\"", Px(y - 4),
                        "\" r=\"3.5\" fill=\"", colour, "\"/>");
      } else {
        absl::StrAppend(&svg, "<rect x=\"", Px(x), "\" y=\"", Px(y - 10),
                        "\" width=\"12\" height=\"12\" fill=\"", colour,
                        "\"/>");
      }
    }
    absl::StrAppend(
        &svg,
        Element("text", {{"x", Px(x + 18)}, {"y", Px(y)}, {"class", "legend"}},
                absl::StrCat(TextElement("title", full), EscapeText(name))));
    x += width + 10;
  }
  return {Element("g", {{"class", "legend"}}, svg), rows * kLegendRow + 8};
}

constexpr char kChartStyle[] =
    "text{font:12px system-ui,'DejaVu Sans',sans-serif;fill:#1d2329}"
    ".title{font-weight:600;font-size:13px}.tick{fill:#57606a;font-size:11px}"
    ".label{fill:#57606a}.grid{stroke:#e6e9ec}.axis{stroke:#8c959f}"
    ".whisker{stroke:#1d2329;stroke-width:1.2}"
    ".series{fill:none;stroke-width:2}.missing{fill:#8c959f;font-size:10px}"
    ".empty{fill:#8c959f;font-size:13px}";

std::string Svg(const ChartSpec& spec, const std::string& kind, double height,
                const std::string& inner) {
  return Element(
      "svg",
      {{"xmlns", "http://www.w3.org/2000/svg"},
       {"class", absl::StrCat("chart ", kind)},
       {"role", "img"},
       {"width", absl::StrCat(spec.width)},
       {"height", Px(height)},
       {"viewBox", absl::StrCat("0 0 ", spec.width, " ", Px(height))}},
      absl::StrCat(TextElement("title", spec.title),
                   Element("style", kChartStyle), inner));
}

std::string EmptyNote(const ChartSpec& spec, const Frame& frame) {
  if (HasValues(spec)) return "";
  return Text((frame.x0 + frame.x1) / 2, (frame.y0 + frame.y1) / 2,
              "no measurements",
              {{"class", "empty"}, {"text-anchor", "middle"}});
}

std::string Tooltip(const ChartSpec& spec, const ChartSeries& series,
                    size_t category, const ChartValue& value) {
  std::string text = absl::StrCat(series.name, ", ", spec.x_label, " ",
                                  spec.categories[category], ": ",
                                  FormatValue(value.value), " ", spec.y_label);
  if (value.low != value.value || value.high != value.value) {
    absl::StrAppend(
        &text, " (", spec.spread_label.empty() ? "range" : spec.spread_label,
        ": ", FormatValue(value.low), " to ", FormatValue(value.high), ")");
  }
  const std::string note = NoteAt(series, category);
  if (!note.empty()) absl::StrAppend(&text, "; ", note);
  return text;
}

std::string Whisker(double x, double half_width, const Frame& frame,
                    const ChartValue& value) {
  if (value.low == value.value && value.high == value.value) return "";
  const double low = frame.Y(value.low), high = frame.Y(value.high);
  return absl::StrCat(
      Line(x, low, x, high, "whisker"),
      Line(x - half_width, low, x + half_width, low, "whisker"),
      Line(x - half_width, high, x + half_width, high, "whisker"));
}

}  // namespace

AxisScale NiceScale(double low, double high, int target_ticks) {
  if (!std::isfinite(low) || !std::isfinite(high)) low = 0, high = 1;
  if (high < low) std::swap(low, high);
  if (high == low) {
    const double pad = low == 0 ? 1 : std::abs(low) * 0.5;
    low = low == 0 ? 0 : low - pad;
    high = high + pad;
  }
  target_ticks = std::max(2, target_ticks);
  const double rough = (high - low) / target_ticks;
  const double magnitude = std::pow(10, std::floor(std::log10(rough)));
  const double fraction = rough / magnitude;
  const double step = (fraction <= 1   ? 1
                       : fraction <= 2 ? 2
                       : fraction <= 5 ? 5
                                       : 10) *
                      magnitude;
  AxisScale scale;
  scale.min = std::floor(low / step) * step;
  scale.max = std::ceil(high / step) * step;
  if (scale.max == scale.min) scale.max = scale.min + step;
  const int64_t count = std::llround((scale.max - scale.min) / step);
  for (int64_t i = 0; i <= count; ++i) {
    scale.ticks.push_back(scale.min + static_cast<double>(i) * step);
  }
  return scale;
}

std::string FormatTick(double value) {
  const double magnitude = std::abs(value);
  if (magnitude >= 1e9) return absl::StrFormat("%gG", value / 1e9);
  if (magnitude >= 1e6) return absl::StrFormat("%gM", value / 1e6);
  if (magnitude >= 1e3) return absl::StrFormat("%gk", value / 1e3);
  if (magnitude < 1e-12) return "0";
  return absl::StrFormat("%g", value);
}

std::string FormatValue(double value) {
  if (std::abs(value) < 1000) return absl::StrFormat("%.3g", value);
  // Whole numbers with grouped thousands: 12,345,678.
  std::string digits = absl::StrFormat("%.0f", std::abs(value));
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) {
    digits.insert(static_cast<size_t>(i), ",");
  }
  return value < 0 ? "-" + digits : digits;
}

std::string RenderGroupedBarChart(const ChartSpec& spec) {
  const Frame frame = MakeFrame(spec);
  const size_t groups = std::max<size_t>(1, spec.categories.size());
  const double group_width = (frame.x1 - frame.x0) / groups;
  const double inner = group_width * 0.8;
  const double bar_width =
      inner / static_cast<double>(std::max<size_t>(1, spec.series.size()));
  std::vector<double> centres;
  for (size_t c = 0; c < spec.categories.size(); ++c) {
    centres.push_back(frame.x0 + group_width * (c + 0.5));
  }
  std::string bars;
  for (size_t s = 0; s < spec.series.size(); ++s) {
    const ChartSeries& series = spec.series[s];
    for (size_t c = 0; c < spec.categories.size(); ++c) {
      const double x = centres[c] - inner / 2 + bar_width * s;
      const std::optional<ChartValue>& value = ValueAt(series, c);
      if (!Present(value)) {
        const std::string note = NoteAt(series, c);
        absl::StrAppend(
            &bars,
            Element("text",
                    {{"class", "missing"},
                     {"text-anchor", "middle"},
                     {"transform",
                      absl::StrCat("translate(", Px(x + bar_width / 2), ",",
                                   Px(frame.Y(0) - 4), ") rotate(-90)")}},
                    absl::StrCat(
                        TextElement(
                            "title",
                            absl::StrCat(series.name, ", ", spec.x_label, " ",
                                         spec.categories[c], ": ",
                                         note.empty() ? "not measured" : note)),
                        "n/a")));
        continue;
      }
      const double top = frame.Y(std::max(0.0, value->value));
      const double bottom = frame.Y(std::min(0.0, value->value));
      absl::StrAppend(
          &bars,
          Element("rect",
                  {{"class", "bar"},
                   {"x", Px(x + 1)},
                   {"y", Px(top)},
                   {"width", Px(std::max(1.0, bar_width - 2))},
                   {"height", Px(std::max(0.5, bottom - top))},
                   {"fill", SeriesColour(spec, s)}},
                  TextElement("title", Tooltip(spec, series, c, *value))),
          Whisker(x + bar_width / 2, std::min(4.0, bar_width / 3), frame,
                  *value));
    }
  }
  const auto [legend, legend_height] = Legend(spec, spec.height, false);
  return Svg(spec, "bars", spec.height + legend_height,
             absl::StrCat(Axes(spec, frame, centres, group_width), bars,
                          EmptyNote(spec, frame), legend));
}

std::string RenderLineChart(const ChartSpec& spec) {
  const Frame frame = MakeFrame(spec);
  const size_t count = std::max<size_t>(1, spec.categories.size());
  const double step = (frame.x1 - frame.x0) / count;
  std::vector<double> xs;
  for (size_t c = 0; c < spec.categories.size(); ++c) {
    xs.push_back(frame.x0 + step * (c + 0.5));
  }
  std::string plot;
  for (size_t s = 0; s < spec.series.size(); ++s) {
    const ChartSeries& series = spec.series[s];
    const std::string colour = SeriesColour(spec, s);
    std::string path, points;
    bool pen_down = false;
    for (size_t c = 0; c < spec.categories.size(); ++c) {
      const std::optional<ChartValue>& value = ValueAt(series, c);
      if (!Present(value)) {
        pen_down = false;  // a gap, not a line across a missing value
        continue;
      }
      const double y = frame.Y(value->value);
      absl::StrAppend(&path, pen_down ? " L" : " M", Px(xs[c]), " ", Px(y));
      pen_down = true;
      absl::StrAppend(
          &points, Whisker(xs[c], 3, frame, *value),
          Element("circle",
                  {{"class", "point"},
                   {"cx", Px(xs[c])},
                   {"cy", Px(y)},
                   {"r", "3.5"},
                   {"fill", colour}},
                  TextElement("title", Tooltip(spec, series, c, *value))));
    }
    if (!path.empty()) {
      absl::StrAppend(&plot, "<path class=\"series\" stroke=\"", colour,
                      "\" d=\"", path.substr(1), "\"/>");
    }
    absl::StrAppend(&plot, points);
  }
  const auto [legend, legend_height] = Legend(spec, spec.height, true);
  return Svg(spec, "lines", spec.height + legend_height,
             absl::StrCat(Axes(spec, frame, xs, step), plot,
                          EmptyNote(spec, frame), legend));
}

}  // namespace forkcheck::html
