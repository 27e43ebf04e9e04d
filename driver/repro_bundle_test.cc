#include "driver/repro_bundle.h"

#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/file_util.h"
#include "common/subprocess.h"
#include "driver/table_read_back_script.h"
#include "forkcheck/testee.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "matrix/table_read_back.h"
#include "supervisor/outcome_classifier.h"

namespace forkcheck {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kTable[] = "projects/trial-7-1/datasets/writable/tables/small";

// `request` framed as a testee reads it: 4-byte little-endian length first.
std::string Framed(const v1::TesteeRequest& request) {
  const std::string bytes = request.SerializeAsString();
  std::string framed;
  for (int i = 0; i < 4; ++i) {
    framed.push_back(static_cast<char>((bytes.size() >> (8 * i)) & 0xff));
  }
  return framed + bytes;
}

// A write cell's bundle as ./forkcheck repro makes it: the request writes
// `request_table`, the harness's read-back reads `kTable`.
ReproBundle WriteBundle(const std::string& request_table = kTable) {
  ReproBundle bundle;
  bundle.cell.model = "thread_shared";
  bundle.cell.model_name = "thread_shared";
  bundle.cell.axes.workload = "write";
  bundle.command.argv = {"/bin/trial_program"};
  v1::TesteeRequest request;
  request.set_format_version(1);
  request.mutable_trial()->set_table(request_table);
  bundle.command.stdin_bytes = Framed(request);
  bundle.read_back = RetargetTableReadBack(
      TableReadBackCommandFor("/harness/client/read_table", "127.0.0.1:5",
                              kTable, 1000, std::chrono::milliseconds(5000)),
      kRunScriptAddress);
  return bundle;
}

std::string TestDirectory(const std::string& name) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  return absl::StrCat(tmp != nullptr ? tmp : "/tmp", "/", name);
}

TEST(ReproBundleTest, AWriteCellsRunShReadsItsTableBackAsTheHarnessDoes) {
  const std::string script = RunScript(WriteBundle());
  // The harness's argv and bound, aimed at run.sh's own server, with the
  // copy of read_table in bin/.
  EXPECT_THAT(script,
              HasSubstr(absl::StrCat(
                  "timeout -k 1 5.000 \"$here/bin/read_table\" "
                  "\"--target=$address\" \"--table=",
                  kTable, "\" \"--rows=1000\" \"--call_timeout=2.5\"")));
  EXPECT_THAT(script, HasSubstr("outcome=\"wrong_data ($judged)\""));
  EXPECT_THAT(script, HasSubstr("table read back: 1000 rows, each once"));
  EXPECT_THAT(script, Not(HasSubstr("@")));  // every placeholder filled
}

TEST(ReproBundleTest, AReadCellsRunShReadsNoTableBack) {
  ReproBundle bundle;
  bundle.command.argv = {"/bin/trial_program"};
  const std::string script = RunScript(bundle);
  EXPECT_THAT(script, Not(HasSubstr("read_table")));
  EXPECT_THAT(script, HasSubstr("trial_pid=\"\"\necho \"outcome: $outcome\""));
}

