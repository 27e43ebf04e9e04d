#include "reports/compare/comparison_render.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"

namespace forkcheck {
namespace {

using nlohmann::json;

// Rows of cells, rendered aligned for a console or as a Markdown table.
class Table {
 public:
  explicit Table(std::vector<std::string> header) {
    rows_.push_back(std::move(header));
  }
  void Add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }

  std::string Aligned(const std::string& indent) const {
    std::vector<size_t> widths(rows_[0].size(), 0);
    for (const auto& row : rows_) {
      for (size_t i = 0; i < row.size(); ++i) {
        widths[i] = std::max(widths[i], row[i].size());
      }
    }
    std::string out;
    for (const auto& row : rows_) {
      std::string line = indent;
      for (size_t i = 0; i < row.size(); ++i) {
        const bool last = i + 1 == row.size();
        absl::StrAppend(
            &line, row[i],
            last ? "" : std::string(widths[i] - row[i].size() + 2, ' '));
      }
      absl::StrAppend(&out, line, "\n");
    }
    return out;
  }

  std::string Markdown() const {
    std::string out;
    for (size_t r = 0; r < rows_.size(); ++r) {
      std::vector<std::string> cells;
      for (const std::string& cell : rows_[r]) {
        cells.push_back(absl::StrReplaceAll(cell, {{"|", "\\|"}}));
      }
      absl::StrAppend(&out, "| ", absl::StrJoin(cells, " | "), " |\n");
      if (r == 0) {
        absl::StrAppend(
            &out, "|",
            absl::StrJoin(std::vector<std::string>(cells.size(), "---"), "|"),
            "|\n");
      }
    }
    return out;
  }

