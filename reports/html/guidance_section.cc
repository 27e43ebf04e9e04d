#include "reports/html/guidance_section.h"

#include <map>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "reports/guidance.h"
#include "reports/html/html_writer.h"
#include "reports/html/matrix_grid.h"
#include "reports/verdict_text.h"

namespace forkcheck::html {
namespace {

constexpr int kUnfoldedUndecided = 3;

// A cited cell: its key linked to its grid cell, in its verdict's colour,
// and its parts' texts.
std::string CellItem(const CitedCell& cell,
                     const std::map<std::string, size_t>& index_of) {
  std::string key = BreakableText(cell.key);
  if (const auto found = index_of.find(cell.key); found != index_of.end()) {
    key = Element(
        "a", {{"href", absl::StrCat("#", CellAnchorId(found->second))}}, key);
  }
  std::string text = absl::StrCat("workers: ", PartText(cell.workers));
  if (cell.parent_after.has_value()) {
    absl::StrAppend(&text, "; parent after: ", PartText(*cell.parent_after));
  }
  return Element(
      "li",
      // Not the grid's "cell v-<verdict>" classes: the page's checks count
      // those as the grid's cells.
      {{"class", "cited"},
       {"data-verdict", cell.verdict},
       {"style",
        absl::StrCat("border-left-color: ", VerdictColour(cell.verdict))}},
      absl::StrCat(Element("code", key), " ", TextElement("b", cell.verdict),
                   ": ", EscapeText(text)));
}

std::string ScenarioItem(const CitedScenario& scenario) {
  return Element(
      "li", {{"class", "scenario"}},
      absl::StrCat(Element("code", BreakableText(scenario.id)), ": ",
                   EscapeText(absl::StrFormat(
                       "median %.0f rows/s, MAD %.0f, %d repetitions",
                       scenario.median, scenario.mad, scenario.repetitions))));
}

std::string Statement(const GuidanceStatement& statement,
                      const std::map<std::string, size_t>& index_of) {
  const bool undecided = statement.strength == GuidanceStrength::kUndecided;
  std::string evidence;
  for (const CitedCell& cell : statement.cells) {
    absl::StrAppend(&evidence, CellItem(cell, index_of));
  }
  for (const CitedScenario& scenario : statement.scenarios) {
    absl::StrAppend(&evidence, ScenarioItem(scenario));
  }
  if (!statement.builds_on.empty()) {
    std::string links;
    for (const std::string& id : statement.builds_on) {
      if (!links.empty()) absl::StrAppend(&links, ", ");
      absl::StrAppend(
          &links,
          Element("a", {{"href", absl::StrCat("#", GuidanceAnchorId(id))}},
                  BreakableText(id)));
    }
    absl::StrAppend(&evidence,
                    Element("li", absl::StrCat("builds on: ", links)));
  }
  std::string html = absl::StrCat(
      undecided ? TextElement("span", {{"class", "strength"}}, "undecided")
                : "",
      EscapeText(statement.sentence));
  if (!evidence.empty()) {
    const size_t cells = statement.cells.size();
    const size_t scenarios = statement.scenarios.size();
    std::string summary = "evidence:";
    if (cells > 0) {
      absl::StrAppend(&summary, " ", cells, cells == 1 ? " cell" : " cells");
    }
    if (scenarios > 0) {
      absl::StrAppend(
          &summary, cells > 0 ? "," : "", " ", scenarios,
          scenarios == 1 ? " benchmark scenario" : " benchmark scenarios");
    }
    absl::StrAppend(
        &html, Element("details", absl::StrCat(TextElement("summary", summary),
                                               Element("ul", evidence))));
  }
  return Element("li",
                 {{"id", GuidanceAnchorId(statement.id)},
                  {"class", undecided ? "undecided" : "supported"}},
                 html);
}

}  // namespace

std::string GuidanceAnchorId(const std::string& statement_id) {
  return absl::StrCat("guidance-", statement_id);
}

std::string RenderGuidanceSection(const ReportModel& report) {
  if (!report.conformance.has_value()) return "";
  const std::vector<GuidanceStatement> guidance = DeriveGuidance(report);
  std::map<std::string, size_t> index_of;
  for (size_t i = 0; i < report.conformance->cells.size(); ++i) {
    index_of.emplace(report.conformance->cells[i].key, i);
  }
  std::string html =
      TextElement("p", {{"class", "note"}}, GuidanceIntroduction(report));
  if (guidance.empty()) {
    return absl::StrCat(html, TextElement("p", "No client's cells ran."));
  }
  std::vector<std::string> clients;
  for (const GuidanceStatement& statement : guidance) {
    if (clients.empty() || clients.back() != statement.client) {
      clients.push_back(statement.client);
    }
  }
  for (const std::string& client : clients) {
    absl::StrAppend(&html,
                    TextElement("h3", GuidanceClientHeading(report, client)));
    for (const std::string& rule : GuidanceRules()) {
      // Statements about the client as a whole (what deciding its
      // undecided cells takes) stand before those about its models.
      std::string whole, items;
      int count = 0;
      for (const GuidanceStatement& statement : guidance) {
        if (statement.client != client || statement.rule != rule) continue;
        if (statement.subject == client) {
          absl::StrAppend(&whole, Statement(statement, index_of));
        } else {
          absl::StrAppend(&items, Statement(statement, index_of));
          ++count;
        }
      }
      if (whole.empty() && items.empty()) continue;
      std::string list =
          items.empty() ? "" : Element("ul", {{"class", "guidance"}}, items);
      // A long list of undecided models would push the grids off the first
      // screens: it folds, its count showing.
      if (rule == kRuleUndecided && count > kUnfoldedUndecided) {
        list = Element(
            "details",
            absl::StrCat(TextElement("summary",
                                     absl::StrCat(count, " models undecided")),
                         list));
      }
      absl::StrAppend(
          &html, TextElement("h4", GuidanceRuleTitle(rule)),
          whole.empty() ? "" : Element("ul", {{"class", "guidance"}}, whole),
          list);
    }
  }
  return Element("div", {{"class", "guidance"}}, html);
}

const char* GuidanceSectionCss() {
  return R"css(
div.guidance h4 { margin: 10px 0 2px; }
ul.guidance { margin: 0 0 6px 0; padding-left: 20px; }
ul.guidance > li { margin: 3px 0; }
ul.guidance > li:target { outline: 2px solid #1f5fae; outline-offset: 2px; }
ul.guidance > li.undecided { color: #57606a; }
ul.guidance span.strength { font-weight: bold; text-transform: uppercase;
                            font-size: 11px; margin-right: 6px;
                            border: 1px solid #57606a; padding: 0 3px; }
ul.guidance details > summary { cursor: pointer; font-size: 12px;
                                color: #57606a; }
ul.guidance details ul { padding-left: 16px; font-size: 12px; }
ul.guidance details li.cited { border-left: 6px solid; padding-left: 4px;
                              list-style: none; margin: 1px 0; }
)css";
}

}  // namespace forkcheck::html
