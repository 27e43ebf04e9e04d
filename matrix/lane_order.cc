#include "matrix/lane_order.h"

#include <tuple>

#include "matrix/stopping_rule.h"

namespace forkcheck {

bool ServesBefore(const CellStanding& a, const CellStanding& b) {
  const auto rank = [](const CellStanding& s) {
    return std::make_tuple(!s.below_minimum, s.decided_if_in_flight_agree,
                           !s.departs_from_record, !s.headline, s.settled,
                           s.remaining_micros, s.started);
  };
  return rank(a) < rank(b);
}

bool Settled(const RateVerdict& workers,
             const std::optional<RateVerdict>& parent) {
  const bool parent_mixed = parent.has_value() && Mixed(*parent);
  if (Mixed(workers) || parent_mixed) return true;
  // Workers that can never be safe now (a one-group verdict is final);
  // only the parent's part still needs trials.
  const bool workers_not_safe = workers.verdict == SafetyVerdict::kUnsafe ||
                                workers.verdict == SafetyVerdict::kNeedsRetry;
  return workers_not_safe && parent.has_value() &&
         parent->verdict == SafetyVerdict::kUndecided;
}

bool DepartsFromRecord(const OutcomeCounts& recorded, const OutcomeCounts& now,
                       const VerdictRule& rule) {
  if (recorded.total() == 0 || now.total() == 0) return false;
  const double expected = Judge(recorded, rule).failure_rate();
  const stats::RateInterval seen = Judge(now, rule).failure_interval;
  return expected < seen.low || expected > seen.high;
}

}  // namespace forkcheck