 private:
  std::vector<std::vector<std::string>> rows_;
};

std::string Number(double value) { return absl::StrFormat("%.4g", value); }

std::string Change(const std::optional<double>& change) {
  return change.has_value() ? absl::StrFormat("%+.1f%%", 100 * *change) : "-";
}

std::string PValue(const std::optional<double>& p) {
  return p.has_value() ? absl::StrFormat("%.3g", *p) : "-";
}

std::string Percent(double fraction) {
  return absl::StrFormat("%.3g%%", 100 * fraction);
}

// What a nightly job gates on (ReportComparison::Judge), in a line. Never
// "OK" with too little in common.
std::string Headline(const ReportComparison& c) {
  const int regressed = static_cast<int>(std::count_if(
      c.metrics.begin(), c.metrics.end(), [](const MetricComparison& m) {
        return m.verdict == Verdict::kRegressed;
      }));
  const int worse = c.matrix.Count(ChangeDirection::kWorse);
  const std::string shortfall = c.overlap.Shortfall();
  switch (c.Judge()) {
    case Gate::kRegression:
      return absl::StrCat(
          "FAIL: ", worse, " conformance cell(s) worse, ", regressed,
          " metric(s) regressed",
          shortfall.empty() ? ""
                            : absl::StrCat("; and NOT COMPARABLE as a whole (",
                                           shortfall, ")"));
    case Gate::kNotComparable:
      return absl::StrCat("NOT COMPARABLE: too little in common to judge (",
                          shortfall,
                          "); nothing got worse in what was compared");
    case Gate::kPass:
      break;
  }
  return absl::StrCat(
      "OK: no conformance cell got worse, no metric regressed (in common: "
      "cells ",
      Percent(c.overlap.cells.Fraction()), ", benchmark metrics ",
      Percent(c.overlap.metrics.Fraction()), ")");
}

// How much was comparable, a line per kind (per client when several).
std::vector<std::string> OverlapLines(const ReportComparison& c) {
  const Overlap& o = c.overlap;
  const auto mark = [&o](const Coverage& coverage) {
    return coverage.Fraction() < o.min_overlap ? "  BELOW" : "";
  };
  std::vector<std::string> lines = {
      absl::StrCat("matrix cells: ", o.cells.Text(), mark(o.cells))};
  if (o.cells_by_client.size() > 1) {
    for (const ClientCoverage& client : o.cells_by_client) {
      lines.push_back(
          absl::StrCat("  of ", client.client, ": ", client.cells.Text()));
    }
  }
  lines.push_back(absl::StrCat("benchmark scenarios: ", o.scenarios.Text()));
  lines.push_back(
      absl::StrCat("benchmark metrics: ", o.metrics.Text(), mark(o.metrics)));
  return lines;
}

std::string OverlapRule(const ReportComparison& c) {
  return absl::StrCat("each kind judged only if at least ",
                      Percent(c.overlap.min_overlap),
                      " of the larger side is in common, --min_overlap");
}

// The rule the cells were judged by.
std::string CellRule(const ReportComparison& c) {
  return absl::StrCat(
      "Fisher's exact test on each cell part's failure rate (trials not "
      "plainly ok), Holm's correction over ",
      c.matrix.tests, " test(s), family-wise alpha ", c.matrix.alpha);
}

constexpr char kCellLegend[] =
    "worse: a part's failure rate rose with a Holm-adjusted p <= alpha, or it "
    "shows wrong_data where every old trial was ok (worse whatever the "
    "p-value: silently wrong rows are never noise); better: a rate fell "
    "significantly; changed, not significant: the kinds changed, the rate "
    "not significantly (information, never a failure).";

std::string Options(const CompareOptions& o) {
  return absl::StrFormat(
      "threshold %.3g%%, alpha %g%s, at least %d repetitions, CV at most "
      "%.3g%%",
      100 * o.threshold, o.alpha, o.holm ? " (Holm-corrected)" : "",
      o.min_samples, 100 * o.max_cv);
}

// A row per part either side has (the cell's change on its first row).
Table MatrixTable(const ReportComparison& c) {
  Table table({"change", "cell", "fork_support", "part", "old", "new", "p",
               "p (Holm)", "why"});
  for (const CellChange& ch : c.matrix.changes) {
    bool first = true;
    for (const auto& [name, part] :
         {std::pair<const char*, const PartChange*>{"workers", &ch.workers},
          {"parent_after", &ch.parent_after}}) {
      if (part->old_counts.trials == 0 && part->new_counts.trials == 0) {
        continue;
      }
      table.Add({first ? ChangeDirectionLabel(ch.direction) : "",
                 first ? ch.key : "", first ? ch.fork_support : "", name,
                 part->old_counts.Text(), part->new_counts.Text(),
                 PValue(part->p_value), PValue(part->adjusted_p_value),
                 part->Why()});
      first = false;
    }
  }
  return table;
}

Table EnvironmentTable(const std::vector<EnvironmentDifference>& differences) {
  Table table({"field", "old", "new"});
  for (const EnvironmentDifference& d : differences) {
    table.Add({d.field, d.old_value, d.new_value});
  }
  return table;
}

// Metrics grouped by scenario, in the comparison's order.
std::vector<std::pair<std::string, Table>> MetricTables(
    const ReportComparison& c) {
  std::vector<std::pair<std::string, Table>> tables;
  for (const MetricComparison& m : c.metrics) {
    if (tables.empty() || tables.back().first != m.scenario) {
      tables.emplace_back(
          m.scenario,
          Table({"metric", "unit", "old median", "new median", "change",
                 c.options.holm ? "p (Holm)" : "p", "verdict", "why"}));
    }
    tables.back().second.Add({m.metric, m.unit, Number(m.old_median),
                              Number(m.new_median), Change(m.change),
                              PValue(m.adjusted_p_value),
                              VerdictName(m.verdict), m.reason});
  }
  return tables;
}

// Scenarios in one report only, and notes (skipped benchmarks...); ids
// between `quote`s.
std::vector<std::string> ScenarioNotes(const ReportComparison& c,
                                       const std::string& quote) {
  std::vector<std::string> lines;
  for (const auto& [label, ids] :
       {std::pair<const char*, const std::vector<std::string>*>{
            "only in old", &c.scenarios_only_in_old},
        {"only in new", &c.scenarios_only_in_new}}) {
    for (const std::string& id : *ids) {
      lines.push_back(absl::StrCat(label, ": ", quote, id, quote));
    }
  }
  for (const std::string& note : c.notes) {
    lines.push_back(absl::StrCat("note: ", note));
  }
  return lines;
}

// Clients that ran in one report only: their cells appear or disappear, so
// this comes first, like the machines' warning.
std::vector<std::string> ClientWarnings(const ReportComparison& c) {
  std::vector<std::string> lines;
  for (const ClientDifference& client : c.clients) {
    if (client.RanInOneOnly()) lines.push_back(client.Summary());
  }
  return lines;
}

std::vector<std::string> ClientVersionChanges(const ReportComparison& c) {
  std::vector<std::string> lines;
  for (const ClientDifference& client : c.clients) {
    if (!client.RanInOneOnly()) lines.push_back(client.Summary());
  }
  return lines;
}

std::string MachineWarning(const ReportComparison& c) {
  return c.environment.different_machines
             ? "WARNING: the reports come from different machines; their "
               "timings are not comparable."
             : "";
}

constexpr char kSignatureLegend[] =
    "signatures (the process kind, then what it was doing, innermost frame "
    "first) seen in one report's trials of a cell and not in the other's, "
    "with the trials they were seen in; news even when the verdict is the "
    "same, never a regression: they do not change the verdict or the exit "
    "status";

// "unsafe, hang 30/30" or "safe, no failed trial".
std::string SideText(const SignatureSide& side) {
  return absl::StrCat(
      side.verdict, ", ",
      side.failures.empty() ? "no failed trial" : side.failures);
}

std::vector<std::string> SignatureTexts(const CountedSignatures& signatures,
                                        const std::string& quote) {
  std::vector<std::string> texts;
  for (const auto& [signature, trials] : signatures) {
    texts.push_back(absl::StrCat(quote, signature, quote, " (", trials, ")"));
  }
  return texts;
}

// Per changed cell: its key and both sides, then what each side alone saw.
std::string SignatureChangesText(const SignatureChanges& s) {
  std::string out =
      absl::StrCat("\nStack signature changes (", s.cells_in_common,
                   " cells in common; ", kSignatureLegend, "):\n");
  if (!s.Compared()) {
    return absl::StrCat(out, "  not compared: ", s.NotComparedReason(), "\n");
  }
  if (s.changes.empty()) return absl::StrCat(out, "  none\n");
  for (const SignatureChange& change : s.changes) {
    absl::StrAppend(&out, "  ", change.key, "\n    ",
                    change.SameVerdict() ? "verdict the same: " : "",
                    SideText(change.old_side), " -> ",
                    SideText(change.new_side), "\n");
    for (const auto& [label, side] :
         {std::pair<const char*, const SignatureSide*>{"only in old",
                                                       &change.old_side},
          {"only in new", &change.new_side}}) {
      for (const std::string& text : SignatureTexts(side->only_here, "")) {
        absl::StrAppend(&out, "    ", label, ": ", text, "\n");
      }
    }
  }
  return out;
}

std::string SignatureChangesMarkdown(const SignatureChanges& s) {
  std::string out =
      absl::StrCat("## Stack signature changes\n\n", s.cells_in_common,
                   " cells in common; ", kSignatureLegend, ".\n\n");
  if (!s.Compared()) {
    return absl::StrCat(out, "Not compared: ", s.NotComparedReason(), ".\n\n");
  }
  if (s.changes.empty()) return absl::StrCat(out, "None.\n\n");
  for (const SignatureChange& change : s.changes) {
    absl::StrAppend(&out, "- `", change.key,
                    "`: ", change.SameVerdict() ? "verdict the same, " : "",
                    SideText(change.old_side), " → ", SideText(change.new_side),
                    "\n");
    for (const auto& [label, side] :
         {std::pair<const char*, const SignatureSide*>{"only in old",
                                                       &change.old_side},
          {"only in new", &change.new_side}}) {
      for (const std::string& text : SignatureTexts(side->only_here, "`")) {
        absl::StrAppend(&out, "  - ", label, ": ", text, "\n");
      }
    }
  }
  return absl::StrCat(out, "\n");
}

json SignatureSideJson(const SignatureSide& side) {
  json only = json::array();
  for (const auto& [signature, trials] : side.only_here) {
    only.push_back({{"signature", signature}, {"trials", trials}});
  }
  return {{"verdict", side.verdict},
          {"failures", side.failures},
          {"only_here", only}};
}

json SignatureChangesJson(const SignatureChanges& s) {
  json changes = json::array();
  for (const SignatureChange& change : s.changes) {
    changes.push_back({{"key", change.key},
                       {"model_name", change.model_name},
                       {"same_verdict", change.SameVerdict()},
                       {"old", SignatureSideJson(change.old_side)},
                       {"new", SignatureSideJson(change.new_side)}});
  }
  return {{"compared", s.Compared()},
          {"not_compared_reason", s.NotComparedReason()},
          {"cells_in_common", s.cells_in_common},
          {"changes", changes}};
}

json CountsJson(const PartCounts& counts) {
  return {{"counts", counts.counts},
          {"trials", counts.trials},
          {"failures", counts.Failures()},
          {"text", counts.Text()}};
}

json PartJson(const PartChange& part) {
  if (part.old_counts.trials == 0 && part.new_counts.trials == 0) {
    return nullptr;
  }
  const auto optional = [](const std::optional<double>& value) {
    return value.has_value() ? json(*value) : json(nullptr);
  };
  return {{"old", CountsJson(part.old_counts)},
          {"new", CountsJson(part.new_counts)},
          {"p_value", optional(part.p_value)},
          {"adjusted_p_value", optional(part.adjusted_p_value)},
          {"new_wrong_data", part.new_wrong_data},
          {"direction", ChangeDirectionName(part.direction)},
          {"why", part.Why()}};
}

json CoverageJson(const Coverage& coverage) {
  return {{"in_common", coverage.in_common},
          {"old", coverage.old_total},
          {"new", coverage.new_total},
          {"fraction", coverage.Fraction()}};
}

json OverlapJson(const Overlap& o) {
  json clients = json::array();
  for (const ClientCoverage& client : o.cells_by_client) {
    clients.push_back(
        {{"client", client.client}, {"cells", CoverageJson(client.cells)}});
  }
  return {{"min_overlap", o.min_overlap},
          {"enough", o.Enough()},
          {"shortfall", o.Shortfall()},
          {"cells", CoverageJson(o.cells)},
          {"cells_by_client", clients},
          {"scenarios", CoverageJson(o.scenarios)},
          {"metrics", CoverageJson(o.metrics)}};
}

const char* GateName(Gate gate) {
  switch (gate) {
    case Gate::kRegression:
      return "regression";
    case Gate::kNotComparable:
      return "not_comparable";
    case Gate::kPass:
      break;
  }
  return "pass";
}

}  // namespace

