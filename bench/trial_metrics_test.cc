#include "bench/trial_metrics.h"

#include "gtest/gtest.h"

namespace forkcheck {
namespace {

constexpr int64_t kStarted = 5'000'000;  // the parent's stamp

v1::WorkerMessage Facts(int64_t started, int connections, int64_t rss) {
  v1::WorkerMessage message;
  message.mutable_parent_facts()->set_workers_started_monotonic_micros(started);
  message.mutable_parent_facts()->set_tcp_connections(connections);
  message.mutable_parent_facts()->mutable_usage()->set_max_rss_kib(rss);
  return message;
}

v1::WorkerMessage Result(int64_t start, int64_t first_row, int64_t done,
                         int64_t rows, int64_t rss) {
  v1::WorkerMessage message;
  v1::WorkerResult* result = message.mutable_result();
  result->set_monotonic_start_micros(start);
  result->set_first_row_micros(first_row);
  result->set_done_micros(done);
  result->set_rows_received(rows);
  result->set_bytes(rows * 10);
  result->mutable_usage()->set_max_rss_kib(rss);
  return message;
}

TrialRecord ThreeWorkers() {
  TrialRecord record;
  record.parent.messages.push_back(Facts(kStarted, -1, 3000));
  record.workers.resize(3);
  // Starts 100, 200, 300 us after the stamp (forks take time); first rows
  // 1000, 3000, 2000 us after each start; done 10, 20, 15 ms after each.
  record.workers[0].messages.push_back(
      Result(kStarted + 100, 1000, 10'000, 100, 5000));
  record.workers[1].messages.push_back(
      Result(kStarted + 200, 3000, 20'000, 200, 7000));
  record.workers[2].messages.push_back(
      Result(kStarted + 300, 2000, 15'000, 300, 6000));
  v1::ResourceUsage usage;
  usage.set_user_micros(700);
  usage.set_system_micros(300);
  usage.set_max_rss_kib(6500);
  usage.set_voluntary_switches(11);
  usage.set_involuntary_switches(4);
  record.trial_usage = usage;
  record.wall = std::chrono::microseconds(90'000);
  return record;
}

TEST(TrialMetricsTest, TimesAreCountedFromTheParentsStamp) {
  absl::StatusOr<TrialMetrics> metrics = MetricsFromTrial(ThreeWorkers());
  ASSERT_TRUE(metrics.ok()) << metrics.status();
  EXPECT_EQ(metrics->rows, 600);
  EXPECT_EQ(metrics->bytes, 6000);
  // The last done: worker 1 at 200 + 20'000.
  EXPECT_EQ(metrics->read_micros, 20'200);
  // First rows at 1100, 3200, 2300 after the stamp: the median is 2300.
  EXPECT_DOUBLE_EQ(metrics->time_to_first_row_micros, 2300);
  EXPECT_EQ(metrics->user_micros, 700);
  EXPECT_EQ(metrics->system_micros, 300);
  EXPECT_EQ(metrics->voluntary_switches, 11);
  EXPECT_EQ(metrics->involuntary_switches, 4);
  // A worker's own peak (7000) beats wait4's 6500.
  EXPECT_EQ(metrics->peak_rss_kib, 7000);
  EXPECT_EQ(metrics->worker_peak_rss_kib, 7000);
  EXPECT_EQ(metrics->parent_peak_rss_kib, 3000);
  EXPECT_EQ(metrics->tcp_connections, -1);
  EXPECT_EQ(metrics->wall_micros, 90'000);
}

TEST(TrialMetricsTest, TheSteadyRateLeavesOutTheTimeBeforeTheFirstRow) {
  absl::StatusOr<TrialMetrics> metrics = MetricsFromTrial(ThreeWorkers());
  ASSERT_TRUE(metrics.ok()) << metrics.status();
  // Spans from first row to done, after the stamp: [1100, 10'100],
  // [3200, 20'200], [2300, 15'300]; together 1100 to 20'200.
  EXPECT_EQ(metrics->steady.bytes, 6000);
  EXPECT_EQ(metrics->steady.micros, 19'100);
  EXPECT_DOUBLE_EQ(*metrics->steady.BytesPerSecond(), 6000 / 19'100e-6);
  // Faster than end to end (6000 bytes over the 20'200 us read).
  EXPECT_GT(*metrics->steady.BytesPerSecond(), 6000 / 20'200e-6);
}

TEST(TrialMetricsTest, TheSteadyRateSkipsTimeWhenNoWorkerWasReading) {
  TrialRecord record = ThreeWorkers();
  // Worker 2 gets its first row 30 ms after its start, once the others are
  // done: its span is [30'300, 45'300].
  record.workers[2].messages[0] =
      Result(kStarted + 300, 30'000, 45'000, 300, 6000);
  absl::StatusOr<TrialMetrics> metrics = MetricsFromTrial(record);
  ASSERT_TRUE(metrics.ok()) << metrics.status();
  EXPECT_EQ(metrics->steady.micros, (20'200 - 1100) + (45'300 - 30'300));
  EXPECT_EQ(metrics->read_micros, 45'300);
}

TEST(TrialMetricsTest, AWorkerWithoutRowsHasNoSteadySpan) {
  TrialRecord record = ThreeWorkers();
  v1::WorkerResult* slow = record.workers[1].messages[0].mutable_result();
  slow->set_rows_received(0);
  slow->set_bytes(0);
  absl::StatusOr<TrialMetrics> metrics = MetricsFromTrial(record);
  ASSERT_TRUE(metrics.ok()) << metrics.status();
  // [1100, 10'100] and [2300, 15'300].
  EXPECT_EQ(metrics->steady.micros, 15'300 - 1100);
  EXPECT_EQ(metrics->steady.bytes, 4000);
}

TEST(TrialMetricsTest, TheMedianOfAnEvenCountIsTheMeanOfTheMiddleTwo) {
  TrialRecord record = ThreeWorkers();
  record.workers.pop_back();
  absl::StatusOr<TrialMetrics> metrics = MetricsFromTrial(record);
  ASSERT_TRUE(metrics.ok()) << metrics.status();
  EXPECT_DOUBLE_EQ(metrics->time_to_first_row_micros, (1100 + 3200) / 2.0);
}

TEST(TrialMetricsTest, AWorkerWithoutRowsHasNoFirstRow) {
  TrialRecord record = ThreeWorkers();
  record.workers[1].messages[0].mutable_result()->set_rows_received(0);
  absl::StatusOr<TrialMetrics> metrics = MetricsFromTrial(record);
  ASSERT_TRUE(metrics.ok()) << metrics.status();
  EXPECT_DOUBLE_EQ(metrics->time_to_first_row_micros, (1100 + 2300) / 2.0);
}

TEST(TrialMetricsTest, MissingStampsOrUsageAreErrors) {
  TrialRecord no_facts = ThreeWorkers();
  no_facts.parent.messages.clear();
  EXPECT_EQ(MetricsFromTrial(no_facts).status().code(),
            absl::StatusCode::kFailedPrecondition);

  TrialRecord unstamped = ThreeWorkers();
  unstamped.parent.messages[0] = Facts(0, 1, 3000);
  EXPECT_EQ(MetricsFromTrial(unstamped).status().code(),
            absl::StatusCode::kFailedPrecondition);

  TrialRecord worker_unstamped = ThreeWorkers();
  worker_unstamped.workers[2]
      .messages[0]
      .mutable_result()
      ->set_monotonic_start_micros(0);
  absl::Status status = MetricsFromTrial(worker_unstamped).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(status.message().find("worker 2"), absl::string_view::npos);

  TrialRecord unreaped = ThreeWorkers();
  unreaped.trial_usage.reset();
  EXPECT_EQ(MetricsFromTrial(unreaped).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(TrialMetricsTest, MergesEveryWorkersSessionCallLatencies) {
  TrialRecord record = ThreeWorkers();
  EXPECT_EQ(MetricsFromTrial(record)->create_session_latency.Count(), 0);
  // Worker 0: 1, 2 ms; worker 2: 3 ms; worker 1 made none.
  v1::WorkerResult* first = record.workers[0].messages[0].mutable_result();
  first->add_create_session_latency_ns(1'000'000);
  first->add_create_session_latency_ns(2'000'000);
  record.workers[2].messages[0].mutable_result()->add_create_session_latency_ns(
      3'000'000);
  absl::StatusOr<TrialMetrics> metrics = MetricsFromTrial(record);
  ASSERT_TRUE(metrics.ok()) << metrics.status();
  EXPECT_EQ(metrics->create_session_latency.Count(), 3);
  EXPECT_EQ(metrics->create_session_latency.Min(), 1'000'000);
  EXPECT_EQ(metrics->create_session_latency.Max(), 3'000'000);
}

TEST(TrialMetricsTest, SumsEveryWritersAppendsAndMergesTheirLatencies) {
  TrialRecord record = ThreeWorkers();
  const int64_t appends[] = {1, 2, 3};
  for (int i = 0; i < 3; ++i) {
    v1::WorkerResult* result = record.workers[i].messages[0].mutable_result();
    result->set_appends(appends[i]);
    for (int64_t a = 1; a <= appends[i]; ++a) {
      result->add_append_latency_ns(a * 1'000'000);
    }
  }
  absl::StatusOr<TrialMetrics> metrics = MetricsFromTrial(record);
  ASSERT_TRUE(metrics.ok()) << metrics.status();
  EXPECT_EQ(metrics->appends, std::optional<int64_t>(6));
  EXPECT_TRUE(metrics->append_latency_known);
  EXPECT_EQ(metrics->append_latency.Count(), 6);
  EXPECT_EQ(metrics->append_latency.Max(), 3'000'000);
}

// A testee that leaves the write fields out (the Python one): unknown,
// never 0 appends or an empty histogram taken for a measurement.
TEST(TrialMetricsTest, WriteFieldsLeftOutAreUnknown) {
  TrialRecord record = ThreeWorkers();
  for (int i = 0; i < 3; ++i) {
    v1::WorkerResult* result = record.workers[i].messages[0].mutable_result();
    if (i != 1) result->set_appends(1);
    if (i != 1) result->add_append_latency_ns(1'000'000);
  }
  absl::StatusOr<TrialMetrics> metrics = MetricsFromTrial(record);
  ASSERT_TRUE(metrics.ok()) << metrics.status();
  EXPECT_EQ(metrics->appends, std::nullopt);
  EXPECT_FALSE(metrics->append_latency_known);
}

// A writer that acknowledged no rows has no latency to report: the
// others' are still the trial's.
TEST(TrialMetricsTest, AWorkerWithoutRowsNeedsNoLatencies) {
  TrialRecord record = ThreeWorkers();
  for (int i = 0; i < 3; ++i) {
    v1::WorkerResult* result = record.workers[i].messages[0].mutable_result();
    result->set_appends(i == 0 ? 0 : 1);
    if (i == 0) result->set_rows_received(0);
    if (i != 0) result->add_append_latency_ns(1'000'000);
  }
  absl::StatusOr<TrialMetrics> metrics = MetricsFromTrial(record);
  ASSERT_TRUE(metrics.ok()) << metrics.status();
  EXPECT_EQ(metrics->appends, std::optional<int64_t>(2));
  EXPECT_TRUE(metrics->append_latency_known);
  EXPECT_EQ(metrics->append_latency.Count(), 2);
}

}  // namespace
}  // namespace forkcheck
