#include "reports/compare/matrix_changes.h"

#include <algorithm>
#include <map>
#include <set>

namespace forkcheck {
namespace {

using nlohmann::json;

// As WorseOf in supervisor/outcome_classifier.h (kept by name here: reports
// hold names, and this library must not depend on the supervisor).
int Severity(const std::string& kind) {
  static const auto* ranks = new std::map<std::string, int>{
      {"ok", 0}, {"error", 1}, {"wrong_data", 2}, {"hang", 3}, {"crash", 4}};
  const auto it = ranks->find(kind);
  return it == ranks->end() ? 0 : it->second;
}

struct Outcome {
  std::set<std::string> kinds;
  std::string summary = "-";
};

Outcome OutcomeOf(const json& counts_or_null) {
  Outcome outcome;
  if (counts_or_null.is_null()) return outcome;
  outcome.summary = counts_or_null["summary"].get<std::string>();
  for (const auto& [kind, count] : counts_or_null["counts"].items()) {
    if (count.get<int>() > 0) outcome.kinds.insert(kind);
  }
  return outcome;
}

int Worst(const std::set<std::string>& kinds) {
  int worst = -1;
  for (const std::string& kind : kinds) worst = std::max(worst, Severity(kind));
  return worst;
}

bool Gains(const std::set<std::string>& from, const std::set<std::string>& to,
           const std::string& kind) {
  return from.count(kind) == 0 && to.count(kind) != 0;
}

// Whether going from `from` to `to` is worse (see the header).
bool IsWorse(const Outcome& from, const Outcome& to) {
  if (from.kinds.empty() || to.kinds.empty()) return false;  // not comparable
  return Worst(to.kinds) > Worst(from.kinds) ||
         Gains(from.kinds, to.kinds, "wrong_data") ||
         Gains(to.kinds, from.kinds, "ok");
}

ChangeDirection DirectionOf(const Outcome& old_workers,
                            const Outcome& new_workers,
                            const Outcome& old_parent,
                            const Outcome& new_parent) {
  if (IsWorse(old_workers, new_workers) || IsWorse(old_parent, new_parent)) {
    return ChangeDirection::kWorse;
  }
  if (IsWorse(new_workers, old_workers) || IsWorse(new_parent, old_parent)) {
    return ChangeDirection::kBetter;
  }
  return ChangeDirection::kChanged;
}

std::map<std::string, const json*> CellsByKey(const json& conformance) {
  std::map<std::string, const json*> cells;
  if (conformance.is_null()) return cells;
  for (const json& cell : conformance["cells"]) {
    cells[cell["key"].get<std::string>()] = &cell;
  }
  return cells;
}

}  // namespace

const char* ChangeDirectionName(ChangeDirection direction) {
  switch (direction) {
    case ChangeDirection::kWorse:
      return "worse";
    case ChangeDirection::kBetter:
      return "better";
    case ChangeDirection::kChanged:
      break;
  }
  return "changed";
}

MatrixChanges CompareMatrices(const json& old_conformance,
                              const json& new_conformance) {
  MatrixChanges result;
  const auto old_cells = CellsByKey(old_conformance);
  const auto new_cells = CellsByKey(new_conformance);
  for (const auto& [key, old_cell] : old_cells) {
    const auto found = new_cells.find(key);
    if (found == new_cells.end()) {
      result.only_in_old.push_back(key);
      continue;
    }
    ++result.cells_in_common;
    const json& new_cell = *found->second;
    const Outcome old_workers = OutcomeOf((*old_cell)["workers"]);
    const Outcome new_workers = OutcomeOf(new_cell["workers"]);
    const Outcome old_parent = OutcomeOf((*old_cell)["parent_after"]);
    const Outcome new_parent = OutcomeOf(new_cell["parent_after"]);
    if (old_workers.kinds == new_workers.kinds &&
        old_parent.kinds == new_parent.kinds) {
      continue;
    }
    CellChange change;
    change.key = key;
    change.model_name = new_cell["model_name"].get<std::string>();
    change.fork_support = new_cell["axes"]["fork_support"].get<std::string>();
    change.direction =
        DirectionOf(old_workers, new_workers, old_parent, new_parent);
    change.old_workers = old_workers.summary;
    change.new_workers = new_workers.summary;
    change.old_parent_after = old_parent.summary;
    change.new_parent_after = new_parent.summary;
    result.changes.push_back(change);
  }
  for (const auto& [key, cell] : new_cells) {
    if (old_cells.count(key) == 0) result.only_in_new.push_back(key);
  }
  std::stable_sort(result.changes.begin(), result.changes.end(),
                   [](const CellChange& a, const CellChange& b) {
                     return static_cast<int>(a.direction) <
                            static_cast<int>(b.direction);
                   });
  return result;
}

}  // namespace forkcheck