std::string RenderComparisonText(const ReportComparison& c) {
  std::string out = absl::StrCat("forkcheck compare: ", c.old_name, " -> ",
                                 c.new_name, "\n", Headline(c), "\n");
  const std::string warning = MachineWarning(c);
  if (!warning.empty()) absl::StrAppend(&out, warning, "\n");
  const std::vector<std::string> client_warnings = ClientWarnings(c);
  if (!client_warnings.empty()) {
    absl::StrAppend(&out,
                    "WARNING: a client ran in one report only; its matrix "
                    "cells appear or disappear:\n  ",
                    absl::StrJoin(client_warnings, "\n  "), "\n");
  }

  absl::StrAppend(&out, "\nIn common (", OverlapRule(c), "):\n  ",
                  absl::StrJoin(OverlapLines(c), "\n  "), "\n");

  absl::StrAppend(&out, "\nConformance cell changes (",
                  c.matrix.cells_in_common, " cells in common; ", CellRule(c),
                  "):\n");
  if (c.matrix.changes.empty()) {
    absl::StrAppend(&out, "  none\n");
  } else {
    absl::StrAppend(&out, MatrixTable(c).Aligned("  "), "  ", kCellLegend,
                    "\n");
    if (!c.outcome_context.empty()) {
      absl::StrAppend(&out, "  with these environment differences:\n",
                      EnvironmentTable(c.outcome_context).Aligned("    "));
    }
  }
  for (const auto& [label, keys] :
       {std::pair<const char*, const std::vector<std::string>*>{
            "only in old", &c.matrix.only_in_old},
        {"only in new", &c.matrix.only_in_new}}) {
    if (!keys->empty()) {
      absl::StrAppend(&out, "  cells ", label, ": ", absl::StrJoin(*keys, "; "),
                      "\n");
    }
  }
  const std::vector<std::string> client_versions = ClientVersionChanges(c);
  if (!client_versions.empty()) {
    absl::StrAppend(&out, "  client versions changed:\n    ",
                    absl::StrJoin(client_versions, "\n    "), "\n");
  }
  absl::StrAppend(&out, SignatureChangesText(c.signatures));

  absl::StrAppend(&out, "\nEnvironment differences:\n");
  absl::StrAppend(
      &out, c.environment.differences.empty()
                ? "  none\n"
                : EnvironmentTable(c.environment.differences).Aligned("  "));

  absl::StrAppend(&out, "\nBenchmarks (", c.scenarios_in_common,
                  " scenarios in common; ", Options(c.options), "):\n");
  for (const auto& [scenario, table] : MetricTables(c)) {
    absl::StrAppend(&out, "  ", scenario, "\n", table.Aligned("    "));
  }
  for (const std::string& line : ScenarioNotes(c, "")) {
    absl::StrAppend(&out, "  ", line, "\n");
  }
  return out;
}

