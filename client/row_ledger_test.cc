#include "client/row_ledger.h"

#include <random>
#include <set>
#include <vector>

#include "gtest/gtest.h"

namespace forkcheck {
namespace {

using Ranges = std::vector<RowIdRange>;

TEST(RowLedgerTest, CountsNewDuplicateAndOutOfRange) {
  RowLedger ledger(10);
  EXPECT_TRUE(ledger.Record(0));
  EXPECT_TRUE(ledger.Record(9));
  EXPECT_FALSE(ledger.Record(9));
  EXPECT_FALSE(ledger.Record(10));
  EXPECT_FALSE(ledger.Record(-1));
  EXPECT_EQ(ledger.unique(), 2);
  EXPECT_EQ(ledger.duplicates(), 1);
  EXPECT_EQ(ledger.out_of_range(), 2);
  EXPECT_EQ(ledger.recorded(), 5);
  EXPECT_EQ(ledger.missing(), 8);
  EXPECT_TRUE(ledger.Seen(9));
  EXPECT_FALSE(ledger.Seen(5));
  EXPECT_FALSE(ledger.Seen(10));
  EXPECT_FALSE(ledger.exactly_once());
}

TEST(RowLedgerTest, EmptyTableIsExactlyOnce) {
  RowLedger ledger(0);
  EXPECT_TRUE(ledger.exactly_once());
  EXPECT_TRUE(ledger.SeenRanges().empty());
  EXPECT_TRUE(ledger.MissingRanges().empty());
  EXPECT_FALSE(ledger.Record(0));
  EXPECT_EQ(ledger.out_of_range(), 1);
  EXPECT_FALSE(ledger.exactly_once());
  EXPECT_EQ(RowLedger(-5).row_count(), 0);
}

TEST(RowLedgerTest, RangesAcrossWordBoundaries) {
  RowLedger ledger(200);
  for (int64_t id = 0; id < 64; ++id) ledger.Record(id);
  ledger.Record(65);
  for (int64_t id = 127; id < 200; ++id) ledger.Record(id);
  EXPECT_EQ(ledger.SeenRanges(), (Ranges{{0, 64}, {65, 66}, {127, 200}}));
  EXPECT_EQ(ledger.MissingRanges(), (Ranges{{64, 65}, {66, 127}}));
  EXPECT_EQ(ledger.MissingIn(60, 70), (Ranges{{64, 65}, {66, 70}}));
  EXPECT_EQ(ledger.MissingIn(-100, 65), (Ranges{{64, 65}}));
  EXPECT_EQ(ledger.MissingIn(150, 1000), Ranges{});
  EXPECT_EQ(ledger.MissingIn(70, 60), Ranges{});
  EXPECT_EQ(ledger.CountMissingIn(0, 200), 62);
  EXPECT_EQ(ledger.missing(), 62);
}

TEST(RowLedgerTest, FullLedgerOfMillionsOfRows) {
  constexpr int64_t kRows = 3000001;
  RowLedger ledger(kRows);
  for (int64_t id = kRows - 1; id >= 0; --id) ledger.Record(id);
  EXPECT_TRUE(ledger.exactly_once());
  EXPECT_EQ(ledger.SeenRanges(), (Ranges{{0, kRows}}));
  EXPECT_TRUE(ledger.MissingRanges().empty());
}

TEST(RowLedgerTest, MergeCountsOverlapAsDuplicates) {
  RowLedger a(100);
  RowLedger b(100);
  for (int64_t id = 0; id < 60; ++id) a.Record(id);
  a.Record(5);     // duplicate within a
  a.Record(1000);  // stray
  for (int64_t id = 50; id < 100; ++id) b.Record(id);
  b.Record(-3);
  ASSERT_TRUE(a.Merge(b).ok());
  EXPECT_EQ(a.unique(), 100);
  EXPECT_EQ(a.duplicates(), 1 + 10);
  EXPECT_EQ(a.out_of_range(), 2);
  EXPECT_EQ(a.recorded(), 62 + 51);
  EXPECT_TRUE(a.complete());
  EXPECT_FALSE(a.exactly_once());
}

TEST(RowLedgerTest, MergeDisjointIsExactlyOnce) {
  RowLedger a(130);
  RowLedger b(130);
  for (int64_t id = 0; id < 130; ++id) (id % 3 == 0 ? a : b).Record(id);
  ASSERT_TRUE(a.Merge(b).ok());
  EXPECT_TRUE(a.exactly_once());
}

TEST(RowLedgerTest, MergeRejectsDifferentTables) {
  RowLedger a(10);
  RowLedger b(11);
  absl::Status status = a.Merge(b);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("11 rows"), std::string::npos);
}

TEST(RowLedgerTest, RoundTripThroughRanges) {
  RowLedger ledger(1000);
  for (int64_t id = 3; id < 1000; id += 7) ledger.Record(id);
  for (int64_t id = 500; id < 700; ++id) ledger.Record(id);
  absl::StatusOr<RowLedger> copy =
      RowLedger::FromRanges(ledger.row_count(), ledger.SeenRanges(),
                            ledger.duplicates(), ledger.out_of_range());
  ASSERT_TRUE(copy.ok()) << copy.status();
  EXPECT_EQ(copy->unique(), ledger.unique());
  EXPECT_EQ(copy->duplicates(), ledger.duplicates());
  EXPECT_EQ(copy->SeenRanges(), ledger.SeenRanges());
  EXPECT_EQ(copy->MissingRanges(), ledger.MissingRanges());
}

TEST(RowLedgerTest, FromRangesRejectsBadRanges) {
  EXPECT_FALSE(RowLedger::FromRanges(10, {{0, 5}, {4, 8}}, 0, 0).ok());
  EXPECT_FALSE(RowLedger::FromRanges(10, {{5, 8}, {0, 2}}, 0, 0).ok());
  EXPECT_FALSE(RowLedger::FromRanges(10, {{3, 3}}, 0, 0).ok());
  EXPECT_FALSE(RowLedger::FromRanges(10, {{8, 11}}, 0, 0).ok());
  EXPECT_FALSE(RowLedger::FromRanges(10, {{-1, 2}}, 0, 0).ok());
  EXPECT_FALSE(RowLedger::FromRanges(10, {}, -1, 0).ok());
  EXPECT_FALSE(RowLedger::FromRanges(-1, {}, 0, 0).ok());
  absl::StatusOr<RowLedger> bad =
      RowLedger::FromRanges(10, {{0, 5}, {4, 8}}, 0, 0);
  EXPECT_NE(bad.status().message().find("seen[1]"), std::string::npos);
  absl::StatusOr<RowLedger> ok =
      RowLedger::FromRanges(10, {{0, 5}, {5, 10}}, 2, 1);
  ASSERT_TRUE(ok.ok());
  EXPECT_TRUE(ok->complete());
  EXPECT_EQ(ok->duplicates(), 2);
  EXPECT_EQ(ok->out_of_range(), 1);
}

TEST(RowLedgerTest, MatchesASetOnRandomInput) {
  std::mt19937_64 random(42);
  for (int64_t rows : {1, 63, 64, 65, 1000}) {
    RowLedger ledger(rows);
    std::set<int64_t> seen;
    int64_t duplicates = 0;
    int64_t strays = 0;
    std::uniform_int_distribution<int64_t> id(-2, rows + 1);
    for (int i = 0; i < 3 * rows; ++i) {
      const int64_t row = id(random);
      const bool in_range = row >= 0 && row < rows;
      const bool is_new = in_range && seen.insert(row).second;
      if (!in_range)
        ++strays;
      else if (!is_new)
        ++duplicates;
      EXPECT_EQ(ledger.Record(row), is_new);
    }
    EXPECT_EQ(ledger.unique(), static_cast<int64_t>(seen.size()));
    EXPECT_EQ(ledger.duplicates(), duplicates);
    EXPECT_EQ(ledger.out_of_range(), strays);
    int64_t covered = 0;
    int64_t previous_end = -1;
    for (const RowIdRange& r : ledger.SeenRanges()) {
      EXPECT_GT(r.begin, previous_end);  // maximal: never adjacent
      for (int64_t x = r.begin; x < r.end; ++x) EXPECT_EQ(seen.count(x), 1u);
      covered += r.size();
      previous_end = r.end;
    }
    EXPECT_EQ(covered, static_cast<int64_t>(seen.size()));
    EXPECT_EQ(ledger.CountMissingIn(0, rows),
              rows - static_cast<int64_t>(seen.size()));
  }
}

TEST(FormatRangesTest, Format) {
  EXPECT_EQ(FormatRanges({}), "");
  EXPECT_EQ(FormatRanges({{0, 100}, {200, 201}}), "0-99,200");
  EXPECT_EQ(FormatRanges({{0, 1}, {2, 3}, {4, 5}}, 2),
            "0,2,... (1 more ranges)");
  EXPECT_EQ(FormatRanges({{0, 1}}, 0), "... (1 more ranges)");
}

}  // namespace
}  // namespace forkcheck
