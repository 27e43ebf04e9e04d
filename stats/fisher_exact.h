// Fisher's exact test on two binomial samples: did a rate change between a
// recorded sample (failures_a of trials_a) and a new one (failures_b of
// trials_b)? Exact (hypergeometric) p-values, valid at any sample size,
// which matters here: forkcheck compares hundreds of recorded trials with
// tens of new ones, and failures are often 0.
#ifndef FORKCHECK_STATS_FISHER_EXACT_H_
#define FORKCHECK_STATS_FISHER_EXACT_H_

namespace forkcheck {
namespace stats {

struct TwoSamples {
  int failures_a = 0;
  int trials_a = 0;
  int failures_b = 0;
  int trials_b = 0;
};

// Two-sided: the probability, given the margins, of a table at most as
// likely as the observed one (scipy.stats.fisher_exact's definition, with
// its relative tolerance of 1e-7 for ties). 1 when either sample is empty.
double FisherExactTwoSided(const TwoSamples& samples);

// One-sided: the probability, given the margins, of at least as many
// failures in sample b as observed (the alternative: b's rate is higher).
double FisherExactBHigher(const TwoSamples& samples);

}  // namespace stats
}  // namespace forkcheck

#endif  // FORKCHECK_STATS_FISHER_EXACT_H_
