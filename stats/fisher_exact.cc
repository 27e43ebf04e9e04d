#include "stats/fisher_exact.h"

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <optional>

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
  // Summed in 64 bits: two valid samples near INT_MAX do not overflow.
  m.total = static_cast<unsigned>(int64_t{s.trials_a} + s.trials_b);
  m.failures = static_cast<unsigned>(int64_t{s.failures_a} + s.failures_b);
  m.drawn = static_cast<unsigned>(s.trials_b);
  m.low = m.drawn + m.failures > m.total ? m.drawn + m.failures - m.total : 0;
  m.high = std::min(m.drawn, m.failures);
  return m;
}

struct Law {
  Margins margins;
  boost::math::hypergeometric_distribution<double> failures_b;
};

// The law of failures_b given the margins; nullopt (no evidence) when a
// sample is empty or the counts are impossible.
std::optional<Law> LawOf(const TwoSamples& samples) {
  assert(Valid(samples));
  if (!Valid(samples) || samples.trials_a == 0 || samples.trials_b == 0) {
    return std::nullopt;
  }
  const Margins m = MarginsOf(samples);
  return Law{m, boost::math::hypergeometric_distribution<double>(
                    m.failures, m.drawn, m.total)};
}

}  // namespace

double FisherExactTwoSided(const TwoSamples& samples) {
  const std::optional<Law> law = LawOf(samples);
  if (!law.has_value()) return 1;
  const double observed = boost::math::pdf(
      law->failures_b, static_cast<unsigned>(samples.failures_b));
  // Tables as likely as the observed one, up to rounding, count too.
  const double limit = observed * (1 + 1e-7);
  double p = 0;
  for (unsigned k = law->margins.low; k <= law->margins.high; ++k) {
    const double probability = boost::math::pdf(law->failures_b, k);
    if (probability <= limit) p += probability;
  }
  return std::min(1.0, p);
}

double FisherExactBHigher(const TwoSamples& samples) {
  const std::optional<Law> law = LawOf(samples);
  if (!law.has_value()) return 1;
  double p = 0;
  for (unsigned k = static_cast<unsigned>(samples.failures_b);
       k <= law->margins.high; ++k) {
    p += boost::math::pdf(law->failures_b, k);
  }
  return std::min(1.0, p);
}

}  // namespace stats
}  // namespace forkcheck
