#include "reports/model_table.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "matrix/verdict.h"
#include "reports/report_clients.h"
#include "reports/summary.h"
#include "reports/text_wrap.h"

namespace forkcheck {
namespace {

// "ok 34/36, hang 2/36": the kinds seen, most trials first.
std::string KindsText(const std::map<std::string, int>& counts, int trials) {
  std::vector<std::pair<std::string, int>> kinds(counts.begin(), counts.end());
  std::stable_sort(
      kinds.begin(), kinds.end(),
      [](const auto& a, const auto& b) { return a.second > b.second; });
  std::vector<std::string> parts;
  for (const auto& [kind, count] : kinds) {
    parts.push_back(absl::StrCat(kind, " ", count, "/", trials));
  }
  return absl::StrJoin(parts, ", ");
}

// One cell's counts and what its interval bounds: an upper bound where the
// verdict rests on it (safe, or nothing failed), a lower bound for unsafe,
// the whole interval otherwise.
std::string OneCellCounts(const CellPart& part) {
  std::string text = KindsText(part.counts, part.trials);
  if (part.trials == 0) return "no trials";
  if (part.verdict == "unsafe") {
    absl::StrAppend(&text, ", ≥", PercentText(part.interval_low));
  } else if (part.verdict == "safe" || part.failures == 0) {
    absl::StrAppend(&text, ", ≤", PercentText(part.interval_high));
  } else {
    absl::StrAppend(&text, ", ", PercentText(part.interval_low), "–",
                    PercentText(part.interval_high));
  }
  return text;
}

// 1234567 → "1.23M", 177228 → "177k", 950 → "950".
std::string Compact(double value) {
  if (value >= 1e6) return absl::StrFormat("%.3gM", value / 1e6);
  if (value >= 1e3) return absl::StrFormat("%.3gk", value / 1e3);
  return absl::StrFormat("%.3g", value);
}

struct Accumulated {
  ModelTableRow row;
  std::vector<const ReportCell*> cells;
  const ModelCostRow* best = nullptr;  // the fastest benchmarked scenario
};

void FillVerdict(Accumulated* model) {
  ModelTableRow& row = model->row;
  row.cells = static_cast<int>(model->cells.size());
  std::vector<std::string> variants;
  for (const ReportCell* cell : model->cells) {
    if (std::find(variants.begin(), variants.end(), cell->model_name) ==
        variants.end()) {
      variants.push_back(cell->model_name);
    }
  }
  row.variants = static_cast<int>(variants.size());
  if (model->cells.empty()) {
    row.verdict = "not in the matrix";
    row.counts = "";
    return;
  }
  if (model->cells.size() == 1) {
    row.verdict = model->cells.front()->workers.verdict;
    row.counts = OneCellCounts(model->cells.front()->workers);
    return;
  }
  std::vector<std::pair<std::string, int>> verdicts;
  std::map<std::string, int> counts;
  int trials = 0;
  for (const ReportCell* cell : model->cells) {
    const std::string& verdict = cell->workers.verdict;
    auto found =
        std::find_if(verdicts.begin(), verdicts.end(),
                     [&](const auto& v) { return v.first == verdict; });
    if (found == verdicts.end()) {
      verdicts.emplace_back(verdict, 1);
    } else {
      ++found->second;
    }
    for (const auto& [kind, count] : cell->workers.counts)
      counts[kind] += count;
    trials += cell->workers.trials;
  }
  std::stable_sort(
      verdicts.begin(), verdicts.end(),
      [](const auto& a, const auto& b) { return a.second > b.second; });
  row.mixed = verdicts.size() > 1;
  if (!row.mixed) {
    row.verdict = verdicts.front().first;
  } else {
    std::vector<std::string> parts;
    for (const auto& [verdict, cells] : verdicts) {
      parts.push_back(absl::StrCat(cells, " ", verdict));
    }
    row.verdict = absl::StrJoin(parts, ", ");
  }
  row.counts = KindsText(counts, trials);
}

void FillCost(Accumulated* model) {
  ModelTableRow& row = model->row;
  row.rows_per_second = row.ceiling = row.first_row = "-";
  const ModelCostRow* best = model->best;
  if (best == nullptr || !best->rows_per_second.has_value()) return;
  const double rows = *best->rows_per_second;
  row.rows_per_second = Compact(rows);
  if (best->rows_per_second_mad.has_value() && rows > 0) {
    absl::StrAppend(
        &row.rows_per_second, " ±",
        absl::StrFormat("%.0f%%", 100 * *best->rows_per_second_mad / rows));
  }
  // The steady ratio; an older report has only the end-to-end one.
  if (best->ceiling_ratio.has_value()) {
    row.ceiling = absl::StrFormat("%.2f", *best->ceiling_ratio);
  } else if (best->end_to_end_ceiling_ratio.has_value()) {
    row.ceiling = absl::StrFormat("%.2f", *best->end_to_end_ceiling_ratio);
  }
  if (best->time_to_first_row_ms.has_value()) {
    row.first_row = absl::StrFormat("%.0f ms", *best->time_to_first_row_ms);
  }
}

std::string Pad(const std::string& text, size_t width) {
  const std::string fitted = CutToColumns(text, width);
  return fitted + std::string(width - TextColumns(fitted), ' ');
}

}  // namespace

std::vector<ModelTableRow> ModelTableRows(const Report& report) {
  const ReportModel& model = report.model();
  std::vector<Accumulated> models;
  auto find_or_add = [&models](const std::string& client,
                               const std::string& name) -> Accumulated& {
    for (Accumulated& m : models) {
      if (m.row.client == client && m.row.model == name) return m;
    }
    models.emplace_back();
    models.back().row.client = client;
    models.back().row.model = name;
    return models.back();
  };
  // ModelCostRows orders models client by client, matrix first.
  const std::vector<ModelCostRow> costs = ModelCostRows(report);
  for (const ModelCostRow& cost : costs) {
    find_or_add(cost.client,
                WithWorkload(ModelWithoutVariant(cost.model), cost.workload));
  }
  if (model.conformance.has_value()) {
    for (const ReportCell& cell : model.conformance->cells) {
      // Any concurrency: the model as the design means it, not one of its
      // stress or fork settings.
      if (!IsBaseline(cell, model.conformance->defaults, cell.axes.workers)) {
        continue;
      }
      find_or_add(cell.client,
                  WithWorkload(ModelWithoutVariant(cell.model_name),
                               cell.axes.workload))
          .cells.push_back(&cell);
    }
  }
  for (const ModelCostRow& cost : costs) {
    if (!cost.rows_per_second.has_value()) continue;
    Accumulated& m = find_or_add(
        cost.client,
        WithWorkload(ModelWithoutVariant(cost.model), cost.workload));
    if (m.best == nullptr || *cost.rows_per_second > *m.best->rows_per_second) {
      m.best = &cost;
    }
  }
  std::vector<ModelTableRow> rows;
  for (Accumulated& m : models) {
    FillVerdict(&m);
    FillCost(&m);
    rows.push_back(m.row);
  }
  return rows;
}

std::string RenderModelTable(const std::vector<ModelTableRow>& rows,
                             size_t width) {
  // Columns: model, verdict, rows/s, × ceiling, first row; the verdict
  // takes what the others leave.
  constexpr size_t kModel = 30, kRows = 10, kCeiling = 5, kFirstRow = 7;
  const size_t fixed =
      2 + kModel + 1 + 1 + kRows + 1 + kCeiling + 1 + kFirstRow;
  const size_t verdict_width = width > fixed + 24 ? width - fixed : 24;
  auto line = [&](const std::string& model, const std::string& verdict,
                  const std::string& rows_per_second,
                  const std::string& ceiling, const std::string& first_row) {
    std::string text =
        absl::StrCat("  ", Pad(model, kModel), " ", Pad(verdict, verdict_width),
                     " ", Pad(rows_per_second, kRows), " ",
                     Pad(ceiling, kCeiling), " ", Pad(first_row, kFirstRow));
    while (!text.empty() && text.back() == ' ') text.pop_back();
    return text + "\n";
  };
  if (rows.empty()) return "";
  std::string text;
  std::string client;
  bool cut = false;
  for (const ModelTableRow& row : rows) {
    if (row.client != client) {
      client = row.client;
      absl::StrAppend(&text, text.empty() ? "" : "\n", client, ":\n",
                      line("model", "verdict: trials, failure rate", "rows/s",
                           "×ceil", "1st row"));
    }
    std::string name = row.model;
    if (row.variants > 1) absl::StrAppend(&name, " ×", row.variants);
    // One cell: its verdict and counts; several with one verdict: it, the
    // cells and their trials summed; else the cells counted by verdict.
    std::string verdict = row.verdict;
    if (row.cells == 1) {
      verdict = absl::StrCat(row.verdict, ": ", row.counts);
    } else if (row.cells > 1 && !row.mixed) {
      verdict =
          absl::StrCat(row.verdict, ", ", row.cells, " cells: ", row.counts);
    } else if (row.mixed) {
      verdict = absl::StrCat("cells: ", row.verdict);
    }
    cut = cut || TextColumns(name) > kModel ||
          TextColumns(verdict) > verdict_width;
    absl::StrAppend(&text, line(name, verdict, row.rows_per_second, row.ceiling,
                                row.first_row));
  }
  absl::StrAppend(
      &text, "\n",
      WrapLine(
          absl::StrCat(
              "Verdict: of the model's baseline cells (default axes; ×N: "
              "N variants), summed where they agree. rows/s: best "
              "benchmark median; ×ceil: steady bytes/s over the bare "
              "gRPC loop's; 1st row: the fixed cost of a read.",
              cut ? " Cut entries (…) are whole in the Markdown." : ""),
          width, 2));
  return text;
}

}  // namespace forkcheck
