#include "stats/run_dispersion.h"

#include <algorithm>
#include <cmath>

#include "boost/math/distributions/chi_squared.hpp"
#include "boost/math/distributions/students_t.hpp"

namespace forkcheck {
namespace stats {
namespace {

struct Pooled {
  int runs = 0;
  double failures = 0;
  double trials = 0;
};

Pooled Pool(const std::vector<RunCounts>& runs) {
  Pooled pooled;
  for (const RunCounts& run : runs) {
    if (run.trials <= 0) continue;
    ++pooled.runs;
    pooled.failures += run.failures;
    pooled.trials += run.trials;
  }
  return pooled;
}

}  // namespace

std::optional<Dispersion> EstimateDispersion(
    const std::vector<RunCounts>& runs) {
  const Pooled pooled = Pool(runs);
  if (pooled.runs < 2 || pooled.failures <= 0 ||
      pooled.failures >= pooled.trials) {
    return std::nullopt;
  }
  const double rate = pooled.failures / pooled.trials;
  Dispersion dispersion;
  for (const RunCounts& run : runs) {
    if (run.trials <= 0) continue;
    const double expected = rate * run.trials;
    const double deviation = run.failures - expected;
    dispersion.chi_square += deviation * deviation / (expected * (1 - rate));
  }
  dispersion.degrees_of_freedom = pooled.runs - 1;
  dispersion.ratio = dispersion.chi_square / dispersion.degrees_of_freedom;
  dispersion.homogeneity_p = boost::math::cdf(
      boost::math::complement(boost::math::chi_squared_distribution<double>(
                                  dispersion.degrees_of_freedom),
                              dispersion.chi_square));
  return dispersion;
}

std::optional<double> QuasiBinomialP(const std::vector<RunCounts>& recorded,
                                     const RunCounts& now) {
  const std::optional<Dispersion> dispersion = EstimateDispersion(recorded);
  if (!dispersion.has_value() || now.trials <= 0) return std::nullopt;
  const Pooled before = Pool(recorded);
  const double rate =
      (before.failures + now.failures) / (before.trials + now.trials);
  const double scale = std::max(1.0, dispersion->ratio);
  const double standard_error = std::sqrt(
      scale * rate * (1 - rate) * (1.0 / now.trials + 1.0 / before.trials));
  const double difference = static_cast<double>(now.failures) / now.trials -
                            before.failures / before.trials;
  const double t = std::fabs(difference) / standard_error;
  const boost::math::students_t_distribution<double> student(
      dispersion->degrees_of_freedom);
  return std::min(1.0,
                  2 * boost::math::cdf(boost::math::complement(student, t)));
}

}  // namespace stats
}  // namespace forkcheck
