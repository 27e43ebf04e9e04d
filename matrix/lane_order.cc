#include "matrix/lane_order.h"

#include <tuple>

namespace forkcheck {

bool ServesBefore(const CellStanding& a, const CellStanding& b) {
  const auto rank = [](const CellStanding& s) {
    return std::make_tuple(!s.below_minimum, s.decided_if_in_flight_agree,
                           !s.departs_from_record, !s.headline,
                           s.only_sharpening, s.remaining_micros, s.started);
  };
  return rank(a) < rank(b);
}

bool DepartsFromRecord(const OutcomeCounts& recorded, const OutcomeCounts& now,
                       const VerdictRule& rule) {
  if (recorded.total() == 0 || now.total() == 0) return false;
  const double expected = Judge(recorded, rule).failure_rate();
  const stats::RateInterval seen = Judge(now, rule).failure_interval;
  return expected < seen.low || expected > seen.high;
}

}  // namespace forkcheck
