#include "stats/mann_whitney.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace forkcheck {
namespace {

// Up to this many values in the smaller sample, and without ties, the
// exact distribution is used (scipy's rule).
constexpr size_t kExactMaxSmallerSample = 8;

struct Ranked {
  std::vector<double> ranks;  // of x, then of y
  double tie_term = 0;        // sum over tie groups of t^3 - t
};

Ranked RankPooled(const std::vector<double>& x, const std::vector<double>& y) {
  std::vector<std::pair<double, size_t>> pooled;  // value, index in x then y
  pooled.reserve(x.size() + y.size());
  for (double v : x) pooled.emplace_back(v, pooled.size());
  for (double v : y) pooled.emplace_back(v, pooled.size());
  std::sort(pooled.begin(), pooled.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  Ranked ranked;
  ranked.ranks.resize(pooled.size());
  size_t i = 0;
  while (i < pooled.size()) {
    size_t j = i;
    while (j < pooled.size() && pooled[j].first == pooled[i].first) ++j;
    const double t = static_cast<double>(j - i);
    const double midrank = static_cast<double>(i + 1 + j) / 2;  // 1-based
    for (size_t k = i; k < j; ++k) ranked.ranks[pooled[k].second] = midrank;
    ranked.tie_term += t * t * t - t;
    i = j;
  }
  return ranked;
}

// P(U >= u) under the null hypothesis, for samples of sizes m and n without
// ties. The number of arrangements with each U is a coefficient of the
// Gaussian binomial [m+n choose m]_q = prod_{i=1..m} (1 - q^(n+i)) /
// (1 - q^i), built one factor at a time: O(m * m * n).
double ExactSurvival(int m, int n, int u) {
  if (m > n) std::swap(m, n);
  const int max_u = m * n;
  if (u <= 0) return 1;
  if (u > max_u) return 0;
  std::vector<long double> counts(max_u + 1, 0);
  counts[0] = 1;
  for (int i = 1; i <= m; ++i) {
    // Multiply by (1 - q^(n+i)), highest degrees first.
    for (int d = max_u; d >= n + i; --d) counts[d] -= counts[d - n - i];
    // Divide by (1 - q^i): a running sum with stride i.
    for (int d = i; d <= max_u; ++d) counts[d] += counts[d - i];
  }
  long double total = 0;
  long double tail = 0;
  for (int d = 0; d <= max_u; ++d) {
    total += counts[d];
    if (d >= u) tail += counts[d];
  }
  return static_cast<double>(tail / total);
}

// The upper tail of the standard normal distribution.
double NormalSurvival(double z) { return 0.5 * std::erfc(z / std::sqrt(2.0)); }

}  // namespace

MannWhitneyResult MannWhitneyU(const std::vector<double>& x,
                               const std::vector<double>& y) {
  MannWhitneyResult result;
  if (x.empty() || y.empty()) return result;
  const double n1 = static_cast<double>(x.size());
  const double n2 = static_cast<double>(y.size());
  const Ranked ranked = RankPooled(x, y);
  double rank_sum_x = 0;
  for (size_t i = 0; i < x.size(); ++i) rank_sum_x += ranked.ranks[i];
  result.u = rank_sum_x - n1 * (n1 + 1) / 2;
  // The larger of U1 and U2, tested in the upper tail and doubled.
  const double u_max = std::max(result.u, n1 * n2 - result.u);
  const bool ties = ranked.tie_term > 0;
  double p = 1;
  if (!ties && std::min(x.size(), y.size()) <= kExactMaxSmallerSample) {
    result.exact = true;
    p = 2 * ExactSurvival(static_cast<int>(x.size()),
                          static_cast<int>(y.size()),
                          static_cast<int>(std::lround(u_max)));
  } else {
    const double n = n1 + n2;
    const double variance =
        n1 * n2 / 12 * ((n + 1) - ranked.tie_term / (n * (n - 1)));
    if (variance > 0) {
      const double z = (u_max - n1 * n2 / 2 - 0.5) / std::sqrt(variance);
      p = 2 * NormalSurvival(z);
    }
  }
  result.p_value = std::clamp(p, 0.0, 1.0);
  return result;
}

std::vector<double> PooledRanks(const std::vector<double>& x,
                                const std::vector<double>& y) {
  return RankPooled(x, y).ranks;
}

double MinimumTwoSidedPValue(int n1, int n2) {
  if (n1 <= 0 || n2 <= 0) return 1;
  // 2 / C(n1 + n2, n1), computed in logarithms so large n cannot overflow.
  const double log_choose = std::lgamma(n1 + n2 + 1.0) - std::lgamma(n1 + 1.0) -
                            std::lgamma(n2 + 1.0);
  return std::min(1.0, 2 * std::exp(-log_choose));
}

}  // namespace forkcheck
