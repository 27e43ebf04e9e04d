#include "matrix/lane_order.h"

#include <tuple>

namespace forkcheck {

bool ServesBefore(const CellStanding& a, const CellStanding& b) {
  const auto rank = [](const CellStanding& s) {
    return std::make_tuple(!s.below_minimum, s.decided_if_in_flight_agree,
                           !s.headline, s.remaining_micros, s.started);
  };
  return rank(a) < rank(b);
}

}  // namespace forkcheck
