// How the conformance matrix changed between two reports, cells matched by
// key and judged as the expectations check judges a run against its
// recorded counts (matrix/expectations.h):
//
// - per cell and part (workers, parent_after) present on both sides,
//   Fisher's exact test, two-sided, of the failure rate old against new; a
//   failure is any trial not plainly ok (ok_after_retry counts as one: a
//   client without our retry fails there);
// - Holm's correction over every part compared, so that the chance of
//   calling any cell worse or better by noise alone is at most alpha;
// - worse: a part's rate rose with an adjusted p <= alpha, or the part shows
//   wrong_data where every old trial was ok (or ok after a retry), whatever
//   the p-value (silently wrong rows from a part known to work are never
//   noise); where old trials failed, wrong_data is one more failure for the
//   test, as in the expectations check (A/A runs saw it now and then among
//   the hangs of unsafe cells); better: a part's rate fell significantly
//   and none is worse; otherwise not significant.
//
// A cell is listed when it is worse or better, or when the kinds its trials
// showed changed (a part's counts gained or lost a kind, or its parent check
// came or went): "changed, not significant", for information only.
// Proportions that moved within the same kinds without significance are not
// listed. Reports hold counts per part in both schema versions; only those
// are read.
#ifndef FORKCHECK_REPORTS_COMPARE_MATRIX_CHANGES_H_
#define FORKCHECK_REPORTS_COMPARE_MATRIX_CHANGES_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "reports/report_model.h"

namespace forkcheck {

enum class ChangeDirection { kWorse, kBetter, kNotSignificant };

// For machines (JSON, CSS classes): "worse", "better", "not_significant".
const char* ChangeDirectionName(ChangeDirection direction);
// For people: "worse", "better", "changed, not significant".
const char* ChangeDirectionLabel(ChangeDirection direction);

// One part of one cell on one side: its outcome counts.
struct PartCounts {
  std::map<std::string, int> counts;  // kind -> trials, each > 0
  int trials = 0;

  // "ok 18/20, crash 2/20", kinds by severity (as
  // supervisor/outcome_classifier.h), most severe last; "-" without trials
  // (no parent check).
  std::string Text() const;
  int Count(const std::string& kind) const;
  int Failures() const;        // trials not plainly ok
  double FailureRate() const;  // Failures() / trials; 0 without trials
};

// A report cell part's counts (none: the cell has no such part).
PartCounts PartCountsOf(const std::optional<CellPart>& part);

struct PartChange {
  PartCounts old_counts;
  PartCounts new_counts;
  // Set when both sides have trials (the part was tested): Fisher's
  // two-sided p and its Holm adjustment over every test of the comparison.
  std::optional<double> p_value;
  std::optional<double> adjusted_p_value;
  // wrong_data in the new counts, every old trial ok (or ok after a
  // retry): worse whatever p.
  bool new_wrong_data = false;
  ChangeDirection direction = ChangeDirection::kNotSignificant;

  bool Tested() const { return p_value.has_value(); }
  // The set of kinds seen differs (including a part on one side only).
  bool KindsChanged() const;
  // What moved, beside the p-values: "failure rate 0% -> 20%",
  // "wrong_data 2/30, every old trial ok: worse whatever the p-value (never
  // noise)", "only in new, not tested"; "" when neither side has the part.
  std::string Why() const;
};

struct CellChange {
  std::string key;
  std::string model_name;
  std::string fork_support;  // the cell's axis: "unset", "true", "false"
  ChangeDirection direction = ChangeDirection::kNotSignificant;
  PartChange workers;
  PartChange parent_after;
};

struct MatrixChanges {
  double alpha = 0.01;  // family-wise, over `tests`
  int tests = 0;        // parts tested: what Holm's correction spans
  int cells_in_common = 0;
  int old_cells = 0;  // every cell of each side
  int new_cells = 0;
  std::vector<CellChange> changes;  // worse, better, not significant; by key
  std::vector<std::string> only_in_old;  // keys
  std::vector<std::string> only_in_new;

  int Count(ChangeDirection direction) const;
};

// `old_conformance` and `new_conformance` are reports' matrices (none when
// a report has none). `alpha` is the family-wise level, in (0, 1).
MatrixChanges CompareMatrices(
    const std::optional<ReportConformance>& old_conformance,
    const std::optional<ReportConformance>& new_conformance,
    double alpha = 0.01);

}  // namespace forkcheck

#endif  // FORKCHECK_REPORTS_COMPARE_MATRIX_CHANGES_H_
