#include "reports/html/comparison_page.h"

#include <algorithm>
#include <map>
#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "reports/html/html_writer.h"
#include "reports/html/matrix_grid.h"
#include "reports/html/model_benchmarks.h"
#include "reports/html/svg_chart.h"

namespace forkcheck::html {
namespace {

constexpr char kOldColour[] = "#9aa4ae";  // the past in grey
constexpr char kNewColour[] = "#1f6feb";

constexpr char kComparisonCss[] = R"css(
div.verdict { padding: 10px 14px; margin: 8px 0 16px; border-radius: 4px;
              border: 2px solid; }
div.verdict p { margin: 2px 0; }
div.verdict p.headline { font-size: 18px; font-weight: 600; }
div.verdict.bad { background: #fff1f0; border-color: #c62828; }
div.verdict.good { background: #eef8ef; border-color: #2e7d32; }
div.verdict.unknown { background: #fff8e1; border-color: #9a6700; }
div.verdict p.overlap { color: #57606a; }
div.verdict p.overlap.below { color: #9a6700; font-weight: 600; }
div.verdict p.machines { color: #c62828; font-weight: 600; }
div.banner { font-size: 15px; border-width: 2px; }
span.badge { display: inline-block; padding: 0 6px; border-radius: 3px;
             color: #fff; font-size: 12px; white-space: nowrap; }
span.v-regressed, span.c-worse { background: #c62828; font-weight: bold; }
span.v-improved, span.c-better { background: #2e7d32; }
span.v-unchanged { background: #8c959f; }
span.v-inconclusive { background: #9a6700; }
span.v-informational { background: #d0d7de; color: #1d2329; }
span.c-not_significant { background: #6e7781; }
table.changes td.part { font-size: 12px; min-width: 160px; }
table.changes td.part span.p { color: #57606a; white-space: nowrap; }
table.changes { border-collapse: collapse; }
table.changes td, table.changes th { border: 1px solid #d0d7de; }
table.changes tr.change-worse td { background: #fff1f0; }
table.changes tr.change-worse td.cell, table.changes td.cell { min-width: 90px; }
span.outcome-field { color: #c62828; font-size: 11px; }
details.scenario { border: 1px solid #e4e8ec; margin: 4px 0; padding: 2px 8px; }
details.scenario[open] { padding-bottom: 6px; }
details.scenario > summary { cursor: pointer; padding: 2px 0; }
details.scenario > summary code { font-size: 13px; }
details.informational > summary { color: #57606a; font-size: 12px; }
table.metrics td:last-child { text-align: left; color: #57606a; }
table.metrics td:nth-child(5), table.metrics td:nth-child(6) {
  white-space: nowrap; }
table.signature-changes { border-collapse: collapse; }
table.signature-changes td, table.signature-changes th {
  border: 1px solid #d0d7de; text-align: left; }
table.signature-changes td.signatures { font-size: 12px; }
)css";

std::string Counted(int count, const std::string& one,
                    const std::string& many) {
  return absl::StrCat(count, " ", count == 1 ? one : many);
}

int CountVerdict(const ReportComparison& c, Verdict verdict) {
  return static_cast<int>(std::count_if(
      c.metrics.begin(), c.metrics.end(),
      [&](const MetricComparison& m) { return m.verdict == verdict; }));
}

int CountDirection(const ReportComparison& c, ChangeDirection direction) {
  return static_cast<int>(std::count_if(
      c.matrix.changes.begin(), c.matrix.changes.end(),
      [&](const CellChange& ch) { return ch.direction == direction; }));
}

std::string Badge(const std::string& css_class, const std::string& text) {
  return TextElement("span", {{"class", absl::StrCat("badge ", css_class)}},
                     text);
}

std::string VerdictBadge(Verdict verdict) {
  const std::string name = VerdictName(verdict);
  return Badge(absl::StrCat("v-", name), name);
}

// Which report is which: file, start time, gRPC, host.
std::string ReportLine(const char* side, const std::string& name,
                       const Report& report) {
  const Environment& environment = report.model().environment;
  return Element(
      "p", {{"class", "lead"}},
      absl::StrCat(
          Element("strong", side), " ", EscapeText(name), " · ",
          EscapeText(absl::StrCat(
              environment.start_time, " · gRPC ", environment.grpc.cpp_version,
              " · host ", environment.machine.hostname, " · harness ",
              environment.harness.git_commit.substr(0, 12)))));
}

std::string Percent(double fraction) {
  return absl::StrFormat("%.3g%%", 100 * fraction);
}

// One kind's overlap in a line, marked when below the threshold.
std::string OverlapLine(const std::string& what, const Coverage& coverage,
                        double min_overlap) {
  const bool below = coverage.Fraction() < min_overlap;
  return TextElement(
      "p", {{"class", below ? "overlap below" : "overlap"}},
      absl::StrCat(
          "In common, ", what, ": ", coverage.Text(),
          below ? absl::StrCat(", below ", Percent(min_overlap)) : ""));
}

// What a nightly job gates on (ReportComparison::Judge), how much was
// comparable, and the rest in a line. Never "good" with too little in
// common.
std::string VerdictBox(const ReportComparison& c) {
  const int regressed = CountVerdict(c, Verdict::kRegressed);
  const int worse = CountDirection(c, ChangeDirection::kWorse);
  const Gate gate = c.Judge();
  const std::string shortfall = c.overlap.Shortfall();
  std::string headline = "No conformance cell got worse, no metric regressed";
  std::string css = "verdict good";
  if (gate == Gate::kRegression) {
    std::vector<std::string> parts;
    if (worse > 0) {
      parts.push_back(
          Counted(worse, "conformance cell worse", "conformance cells worse"));
    }
    if (regressed > 0) {
      parts.push_back(
          Counted(regressed, "metric regressed", "metrics regressed"));
    }
    headline = absl::StrCat("Worse: ", absl::StrJoin(parts, ", "));
    if (!shortfall.empty()) {
      absl::StrAppend(&headline, "; and not comparable as a whole (", shortfall,
                      ")");
    }
    css = "verdict bad";
  } else if (gate == Gate::kNotComparable) {
    headline =
        absl::StrCat("Not comparable: too little in common to judge (",
                     shortfall, "); nothing got worse in what was compared");
    css = "verdict unknown";
  }
  const MatrixChanges& m = c.matrix;
  const std::string cells = absl::StrCat(
      "Matrix: ", Counted(m.cells_in_common, "cell", "cells"), " in common; ",
      worse, " worse, ", CountDirection(c, ChangeDirection::kBetter),
      " better, ", CountDirection(c, ChangeDirection::kNotSignificant),
      " changed, not significant (Fisher's exact test on each cell part's "
      "failure rate, Holm's correction over ",
      Counted(m.tests, "test", "tests"), ", family-wise alpha ", m.alpha,
      "; new wrong_data is worse whatever the p-value).");
  const std::string metrics = absl::StrCat(
      "Benchmarks: ", Counted(c.scenarios_in_common, "scenario", "scenarios"),
      " in common, ",
      Counted(static_cast<int>(c.metrics.size()), "metric", "metrics"), ": ",
      regressed, " regressed, ", CountVerdict(c, Verdict::kImproved),
      " improved, ", CountVerdict(c, Verdict::kUnchanged), " unchanged, ",
      CountVerdict(c, Verdict::kInconclusive), " inconclusive, ",
      CountVerdict(c, Verdict::kInformational), " informational.");
  const Overlap& o = c.overlap;
  std::string overlap = OverlapLine("matrix cells", o.cells, o.min_overlap);
  // Shown per client, judged over all cells: never marked below.
  if (o.cells_by_client.size() > 1) {
    for (const ClientCoverage& client : o.cells_by_client) {
      absl::StrAppend(&overlap,
                      OverlapLine(absl::StrCat("cells of ", client.client),
                                  client.cells, 0));
    }
  }
  absl::StrAppend(
      &overlap, OverlapLine("benchmark metrics", o.metrics, o.min_overlap),
      TextElement("p", {{"class", "overlap"}},
                  absl::StrCat("Each kind is judged only if at least ",
                               Percent(o.min_overlap),
                               " of the larger side is in common "
                               "(--min_overlap).")));
  const char* gate_name = gate == Gate::kPass         ? "pass"
                          : gate == Gate::kRegression ? "regression"
                                                      : "not_comparable";
  return Element(
      "div",
      {{"id", "verdict"},
       {"class", css},
       {"data-gate", gate_name},
       {"data-regressed", absl::StrCat(regressed)},
       {"data-worse", absl::StrCat(worse)}},
      absl::StrCat(TextElement("p", {{"class", "headline"}}, headline),
                   TextElement("p", cells), TextElement("p", metrics),
                   overlap));
}

std::string DifferencesTable(
    const std::vector<EnvironmentDifference>& differences) {
  std::vector<std::vector<std::string>> rows;
  for (const EnvironmentDifference& d : differences) {
    std::string field = Element("code", EscapeText(d.field));
    if (d.affects_outcomes) {
      absl::StrAppend(&field, " ",
                      TextElement("span", {{"class", "outcome-field"}},
                                  "can change outcomes"));
    }
    rows.push_back(
        {field, BreakableText(d.old_value), BreakableText(d.new_value)});
  }
  return Table({"field", "old", "new"}, rows);
}

std::string OutcomeCell(const std::map<std::string, const ReportCell*>& cells,
                        const std::string& key) {
  const auto found = cells.find(key);
  if (found != cells.end()) return MatrixCellHtml(*found->second);
  return TextElement("td", "-");
}

std::string PValue(const std::optional<double>& p) {
  return p.has_value() ? absl::StrFormat("%.3g", *p) : "-";
}

// A part's counts on both sides, its p-values and what moved.
std::string PartCell(const PartChange& part) {
  if (part.old_counts.trials == 0 && part.new_counts.trials == 0) {
    return TextElement("td", {{"class", "part"}}, "-");
  }
  return Element(
      "td", {{"class", "part"}},
      absl::StrCat(
          EscapeText(absl::StrCat(part.old_counts.Text(), " → ",
                                  part.new_counts.Text())),
          "<br/>",
          TextElement("span", {{"class", "p"}},
                      absl::StrCat("p ", PValue(part.p_value), " · Holm ",
                                   PValue(part.adjusted_p_value))),
          "<br/>", EscapeText(part.Why())));
}

std::string KeyList(const std::string& what,
                    const std::vector<std::string>& keys) {
  if (keys.empty()) return "";
  std::string items;
  for (const std::string& key : keys) {
    absl::StrAppend(&items, Element("li", Element("code", BreakableText(key))));
  }
  return Element(
      "details",
      absl::StrCat(TextElement("summary", absl::StrCat(keys.size(), " ", what)),
                   Element("ul", items)));
}

// A client that ran in one report only, up front: its cells appear or
// disappear, listed under it rather than among the cells only in one
// report. Then the clients whose versions changed.
std::string Clients(const ReportComparison& c) {
  std::string banner_items;
  std::string version_items;
  for (const ClientDifference& client : c.clients) {
    if (!client.RanInOneOnly()) {
      absl::StrAppend(&version_items, TextElement("li", client.Summary()));
      continue;
    }
    absl::StrAppend(
        &banner_items,
        Element("li", {{"data-client", client.client}},
                absl::StrCat(
                    EscapeText(client.Summary()),
                    KeyList(absl::StrCat("cells of ", client.client,
                                         client.ran_in_old ? " only in the old"
                                                           : " only in the new",
                                         " report"),
                            client.ran_in_old ? client.cells_only_in_old
                                              : client.cells_only_in_new))));
  }
  std::string html;
  if (!banner_items.empty()) {
    absl::StrAppend(
        &html,
        Element(
            "div", {{"id", "clients-differ"}, {"class", "problem banner"}},
            absl::StrCat(Element("strong", "A client ran in one report only."),
                         " Its matrix cells appear or disappear with it:",
                         Element("ul", banner_items))));
  }
  if (!version_items.empty()) {
    absl::StrAppend(&html, Element("div", {{"id", "client-versions"}},
                                   absl::StrCat(TextElement("p",
                                                            "Client versions "
                                                            "changed:"),
                                                Element("ul", version_items))));
  }
  return html;
}

std::string OutcomeChanges(const ReportComparison& c, const Report& old_report,
                           const Report& new_report) {
  std::string html = TextElement("h2", "Conformance cell changes");
  const MatrixChanges& matrix = c.matrix;
  if (matrix.changes.empty()) {
    absl::StrAppend(
        &html,
        TextElement(
            "p", absl::StrCat("No cell changed its outcome: none "
                              "significantly, none in its kinds (",
                              Counted(matrix.cells_in_common, "cell", "cells"),
                              " in common).")));
  } else {
    const auto old_cells = CellsByKey(old_report.model().conformance);
    const auto new_cells = CellsByKey(new_report.model().conformance);
    std::string rows = Element(
        "tr",
        absl::StrCat(TextElement("th", "change"), TextElement("th", "cell"),
                     TextElement("th", "fork_support"),
                     TextElement("th", "old"), TextElement("th", "new"),
                     TextElement("th", "workers: old → new, p"),
                     TextElement("th", "parent_after: old → new, p")));
    // The comparison lists worse first.
    for (const CellChange& ch : matrix.changes) {
      const std::string direction = ChangeDirectionName(ch.direction);
      absl::StrAppend(
          &rows,
          Element("tr",
                  {{"class", absl::StrCat("change-", direction)},
                   {"data-key", ch.key}},
                  absl::StrCat(
                      Element("td", Badge(absl::StrCat("c-", direction),
                                          ChangeDirectionLabel(ch.direction))),
                      Element("td", Element("code", BreakableText(ch.key))),
                      TextElement("td", ch.fork_support),
                      OutcomeCell(old_cells, ch.key),
                      OutcomeCell(new_cells, ch.key), PartCell(ch.workers),
                      PartCell(ch.parent_after))));
    }
    absl::StrAppend(
        &html,
        Element("table", {{"class", "grid changes"}}, Element("tbody", rows)),
        TextElement(
            "p", {{"class", "note"}},
            absl::StrCat(
                "Worse: a part's failure rate (trials not plainly ok; "
                "ok_after_retry counts as a failure) rose with a Holm-"
                "adjusted p <= ",
                matrix.alpha,
                ", or it shows wrong_data where every old trial was ok "
                "(worse whatever the p-value: silently wrong rows are never "
                "noise). Better: a rate fell significantly. Changed, not "
                "significant: the kinds changed, the rate not significantly; "
                "information, never a failure. Cells are coloured as on a "
                "report's matrix grid (stripes in proportion; \"parent\" is "
                "the parent's own client afterwards).")));
    if (!c.outcome_context.empty()) {
      absl::StrAppend(&html,
                      TextElement("h3",
                                  "What changed that can change "
                                  "outcomes"),
                      DifferencesTable(c.outcome_context));
    } else {
      absl::StrAppend(&html,
                      TextElement("p",
                                  "Nothing that can change outcomes differs "
                                  "(gRPC, Protobuf, GRPC_* variables, the "
                                  "kernel and the build are the same)."));
    }
  }
  absl::StrAppend(&html,
                  KeyList("cells only in the old report", matrix.only_in_old),
                  KeyList("cells only in the new report", matrix.only_in_new));
  return html;
}

// "unsafe, hang 30/30" or "safe, no failed trial".
std::string SignatureSideText(const SignatureSide& side) {
  return absl::StrCat(
      side.verdict, ", ",
      side.failures.empty() ? "no failed trial" : side.failures);
}

std::string SignatureList(const CountedSignatures& signatures) {
  std::vector<std::string> items;
  for (const auto& [signature, trials] : signatures) {
    items.push_back(
        absl::StrCat(TextElement("code", signature), " (", trials, ")"));
  }
  return items.empty() ? "-" : absl::StrJoin(items, "<br/>");
}

// The cells in both reports whose stack signatures differ: news, listed
// whatever their verdicts, never counted against the new report.
std::string SignatureChangesHtml(const SignatureChanges& s) {
  std::string html = TextElement("h2", "Stack signature changes");
  const std::string note =
      "Signatures (the process kind, then what it was doing, innermost "
      "frame first) seen in a cell's trials in one report and not in the "
      "other's, with the trials they were seen in. A different hang is news "
      "even when the verdict is the same; it is never a regression: it does "
      "not change the verdict above or compare's exit status.";
  if (!s.Compared()) {
    return absl::StrCat(
        html, TextElement("p", {{"class", "note"}}, note),
        TextElement(
            "p", absl::StrCat("Not compared: ", s.NotComparedReason(), ".")));
  }
  if (s.changes.empty()) {
    return absl::StrCat(
        html,
        TextElement("p",
                    absl::StrCat("No cell's signatures changed (",
                                 Counted(s.cells_in_common, "cell", "cells"),
                                 " in common).")),
        TextElement("p", {{"class", "note"}}, note));
  }
  std::string rows = Element(
      "tr", absl::StrCat(TextElement("th", "cell"), TextElement("th", "old"),
                         TextElement("th", "new"),
                         TextElement("th", "only in old (trials)"),
                         TextElement("th", "only in new (trials)")));
  for (const SignatureChange& change : s.changes) {
    absl::StrAppend(
        &rows,
        Element(
            "tr",
            {{"class", change.SameVerdict() ? "signature-change same-verdict"
                                            : "signature-change"},
             {"data-key", change.key}},
            absl::StrCat(
                Element("td", Element("code", BreakableText(change.key))),
                TextElement("td", SignatureSideText(change.old_side)),
                TextElement("td", SignatureSideText(change.new_side)),
                Element("td", {{"class", "signatures"}},
                        SignatureList(change.old_side.only_here)),
                Element("td", {{"class", "signatures"}},
                        SignatureList(change.new_side.only_here)))));
  }
  return absl::StrCat(html, TextElement("p", {{"class", "note"}}, note),
                      Element("table", {{"class", "signature-changes"}},
                              Element("tbody", rows)));
}

std::string Environment(const ReportComparison& c) {
  std::string html = TextElement("h2", "Environment differences");
  if (c.environment.different_machines) {
    absl::StrAppend(
        &html,
        Element("div", {{"id", "machines-differ"}, {"class", "problem banner"}},
                absl::StrCat(Element("strong", "Different machines."),
                             " The reports ran on another host, CPU or "
                             "memory size: their timings do not compare, and "
                             "the benchmark verdicts below say little.")));
  }
  if (c.environment.differences.empty()) {
    absl::StrAppend(&html, TextElement("p",
                                       "None (start and end times, load "
                                       "average and notes are not "
                                       "compared)."));
  } else {
    absl::StrAppend(&html, DifferencesTable(c.environment.differences));
  }
  return html;
}

// One chart per concurrency: a group per model, the old and the new median
// side by side with whiskers from min to max.
ChartSpec OldNewChart(const std::vector<ModelBenchmark>& old_benchmarks,
                      const std::vector<ModelBenchmark>& new_benchmarks,
                      const std::vector<std::string>& models,
                      const std::string& response, int workers,
                      const std::string& metric, const std::string& title,
                      const std::string& y_label) {
  ChartSpec spec;
  spec.title = title;
  spec.x_label = "model";
  spec.y_label = y_label;
  spec.spread_label = "min to max";
  spec.categories = models;
  const std::pair<const char*, const std::vector<ModelBenchmark>*> sides[] = {
      {"old", &old_benchmarks}, {"new", &new_benchmarks}};
  for (const auto& [name, benchmarks] : sides) {
    ChartSeries series;
    series.name = name;
    series.colour = series.name == "old" ? kOldColour : kNewColour;
    series.values.resize(models.size());
    series.notes.resize(models.size());
    for (const ModelBenchmark& entry : *benchmarks) {
      if (entry.response != response || entry.workers != workers) continue;
      const size_t m = static_cast<size_t>(
          std::find(models.begin(), models.end(), entry.model) -
          models.begin());
      if (m == models.size()) continue;
      series.values[m] = MetricValue(entry, metric);
      if (!entry.skipped.empty()) series.notes[m] = "skipped: " + entry.skipped;
    }
    spec.series.push_back(std::move(series));
  }
  return spec;
}

std::string Charts(const Report& old_report, const Report& new_report) {
  const std::vector<ModelBenchmark> old_benchmarks =
      old_report.has_benchmarks() ? ModelBenchmarks(old_report)
                                  : std::vector<ModelBenchmark>();
  const std::vector<ModelBenchmark> new_benchmarks =
      new_report.has_benchmarks() ? ModelBenchmarks(new_report)
                                  : std::vector<ModelBenchmark>();
  std::vector<ModelBenchmark> both = old_benchmarks;
  both.insert(both.end(), new_benchmarks.begin(), new_benchmarks.end());
  if (both.empty()) return "";
  const std::vector<std::string> models = Models(both);
  std::vector<std::string> models_only;  // time to first row: no ceiling
  for (const std::string& model : models) {
    if (model != kCeilingName) models_only.push_back(model);
  }
  std::string html = absl::StrCat(
      TextElement("h3", "Process models, old against new"),
      TextElement("p", {{"class", "note"}},
                  "Bars are medians over the repetitions (grey: old, blue: "
                  "new), whiskers the minimum and maximum; \"n/a\" marks a "
                  "model not measured there. The verdicts are in the tables "
                  "below."));
  for (const std::string& response : Responses(both)) {
    for (const int workers : Workers(both)) {
      const std::string where = absl::StrCat(
          response.empty() ? "" : absl::StrCat(response, " responses, "),
          Counted(workers, "worker", "workers"));
      absl::StrAppend(
          &html,
          Element("div", {{"class", "charts"}},
                  absl::StrCat(
                      RenderGroupedBarChart(OldNewChart(
                          old_benchmarks, new_benchmarks, models, response,
                          workers, "rows_per_second",
                          absl::StrCat("Throughput, ", where), "rows/s")),
                      RenderGroupedBarChart(OldNewChart(
                          old_benchmarks, new_benchmarks, models_only, response,
                          workers, "time_to_first_row_ms",
                          absl::StrCat("Time to first row, ", where), "ms")))));
    }
  }
  return html;
}

std::string Number(double value) { return FormatValue(value); }

std::string MetricTable(const std::vector<const MetricComparison*>& metrics,
                        bool holm) {
  std::vector<std::vector<std::string>> rows;
  for (const MetricComparison* m : metrics) {
    rows.push_back({EscapeText(m->metric), EscapeText(m->unit),
                    Number(m->old_median), Number(m->new_median),
                    m->change.has_value()
                        ? absl::StrFormat("%+.1f%%", 100 * *m->change)
                        : "-",
                    m->adjusted_p_value.has_value()
                        ? absl::StrFormat("%.3g", *m->adjusted_p_value)
                        : "-",
                    VerdictBadge(m->verdict), EscapeText(m->reason)});
  }
  return Table({"metric", "unit", "old median", "new median", "change",
                holm ? "p (Holm)" : "p", "verdict", "why"},
               rows, "numbers metrics");
}

struct Scenario {
  std::string id;
  std::vector<const MetricComparison*> metrics;
  int Count(Verdict verdict) const {
    return static_cast<int>(std::count_if(
        metrics.begin(), metrics.end(),
        [&](const MetricComparison* m) { return m->verdict == verdict; }));
  }
  // Regressions first, then improvements, then the rest.
  int Rank() const {
    if (Count(Verdict::kRegressed) > 0) return 0;
    return Count(Verdict::kImproved) > 0 ? 1 : 2;
  }
};

std::vector<Scenario> Scenarios(const ReportComparison& c) {
  std::vector<Scenario> scenarios;
  for (const MetricComparison& m : c.metrics) {
    if (scenarios.empty() || scenarios.back().id != m.scenario) {
      scenarios.push_back({m.scenario, {}});
    }
    scenarios.back().metrics.push_back(&m);
  }
  std::stable_sort(
      scenarios.begin(), scenarios.end(),
      [](const Scenario& a, const Scenario& b) { return a.Rank() < b.Rank(); });
  return scenarios;
}

// A scenario as one line that opens to its metrics: open when something
// moved, so a page of 80 scenarios shows the few that matter.
std::string ScenarioDetails(const Scenario& scenario, bool holm) {
  std::string counts;
  for (const Verdict verdict :
       {Verdict::kRegressed, Verdict::kImproved, Verdict::kInconclusive}) {
    const int count = scenario.Count(verdict);
    if (count > 0) {
      absl::StrAppend(&counts, " ",
                      Badge(absl::StrCat("v-", VerdictName(verdict)),
                            absl::StrCat(count, " ", VerdictName(verdict))));
    }
  }
  std::vector<const MetricComparison*> gated, informational;
  for (const MetricComparison* m : scenario.metrics) {
    (m->verdict == Verdict::kInformational ? informational : gated)
        .push_back(m);
  }
  std::string inner = Element(
      "summary",
      absl::StrCat(Element("code", BreakableText(scenario.id)), counts));
  if (!gated.empty()) absl::StrAppend(&inner, MetricTable(gated, holm));
  if (!informational.empty()) {
    absl::StrAppend(
        &inner,
        Element(
            "details", {{"class", "informational"}},
            absl::StrCat(
                TextElement(
                    "summary",
                    absl::StrCat(Counted(static_cast<int>(informational.size()),
                                         "informational metric",
                                         "informational metrics"),
                                 " (no direction: never gated "
                                 "on)")),
                MetricTable(informational, holm))));
  }
  Attributes attributes = {{"class", "scenario"},
                           {"data-scenario", scenario.id}};
  if (scenario.Rank() < 2) attributes.push_back({"open", "open"});
  return Element("details", attributes, inner);
}

std::string Benchmarks(const ReportComparison& c, const Report& old_report,
                       const Report& new_report) {
  std::string html = TextElement("h2", "Benchmarks");
  if (c.metrics.empty()) {
    absl::StrAppend(&html,
                    TextElement("p", "No benchmark scenario in common."));
  }
  const CompareOptions& o = c.options;
  absl::StrAppend(
      &html,
      TextElement(
          "p", {{"class", "note"}},
          absl::StrFormat(
              "Per metric: the medians over the repetitions, the change, a "
              "two-sided Mann-Whitney U p-value and the verdict. Regressed "
              "or improved: p < %g%s and a change beyond %.3g%%; "
              "inconclusive below %d repetitions or above a CV of %.3g%%. "
              "Scenarios where something moved are open.",
              o.alpha, o.holm ? " after Holm's correction" : "",
              100 * o.threshold, o.min_samples, 100 * o.max_cv)));
  if (!c.notes.empty()) {
    std::string items;
    for (const std::string& note : c.notes) {
      absl::StrAppend(&items, TextElement("li", note));
    }
    absl::StrAppend(&html, Element("ul", {{"class", "notes"}}, items));
  }
  absl::StrAppend(
      &html,
      KeyList("scenarios only in the old report", c.scenarios_only_in_old),
      KeyList("scenarios only in the new report", c.scenarios_only_in_new),
      Charts(old_report, new_report));
  if (!c.metrics.empty()) {
    absl::StrAppend(&html, TextElement("h3", "Metrics by scenario"));
    for (const Scenario& scenario : Scenarios(c)) {
      absl::StrAppend(&html, ScenarioDetails(scenario, o.holm));
    }
  }
  return html;
}

}  // namespace

std::string RenderComparisonPage(const ReportComparison& comparison,
                                 const Report& old_report,
                                 const Report& new_report) {
  const std::string& old_version =
      old_report.model().environment.grpc.cpp_version;
  const std::string& new_version =
      new_report.model().environment.grpc.cpp_version;
  const std::string versions =
      old_version == new_version
          ? absl::StrCat("gRPC ", new_version)
          : absl::StrCat("gRPC ", old_version, " → ", new_version);
  const std::string body = absl::StrCat(
      TextElement("h1", absl::StrCat("forkcheck comparison: ", versions)),
      ReportLine("old", comparison.old_name, old_report),
      ReportLine("new", comparison.new_name, new_report),
      VerdictBox(comparison), Clients(comparison),
      OutcomeChanges(comparison, old_report, new_report),
      SignatureChangesHtml(comparison.signatures), Environment(comparison),
      Benchmarks(comparison, old_report, new_report));
  return RenderPage({absl::StrCat("forkcheck comparison: ", versions),
                     absl::StrCat(MatrixGridCss(), kComparisonCss), body});
}

}  // namespace forkcheck::html
