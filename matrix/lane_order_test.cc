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

TEST(LaneOrderTest, ACellDepartingFromItsRecordBeforeAHeadlineCell) {
  CellStanding departing = Standing(false, 90000000);
  departing.departs_from_record = true;
  EXPECT_TRUE(ServesBefore(departing, Standing(true, 1)));
  EXPECT_FALSE(ServesBefore(Standing(true, 1), departing));
  // Minimum trials still come first.
  CellStanding short_of_minimum = Standing(false, 90000000, 1);
  short_of_minimum.below_minimum = true;
  EXPECT_TRUE(ServesBefore(short_of_minimum, departing));
}

OutcomeCounts Counts(int ok, int hang) {
  OutcomeCounts counts;
  if (ok > 0) counts.counts[OutcomeKind::kOk] = ok;
  if (hang > 0) counts.counts[OutcomeKind::kHang] = hang;
  return counts;
}

TEST(LaneOrderTest, AHangInACellRecordedSafeInAThousandTrialsDeparts) {
  const VerdictRule rule;
  // Recorded 0 of 1000: the interval's upper bound is 0.37%.
  EXPECT_TRUE(DepartsFromRecord(Counts(1000, 0), Counts(1, 1), rule));
  EXPECT_FALSE(DepartsFromRecord(Counts(1000, 0), Counts(2, 0), rule));
}

TEST(LaneOrderTest, TrialsWithinTheRecordedIntervalDoNotDepart) {
  const VerdictRule rule;
  // Recorded 3 of 20 failed: [3.2%, 38%]; 1 of 4 is inside it.
  EXPECT_FALSE(DepartsFromRecord(Counts(17, 3), Counts(3, 1), rule));
  // None of 4 failed lies below it, as 3 of 4 lies above it.
  EXPECT_TRUE(DepartsFromRecord(Counts(17, 3), Counts(4, 0), rule));
  EXPECT_TRUE(DepartsFromRecord(Counts(17, 3), Counts(1, 3), rule));
}

TEST(LaneOrderTest, NoTrialsOnEitherSideIsNoDeparture) {
  const VerdictRule rule;
  EXPECT_FALSE(DepartsFromRecord(OutcomeCounts{}, Counts(0, 2), rule));
  EXPECT_FALSE(DepartsFromRecord(Counts(0, 8), OutcomeCounts{}, rule));
}

TEST(LaneOrderTest, ACellItsTrialsInFlightMayDecideWaits) {
  CellStanding waiting = Standing(true, 0);
  waiting.decided_if_in_flight_agree = true;
  EXPECT_TRUE(ServesBefore(Standing(false, 9000000), waiting));
}

}  // namespace
}  // namespace forkcheck
