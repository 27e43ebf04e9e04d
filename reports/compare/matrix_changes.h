// How the conformance matrix changed between two reports: each cell (matched
// by its key) whose outcomes changed, for the worse first.
//
// A cell's outcome is the set of outcome kinds its trials showed, for the
// workers and for the parent's check afterwards; how often each came is
// noise at five trials and does not count as a change. A change is worse
// when the new set gains a more severe kind than the old worst (severity as
// supervisor/outcome_classifier.h: ok < error < wrong_data < hang < crash),
// gains wrong_data at all (silently wrong rows are never acceptable), or
// loses ok; better in the mirror cases; otherwise just "changed".
#ifndef FORKCHECK_REPORTS_COMPARE_MATRIX_CHANGES_H_
#define FORKCHECK_REPORTS_COMPARE_MATRIX_CHANGES_H_

#include <string>
#include <vector>

#include "nlohmann/json.hpp"

namespace forkcheck {

enum class ChangeDirection { kWorse, kBetter, kChanged };

// "worse", "better", "changed".
const char* ChangeDirectionName(ChangeDirection direction);

struct CellChange {
  std::string key;
  std::string model_name;
  std::string fork_support;  // the cell's axis: "unset", "true", "false"
  ChangeDirection direction = ChangeDirection::kChanged;
  // The cells' summaries, e.g. "always hang" -> "always ok"; "-" for no
  // parent check.
  std::string old_workers;
  std::string new_workers;
  std::string old_parent_after;
  std::string new_parent_after;
};

struct MatrixChanges {
  int cells_in_common = 0;
  std::vector<CellChange> changes;  // worse, better, changed; by key within
  std::vector<std::string> only_in_old;  // keys
  std::vector<std::string> only_in_new;
};

// `old_conformance` and `new_conformance` are reports' "conformance"
// sections (null when a report has none). Both must be schema-valid.
MatrixChanges CompareMatrices(const nlohmann::json& old_conformance,
                              const nlohmann::json& new_conformance);

}  // namespace forkcheck

#endif  // FORKCHECK_REPORTS_COMPARE_MATRIX_CHANGES_H_
