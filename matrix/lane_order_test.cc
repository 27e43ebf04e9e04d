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

TEST(LaneOrderTest, ACellOnItsWayBeforeOneThatOnlySharpensARate) {
  // A safe-looking cell 20 trials (and 20 s) from its verdict before a
  // mixed one 2 trials from its flaky look, which cannot end safe.
  CellStanding sharpening = Standing(true, 2000000);
  sharpening.only_sharpening = true;
  const CellStanding safe_looking = Standing(true, 20000000);
  EXPECT_TRUE(ServesBefore(safe_looking, sharpening));
  EXPECT_FALSE(ServesBefore(sharpening, safe_looking));
  // Among those, the nearest first.
  CellStanding farther = Standing(true, 3000000);
  farther.only_sharpening = true;
  EXPECT_TRUE(ServesBefore(sharpening, farther));
  // Still a headline cell before a stress cell; and a cell departing from
  // its record, short of its minimum, or not waiting on its trials in
  // flight comes first whatever it is sharpening.
  EXPECT_TRUE(ServesBefore(sharpening, Standing(false, 1)));
  CellStanding departing = sharpening;
  departing.departs_from_record = true;
  EXPECT_TRUE(ServesBefore(departing, safe_looking));
  CellStanding short_of_minimum = sharpening;
  short_of_minimum.below_minimum = true;
  EXPECT_TRUE(ServesBefore(short_of_minimum, safe_looking));
  CellStanding waiting = safe_looking;
  waiting.decided_if_in_flight_agree = true;
  EXPECT_TRUE(ServesBefore(sharpening, waiting));
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
  // Recorded 0 of 1000; 1 hang in 2 trials: [1.3%, 99%] excludes 0.
  EXPECT_TRUE(DepartsFromRecord(Counts(1000, 0), Counts(1, 1), rule));
  EXPECT_FALSE(DepartsFromRecord(Counts(1000, 0), Counts(2, 0), rule));
}

TEST(LaneOrderTest, TrialsThatCannotTellFromTheRecordDoNotDepart) {
  const VerdictRule rule;
  // Recorded 150 of 1000 failed (15%, [13%, 17%]): 1 of 4 ([0.6%, 81%])
  // and even none of 4 ([0%, 60%]) are what 15% gives often, though both
  // shares lie outside the record's narrow interval.
  EXPECT_FALSE(DepartsFromRecord(Counts(850, 150), Counts(3, 1), rule));
  EXPECT_FALSE(DepartsFromRecord(Counts(850, 150), Counts(4, 0), rule));
  // Too few failures for 15% in 30 trials (none: [0%, 11.6%]), or too
  // many in 4 (3: [19%, 99%]).
  EXPECT_TRUE(DepartsFromRecord(Counts(850, 150), Counts(30, 0), rule));
  EXPECT_TRUE(DepartsFromRecord(Counts(850, 150), Counts(1, 3), rule));
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
