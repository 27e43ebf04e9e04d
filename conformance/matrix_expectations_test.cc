// Runs the quick process-model matrix with adaptive trials (as the main
// job does: each cell until its verdict is decided, its cap or the time
// budget) and checks:
// - what must hold on every gRPC version: the cells of the design's
//   "safe_models" groups read every row exactly once in every trial;
// - that the supervisor finished every trial within its bound and left
//   nothing behind (a trial that leaves processes is a harness error);
// - that every cell's counts agree with the expectations file of the
//   version in hand (conformance/expectations/grpc-<major.minor>.txt, and
//   each testee client's <client>-<major.minor>.txt) by the same
//   statistical test as the main job's (matrix/expectations.h: Fisher's
//   exact test per cell, Holm's correction, family-wise alpha 1% shared by
//   the clients). On a difference it prints both count sets, the p-values
//   and the line to write if the change is real; with no file for this
//   version it fails and says how to record one.
//
// Bazel runs it as shard_count shards side by side (BUILD.bazel): each
// runs its shard of the matrix (matrix/shard_plan.h, from Bazel's
// TEST_SHARD_INDEX and TEST_TOTAL_SHARDS), so the hung trials of one
// shard wait out their watchdogs beside the other's; each checks its cells
// at its share of the family-wise alpha, as a sharded main job does.
//
// It is probabilistic: it is never served from a cache (tag "external").
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/file_set.h"
#include "common/runfiles.h"
#include "fakes/fake_server_process.h"
#include "gtest/gtest.h"
#include "matrix/cell_runner.h"
#include "matrix/client_expectations.h"
#include "matrix/expectations.h"
#include "matrix/matrix_job.h"
#include "matrix/matrix_table.h"
#include "matrix/shard_selection.h"
#include "supervisor/trial_evidence.h"
#include "testees/testee_programs.h"

