#include "matrix/check_power.h"

#include <algorithm>
#include <cmath>

namespace forkcheck {
namespace {

// P(X = k) for X ~ Binomial(n, p), through logarithms so that n in the
// hundreds does not overflow.
double BinomialPmf(int k, int n, double p) {
  if (p <= 0) return k == 0 ? 1 : 0;
  if (p >= 1) return k == n ? 1 : 0;
  const double log_choose =
      std::lgamma(n + 1.0) - std::lgamma(k + 1.0) - std::lgamma(n - k + 1.0);
  return std::exp(log_choose + k * std::log(p) + (n - k) * std::log1p(-p));
}

}  // namespace

double ShiftedShare(const PartTally& record, double shift) {
  const double share = NotOkShare(record);
  const double moved = share <= 0.5 ? share + shift : share - shift;
  return std::clamp(moved, 0.0, 1.0);
}

PowerAnswer CheckPower(const PartTally& record, const PowerQuestion& question) {
  PowerAnswer answer;
  answer.shifted_share = ShiftedShare(record, question.shift);
  const double share = NotOkShare(record);
  const bool rise = answer.shifted_share > share;
  for (int failures = 0; failures <= question.trials; ++failures) {
    PartTally now;
    now.trials = question.trials;
    now.ok = question.trials - failures;
    if (NotOkShareP(record, now) > question.threshold) continue;
    answer.power +=
        BinomialPmf(failures, question.trials, answer.shifted_share);
    const double new_share = NotOkShare(now);
    if (rise && new_share > share && answer.needed_failures < 0) {
      answer.needed_failures = failures;
    }
    if (!rise && new_share < share) answer.needed_failures = failures;
  }
  answer.power = std::min(answer.power, 1.0);
  return answer;
}

}  // namespace forkcheck
