#include "bench/bare_loop_plan.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "matrix/cell.h"
#include "matrix/trial_spec.h"

namespace forkcheck {
namespace {

using ::testing::ElementsAre;
using Clock = std::chrono::steady_clock;

// The request of a thread_shared trial at `workers` workers, as the
// benchmark's trials get it.
v1::TrialRequest TrialRequest(int workers) {
  Cell cell;
  cell.model = "thread_shared";
  cell.model_name = "thread_shared";
  cell.axes.workers = workers;
  return TrialRequestFor(cell, "127.0.0.1:1", "table", TrialBounds());
}

// A session of `count` streams named "s0", "s1", ...
std::vector<std::string> Streams(int count) {
  std::vector<std::string> streams;
  for (int i = 0; i < count; ++i) streams.push_back(absl::StrCat("s", i));
  return streams;
}

TEST(BareLoopPlanTest, OneThreadReadsBothStreamsOfATrialsSession) {
  // Not the whole table in many short calls: what one trial worker reads.
  const v1::TrialRequest request = TrialRequest(1);
  ASSERT_EQ(request.max_streams(), 2);
  absl::StatusOr<std::vector<std::vector<std::string>>> shares =
      ThreadShares(request, Streams(2));
  ASSERT_TRUE(shares.ok()) << shares.status();
  EXPECT_THAT(*shares, ElementsAre(ElementsAre("s0", "s1")));
}

TEST(BareLoopPlanTest, EachThreadReadsItsWorkersShareAtEveryConcurrency) {
  for (int workers : {1, 2, 3, 4, 8}) {
    SCOPED_TRACE(absl::StrCat(workers, " workers"));
    const v1::TrialRequest request = TrialRequest(workers);
    const std::vector<std::string> session = Streams(request.max_streams());
    absl::StatusOr<std::vector<std::vector<std::string>>> shares =
        ThreadShares(request, session);
    ASSERT_TRUE(shares.ok()) << shares.status();
    ASSERT_EQ(shares->size(), static_cast<size_t>(workers));
    std::set<std::string> read;
    for (int thread = 0; thread < workers; ++thread) {
      const std::vector<std::string>& share = (*shares)[thread];
      // Two streams of 1/(2N) of the table each, as a trial's worker.
      ASSERT_EQ(share.size(), 2u);
      EXPECT_EQ(share[0], absl::StrCat("s", thread));
      EXPECT_EQ(share[1], absl::StrCat("s", thread + workers));
      read.insert(share.begin(), share.end());
    }
    EXPECT_EQ(read.size(), session.size()) << "a stream read twice or never";
  }
}

TEST(BareLoopPlanTest, ASessionOfShorterStreamsThanATrialsIsRefused) {
  EXPECT_FALSE(ThreadShares(TrialRequest(2), Streams(5)).ok());
  v1::TrialRequest unassigned = TrialRequest(2);
  unassigned.set_stream_assignment(v1::STREAM_ASSIGNMENT_UNSPECIFIED);
  EXPECT_FALSE(ThreadShares(unassigned, Streams(4)).ok());
  v1::TrialRequest no_workers = TrialRequest(2);
  no_workers.set_workers(0);
  EXPECT_FALSE(ThreadShares(no_workers, Streams(4)).ok());
  // Fewer streams than asked for (a small table): shared as a trial would.
  absl::StatusOr<std::vector<std::vector<std::string>>> few =
      ThreadShares(TrialRequest(2), Streams(3));
  ASSERT_TRUE(few.ok());
  EXPECT_THAT(*few, ElementsAre(ElementsAre("s0", "s2"), ElementsAre("s1")));
}

TEST(BareLoopPlanTest, TheSpanRunsFromTheFirstResponseToTheLastCallsEnd) {
  const Clock::time_point start = Clock::now();
  const auto at = [start](int micros) {
    return start + std::chrono::microseconds(micros);
  };
  DrainResult empty;  // a call that got no response
  DrainResult first;
  first.payload_bytes = 300;
  first.first_response_at = at(1000);
  DrainResult second;
  second.payload_bytes = 700;
  second.first_response_at = at(5000);
  const ReadSpan span = ThreadSpan(start, {empty, first, second}, at(9000));
  // Not from the start (the fixed cost), nor from the last call's first
  // response: the whole read from its first response on.
  EXPECT_EQ(span.first_row_micros, 1000);
  EXPECT_EQ(span.last_row_micros, 9000);
  EXPECT_EQ(span.bytes, 1000);

  const ReadSpan nothing = ThreadSpan(start, {empty}, at(42));
  EXPECT_EQ(nothing.first_row_micros, 42);
  EXPECT_EQ(nothing.last_row_micros, 42);
  EXPECT_EQ(nothing.bytes, 0);
}

}  // namespace
}  // namespace forkcheck
