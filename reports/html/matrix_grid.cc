#include "reports/html/matrix_grid.h"

#include <algorithm>
#include <cstdlib>
#include <iterator>
#include <map>
#include <set>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "matrix/cell.h"
#include "reports/html/failure_evidence.h"
#include "reports/html/html_writer.h"
#include "reports/report_clients.h"
#include "reports/verdict_text.h"

namespace forkcheck::html {
namespace {

// Most telling first: wrong data is never noise. ok_after_retry ranks
// between ok and error (supervisor/outcome_classifier.h).
constexpr const char* kKinds[] = {"wrong_data", "crash",          "hang",
                                  "error",      "ok_after_retry", "ok"};

// Best first, as the legend lists them.
constexpr const char* kVerdicts[] = {"safe", "needs_retry", "flaky", "unsafe",
                                     "undecided"};

// "needs_retry" -> "needs retry".
std::string VerdictLabel(const std::string& verdict) {
  std::string label = verdict;
  std::replace(label.begin(), label.end(), '_', ' ');
  return label;
}

// A cell's tooltip names this many of its signatures, most trials first.
constexpr size_t kTooltipSignatures = 3;

// A cell's axes as its key names them, in key order: ("workers", "2"),
// ..., ("busy_parent_thread", "no").
using AxisTexts = std::vector<std::pair<std::string, std::string>>;

// Orders an axis's values: workers (the one numeric axis) by number, the
// others as the report first shows them (the design's order: unset, true,
// false).
class AxisOrder {
 public:
  explicit AxisOrder(const std::string& axis) : numeric_(axis == "workers") {}
  void See(const std::string& value) {
    if (std::find(values_.begin(), values_.end(), value) == values_.end()) {
      values_.push_back(value);
    }
  }
  bool Less(const std::string& a, const std::string& b) const {
    int x = 0, y = 0;
    if (numeric_ && absl::SimpleAtoi(a, &x) && absl::SimpleAtoi(b, &y)) {
      return x < y;
    }
    return Rank(a) < Rank(b);
  }
  size_t size() const { return values_.size(); }
  const std::string& front() const { return values_.front(); }