namespace forkcheck {
namespace {

constexpr char kRecordCommand[] =
    "./forkcheck run --size=full --record_expectations";
// Killing, reaping and draining after a watchdog on a loaded 2-core machine.
constexpr int64_t kMarginMicros = 3'000'000;

// With FORKCHECK_RECORD_EXPECTATIONS=<directory> (pass it with --test_env,
// e.g. $PWD/conformance/expectations), also adds what this run saw to each
// client's file there, as `forkcheck run --record_expectations` does:
// recording under the test's own conditions (environment, load) catches what
// this test will see.
void RecordIfAsked(const ClientRun& client,
                   const std::vector<CellResult>& results) {
  const char* directory = std::getenv("FORKCHECK_RECORD_EXPECTATIONS");
  if (directory == nullptr || *directory == '\0') return;
  FileSet files;
  absl::StatusOr<std::string> path = StageClientExpectations(
      client, results, directory, kRecordCommand, &files);
  EXPECT_TRUE(path.ok()) << path.status();
  if (!path.ok()) return;
  const absl::Status committed = files.Commit();
  EXPECT_TRUE(committed.ok()) << committed;
  if (committed.ok()) {
    std::cout << "Recorded " << client.client << " into " << *path << "\n";
  }
}

// One client's cells against its expectations file.
void CheckClient(const ClientRun& client, const MatrixJobResult& job,
                 const ExpectationsRule& rule) {
  SCOPED_TRACE(client.client);
  const std::string file_name = ClientExpectationsFile(client);
  absl::StatusOr<std::string> expectations_path =
      RunfileData("conformance/expectations/" + file_name);
  std::vector<CellResult> results = ResultsOfClient(job.results, client.client);
  if (!expectations_path.ok()) {
    // Fail rather than pass silently on a version nobody recorded; the log
    // shows what a recording would hold.
    ADD_FAILURE() << "no expectations for client " << client.client << " "
                  << client.description->library_version()
                  << ": record conformance/expectations/" << file_name
                  << " with: " << kRecordCommand;
    std::cout << "\nA recording of this run would read:\n"
              << RenderExpectationsFile(client.client, results, kRecordCommand);
    return;
  }
  absl::StatusOr<ExpectationsFile> file =
      LoadExpectationsFile(*expectations_path);
  ASSERT_TRUE(file.ok()) << file.status();
  const ExpectationsCheck check =
      CheckExpectations(*file, results, job.known_keys, rule);
  RecordIfAsked(client, results);
  EXPECT_TRUE(Passed(check))
      << DescribeCheck(check, "conformance/expectations/" + file_name);
}

TEST(MatrixExpectationsTest, QuickMatrixMatchesTheRecordedExpectations) {
  MatrixJobOptions options;
  absl::StatusOr<std::string> design =
      RunfileData("conformance/matrix_design.json");
  absl::StatusOr<std::string> server = FakeServerBinaryPath();
  ASSERT_TRUE(design.ok()) << design.status();
  ASSERT_TRUE(server.ok()) << server.status();
  options.design_path = *design;
  options.server_binary = *server;
  options.testee_programs = TesteePrograms("");
  ASSERT_EQ(options.testee_programs.count(kCppClient), 1u)
      << "no models/trial_program among the runfiles";
  if (const char* scale = std::getenv("FORKCHECK_WATCHDOG_SCALE")) {
    options.run.cell.watchdog_scale = std::atof(scale);
  }
  // The main job's defaults (driver/forkcheck_run_main.cc), with a budget
  // that keeps `./forkcheck test` within its 6 minutes: every cell gets its
  // minimum trials whatever the budget, and the rest go where the verdict
  // is nearest.
  options.run.time_budget = std::chrono::seconds(150);
  // No stacks of failed trials: each costs seconds of debugger per hung
  // process, about 200 hung trials a shard, and the stacks are not what
  // this test checks (diagnosis/, supervisor:trial_runner_test and
  // driver:forkcheck_run_test do). The outcomes do not depend on it: the
  // capture runs after the watchdog decided the trial hung.
  options.run.cell.explain_failures = false;
  // As the main job: cells recorded as hanging start on a hang lane, and
  // cells departing from their record get trials first.
  options.recorded_counts = [](const ClientRun& client) {
    return RecordedWorkerCounts(client, "");
  };
  // Bazel's shard (none when the test is run unsharded), told that the
  // test shards. The shards share the machine's cores: a CPU lane each of
  // them, so that side by side they load the cores as one run did.
  absl::StatusOr<ShardSelection> shard = ResolveShard({}, ShardEnvironment());
  ASSERT_TRUE(shard.ok()) << shard.status();
  if (!shard->bazel_status_file.empty()) {
    ASSERT_TRUE(TouchShardStatusFile(shard->bazel_status_file).ok());
  }
  options.shard = shard->spec;
  const int shards = shard->spec.has_value() ? shard->spec->count : 1;
  if (shards > 1) {
    options.run.cpu_lanes = std::max(1, options.run.cpu_lanes / shards);
    std::cout << "Shard " << shard->spec->index << " of " << shards << " ("
              << shard->source << ")\n";
  }
  absl::StatusOr<MatrixJobResult> job = RunMatrixJob(options);
  ASSERT_TRUE(job.ok()) << job.status();
  std::cout << DescribeClients(job->clients) << "\n"
            << RenderMatrixTable(job->results, job->design.defaults,
                                 options.run.verdicts);
  EXPECT_EQ(job->server_stop_error, "");
  // `./forkcheck test` installs every client's library: none may be
  // skipped here.
  for (const ClientRun& client : job->clients) {
    EXPECT_EQ(client.skipped, "") << "client " << client.client << " skipped";
  }

  for (const CellResult& result : job->results) {
    SCOPED_TRACE(result.key);
    ASSERT_GE(result.samples.size(),
              static_cast<size_t>(options.run.stopping.min_trials));
    EXPECT_NE(result.stop_reason, "");
    for (const TrialSample& sample : result.samples) {
      EXPECT_EQ(sample.harness_error, "");
    }
    for (const std::string& group : result.cell.groups) {
      // Every client's safe models ("safe_models", "python_safe_models",
      // "python_fresh_interpreter_safe_models" in the full size).
      if (!absl::EndsWith(group, "safe_models")) continue;
      EXPECT_EQ(result.WorkerCounts().Summary(), "always ok");
      for (const TrialSample& sample : result.samples) {
        for (const std::string& detail : sample.worker_details) {
          // A safe model's failure is worth its evidence (stderr tails).
          EXPECT_EQ(detail, "ok")
              << DescribeEvidence(sample.evidence, 20, "  ");
        }
      }
    }
    std::string table;
    int64_t rows = 0;
    ASSERT_TRUE(ResolveTable(result.cell.axes.table, &table, &rows).ok());
    const int64_t bound_micros =
        std::chrono::duration_cast<std::chrono::microseconds>(
            WatchdogFor(rows, options.run.cell, result.cell.client))
            .count() +
        kMarginMicros;
    for (const TrialSample& sample : result.samples) {
      // The watchdog also gives back what the trial waited for a CPU
      // (supervisor/cpu_starvation.h), at most twice itself.
      const int64_t watchdog_micros = bound_micros - kMarginMicros;
      EXPECT_LE(sample.starvation_allowance_micros, 2 * watchdog_micros);
      EXPECT_LE(sample.wall_micros,
                bound_micros + sample.starvation_allowance_micros);
    }
  }
  ExpectationsRule rule;
  rule.verdicts = options.run.verdicts;
  rule.sensitivity_trials = options.run.stopping.DepartingLook();
  // As the main job: shared by the clients and the shards.
  rule.alpha /= std::max<size_t>(1, job->clients.size()) * shards;
  for (const ClientRun& client : job->clients) {
    if (client.skipped.empty()) CheckClient(client, *job, rule);
  }
}

}  // namespace
}  // namespace forkcheck

int main(int argc, char** argv) {
  // Bazel's shards split the matrix, not the test cases: GoogleTest would
  // give this one test to one shard and none to the others.
  unsetenv("GTEST_SHARD_INDEX");
  unsetenv("GTEST_TOTAL_SHARDS");
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
