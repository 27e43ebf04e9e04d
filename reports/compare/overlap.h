// How much of two reports a comparison could judge: matrix cells (matched
// by key, per client too) and benchmark metrics (matched by scenario id and
// metric name) in common, against each side's own.
//
// A comparison says nothing about what it could not match: a full report
// against one with 12 of its 186 cells compared those 12, and "nothing got
// worse" would read as a verdict on all 186. So each kind's overlap is the
// share of the *larger* side that was compared (12 of 186: 6%), i.e. the
// lower of the shares of each report's items that were compared; a kind
// neither report has is not missing (1). A comparison has enough in common
// when both kinds reach `min_overlap` and something at all was compared.
// Benchmarks count by metric rather than scenario: a scenario skipped on
// one side (no metrics) compares nothing.
#ifndef FORKCHECK_REPORTS_COMPARE_OVERLAP_H_
#define FORKCHECK_REPORTS_COMPARE_OVERLAP_H_

#include <string>
#include <vector>

#include "reports/report_model.h"

namespace forkcheck {

struct Coverage {
  int in_common = 0;
  int old_total = 0;
  int new_total = 0;

  // in_common over the larger total; 1 when neither side has any.
  double Fraction() const;
  bool Missing() const { return old_total == 0 && new_total == 0; }
  // "12 of 186 old, 12 of 12 new (6.45%)"; "none on either side".
  std::string Text() const;
};

struct ClientCoverage {
  std::string client;
  Coverage cells;
};

struct Overlap {
  double min_overlap = 0.5;
  Coverage cells;
  std::vector<ClientCoverage> cells_by_client;  // by client name
  Coverage scenarios;                           // shown, not judged
  Coverage metrics;

  // Cells and metrics each at least min_overlap, and something compared.
  bool Enough() const;
  // Why not Enough(), e.g. "cells 6.45% < 50%; nothing compared"; "" if
  // enough.
  std::string Shortfall() const;
};

// `min_overlap` in (0, 1].
Overlap MeasureOverlap(const ReportModel& old_report,
                       const ReportModel& new_report, double min_overlap);

}  // namespace forkcheck

#endif  // FORKCHECK_REPORTS_COMPARE_OVERLAP_H_
