#include "stats/binomial_interval.h"

#include <cassert>

#include "boost/math/special_functions/beta.hpp"

namespace forkcheck {
namespace stats {

RateInterval ClopperPearson(int successes, int trials, double confidence) {
  assert(successes >= 0 && successes <= trials);
  assert(confidence > 0 && confidence < 1);
  RateInterval interval;
  if (trials <= 0) return interval;
  const double tail = (1 - confidence) / 2;
  // The bounds are quantiles of Beta(k, n-k+1) and Beta(k+1, n-k).
  if (successes > 0) {
    interval.low =
        boost::math::ibeta_inv(successes, trials - successes + 1, tail);
  }
  if (successes < trials) {
    interval.high =
        boost::math::ibeta_inv(successes + 1, trials - successes, 1 - tail);
  }
  return interval;
}

}  // namespace stats
}  // namespace forkcheck
