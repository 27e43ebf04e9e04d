#include "stats/fisher_exact.h"

#include <algorithm>
#include <cassert>

#include "boost/math/distributions/hypergeometric.hpp"

namespace forkcheck {
namespace stats {
namespace {

// Failures in sample b, given the margins, follow a hypergeometric law:
// draw trials_b of all trials, of which the failures are "defective".
struct Margins {
  unsigned total;
  unsigned failures;
  unsigned drawn;
  unsigned low;   // the smallest possible failures_b
  unsigned high;  // the largest
};

bool Valid(const TwoSamples& s) {
  return s.trials_a >= 0 && s.trials_b >= 0 && s.failures_a >= 0 &&
         s.failures_b >= 0 && s.failures_a <= s.trials_a &&
         s.failures_b <= s.trials_b;
}

Margins MarginsOf(const TwoSamples& s) {
  Margins m;
  m.total = static_cast<unsigned>(s.trials_a + s.trials_b);
  m.failures = static_cast<unsigned>(s.failures_a + s.failures_b);
  m.drawn = static_cast<unsigned>(s.trials_b);
  m.low = m.drawn + m.failures > m.total ? m.drawn + m.failures - m.total : 0;
  m.high = std::min(m.drawn, m.failures);
  return m;
}

}  // namespace

double FisherExactTwoSided(const TwoSamples& samples) {
  assert(Valid(samples));
  if (!Valid(samples) || samples.trials_a == 0 || samples.trials_b == 0) {
    return 1;
  }
  const Margins m = MarginsOf(samples);
  const boost::math::hypergeometric_distribution<double> law(
      m.failures, m.drawn, m.total);
  const double observed =
      boost::math::pdf(law, static_cast<unsigned>(samples.failures_b));
  // Tables as likely as the observed one, up to rounding, count too.
  const double limit = observed * (1 + 1e-7);
  double p = 0;
  for (unsigned k = m.low; k <= m.high; ++k) {
    const double probability = boost::math::pdf(law, k);
    if (probability <= limit) p += probability;
  }
  return std::min(1.0, p);
}

double FisherExactBHigher(const TwoSamples& samples) {
  assert(Valid(samples));
  if (!Valid(samples) || samples.trials_a == 0 || samples.trials_b == 0) {
    return 1;
  }
  const Margins m = MarginsOf(samples);
  const boost::math::hypergeometric_distribution<double> law(
      m.failures, m.drawn, m.total);
  double p = 0;
  for (unsigned k = static_cast<unsigned>(samples.failures_b); k <= m.high;
       ++k) {
    p += boost::math::pdf(law, k);
  }
  return std::min(1.0, p);
}

}  // namespace stats
}  // namespace forkcheck
