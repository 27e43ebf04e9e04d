// Corrections for testing many cells at once. With ~140 cells and a
// per-cell alpha of 0.01, some cell would raise a false alarm in most runs;
// Holm's step-down procedure keeps the family-wise error rate (the chance
// of any false alarm in the whole run) at alpha, and is uniformly more
// powerful than Bonferroni's.
#ifndef FORKCHECK_STATS_MULTIPLE_TESTING_H_
#define FORKCHECK_STATS_MULTIPLE_TESTING_H_

#include <vector>

namespace forkcheck {
namespace stats {

// Holm-adjusted p-values, in the order of `p_values`: reject hypothesis i
// at family-wise level alpha iff adjusted[i] <= alpha. Each in [0, 1].
std::vector<double> HolmAdjusted(const std::vector<double>& p_values);

}  // namespace stats
}  // namespace forkcheck

#endif  // FORKCHECK_STATS_MULTIPLE_TESTING_H_
