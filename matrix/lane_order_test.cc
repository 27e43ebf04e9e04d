#include "matrix/lane_order.h"

#include "gtest/gtest.h"

namespace forkcheck {
namespace {

CellStanding Standing(bool headline, int64_t remaining_micros,
                      int started = 2) {
  CellStanding s;
  s.headline = headline;
  s.remaining_micros = remaining_micros;
  s.started = started;
  return s;
}

TEST(LaneOrderTest, MinimumTrialsComeFirst) {
  CellStanding short_of_minimum = Standing(false, 90000000, 1);
  short_of_minimum.below_minimum = true;
  EXPECT_TRUE(ServesBefore(short_of_minimum, Standing(true, 1)));
  EXPECT_FALSE(ServesBefore(Standing(true, 1), short_of_minimum));
}

TEST(LaneOrderTest, AHeadlineCellBeforeANearerStressCell) {
  const CellStanding baseline = Standing(true, 30000000);
  const CellStanding stress = Standing(false, 1000000);
  EXPECT_TRUE(ServesBefore(baseline, stress));
  EXPECT_FALSE(ServesBefore(stress, baseline));
}

TEST(LaneOrderTest, AmongHeadlineCellsTheNearestFirst) {
  EXPECT_TRUE(ServesBefore(Standing(true, 1000000), Standing(true, 2000000)));
  EXPECT_FALSE(ServesBefore(Standing(true, 2000000), Standing(true, 1000000)));
  // Equal time: the fewer started.
  EXPECT_TRUE(ServesBefore(Standing(false, 5, 3), Standing(false, 5, 4)));
}

TEST(LaneOrderTest, ACellItsTrialsInFlightMayDecideWaits) {
  CellStanding waiting = Standing(true, 0);
  waiting.decided_if_in_flight_agree = true;
  EXPECT_TRUE(ServesBefore(Standing(false, 9000000), waiting));
}

}  // namespace
}  // namespace forkcheck