std::string RenderComparisonMarkdown(const ReportComparison& c) {
  std::string out =
      absl::StrCat("# forkcheck compare\n\n`", c.old_name, "` → `", c.new_name,
                   "`\n\n**", Headline(c), "**\n\n");
  const std::string warning = MachineWarning(c);
  if (!warning.empty()) absl::StrAppend(&out, "> ", warning, "\n\n");
  const std::vector<std::string> client_warnings = ClientWarnings(c);
  if (!client_warnings.empty()) {
    absl::StrAppend(&out,
                    "> **A client ran in one report only; its matrix cells "
                    "appear or disappear:**\n>\n> - ",
                    absl::StrJoin(client_warnings, "\n> - "), "\n\n");
  }

  absl::StrAppend(&out,
                  "## In common\n\nEach kind is judged only if "
                  "at least ",
                  Percent(c.overlap.min_overlap),
                  " of the larger side is in common (`--min_overlap`).\n\n- ",
                  absl::StrJoin(OverlapLines(c), "\n- "), "\n\n");

  absl::StrAppend(&out, "## Conformance cell changes\n\n",
                  c.matrix.cells_in_common, " cells in common; ", CellRule(c),
                  ".\n\n");
  if (c.matrix.changes.empty()) {
    absl::StrAppend(&out, "None.\n\n");
  } else {
    absl::StrAppend(&out, MatrixTable(c).Markdown(), "\n", kCellLegend, "\n\n");
    if (!c.outcome_context.empty()) {
      absl::StrAppend(&out, "With these environment differences:\n\n",
                      EnvironmentTable(c.outcome_context).Markdown(), "\n");
    }
  }
  for (const auto& [label, keys] :
       {std::pair<const char*, const std::vector<std::string>*>{
            "only in old", &c.matrix.only_in_old},
        {"only in new", &c.matrix.only_in_new}}) {
    if (!keys->empty()) {
      absl::StrAppend(&out, "Cells ", label, ": `",
                      absl::StrJoin(*keys, "`, `"), "`\n\n");
    }
  }
  const std::vector<std::string> client_versions = ClientVersionChanges(c);
  if (!client_versions.empty()) {
    absl::StrAppend(&out, "Client versions changed:\n\n- ",
                    absl::StrJoin(client_versions, "\n- "), "\n\n");
  }
  absl::StrAppend(&out, SignatureChangesMarkdown(c.signatures));

  absl::StrAppend(&out, "## Environment differences\n\n",
                  c.environment.differences.empty()
                      ? "None.\n"
                      : EnvironmentTable(c.environment.differences).Markdown(),
                  "\n");

  absl::StrAppend(&out, "## Benchmarks\n\n", c.scenarios_in_common,
                  " scenarios in common; ", Options(c.options), ".\n\n");
  for (const auto& [scenario, table] : MetricTables(c)) {
    absl::StrAppend(&out, "### `", scenario, "`\n\n", table.Markdown(), "\n");
  }
  for (const std::string& line : ScenarioNotes(c, "`")) {
    absl::StrAppend(&out, "- ", line, "\n");
  }
  return out;
}

