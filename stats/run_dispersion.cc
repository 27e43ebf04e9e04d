#include "stats/run_dispersion.h"

#include <algorithm>
#include <cmath>

#include "boost/math/distributions/chi_squared.hpp"
#include "boost/math/distributions/students_t.hpp"

namespace forkcheck {
namespace stats {
RunTotal Total(const std::vector<RunCounts>& runs) {
  RunTotal total;
  for (const RunCounts& run : runs) {
    if (run.trials <= 0) continue;
    ++total.runs;
    total.failures += run.failures;
    total.trials += run.trials;
  }
  return total;
}

std::optional<Dispersion> EstimateDispersion(
    const std::vector<RunCounts>& runs) {
  const RunTotal pooled = Total(runs);
  if (pooled.runs < 2 || pooled.failures <= 0 ||
      pooled.failures >= pooled.trials) {
    return std::nullopt;
  }
  const double rate = pooled.Share();
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
  const RunTotal before = Total(recorded);
  const double rate = static_cast<double>(before.failures + now.failures) /
                      static_cast<double>(before.trials + now.trials);
  const double scale = std::max(1.0, dispersion->ratio);
  const double standard_error =
      std::sqrt(scale * rate * (1 - rate) *
                (1.0 / now.trials + 1.0 / static_cast<double>(before.trials)));
  const double difference =
      static_cast<double>(now.failures) / now.trials - before.Share();
  const double t = std::fabs(difference) / standard_error;
  const boost::math::students_t_distribution<double> student(
      dispersion->degrees_of_freedom);
  return std::min(1.0,
                  2 * boost::math::cdf(boost::math::complement(student, t)));
}

}  // namespace stats
}  // namespace forkcheck
