// The testee protocol from the supervisor's side, against a testee that
// misbehaves on purpose (testing/misbehaving_testee_main.cc): every way of
// answering wrongly is an error or a classified outcome, within the
// watchdog, with nothing of the testee left alive.
#include "supervisor/testee.h"

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/runfiles.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "supervisor/outcome_classifier.h"
#include "supervisor/testing/nothing_left_behind.h"

namespace forkcheck {
namespace {

using std::chrono::milliseconds;
using ::testing::HasSubstr;
using Clock = std::chrono::steady_clock;

constexpr milliseconds kWatchdog(3000);
constexpr milliseconds kMargin(1000);
constexpr int64_t kRows = 100;

TesteeProgram Misbehaving(const std::string& describe = "good") {
  TesteeProgram program;
  program.argv = {
      RunfileExecutable("supervisor/testing/misbehaving_testee").value_or(""),
      absl::StrCat("--describe=", describe)};
  return program;
}

absl::Status DescribeError(const std::string& behaviour) {
  const auto start = Clock::now();
  absl::StatusOr<v1::TesteeDescription> description =
      DescribeTestee(Misbehaving(behaviour), kWatchdog);
  // Bounded: at most the watchdog and its allowance for CPU waits (at most
  // twice the watchdog, on a loaded machine).
  EXPECT_LT(Clock::now() - start, 3 * kWatchdog + kMargin) << behaviour;
  EXPECT_FALSE(description.ok()) << behaviour;
  return description.status();
}

v1::TrialRequest Request(const std::string& model, int workers = 2) {
  v1::TrialRequest trial;
  trial.set_model(model);
  v1::NamedValue* rows = trial.add_variant();
  rows->set_name("rows");
  rows->set_value(absl::StrCat(kRows));
  trial.set_target("127.0.0.1:1");
  trial.set_table("projects/p/datasets/d/tables/echo");
  trial.set_workers(workers);
  trial.set_max_streams(workers);
  return trial;
}

struct Ran {
  TrialRecord record;
  TrialOutcome outcome;
};

// Checks the request against the testee's description, runs it and checks
// it ended in time and left nothing behind.
Ran RunChecked(const v1::TrialRequest& trial) {
  absl::StatusOr<v1::TesteeDescription> description =
      DescribeTestee(Misbehaving(), kWatchdog);
  EXPECT_TRUE(description.ok()) << description.status();
  if (!description.ok()) return {};
  EXPECT_TRUE(CheckTrialRequest(*description, trial).ok());
  absl::StatusOr<TrialCommand> command =
      TesteeTrialCommand(Misbehaving(), trial, {}, kWatchdog);
  EXPECT_TRUE(command.ok()) << command.status();
  if (!command.ok()) return {};
  // Classification only: a hang is killed at once (the diagnosis has its
  // own tests in trial_runner_test).
  command->explain_failures = false;
  const auto start = Clock::now();
  absl::StatusOr<TrialRecord> record = RunTrial(*command);
  const auto took = Clock::now() - start;
  EXPECT_TRUE(record.ok()) << record.status();
  if (!record.ok()) return {};
  // The watchdog waits longer for a trial whose threads waited for a CPU
  // (a loaded machine): by as much as they waited.
  EXPECT_LT(took, kWatchdog + record->starvation_allowance + kMargin);
  ExpectNothingLeftBehind(*record);
  const v1::ModelDescription* model = FindModel(*description, trial.model());
  EXPECT_NE(model, nullptr);
  Ran ran;
  ran.outcome = ClassifyTrial(
      *record, kRows, model != nullptr && ExpectsParentCheck(*model, trial));
  ran.record = *std::move(record);
  return ran;
}

TEST(TesteeTest, AGoodTesteeDescribesItself) {
  absl::StatusOr<v1::TesteeDescription> description =
      DescribeTestee(Misbehaving(), kWatchdog);
  ASSERT_TRUE(description.ok()) << description.status();
  EXPECT_EQ(description->client(), "misbehaving");
  EXPECT_EQ(description->models_size(), 10);
  ASSERT_NE(FindModel(*description, "ok"), nullptr);
  EXPECT_EQ(FindModel(*description, "no such"), nullptr);
}

TEST(TesteeTest, EveryBadDescriptionIsAnErrorSayingWhatWasWrong) {
  EXPECT_THAT(DescribeError("garbage").message(), HasSubstr("protocol error"));
  EXPECT_THAT(DescribeError("nothing").message(),
              HasSubstr("0 descriptions instead of one"));
  EXPECT_THAT(DescribeError("hang").message(),
              HasSubstr("did not finish within its watchdog"));
  EXPECT_THAT(DescribeError("two").message(),
              HasSubstr("2 descriptions instead of one"));
  EXPECT_THAT(DescribeError("no_models").message(), HasSubstr("no models"));
  EXPECT_THAT(DescribeError("wrong_version").message(),
              HasSubstr("format_version 7"));
  EXPECT_THAT(DescribeError("refuse").message(),
              HasSubstr("it refused: \"not today\""));
  EXPECT_THAT(DescribeError("crash").message(),
              HasSubstr("killed by signal SIGSEGV"));
  TesteeProgram missing;
  missing.argv = {"/nonexistent/testee"};
  absl::StatusOr<v1::TesteeDescription> none =
      DescribeTestee(missing, kWatchdog);
  ASSERT_FALSE(none.ok());
  EXPECT_THAT(none.status().message(), HasSubstr("exited with status 127"));
}

TEST(TesteeTest, AClientIsReadyOnlyIfItsProgramDescribesItselfAsIt) {
  const std::map<std::string, TesteeProgram> programs = {
      {"misbehaving", Misbehaving()},
      {"impostor", Misbehaving()},
      {"broken", Misbehaving("garbage")}};
  absl::StatusOr<TesteeClient> ready =
      ReadyTestee(programs, "misbehaving", kWatchdog);
  ASSERT_TRUE(ready.ok()) << ready.status();
  EXPECT_EQ(ready->description.client(), "misbehaving");
  EXPECT_EQ(ready->program.argv, Misbehaving().argv);
  EXPECT_THAT(ReadyTestee(programs, "absent", kWatchdog).status().message(),
              HasSubstr("this build has no testee program for it"));
  EXPECT_THAT(ReadyTestee(programs, "impostor", kWatchdog).status().message(),
              HasSubstr("its testee says it is client \"misbehaving\""));
  EXPECT_THAT(ReadyTestee(programs, "broken", kWatchdog).status().message(),
              HasSubstr("protocol error"));
}

TEST(TesteeTest, TheRequestArrivesWholeAndWellBehavedWorkersAreOk) {
  Ran ran = RunChecked(Request("ok", 3));
  ASSERT_EQ(ran.outcome.workers.size(), 3u);
  for (const WorkerOutcome& worker : ran.outcome.workers) {
    EXPECT_EQ(worker.kind, OutcomeKind::kOk) << worker.detail;
  }
  EXPECT_EQ(ran.outcome.missing_rows, 0);
  // The testee names the request's table as its stream.
  const v1::WorkerMessage& last = ran.record.workers[0].messages.back();
  ASSERT_TRUE(last.has_result());
  EXPECT_EQ(last.result().streams(0).stream(),
            "projects/p/datasets/d/tables/echo");
}

TEST(TesteeTest, ARefusalIsAnErrorWithTheTesteesReason) {
  Ran ran = RunChecked(Request("refuse"));
  ASSERT_EQ(ran.outcome.workers.size(), 2u);
  for (const WorkerOutcome& worker : ran.outcome.workers) {
    EXPECT_EQ(worker.kind, OutcomeKind::kError);
    EXPECT_EQ(worker.detail, "testee refused the trial: refusing on purpose");
  }
}

TEST(TesteeTest, MisbehavingWorkersAreClassifiedNotTrusted) {
  struct Case {
    std::string model;
    OutcomeKind kind;
    std::string detail;
  };
  for (const Case& c : std::vector<Case>{
           {"garbage", OutcomeKind::kError, "protocol error"},
           {"nothing", OutcomeKind::kError, "without a result"},
           {"hang", OutcomeKind::kHang, "first row"},
           {"crash", OutcomeKind::kCrash, "SIGSEGV"},
           {"crash_threads", OutcomeKind::kCrash, "trial process: SIGSEGV"},
           {"lie", OutcomeKind::kWrongData, "rows missing across workers"},
           {"describe_on_worker_pipe", OutcomeKind::kError,
            "a worker pipe carried a testee description"}}) {
    Ran ran = RunChecked(Request(c.model));
    ASSERT_EQ(ran.outcome.workers.size(), 2u) << c.model;
    for (const WorkerOutcome& worker : ran.outcome.workers) {
      EXPECT_EQ(worker.kind, c.kind)
          << c.model << ": " << DescribeWorkerOutcome(worker);
      EXPECT_THAT(DescribeWorkerOutcome(worker), HasSubstr(c.detail))
          << c.model;
    }
  }
}

TEST(TesteeTest, AProcessThatLeavesTheGroupIsStillKilled) {
  Ran ran = RunChecked(Request("escape"));
  EXPECT_EQ(ran.record.escaped_processes, 1);
  for (const WorkerOutcome& worker : ran.outcome.workers) {
    EXPECT_EQ(worker.kind, OutcomeKind::kOk) << worker.detail;
  }
}

TEST(TesteeTest, RequestsAreCheckedAgainstTheDescription) {
  absl::StatusOr<v1::TesteeDescription> description =
      DescribeTestee(Misbehaving(), kWatchdog);
  ASSERT_TRUE(description.ok()) << description.status();
  v1::TrialRequest trial = Request("ok");
  EXPECT_TRUE(CheckTrialRequest(*description, trial).ok());

  trial.set_model("fork_bomb");
  EXPECT_THAT(CheckTrialRequest(*description, trial).message(),
              HasSubstr("client misbehaving has no model \"fork_bomb\"; it "
                        "has: ok, refuse"));
  trial = Request("ok");
  trial.mutable_variant(0)->set_value("7");
  EXPECT_THAT(CheckTrialRequest(*description, trial).message(),
              HasSubstr("ok rows=\"7\"; expected one of: 100"));
  trial = Request("ok");
  trial.clear_variant();
  EXPECT_THAT(CheckTrialRequest(*description, trial).message(),
              HasSubstr("needs variant setting rows"));
  trial = Request("ok");
  *trial.add_variant() = trial.variant(0);
  EXPECT_THAT(CheckTrialRequest(*description, trial).message(),
              HasSubstr("rows given twice"));
  trial = Request("ok");
  v1::NamedValue* extra = trial.add_variant();
  extra->set_name("colour");
  extra->set_value("red");
  EXPECT_THAT(CheckTrialRequest(*description, trial).message(),
              HasSubstr("has no variant setting \"colour\""));
  trial = Request("ok", 0);
  EXPECT_THAT(CheckTrialRequest(*description, trial).message(),
              HasSubstr("workers = 0"));
}

TEST(TesteeTest, AWorkloadTheModelDoesNotRunIsRefused) {
  // Described here, not by a testee: only the workloads matter.
  v1::TesteeDescription description;
  description.set_client("described");
  v1::ModelDescription* reader = description.add_models();
  reader->set_model("reader");
  v1::ModelDescription* writer = description.add_models();
  writer->set_model("writer");
  writer->add_workloads("read");
  writer->add_workloads("write");
  v1::TrialRequest trial = Request("reader");
  trial.clear_variant();
  EXPECT_TRUE(CheckTrialRequest(description, trial).ok());
  trial.set_workload("read");
  EXPECT_TRUE(CheckTrialRequest(description, trial).ok());

  trial.set_workload("write");
  trial.set_write_rows(kRows);
  EXPECT_EQ(CheckTrialRequest(description, trial).message(),
            "model reader does not run workload \"write\"; it runs: read");
  trial.set_model("writer");
  EXPECT_TRUE(CheckTrialRequest(description, trial).ok());
  trial.set_write_rows(0);
  EXPECT_THAT(CheckTrialRequest(description, trial).message(),
              HasSubstr("write_rows = 0; a write needs >= 1"));
  trial.set_workload("sing");
  EXPECT_EQ(CheckTrialRequest(description, trial).message(),
            "model writer does not run workload \"sing\"; it runs: read, "
            "write");
}

TEST(TesteeTest, RunsWorkloadReadsTheDescription) {
  v1::ModelDescription model;
  EXPECT_TRUE(RunsWorkload(model, ""));
  EXPECT_TRUE(RunsWorkload(model, kReadWorkload));
  EXPECT_FALSE(RunsWorkload(model, kWriteWorkload));
  model.add_workloads(kWriteWorkload);
  EXPECT_FALSE(RunsWorkload(model, ""));  // it lists only write
  EXPECT_TRUE(RunsWorkload(model, kWriteWorkload));
  EXPECT_EQ(DescribeWorkloads(model), "write");
}

TEST(TesteeTest, AnOversizedRequestIsRefusedBeforeAnythingRuns) {
  v1::TrialRequest trial = Request("ok");
  trial.set_table(std::string(kMaxTrialStdinBytes, 't'));
  absl::StatusOr<TrialCommand> command =
      TesteeTrialCommand(Misbehaving(), trial, {}, kWatchdog);
  ASSERT_FALSE(command.ok());
  EXPECT_THAT(command.status().message(), HasSubstr("the limit is"));
}

TEST(TesteeTest, ExpectsAParentCheckUnlessTheVariantSaysOtherwise) {
  v1::ModelDescription model;
  model.set_has_parent_check(true);
  v1::NamedValue* unless = model.add_no_parent_check_when();
  unless->set_name("parent_client");
  unless->set_value("destroyed");
  v1::TrialRequest trial;
  v1::NamedValue* setting = trial.add_variant();
  setting->set_name("parent_client");
  setting->set_value("alive");
  EXPECT_TRUE(ExpectsParentCheck(model, trial));
  setting->set_value("destroyed");
  EXPECT_FALSE(ExpectsParentCheck(model, trial));
  model.set_has_parent_check(false);
  setting->set_value("alive");
  EXPECT_FALSE(ExpectsParentCheck(model, trial));
}

}  // namespace
}  // namespace forkcheck
