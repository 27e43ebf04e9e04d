// The two-sided Mann-Whitney U test of two independent samples: do the
// repetitions of one run tend to be larger or smaller than another's,
// without assuming a distribution (benchmark times are skewed, rarely normal).
//
// The method follows scipy.stats.mannwhitneyu(method="auto"), which
// //stats:mann_whitney_agreement_test checks us against: the exact
// distribution of U when either sample has at most 8 values and there are
// no ties; otherwise the normal approximation with the tie correction and a
// continuity correction of 0.5.
#ifndef FORKCHECK_STATS_MANN_WHITNEY_H_
#define FORKCHECK_STATS_MANN_WHITNEY_H_

#include <vector>

namespace forkcheck {

struct MannWhitneyResult {
  // U of the first sample: pairs (x, y) with x > y, ties counting 1/2.
  double u = 0;
  double p_value = 1;  // two-sided, in [0, 1]
  bool exact = false;  // exact distribution (else normal approximation)
};

// Requires both samples non-empty; with an empty one the p-value is 1.
MannWhitneyResult MannWhitneyU(const std::vector<double>& x,
                               const std::vector<double>& y);

// The midranks (ties share the mean of their ranks, 1-based) of x and then
// y within the two pooled. Two metrics with the same ranks, or exactly
// reversed ones, give the same test.
std::vector<double> PooledRanks(const std::vector<double>& x,
                                const std::vector<double>& y);

// The smallest two-sided p-value any samples of these sizes can give:
// 2 / C(n1 + n2, n1), capped at 1. Ties only make it larger. If it is not
// below alpha, no difference can ever be called significant.
double MinimumTwoSidedPValue(int n1, int n2);

}  // namespace forkcheck

#endif  // FORKCHECK_STATS_MANN_WHITNEY_H_
