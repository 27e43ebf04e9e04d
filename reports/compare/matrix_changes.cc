#include "reports/compare/matrix_changes.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "matrix/part_change.h"
#include "stats/multiple_testing.h"

namespace forkcheck {
namespace {

constexpr char kOk[] = "ok";
constexpr char kOkAfterRetry[] = "ok_after_retry";
constexpr char kWrongData[] = "wrong_data";

// As WorseOf in supervisor/outcome_classifier.h, by name: reports hold
// names, and this library must not depend on the supervisor. A kind this
// forkcheck does not know (a newer report's) sorts last.
int Severity(const std::string& kind) {
  static const auto* ranks = new std::map<std::string, int>{
      {"ok", 0},         {"ok_after_retry", 1}, {"error", 2},
      {"wrong_data", 3}, {"hang", 4},           {"crash", 5}};
  const auto it = ranks->find(kind);
  return it == ranks->end() ? 6 : it->second;
}

std::set<std::string> Kinds(const PartCounts& counts) {
  std::set<std::string> kinds;
  for (const auto& [kind, count] : counts.counts) kinds.insert(kind);
  return kinds;
}

std::string Percent(double rate) {
  return absl::StrFormat("%.3g%%", 100 * rate);
}

PartTally TallyOf(const PartCounts& counts) {
  PartTally tally;
  tally.trials = counts.trials;
  tally.ok = counts.Count(kOk);
  tally.ok_after_retry = counts.Count(kOkAfterRetry);
  tally.wrong_data = counts.Count(kWrongData);
  return tally;
}

// Tests nothing: fills in what does not need the correction.
PartChange PartOf(const std::optional<CellPart>& old_part,
                  const std::optional<CellPart>& new_part) {
  PartChange change;
  change.old_counts = PartCountsOf(old_part);
  change.new_counts = PartCountsOf(new_part);
  const PartTally old_tally = TallyOf(change.old_counts);
  const PartTally new_tally = TallyOf(change.new_counts);
  change.new_wrong_data = WrongDataWhereNoneFailed(old_tally, new_tally);
  if (old_tally.trials > 0 && new_tally.trials > 0) {
    change.p_value = NotOkShareP(old_tally, new_tally);
  }
  return change;
}

// Once every part's adjusted p is known.
void Judge(double alpha, PartChange* part) {
  part->direction = ChangeDirection::kNotSignificant;
  if (part->new_wrong_data) {
    part->direction = ChangeDirection::kWorse;
    return;
  }
  if (!part->Tested() || *part->adjusted_p_value > alpha) return;
  const double old_rate = part->old_counts.FailureRate();
  const double new_rate = part->new_counts.FailureRate();
  if (new_rate > old_rate) part->direction = ChangeDirection::kWorse;
  if (new_rate < old_rate) part->direction = ChangeDirection::kBetter;
}

ChangeDirection CellDirection(const CellChange& cell) {
  const ChangeDirection workers = cell.workers.direction;
  const ChangeDirection parent = cell.parent_after.direction;
  if (workers == ChangeDirection::kWorse || parent == ChangeDirection::kWorse) {
    return ChangeDirection::kWorse;
  }
  if (workers == ChangeDirection::kBetter ||
      parent == ChangeDirection::kBetter) {
    return ChangeDirection::kBetter;
  }
  return ChangeDirection::kNotSignificant;
}

}  // namespace

const char* ChangeDirectionName(ChangeDirection direction) {
  switch (direction) {
    case ChangeDirection::kWorse:
      return "worse";
    case ChangeDirection::kBetter:
      return "better";
    case ChangeDirection::kNotSignificant:
      break;
  }
  return "not_significant";
}

const char* ChangeDirectionLabel(ChangeDirection direction) {
  return direction == ChangeDirection::kNotSignificant
             ? "changed, not significant"
             : ChangeDirectionName(direction);
}

std::string PartCounts::Text() const {
  if (trials == 0) return "-";
  std::vector<std::pair<std::string, int>> kinds(counts.begin(), counts.end());
  std::stable_sort(kinds.begin(), kinds.end(),
                   [](const auto& a, const auto& b) {
                     return Severity(a.first) < Severity(b.first);
                   });
  std::vector<std::string> parts;
  for (const auto& [kind, count] : kinds) {
    parts.push_back(absl::StrCat(kind, " ", count, "/", trials));
  }
  return absl::StrJoin(parts, ", ");
}

int PartCounts::Count(const std::string& kind) const {
  const auto found = counts.find(kind);
  return found == counts.end() ? 0 : found->second;
}

int PartCounts::Failures() const { return trials - Count(kOk); }

double PartCounts::FailureRate() const { return NotOkShare(TallyOf(*this)); }

PartCounts PartCountsOf(const std::optional<CellPart>& part) {
  PartCounts counts;
  if (!part.has_value()) return counts;
  for (const auto& [kind, count] : part->counts) {
    if (count <= 0) continue;
    counts.counts[kind] = count;
    counts.trials += count;
  }
  return counts;
}

bool PartChange::KindsChanged() const {
  return Kinds(old_counts) != Kinds(new_counts);
}

std::string PartChange::Why() const {
  if (new_wrong_data) {
    return absl::StrCat(
        "wrong_data ", new_counts.Count(kWrongData), "/", new_counts.trials,
        ", every old trial ok: worse whatever the p-value (never noise)");
  }
  if (!Tested()) {
    if (old_counts.trials == new_counts.trials) return "";  // neither side
    return old_counts.trials == 0 ? "only in new, not tested"
                                  : "only in old, not tested";
  }
  return absl::StrCat("failure rate ", Percent(old_counts.FailureRate()),
                      " -> ", Percent(new_counts.FailureRate()));
}

int MatrixChanges::Count(ChangeDirection direction) const {
  return static_cast<int>(std::count_if(
      changes.begin(), changes.end(),
      [&](const CellChange& c) { return c.direction == direction; }));
}

MatrixChanges CompareMatrices(
    const std::optional<ReportConformance>& old_conformance,
    const std::optional<ReportConformance>& new_conformance, double alpha) {
  MatrixChanges result;
  result.alpha = alpha;
  const auto old_cells = CellsByKey(old_conformance);
  const auto new_cells = CellsByKey(new_conformance);
  result.old_cells = static_cast<int>(old_cells.size());
  result.new_cells = static_cast<int>(new_cells.size());
  // Every cell in common, tested before any is judged: the correction
  // needs every p-value, significant or not.
  std::vector<CellChange> cells;
  for (const auto& [key, old_cell] : old_cells) {
    const auto found = new_cells.find(key);
    if (found == new_cells.end()) {
      result.only_in_old.push_back(key);
      continue;
    }
    const ReportCell& new_cell = *found->second;
    CellChange cell;
    cell.key = key;
    cell.model_name = new_cell.model_name;
    cell.fork_support = new_cell.axes.fork_support;
    cell.workers = PartOf(old_cell->workers, new_cell.workers);
    cell.parent_after = PartOf(old_cell->parent_after, new_cell.parent_after);
    cells.push_back(std::move(cell));
  }
  result.cells_in_common = static_cast<int>(cells.size());
  for (const auto& [key, cell] : new_cells) {
    if (old_cells.count(key) == 0) result.only_in_new.push_back(key);
  }

  std::vector<PartChange*> tested;
  std::vector<double> p_values;
  for (CellChange& cell : cells) {
    for (PartChange* part : {&cell.workers, &cell.parent_after}) {
      if (!part->Tested()) continue;
      tested.push_back(part);
      p_values.push_back(*part->p_value);
    }
  }
  result.tests = static_cast<int>(p_values.size());
  const std::vector<double> adjusted = stats::HolmAdjusted(p_values);
  for (size_t i = 0; i < tested.size(); ++i) {
    tested[i]->adjusted_p_value = adjusted[i];
  }
  for (CellChange& cell : cells) {
    Judge(alpha, &cell.workers);
    Judge(alpha, &cell.parent_after);
    cell.direction = CellDirection(cell);
    if (cell.direction != ChangeDirection::kNotSignificant ||
        cell.workers.KindsChanged() || cell.parent_after.KindsChanged()) {
      result.changes.push_back(std::move(cell));
    }
  }
  std::stable_sort(result.changes.begin(), result.changes.end(),
                   [](const CellChange& a, const CellChange& b) {
                     return static_cast<int>(a.direction) <
                            static_cast<int>(b.direction);
                   });
  return result;
}

}  // namespace forkcheck
