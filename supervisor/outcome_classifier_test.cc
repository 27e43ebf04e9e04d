#include "supervisor/outcome_classifier.h"

#include <signal.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/subprocess.h"
#include "gtest/gtest.h"

namespace forkcheck {
namespace {

// Wait statuses as waitpid() reports them.
int KilledBy(int signal) { return signal; }
int ExitedWith(int code) { return code << 8; }

v1::WorkerMessage Versioned() {
  v1::WorkerMessage message;
  message.set_format_version(1);
  return message;
}

v1::WorkerMessage PhaseMessage(v1::Phase phase) {
  v1::WorkerMessage message = Versioned();
  message.mutable_phase()->set_phase(phase);
  return message;
}

v1::WorkerMessage ResultMessage(int64_t begin, int64_t end) {
  v1::WorkerMessage message = Versioned();
  v1::RowIdRange* seen = message.mutable_result()->add_seen();
  seen->set_begin(begin);
  seen->set_end(end);
  return message;
}

v1::WorkerMessage ExitMessage(int worker, int wait_status) {
  v1::WorkerMessage message = Versioned();
  message.mutable_worker_exit()->set_worker(worker);
  message.mutable_worker_exit()->set_wait_status(wait_status);
  return message;
}

TrialRecord Record(int workers) {
  TrialRecord record;
  record.workers.resize(workers);
  record.trial_wait_status = 0;
  return record;
}

TEST(OutcomeClassifierTest, NamesAndSeverityOrder) {
  EXPECT_EQ(OutcomeKindName(OutcomeKind::kWrongData), "wrong_data");
  EXPECT_EQ(OutcomeKindName(OutcomeKind::kHang), "hang");
  EXPECT_EQ(WorseOf(OutcomeKind::kError, OutcomeKind::kWrongData),
            OutcomeKind::kWrongData);
  EXPECT_EQ(WorseOf(OutcomeKind::kHang, OutcomeKind::kWrongData),
            OutcomeKind::kHang);
  EXPECT_EQ(WorseOf(OutcomeKind::kHang, OutcomeKind::kCrash),
            OutcomeKind::kCrash);
  EXPECT_EQ(WorseOf(OutcomeKind::kOk, OutcomeKind::kError),
            OutcomeKind::kError);
}

TEST(OutcomeClassifierTest, TheWatchdogsSigkillIsAHangNotACrash) {
  TrialRecord record = Record(1);
  record.watchdog_fired = true;
  record.workers[0].messages = {PhaseMessage(v1::PHASE_STARTED),
                                PhaseMessage(v1::PHASE_CLIENT_CREATED)};
  record.parent.messages = {ExitMessage(0, KilledBy(SIGKILL))};
  TrialOutcome outcome = ClassifyTrial(record, -1, false);
  EXPECT_EQ(outcome.workers[0].kind, OutcomeKind::kHang);
  EXPECT_EQ(outcome.workers[0].detail, "hang in connect");

  // Without the watchdog, a SIGKILL is someone else's: a crash.
  record.watchdog_fired = false;
  outcome = ClassifyTrial(record, -1, false);
  EXPECT_EQ(outcome.workers[0].kind, OutcomeKind::kCrash);
  EXPECT_EQ(outcome.workers[0].signal, SIGKILL);
  EXPECT_EQ(outcome.workers[0].detail, "SIGKILL");
}

TEST(OutcomeClassifierTest, ProtocolErrorsAndMisplacedMessagesAreErrors) {
  TrialRecord record = Record(2);
  record.workers[0].messages = {ResultMessage(0, 10)};
  record.workers[0].protocol_error = "frame 1 has no body";
  record.workers[1].messages = {ResultMessage(10, 20), ExitMessage(0, 0)};
  TrialOutcome outcome = ClassifyTrial(record, 20, false);
  EXPECT_EQ(outcome.workers[0].kind, OutcomeKind::kError);
  EXPECT_EQ(outcome.workers[0].detail, "protocol error: frame 1 has no body");
  EXPECT_EQ(outcome.workers[1].detail,
            "protocol error: a worker pipe carried a worker_exit message");
}

TEST(OutcomeClassifierTest, OverlappingRangesAreDuplicatesAcrossWorkers) {
  TrialRecord record = Record(2);
  record.workers[0].messages = {ResultMessage(0, 60)};
  record.workers[1].messages = {ResultMessage(50, 100)};
  TrialOutcome outcome = ClassifyTrial(record, 100, false);
  EXPECT_EQ(outcome.missing_rows, 0);
  EXPECT_EQ(outcome.duplicate_rows, 10);
  EXPECT_EQ(outcome.overall, OutcomeKind::kWrongData);
  EXPECT_EQ(outcome.workers[1].detail, "10 rows seen by more than one worker");
}

TEST(OutcomeClassifierTest, CorruptResponsesSayWhatWasWrong) {
  TrialRecord record = Record(1);
  v1::WorkerMessage message = ResultMessage(0, 100);
  v1::WorkerResult* result = message.mutable_result();
  result->set_corrupt_responses(1);
  result->add_streams()->set_stream("s0");  // read cleanly
  v1::StreamOutcome* stream = result->add_streams();
  stream->set_stream("s1");
  stream->set_last_corruption("response at offset 0 (100 rows): bad Avro");
  record.workers[0].messages = {message};
  TrialOutcome outcome = ClassifyTrial(record, 100, false);
  EXPECT_EQ(outcome.overall, OutcomeKind::kWrongData);
  EXPECT_EQ(outcome.workers[0].detail,
            "1 corrupt responses (last on s1: response at offset 0 (100 "
            "rows): bad Avro)");
}

// Worker 0 delivered rows [0, 50) of 100; worker 1's result is the error
// `code`, `message`.
TrialRecord OneDeliveredOneFailed(int code, const std::string& message) {
  TrialRecord record = Record(2);
  record.workers[0].messages = {ResultMessage(0, 50)};
  v1::WorkerMessage failed = Versioned();
  failed.mutable_result()->set_status_code(code);
  failed.mutable_result()->set_status_message(message);
  record.workers[1].messages = {failed};
  return record;
}

TEST(OutcomeClassifierTest, MissingRowsAreNotBlamedOnWorkersThatDelivered) {
  // Worker 1 failed, which explains its rows: worker 0 stays ok.
  TrialOutcome outcome =
      ClassifyTrial(OneDeliveredOneFailed(4, "deadline"), 100, false);
  EXPECT_EQ(outcome.missing_rows, 50);
  EXPECT_EQ(outcome.workers[0].kind, OutcomeKind::kOk);
  EXPECT_EQ(outcome.workers[1].detail, "DEADLINE_EXCEEDED: deadline");
  EXPECT_EQ(outcome.overall, OutcomeKind::kError);
}

// Two writers that each acknowledged their half of 100 rows.
TrialRecord TwoWritersDelivered() {
  TrialRecord record = Record(2);
  record.workers[0].messages = {ResultMessage(0, 50)};
  record.workers[1].messages = {ResultMessage(50, 100)};
  return record;
}

// With `table`, TwoWritersDelivered() is ok, nothing missing or repeated.
void ExpectTwoWritersOk(const TableReadBack& table) {
  TrialOutcome outcome =
      ClassifyTrial(TwoWritersDelivered(), 100, false, table);
  EXPECT_EQ(outcome.overall, OutcomeKind::kOk);
  EXPECT_EQ(outcome.missing_rows, 0);
  EXPECT_EQ(outcome.duplicate_rows, 0);
}

TEST(OutcomeClassifierTest, AWrittenTableHoldingExactlyItsRowsLeavesWritersOk) {
  TableReadBack table;
  table.rows_read = 100;
  EXPECT_TRUE(table.HoldsExactly());
  ExpectTwoWritersOk(table);
}

TEST(OutcomeClassifierTest, AWrittenTableWithWrongRowsMakesWritersWrongData) {
  TrialRecord record = TwoWritersDelivered();
  // Worker 1 needed a retry: it would be ok_after_retry, and is wrong_data.
  record.workers[1].messages[0].mutable_result()->set_retries(1);
  TableReadBack table;
  table.rows_read = 91;
  table.missing_rows = 12;
  table.duplicate_rows = 3;
  EXPECT_FALSE(table.HoldsExactly());
  TrialOutcome outcome = ClassifyTrial(record, 100, false, table);
  EXPECT_EQ(outcome.overall, OutcomeKind::kWrongData);
  for (const WorkerOutcome& worker : outcome.workers) {
    EXPECT_EQ(worker.kind, OutcomeKind::kWrongData);
    EXPECT_EQ(worker.detail, "table read back: 12 rows missing, 3 duplicated");
  }
  EXPECT_EQ(outcome.missing_rows, 12);
  EXPECT_EQ(outcome.duplicate_rows, 3);

  table = TableReadBack();
  table.out_of_range_rows = 1;
  table.corrupted_rows = 2;
  table.corrupt_responses = 1;
  outcome = ClassifyTrial(record, 100, false, table);
  EXPECT_EQ(outcome.workers[0].detail,
            "table read back: 1 out of range, 2 corrupted, 1 corrupt "
            "responses");
}

TEST(OutcomeClassifierTest, AWrittenTableIsNotHeldAgainstWritersIfOneFailed) {
  TableReadBack table;
  table.rows_read = 50;
  table.missing_rows = 50;
  TrialOutcome outcome = ClassifyTrial(
      OneDeliveredOneFailed(14, "connection reset"), 100, false, table);
  EXPECT_EQ(outcome.workers[0].kind, OutcomeKind::kOk);
  EXPECT_EQ(outcome.workers[1].kind, OutcomeKind::kError);
  EXPECT_EQ(outcome.overall, OutcomeKind::kError);
  EXPECT_EQ(outcome.missing_rows, 50);
}

TEST(OutcomeClassifierTest, AnUnreadTableJudgesNothing) {
  // The caller makes the trial a harness error; the classifier neither
  // blames the writers nor counts the table's (unknown) rows.
  TableReadBack table;
  table.unreadable = "read_table did not answer within 5 s";
  table.missing_rows = 100;
  EXPECT_FALSE(table.HoldsExactly());
  ExpectTwoWritersOk(table);
}

TEST(OutcomeClassifierTest, OnlyATableReadWithWrongRowsIsWordedWrong) {
  TableReadBack table;
  EXPECT_EQ(DescribeWrongTable(table), "");
  table.missing_rows = 12;
  table.duplicate_rows = 3;
  EXPECT_EQ(DescribeWrongTable(table),
            "table read back: 12 rows missing, 3 duplicated");
  table.unreadable = "read_table did not answer within 5 s";
  EXPECT_EQ(DescribeWrongTable(table), "");
}

TEST(OutcomeClassifierTest, WritersWrongRowsAndTheTablesAreBothNamed) {
  // Worker 1 claims rows worker 0 wrote too, and the table has them twice.
  TrialRecord record = Record(2);
  record.workers[0].messages = {ResultMessage(0, 60)};
  record.workers[1].messages = {ResultMessage(50, 100)};
  TableReadBack table;
  table.duplicate_rows = 10;
  TrialOutcome outcome = ClassifyTrial(record, 100, false, table);
  EXPECT_EQ(outcome.workers[0].detail,
            "10 rows seen by more than one worker, table read back: 10 "
            "duplicated");
  EXPECT_EQ(outcome.duplicate_rows, 10);
}

TEST(OutcomeClassifierTest, UnknownExpectedRowsCountNothingMissing) {
  TrialRecord record = Record(1);
  record.workers[0].messages = {ResultMessage(5, 10)};
  TrialOutcome outcome = ClassifyTrial(record, -1, false);
  EXPECT_EQ(outcome.missing_rows, 0);
  EXPECT_EQ(outcome.overall, OutcomeKind::kOk);
}

TEST(OutcomeClassifierTest, ExitsAndParentChecks) {
  TrialRecord record = Record(1);
  record.workers[0].messages = {ResultMessage(0, 10)};
  record.parent.messages = {ExitMessage(0, ExitedWith(3))};
  record.trial_wait_status = KilledBy(SIGSEGV);
  TrialOutcome outcome = ClassifyTrial(record, 10, true);
  EXPECT_EQ(outcome.workers[0].detail,
            "exited with status 3 after an OK result");
  ASSERT_TRUE(outcome.parent_after.has_value());
  EXPECT_EQ(outcome.parent_after->kind, OutcomeKind::kCrash);
  EXPECT_EQ(outcome.parent_after->detail, "parent: SIGSEGV");

  v1::WorkerMessage check = Versioned();
  check.mutable_parent_check()->set_status_code(99);
  check.mutable_parent_check()->set_status_message("odd");
  record.parent.messages.push_back(check);
  outcome = ClassifyTrial(record, 10, false);  // reported even unasked
  ASSERT_TRUE(outcome.parent_after.has_value());
  EXPECT_EQ(outcome.parent_after->detail, "code 99: odd");
}

v1::WorkerMessage RetriedResult(int64_t begin, int64_t end, int64_t retries,
                                int64_t injected, int code,
                                const std::string& message) {
  v1::WorkerMessage result = ResultMessage(begin, end);
  result.mutable_result()->set_retries(retries);
  result.mutable_result()->set_injected_fault_retries(injected);
  result.mutable_result()->set_first_retried_status_code(code);
  result.mutable_result()->set_first_retried_status_message(message);
  return result;
}

TEST(OutcomeClassifierTest, OkAfterRetryRanksBetweenOkAndError) {
  EXPECT_EQ(OutcomeKindName(OutcomeKind::kOkAfterRetry), "ok_after_retry");
  EXPECT_EQ(WorseOf(OutcomeKind::kOk, OutcomeKind::kOkAfterRetry),
            OutcomeKind::kOkAfterRetry);
  EXPECT_EQ(WorseOf(OutcomeKind::kOkAfterRetry, OutcomeKind::kError),
            OutcomeKind::kError);
}

TEST(OutcomeClassifierTest, AWorkerThatNeededARetryIsOkAfterRetry) {
  TrialRecord record = Record(2);
  record.workers[0].messages = {
      RetriedResult(0, 50, 1, 0, 14, "Socket operation on non-socket")};
  record.workers[1].messages = {ResultMessage(50, 100)};
  TrialOutcome outcome = ClassifyTrial(record, 100, false);
  EXPECT_EQ(outcome.workers[0].kind, OutcomeKind::kOkAfterRetry);
  EXPECT_EQ(outcome.workers[0].detail,
            "ok after 1 retry (first: UNAVAILABLE: Socket operation on "
            "non-socket)");
  EXPECT_EQ(outcome.workers[0].retries, 1);
  EXPECT_EQ(outcome.workers[0].first_retried_failure,
            "UNAVAILABLE: Socket operation on non-socket");
  EXPECT_EQ(DescribeWorkerOutcome(outcome.workers[0]),
            "ok_after_retry (ok after 1 retry (first: UNAVAILABLE: Socket "
            "operation on non-socket))");
  EXPECT_EQ(outcome.workers[1].kind, OutcomeKind::kOk);
  EXPECT_EQ(outcome.workers[1].retries, 0);
  EXPECT_EQ(outcome.workers[1].first_retried_failure, "");
  EXPECT_EQ(outcome.overall, OutcomeKind::kOkAfterRetry);
}

TEST(OutcomeClassifierTest, RetriesOfInjectedFaultsLeaveAWorkerOk) {
  // The matrix's rst_stream script resets every stream once on purpose.
  TrialRecord record = Record(1);
  record.workers[0].messages = {RetriedResult(0, 100, 4, 4, 0, "")};
  TrialOutcome outcome = ClassifyTrial(record, 100, false);
  EXPECT_EQ(outcome.workers[0].kind, OutcomeKind::kOk);
  EXPECT_EQ(outcome.workers[0].retries, 0);

  // One more that nobody injected, and no first failure named (an older
  // testee): still counted.
  record.workers[0].messages = {RetriedResult(0, 100, 5, 4, 0, "")};
  outcome = ClassifyTrial(record, 100, false);
  EXPECT_EQ(outcome.workers[0].kind, OutcomeKind::kOkAfterRetry);
  EXPECT_EQ(outcome.workers[0].detail, "ok after 1 retry");

  record.workers[0].messages = {
      RetriedResult(0, 100, 3, 0, 4, "Deadline Exceeded")};
  outcome = ClassifyTrial(record, 100, false);
  EXPECT_EQ(outcome.workers[0].detail,
            "ok after 3 retries (first: DEADLINE_EXCEEDED: Deadline Exceeded)");
}

TEST(OutcomeClassifierTest, NonsenseRetryCountsNeverCountAsNeeded) {
  TrialRecord record = Record(1);
  for (const auto& [retries, injected] :
       std::vector<std::pair<int64_t, int64_t>>{
           {-3, 0}, {2, 5}, {0, -1}, {INT64_MIN, INT64_MAX}}) {
    record.workers[0].messages = {
        RetriedResult(0, 100, retries, injected, 14, "x")};
    TrialOutcome outcome = ClassifyTrial(record, 100, false);
    EXPECT_EQ(outcome.workers[0].kind, OutcomeKind::kOk)
        << retries << " " << injected;
    EXPECT_EQ(outcome.workers[0].retries, 0);
  }
  // A negative injected count does not add retries either.
  record.workers[0].messages = {RetriedResult(0, 100, 2, -7, 14, "x")};
  TrialOutcome outcome = ClassifyTrial(record, 100, false);
  EXPECT_EQ(outcome.workers[0].retries, 2);
  EXPECT_EQ(outcome.workers[0].detail,
            "ok after 2 retries (first: UNAVAILABLE: x)");
}

TEST(OutcomeClassifierTest, RetriesDoNotHideWorseOutcomes) {
  TrialRecord record = Record(2);
  v1::WorkerMessage failed = RetriedResult(0, 50, 2, 0, 14, "first");
  failed.mutable_result()->set_status_code(14);
  failed.mutable_result()->set_status_message("gave up");
  record.workers[0].messages = {failed};
  v1::WorkerMessage corrupt = RetriedResult(50, 100, 1, 0, 15, "bad Avro");
  corrupt.mutable_result()->set_corrupt_responses(1);
  record.workers[1].messages = {corrupt};
  TrialOutcome outcome = ClassifyTrial(record, 100, false);
  EXPECT_EQ(outcome.workers[0].kind, OutcomeKind::kError);
  EXPECT_EQ(outcome.workers[0].detail, "UNAVAILABLE: gave up");
  // Kept for the report whatever the kind.
  EXPECT_EQ(outcome.workers[0].retries, 2);
  EXPECT_EQ(outcome.workers[0].first_retried_failure, "UNAVAILABLE: first");
  EXPECT_EQ(outcome.workers[1].kind, OutcomeKind::kWrongData);

  // Rows missing across workers make an ok_after_retry worker wrong_data.
  record.workers[0].messages = {RetriedResult(0, 40, 1, 0, 14, "x")};
  record.workers[1].messages = {ResultMessage(50, 100)};
  outcome = ClassifyTrial(record, 100, false);
  EXPECT_EQ(outcome.missing_rows, 10);
  for (const WorkerOutcome& worker : outcome.workers) {
    EXPECT_EQ(worker.kind, OutcomeKind::kWrongData);
    EXPECT_EQ(worker.detail, "10 of 100 rows missing across workers");
  }
  EXPECT_EQ(outcome.workers[0].retries, 1);
}

TEST(OutcomeClassifierTest, ASignalThatKillsAThreadModelIsACrash) {
  // Thread models: no WorkerExit; the trial process is the workers'.
  for (int signal : {SIGSEGV, SIGABRT}) {
    TrialRecord record = Record(2);
    record.workers[0].messages = {PhaseMessage(v1::PHASE_STARTED),
                                  PhaseMessage(v1::PHASE_CONNECTED)};
    record.workers[1].messages = {ResultMessage(50, 100)};
    record.trial_wait_status = KilledBy(signal);
    TrialOutcome outcome = ClassifyTrial(record, 100, false);
    for (const WorkerOutcome& worker : outcome.workers) {
      EXPECT_EQ(worker.kind, OutcomeKind::kCrash) << worker.detail;
      EXPECT_EQ(worker.signal, signal);
      EXPECT_EQ(worker.detail,
                absl::StrCat("trial process: ", SignalName(signal)));
    }
    EXPECT_EQ(outcome.overall, OutcomeKind::kCrash);
  }
}

TEST(OutcomeClassifierTest, TheWatchdogsSigkillOfAThreadModelIsAHang) {
  TrialRecord record = Record(1);
  record.workers[0].messages = {PhaseMessage(v1::PHASE_FIRST_ROW)};
  record.watchdog_fired = true;
  record.trial_wait_status = KilledBy(SIGKILL);
  TrialOutcome outcome = ClassifyTrial(record, 100, false);
  EXPECT_EQ(outcome.workers[0].kind, OutcomeKind::kHang);
  EXPECT_EQ(outcome.workers[0].detail, "hang in mid-stream");

  // A crash the watchdog then found still running (a pipe held open) is
  // the crash.
  record.trial_wait_status = KilledBy(SIGBUS);
  outcome = ClassifyTrial(record, 100, false);
  EXPECT_EQ(outcome.workers[0].kind, OutcomeKind::kCrash);
  EXPECT_EQ(outcome.workers[0].signal, SIGBUS);
}

TEST(OutcomeClassifierTest, AParentThatDiesBeforeReportingItsChildren) {
  TrialRecord record = Record(3);
  record.workers[0].messages = {ResultMessage(0, 30)};
  record.workers[1].messages = {ResultMessage(30, 60)};
  record.workers[2].messages = {PhaseMessage(v1::PHASE_STARTED)};
  // Worker 0 was reaped and reported; then the parent died.
  record.parent.messages = {ExitMessage(0, 0)};
  record.trial_wait_status = KilledBy(SIGSEGV);
  TrialOutcome outcome = ClassifyTrial(record, 90, true);
  EXPECT_EQ(outcome.workers[0].kind, OutcomeKind::kOk);
  for (int i : {1, 2}) {
    EXPECT_EQ(outcome.workers[i].kind, OutcomeKind::kCrash) << i;
    EXPECT_EQ(outcome.workers[i].signal, SIGSEGV);
    EXPECT_EQ(outcome.workers[i].detail, "trial process: SIGSEGV");
  }
  ASSERT_TRUE(outcome.parent_after.has_value());
  EXPECT_EQ(outcome.parent_after->detail, "parent: SIGSEGV");
  EXPECT_EQ(outcome.overall, OutcomeKind::kCrash);

  // A trial process that exits (no signal) is not a crash.
  record.trial_wait_status = ExitedWith(1);
  outcome = ClassifyTrial(record, 90, false);
  EXPECT_EQ(outcome.workers[1].kind, OutcomeKind::kOk);
  EXPECT_EQ(outcome.workers[2].kind, OutcomeKind::kError);
}

}  // namespace
}  // namespace forkcheck