TEST(ReproBundleTest, AWriteBundleMustReadBackTheTableItsRequestWrites) {
  const std::string directory = TestDirectory("mismatch");
  const absl::Status other =
      WriteReproFiles(WriteBundle("projects/trial-7-2/datasets/writable/"
                                  "tables/small"),
                      directory);
  EXPECT_EQ(other.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(other.message(), HasSubstr("is not the one the request writes"));
  ReproBundle unread = WriteBundle();
  unread.read_back.reset();
  EXPECT_EQ(WriteReproFiles(unread, directory).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(std::filesystem::exists(directory));
}

// What table_read_back.py says of read_table's exit `status` and `account`:
// its exit status, then what it printed.
std::pair<int, std::string> ScriptJudgement(int status,
                                            const std::string& account) {
  const std::string script = TestDirectory("table_read_back.py");
  const std::string account_file = TestDirectory("account.json");
  EXPECT_TRUE(
      WriteFileAtomically(script, std::string(TableReadBackScript())).ok());
  EXPECT_TRUE(WriteFileAtomically(account_file, account).ok());
  absl::StatusOr<std::unique_ptr<Subprocess>> python = Subprocess::Start(
      {"/usr/bin/python3", script, absl::StrCat(status), account_file});
  EXPECT_TRUE(python.ok()) << python.status();
  if (!python.ok()) return {-1, ""};
  absl::StatusOr<std::string> line =
      (*python)->ReadLine(std::chrono::seconds(30));
  const std::optional<int> wait = (*python)->Wait(std::chrono::seconds(30));
  EXPECT_TRUE(wait.has_value() && WIFEXITED(*wait));
  return {wait.has_value() ? WEXITSTATUS(*wait) : -1, line.ok() ? *line : ""};
}

// What the harness makes of the same (matrix/table_read_back.h,
// supervisor/outcome_classifier.h), in the script's terms.
std::pair<int, std::string> HarnessJudgement(int status,
                                             const std::string& account) {
  const TableReadBack table = TableReadBackFromAccount(
      status > 128 ? status - 128 : status << 8, account);
  if (!table.unreadable.empty()) return {3, table.unreadable};
  if (table.HoldsExactly()) return {0, ""};
  return {0, absl::StrCat("table read back: ", DescribeTableFaults(table))};
}

std::string Account(int missing, int duplicated, int out_of_range,
                    int corrupted, int corrupt_responses) {
  return absl::StrCat(
      R"({"table":"t","exactly_once":false,"rows_received":991,)",
      R"("missing_rows":)", missing, R"(,"duplicate_rows":)", duplicated,
      R"(,"out_of_range_rows":)", out_of_range, R"(,"corrupted_rows":)",
      corrupted, R"(,"corrupt_responses":)", corrupt_responses,
      R"(,"error":null})", "\n");
}

TEST(ReproBundleTest, RunShWordsATableAsTheHarnessDoes) {
  const std::vector<std::pair<int, std::string>> cases = {
      {0, Account(0, 0, 0, 0, 0)},
      {1, Account(12, 3, 0, 0, 0)},
      {1, Account(0, 0, 10, 0, 0)},
      {1, Account(1, 2, 3, 4, 5)},
      {1, R"({"exactly_once":false,"error":{"message":"CreateReadSession: no",)"
          R"("code":"NOT_FOUND"}})"
          "\n"},
      {2, Account(0, 0, 0, 0, 0)},
      {137, Account(0, 0, 0, 0, 0)},
  };
  for (const auto& [status, account] : cases) {
    SCOPED_TRACE(absl::StrCat("status ", status, ", account ", account));
    EXPECT_EQ(ScriptJudgement(status, account),
              HarnessJudgement(status, account));
  }
  // What the harness cannot be asked the same way (it reads no line), the
  // script still judges unreadable.
  EXPECT_EQ(ScriptJudgement(1, "").first, 3);
  EXPECT_EQ(ScriptJudgement(0, "not json\n").first, 3);
  EXPECT_EQ(ScriptJudgement(0, R"({"error":null})"
                               "\n")
                .first,
            3);
}

// A cell that sets one GRPC_* variable and removes another (fork support
// on, the default poller): env(1) stops at its first NAME=VALUE, so every
// -u must come before it, or env runs "-u" as the command.
TEST(ReproBundleTest, RunShRemovesVariablesBeforeItSetsAny) {
  ReproBundle bundle;
  bundle.command.argv = {"/bin/trial_program"};
  bundle.command.env = {"GRPC_ENABLE_FORK_SUPPORT=true", "GRPC_POLL_STRATEGY"};
  EXPECT_THAT(RunScript(bundle),
              HasSubstr("env -u RUNFILES_DIR -u RUNFILES_MANIFEST_FILE "
                        "-u 'GRPC_POLL_STRATEGY' "
                        "'GRPC_ENABLE_FORK_SUPPORT=true' \\\n"));
}

}  // namespace
}  // namespace forkcheck
