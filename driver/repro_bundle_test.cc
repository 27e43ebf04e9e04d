#include "driver/repro_bundle.h"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "absl/strings/str_cat.h"
#include "forkcheck/testee.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "matrix/table_read_back.h"

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
  bundle.table_judge_binary = "/harness/matrix/judge_table_read_back";
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
  // Judged by the harness's rules, with the copy of judge_table_read_back.
  EXPECT_THAT(script, HasSubstr("judged=$(\"$here/bin/judge_table_read_back\" "
                                "\"$read_status\" \"$run/read_back.json\")"));
  EXPECT_THAT(script, Not(HasSubstr("python3 \"$here/table_read_back")));
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
  ReproBundle unjudged = WriteBundle();
  unjudged.table_judge_binary.clear();
  EXPECT_EQ(WriteReproFiles(unjudged, directory).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(std::filesystem::exists(directory));
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
