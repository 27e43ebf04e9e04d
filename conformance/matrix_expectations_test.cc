// Runs the quick process-model matrix (every cell, 5 trials) and checks:
// - what must hold on every gRPC version: the cells of the design's
//   "safe_models" group read every row exactly once in every trial;
// - that the supervisor finished every trial within its bound and left
//   nothing behind (a trial that leaves processes is a harness error);
// - that every cell's outcome distribution is what the expectations file of
//   the gRPC version in hand records (conformance/expectations/
//   grpc-<major.minor>.txt, and each testee client's
//   <client>-<major.minor>.txt), at the level a few trials can tell (see
//   matrix/expectations.h); a cell whose verdict differs runs five trials
//   more and is judged on all ten. On a difference it prints the exact line
//   to change; with no file for this version it fails and says how to record
//   one.
#include <chrono>
#include <iostream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/file_util.h"
#include "common/runfiles.h"
#include "driver/clients.h"
#include "fakes/fake_server_process.h"
#include "gtest/gtest.h"
#include "matrix/cell_runner.h"
#include "matrix/expectations.h"
#include "matrix/matrix_job.h"
#include "matrix/matrix_table.h"

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
  absl::StatusOr<std::string> path =
      RecordClientExpectations(client, results, directory, kRecordCommand);
  EXPECT_TRUE(path.ok()) << path.status();
  if (path.ok())
    std::cout << "Recorded " << client.client << " into " << *path << "\n";
}

// One client's cells against its expectations file; a cell whose verdict
// differs runs again (five trials more) and is judged on all of them.
void CheckClient(const ClientRun& client, const MatrixJobResult& job,
                 const MatrixJobOptions& options) {
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
  ExpectationsCheck check = CheckExpectations(*file, results, job.known_keys);
  // A verdict that differs in five trials is judged again on ten: the cell
  // runs five more before the test calls it changed. A cell that really
  // became safe or unsafe shows it in most of the ten as well.
  if (!check.mismatches.empty()) {
    for (const ExpectationMismatch& mismatch : check.mismatches) {
      MatrixJobOptions again = options;
      again.cell_filter = mismatch.key;
      again.clients = {client.client};
      absl::StatusOr<MatrixJobResult> more = RunMatrixJob(again);
      ASSERT_TRUE(more.ok()) << more.status();
      for (CellResult& result : results) {
        for (const CellResult& extra : more->results) {
          if (result.key != extra.key) continue;
          std::cout << "Ran again: " << result.key << ": "
                    << extra.WorkerCounts().Summary() << "\n";
          result.samples.insert(result.samples.end(), extra.samples.begin(),
                                extra.samples.end());
        }
      }
    }
    check = CheckExpectations(*file, results, job.known_keys);
  }
  RecordIfAsked(client, ResultsOfClient(job.results, client.client));
  EXPECT_TRUE(Passed(check))
      << DescribeCheck(check, "conformance/expectations/" + file_name);
}

TEST(MatrixExpectationsTest, QuickMatrixMatchesTheRecordedExpectations) {
  MatrixJobOptions options;
  absl::StatusOr<std::string> design = RunfileData("matrix/matrix_design.json");
  absl::StatusOr<std::string> server = FakeServerBinaryPath();
  absl::StatusOr<std::string> trial = RunfileExecutable("models/trial_program");
  ASSERT_TRUE(design.ok()) << design.status();
  ASSERT_TRUE(server.ok()) << server.status();
  ASSERT_TRUE(trial.ok()) << trial.status();
  options.design_path = *design;
  options.server_binary = *server;
  options.run.cell.trial_binary = *trial;
  options.testee_programs = TesteePrograms("");
  if (const char* scale = std::getenv("FORKCHECK_WATCHDOG_SCALE")) {
    options.run.cell.watchdog_scale = std::atof(scale);
  }
  absl::StatusOr<MatrixJobResult> job = RunMatrixJob(options);
  ASSERT_TRUE(job.ok()) << job.status();
  std::cout << DescribeClients(job->clients) << "\n"
            << RenderMatrixTable(job->results, job->design.defaults);
  EXPECT_EQ(job->server_stop_error, "");
  // `./forkcheck test` installs every client's library: none may be
  // skipped here.
  for (const ClientRun& client : job->clients) {
    EXPECT_EQ(client.skipped, "") << "client " << client.client << " skipped";
  }

  for (const CellResult& result : job->results) {
    SCOPED_TRACE(result.key);
    ASSERT_EQ(result.samples.size(), 5u);
    for (const TrialSample& sample : result.samples) {
      EXPECT_EQ(sample.harness_error, "");
    }
    for (const std::string& group : result.cell.groups) {
      // Every client's safe models ("safe_models", "python_safe_models").
      if (!absl::EndsWith(group, "safe_models")) continue;
      EXPECT_EQ(result.WorkerCounts().Summary(), "always ok");
      for (const TrialSample& sample : result.samples) {
        for (const std::string& detail : sample.worker_details) {
          EXPECT_EQ(detail, "ok");
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
      EXPECT_LE(sample.wall_micros, bound_micros);
    }
  }
  for (const ClientRun& client : job->clients) {
    if (client.skipped.empty()) CheckClient(client, *job, options);
  }
}

}  // namespace
}  // namespace forkcheck