json ComparisonToJson(const ReportComparison& c) {
  json changes = json::array();
  for (const CellChange& ch : c.matrix.changes) {
    changes.push_back({{"key", ch.key},
                       {"model_name", ch.model_name},
                       {"fork_support", ch.fork_support},
                       {"direction", ChangeDirectionName(ch.direction)},
                       {"workers", PartJson(ch.workers)},
                       {"parent_after", PartJson(ch.parent_after)}});
  }
  const auto differences = [](const std::vector<EnvironmentDifference>& list) {
    json out = json::array();
    for (const EnvironmentDifference& d : list) {
      out.push_back({{"field", d.field},
                     {"old", d.old_value},
                     {"new", d.new_value},
                     {"affects_outcomes", d.affects_outcomes}});
    }
    return out;
  };
  const auto optional = [](const std::optional<double>& value) {
    return value.has_value() ? json(*value) : json(nullptr);
  };
  json metrics = json::array();
  for (const MetricComparison& m : c.metrics) {
    metrics.push_back(
        {{"scenario", m.scenario},
         {"metric", m.metric},
         {"unit", m.unit},
         {"direction", DirectionName(m.direction)},
         {"old", {{"n", m.old_n}, {"median", m.old_median}, {"cv", m.old_cv}}},
         {"new", {{"n", m.new_n}, {"median", m.new_median}, {"cv", m.new_cv}}},
         {"change", optional(m.change)},
         {"p_value", optional(m.p_value)},
         {"adjusted_p_value", optional(m.adjusted_p_value)},
         {"exact", m.exact},
         {"separated", m.separated},
         {"verdict", VerdictName(m.verdict)},
         {"reason", m.reason}});
  }
  json clients = json::array();
  for (const ClientDifference& client : c.clients) {
    clients.push_back({{"client", client.client},
                       {"summary", client.Summary()},
                       {"old", client.old_state},
                       {"new", client.new_state},
                       {"ran_in_old", client.ran_in_old},
                       {"ran_in_new", client.ran_in_new},
                       {"skipped_reason", client.skipped_reason},
                       {"changes", client.changes},
                       {"cells_only_in_old", client.cells_only_in_old},
                       {"cells_only_in_new", client.cells_only_in_new}});
  }
  const CompareOptions& o = c.options;
  return {{"old", c.old_name},
          {"new", c.new_name},
          {"options",
           {{"threshold", o.threshold},
            {"alpha", o.alpha},
            {"min_samples", o.min_samples},
            {"max_cv", o.max_cv},
            {"correction", o.holm ? "holm" : "none"},
            {"cell_alpha", o.cell_alpha},
            {"min_overlap", o.min_overlap}}},
          {"verdict", GateName(c.Judge())},
          {"headline", Headline(c)},
          {"regression", c.HasRegression()},
          {"worse_outcome", c.HasWorseOutcome()},
          {"comparable", c.overlap.Enough()},
          {"overlap", OverlapJson(c.overlap)},
          {"conformance",
           {{"cells_in_common", c.matrix.cells_in_common},
            {"old_cells", c.matrix.old_cells},
            {"new_cells", c.matrix.new_cells},
            {"alpha", c.matrix.alpha},
            {"tests", c.matrix.tests},
            {"method", "fisher-exact two-sided, holm"},
            {"changes", changes},
            {"environment_differences", differences(c.outcome_context)},
            {"only_in_old", c.matrix.only_in_old},
            {"only_in_new", c.matrix.only_in_new},
            {"clients", clients},
            {"signature_changes", SignatureChangesJson(c.signatures)}}},
          {"environment",
           {{"different_machines", c.environment.different_machines},
            {"differences", differences(c.environment.differences)}}},
          {"benchmarks",
           {{"scenarios_in_common", c.scenarios_in_common},
            {"only_in_old", c.scenarios_only_in_old},
            {"only_in_new", c.scenarios_only_in_new},
            {"metrics", metrics},
            {"notes", c.notes}}}};
}

}  // namespace forkcheck
