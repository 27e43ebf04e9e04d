// Whether runs of trials share one rate, and a test of a new run against
// recorded runs that allows for it when they do not. Fisher's exact test
// takes every trial, recorded or new, for an independent draw at one
// rate; a cell part whose rate moves from run to run (the machine's load,
// how many workers hang rather than crash) breaks that, and then its
// false-alarm rate is above its nominal level, more so the longer the
// record. The quasi-binomial model keeps the binomial's mean and scales
// its variance by a dispersion estimated from the runs (Pearson's
// chi-square over its degrees of freedom; McCullagh and Nelder, 1989,
// section 4.5), and the test's reference is Student's t with the runs'
// degrees of freedom, not the normal.
#ifndef FORKCHECK_STATS_RUN_DISPERSION_H_
#define FORKCHECK_STATS_RUN_DISPERSION_H_

#include <cstdint>
#include <optional>
#include <vector>

namespace forkcheck {
namespace stats {

struct RunCounts {
  int failures = 0;
  int trials = 0;
};

// The runs with trials, summed (a run without any is skipped).
struct RunTotal {
  int runs = 0;
  int64_t failures = 0;
  int64_t trials = 0;
  double Share() const {
    return trials == 0 ? 0 : static_cast<double>(failures) / trials;
  }
};
RunTotal Total(const std::vector<RunCounts>& runs);

struct Dispersion {
  double chi_square = 0;  // Pearson's, over the runs against the pooled rate
  int degrees_of_freedom = 0;  // runs - 1
  // chi_square over its degrees of freedom: 1 for binomial runs.
  double ratio = 0;
  // The chance of a chi-square at least this large if the runs share one
  // rate.
  double homogeneity_p = 1;
};

// Of `runs` (those with trials): nullopt with fewer than 2 such runs, or
// with every trial failed or none (a pooled rate of 0 or 1 has no spread).
std::optional<Dispersion> EstimateDispersion(
    const std::vector<RunCounts>& runs);

// Two-sided p-value of `now`'s failure rate against `recorded`'s pooled
// one, under the quasi-binomial model with the recorded runs' dispersion
// (at least 1: runs less spread than the binomial do not make the test
// sharper than Fisher's): t = (now's share - the recorded runs' pooled
// share) / sqrt(dispersion * p(1-p) * (1/now.trials + 1/recorded trials)),
// p the share pooled over all of them, against Student's t with the
// recorded runs' degrees of freedom. nullopt where EstimateDispersion is,
// or `now` has no trials.
std::optional<double> QuasiBinomialP(const std::vector<RunCounts>& recorded,
                                     const RunCounts& now);

}  // namespace stats
}  // namespace forkcheck

#endif  // FORKCHECK_STATS_RUN_DISPERSION_H_