 private:
  size_t Rank(const std::string& value) const {
    return std::find(values_.begin(), values_.end(), value) - values_.begin();
  }
  bool numeric_;
  std::vector<std::string> values_;
};

std::vector<std::pair<std::string, int>> Kinds(const CellPart& part) {
  std::vector<std::pair<std::string, int>> kinds;
  for (const char* kind : kKinds) {
    if (const auto found = part.counts.find(kind); found != part.counts.end()) {
      kinds.push_back({kind, found->second});
    }
  }
  return kinds;
}

// Stripes in proportion to the counts, most telling kind first.
std::string Background(const CellPart& part) {
  const std::vector<std::pair<std::string, int>> kinds = Kinds(part);
  if (kinds.empty()) return VerdictColour("undecided");
  if (kinds.size() == 1) return VerdictColour(kinds[0].first);
  int total = 0;
  for (const auto& kind : kinds) total += kind.second;
  std::string stops;
  int so_far = 0;
  for (const auto& [kind, count] : kinds) {
    const double from = 100.0 * so_far / total;
    so_far += count;
    const double to = 100.0 * so_far / total;
    absl::StrAppend(&stops, stops.empty() ? "" : ", ", VerdictColour(kind), " ",
                    absl::StrFormat("%.0f%% %.0f%%", from, to));
  }
  return absl::StrCat("linear-gradient(to right, ", stops, ")");
}

struct Group {
  std::string name;
  std::string client;  // a design group's cells are all of one client
  std::vector<const ReportCell*> cells;
};

std::vector<Group> Groups(const std::vector<ReportCell>& cells) {
  std::vector<Group> groups;
  for (const ReportCell& cell : cells) {
    for (const std::string& name : cell.groups) {
      auto found = std::find_if(groups.begin(), groups.end(),
                                [&](const Group& g) { return g.name == name; });
      if (found == groups.end()) {
        groups.push_back({name, cell.client, {}});
        found = groups.end() - 1;
      }
      found->cells.push_back(&cell);
    }
  }
  return groups;
}

// The axes that label a group's columns, as indexes into AxisTexts:
// constant ones that differ from the defaults first (they span every
// column), then those that vary.
std::vector<size_t> ColumnAxes(const Group& group, const Axes& defaults) {
  const AxisTexts default_texts = AxisValues(defaults);
  std::vector<size_t> constant, varying;
  for (size_t a = 0; a < default_texts.size(); ++a) {
    AxisOrder values(default_texts[a].first);
    for (const ReportCell* cell : group.cells) {
      values.See(AxisValues(cell->axes)[a].second);
    }
    if (values.size() > 1) {
      varying.push_back(a);
    } else if (values.size() == 1 &&
               values.front() != default_texts[a].second) {
      constant.push_back(a);
    }
  }
  constant.insert(constant.end(), varying.begin(), varying.end());
  return constant;
}

}  // namespace

std::string CellAnchorId(size_t index) { return absl::StrCat("cell-", index); }

std::string MatrixCellHtml(const ReportCell& cell,
                           const std::string& evidence_id,
                           const std::string& anchor_id) {
  const CellPart& workers = cell.workers;
  const std::string& verdict = workers.verdict;
  std::string title = absl::StrCat(cell.key, "\nworkers: ", PartText(workers));
  std::string inner = absl::StrCat(
      TextElement("span", {{"class", "o"}}, VerdictLabel(verdict)),
      TextElement("span", {{"class", "n"}},
                  absl::StrCat("fail ", workers.failures, "/", workers.trials)),
      Element("span",
              {{"class", "b"},
               {"style", absl::StrCat("background: ", Background(workers))}},
              ""));
  if (const std::string wrong = WrongDataText(workers); !wrong.empty()) {
    absl::StrAppend(
        &inner, TextElement("span", {{"class", "w"}},
                            absl::StrCat("WRONG DATA ", workers.wrong_data, "/",
                                         workers.trials)));
  }
  if (cell.parent_after.has_value()) {
    const CellPart& parent = *cell.parent_after;
    absl::StrAppend(&title, "\nparent after: ", PartText(parent));
    absl::StrAppend(
        &inner,
        TextElement("span", {{"class", "p"}},
                    absl::StrCat("parent ", VerdictLabel(parent.verdict))));
  }
  if (const std::string stop = StopNote(cell); !stop.empty()) {
    absl::StrAppend(&title, "\n", stop);
  }
  // Its top signatures; the rest, with stacks and stderr, a click away.
  const std::vector<std::pair<std::string, int64_t>> signatures =
      SignaturesByTrials(cell);
  if (!signatures.empty()) {
    absl::StrAppend(&title, "\nstack signatures (trials):");
    for (size_t i = 0; i < signatures.size() && i < kTooltipSignatures; ++i) {
      absl::StrAppend(&title, "\n  ", SignatureText(signatures[i]));
    }
    if (signatures.size() > kTooltipSignatures) {
      absl::StrAppend(&title, "\n  +", signatures.size() - kTooltipSignatures,
                      " more");
    }
  }
  if (!evidence_id.empty()) {
    absl::StrAppend(&title, "\nclick for its failed trials' stacks and stderr");
    inner = Element(
        "a", {{"class", "why"}, {"href", absl::StrCat("#", evidence_id)}},
        inner);
  }
  std::string classes = absl::StrCat("cell v-", verdict);
  if (workers.wrong_data > 0) absl::StrAppend(&classes, " wrong-data");
  Attributes attributes = {
      {"class", classes},
      {"title", title},
      {"style", absl::StrCat("background: ", VerdictColour(verdict))}};
  if (!anchor_id.empty()) attributes.push_back({"id", anchor_id});
  return Element("td", attributes, inner);
}

namespace {

// `cells` are the matrix's: a cell's index names its evidence section and
// its anchor; `anchored` holds the indexes whose anchor a grid already has.
std::string GroupTable(const Group& group, const Axes& defaults,
                       const std::vector<ReportCell>& cells,
                       std::set<size_t>* anchored) {
  const std::vector<size_t> axes = ColumnAxes(group, defaults);
  const AxisTexts default_texts = AxisValues(defaults);
  // Columns: the distinct value tuples, sorted axis by axis.
  using Column = std::vector<std::string>;
  auto column_of = [&axes](const ReportCell& cell) {
    const AxisTexts texts = AxisValues(cell.axes);
    Column column;
    for (const size_t axis : axes) column.push_back(texts[axis].second);
    return column;
  };
  std::vector<AxisOrder> orders;
  for (const size_t axis : axes) orders.emplace_back(default_texts[axis].first);
  for (const ReportCell* cell : group.cells) {
    const Column column = column_of(*cell);
    for (size_t a = 0; a < axes.size(); ++a) orders[a].See(column[a]);
  }
  auto column_less = [&orders](const Column& x, const Column& y) {
    for (size_t a = 0; a < x.size(); ++a) {
      if (orders[a].Less(x[a], y[a])) return true;
      if (orders[a].Less(y[a], x[a])) return false;
    }
    return false;
  };
  std::set<Column, decltype(column_less)> column_set(column_less);
  std::vector<std::string> models;
  for (const ReportCell* cell : group.cells) {
    column_set.insert(column_of(*cell));
    if (std::find(models.begin(), models.end(), cell->model_name) ==
        models.end()) {
      models.push_back(cell->model_name);
    }
  }
  const std::vector<Column> columns(column_set.begin(), column_set.end());

  std::string head;
  if (axes.empty()) {
    head = Element("tr", absl::StrCat(TextElement("th", "model"),
                                      TextElement("th", "default axes")));
  }
  for (size_t a = 0; a < axes.size(); ++a) {
    std::string row =
        TextElement("th", {{"class", "axis"}}, default_texts[axes[a]].first);
    for (size_t c = 0; c < columns.size();) {
      // Span the columns that share this axis's value and every one above.
      size_t end = c + 1;
      while (end < columns.size() &&
             std::equal(columns[c].begin(), columns[c].begin() + a + 1,
                        columns[end].begin())) {
        ++end;
      }
      absl::StrAppend(&row, TextElement("th",
                                        {{"colspan", absl::StrCat(end - c)},
                                         {"class", "value"}},
                                        columns[c][a]));
      c = end;
    }
    absl::StrAppend(&head, Element("tr", row));
  }

  // Column values are unique by their text within an axis.
  auto key_of = [](const std::string& model, const Column& column) {
    std::string key = model;
    for (const std::string& value : column)
      absl::StrAppend(&key, "\x1f", value);
    return key;
  };
  std::map<std::string, const ReportCell*> by_key;
  for (const ReportCell* cell : group.cells) {
    by_key[key_of(cell->model_name, column_of(*cell))] = cell;
  }
  std::string body;
  for (const std::string& model : models) {
    // The heading names the client; the rows need not repeat it.
    std::string row =
        TextElement("th", {{"class", "model"}}, ModelWithoutClient(model));
    for (const Column& column : columns) {
      const auto found = by_key.find(key_of(model, column));
      std::string evidence_id, anchor_id;
      if (found != by_key.end()) {
        const size_t index = static_cast<size_t>(found->second - cells.data());
        if (HasFailureEvidence(*found->second)) {
          evidence_id = FailureEvidenceId(index);
        }
        if (anchored->insert(index).second) anchor_id = CellAnchorId(index);
      }
      absl::StrAppend(
          &row,
          found != by_key.end()
              ? MatrixCellHtml(*found->second, evidence_id, anchor_id)
              : Element("td",
                        {{"class", "cell none"}, {"title", "not in this run"}},
                        ""));
    }
    absl::StrAppend(&body, Element("tr", row));
  }
  return absl::StrCat(
      Element("h3",
              absl::StrCat(
                  EscapeText(group.name), " ",
                  TextElement("span", {{"class", "client"}}, group.client), " ",
                  TextElement("span", {{"class", "count"}},
                              absl::StrCat(group.cells.size(), " cells")))),
      Element("table",
              {{"class", "grid"},
               {"data-group", group.name},
               {"data-client", group.client}},
              absl::StrCat(Element("thead", head), Element("tbody", body))));
}

std::string Swatch(const std::string& name, const std::string& label) {
  return absl::StrCat(
      TextElement(
          "span",
          {{"class", "swatch"},
           {"style", absl::StrCat("background: ", VerdictColour(name))}},
          label),
      " ");
}

// The rule once, then what the colours mean.
std::string Legend(const ReportConformance& conformance) {
  std::string verdicts;
  for (const char* verdict : kVerdicts) {
    absl::StrAppend(&verdicts, Swatch(verdict, VerdictLabel(verdict)));
  }
  std::string kinds;
  for (auto kind = std::rbegin(kKinds); kind != std::rend(kKinds); ++kind) {
    absl::StrAppend(&kinds, Swatch(*kind, *kind));
  }
  return absl::StrCat(
      Element("p", {{"class", "rule"}},
              absl::StrCat(
                  TextElement("b", "Verdicts: "),
                  EscapeText(absl::StrCat(VerdictRuleText(conformance), "; ",
                                          TrialPolicyText(conformance), ".")))),
      Element(
          "p", {{"class", "legend"}},
          absl::StrCat(
              "Cells by their workers' verdict: ", verdicts,
              "<br/>The bar under a cell: its trials' outcomes in "
              "proportion: ",
              kinds,
              "<br/>\"fail 3/20\": trials not plainly ok of those run "
              "(ok_after_retry counts: a client without the retry would have "
              "failed); black frame: wrong data in any trial; \"parent\": the "
              "verdict on the parent's own client afterwards. Hover a cell "
              "for its key, counts, the failure rate's interval and its "
              "stack signatures; click a cell that failed for its stacks "
              "and stderr.")));
}

}  // namespace

const char* VerdictColour(const std::string& verdict) {
  // Verdicts.
  if (verdict == "safe") return "#2e7d32";
  if (verdict == "needs_retry") return "#00796b";
  if (verdict == "flaky") return "#c9a100";
  if (verdict == "unsafe") return "#8e2424";
  if (verdict == "undecided") return "#78909c";
  // Outcome kinds.
  if (verdict == "ok") return "#2e7d32";
  if (verdict == "ok_after_retry") return "#26a69a";
  if (verdict == "wrong_data") return "#d500f9";
  if (verdict == "crash") return "#c62828";
  if (verdict == "hang") return "#1f5fae";
  if (verdict == "error") return "#e07b00";
  return "#6b2a2a";
}

const char* MatrixGridCss() {
  return R"css(
div.grids { display: flex; flex-wrap: wrap; gap: 4px 32px;
            align-items: flex-start; }
div.grids h3 { margin-top: 8px; }
table.grid { border-collapse: separate; border-spacing: 2px; margin: 0; }
table.grid th { background: none; border: none; font-weight: normal;
                font-size: 12px; color: #57606a; padding: 1px 4px; }
table.grid th.axis { text-align: right; font-style: italic; }
table.grid th.value { text-align: center; background: #f3f5f7; }
table.grid th.model { text-align: right; color: #1d2329; white-space: nowrap; }
table.grid td.cell { border: none; min-width: 46px; padding: 2px 4px;
                     text-align: center; color: #fff; font-size: 12px;
                     line-height: 1.2; text-shadow: 0 0 2px #000; }
table.grid td.cell span { display: block; white-space: nowrap; }
table.grid td.cell span.n, table.grid td.cell span.p { font-size: 10px;
                                                       opacity: 0.9; }
table.grid td.cell span.b { height: 4px; margin: 1px 0;
                            border: 1px solid rgba(255, 255, 255, 0.7); }
table.grid td.cell span.w { font-size: 10px; font-weight: bold;
                            background: #000; }
table.grid td.wrong-data { outline: 3px solid #000; font-weight: bold; }
table.grid td.v-flaky { outline: 2px dashed #1d2329; outline-offset: -2px; }
table.grid td.none { background: #eef0f2; }
table.grid td.cell:target { outline: 3px solid #1f5fae; outline-offset: 1px; }
h3 span.count { font-weight: normal; color: #57606a; font-size: 12px; }
h3 span.client { font-weight: normal; font-size: 12px; color: #fff;
                 background: #455a64; padding: 0 6px; border-radius: 3px; }
p.legend span.swatch { display: inline-block; color: #fff; padding: 0 6px;
                       font-size: 12px; text-shadow: 0 0 2px #000; }
p.rule { margin-bottom: 2px; }
)css";
}

std::string RenderMatrixGrid(const ReportConformance& conformance) {
  // The grids are narrow: side by side, they fit a screen.
  std::string grids;
  std::set<size_t> anchored;
  for (const Group& group : Groups(conformance.cells)) {
    absl::StrAppend(&grids, Element("div", {{"class", "group"}},
                                    GroupTable(group, conformance.defaults,
                                               conformance.cells, &anchored)));
  }
  return absl::StrCat(Legend(conformance),
                      Element("div", {{"class", "grids"}}, grids),
                      RenderFailureEvidence(conformance));
}

}  // namespace forkcheck::html
