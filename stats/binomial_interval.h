// Confidence intervals for a rate estimated from trials (k of n).
//
// forkcheck uses the Clopper-Pearson ("exact") interval everywhere: it
// inverts the binomial tails, so its coverage is never below the nominal
// level for any true rate. Wilson's interval is narrower on average but
// undercovers near 0 and 1, which is exactly where a "safe" claim (no
// failure in n trials) lives; there a too-narrow bound would overstate
// safety.
#ifndef FORKCHECK_STATS_BINOMIAL_INTERVAL_H_
#define FORKCHECK_STATS_BINOMIAL_INTERVAL_H_

namespace forkcheck {
namespace stats {

struct RateInterval {
  double low = 0;   // in [0, 1]
  double high = 1;  // in [0, 1]
};

// The two-sided Clopper-Pearson interval for `successes` of `trials` at
// `confidence` (e.g. 0.95: each tail holds (1 - confidence) / 2).
// Requires 0 <= successes <= trials and 0 < confidence < 1; trials == 0
// gives [0, 1].
RateInterval ClopperPearson(int successes, int trials, double confidence);

}  // namespace stats
}  // namespace forkcheck

#endif  // FORKCHECK_STATS_BINOMIAL_INTERVAL_H_
