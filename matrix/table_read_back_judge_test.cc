#include "matrix/table_read_back_judge.h"

#include <sys/wait.h>

#include <csignal>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/file_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace forkcheck {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

std::string TestDirectory() {
  const char* tmp = std::getenv("TEST_TMPDIR");
  return tmp != nullptr ? tmp : "/tmp";
}

// A file under the test's temporary directory holding `account`.
std::string AccountFile(const std::string& name, const std::string& account) {
  const std::string path = absl::StrCat(TestDirectory(), "/", name);
  EXPECT_TRUE(WriteFileAtomically(path, account).ok());
  return path;
}

// What judge_table_read_back does with `status` and a file holding
// `account`.
TableJudgement Judge(const std::string& status, const std::string& account) {
  return JudgeTableReadBack({status, AccountFile("account.json", account)});
}

// read_table's account line (its JSON, as client/account_json.h prints it).
std::string Account(int rows, int missing, int duplicated, int out_of_range) {
  return absl::StrCat(
      R"({"table":"projects/trial-7-1/datasets/writable/tables/small",)",
      R"("exactly_once":)", missing + duplicated + out_of_range == 0,
      R"(,"rows_received":)", rows, R"(,"missing_rows":)", missing,
      R"(,"duplicate_rows":)", duplicated, R"(,"out_of_range_rows":)",
      out_of_range,
      R"(,"corrupted_rows":0,"corrupt_responses":0,"error":null})", "\n");
}

void ExpectJudgement(const TableJudgement& judgement, int exit_code,
                     const std::string& line) {
  EXPECT_EQ(judgement.exit_code, exit_code);
  EXPECT_EQ(judgement.line, line);
}

TEST(TableReadBackJudgeTest, AShellsStatusIsTheWaitStatusItStandsFor) {
  EXPECT_EQ(WaitStatusFromShell("0"), 0);
  EXPECT_EQ(WaitStatusFromShell("1"), 1 << 8);
  EXPECT_EQ(WaitStatusFromShell("128"), 128 << 8);
  const std::optional<int> killed = WaitStatusFromShell("137");
  ASSERT_TRUE(killed.has_value());
  EXPECT_TRUE(WIFSIGNALED(*killed));
  EXPECT_EQ(WTERMSIG(*killed), SIGKILL);
  // No signal is numbered 127: an exit status.
  const std::optional<int> high = WaitStatusFromShell("255");
  ASSERT_TRUE(high.has_value());
  EXPECT_TRUE(WIFEXITED(*high));
  EXPECT_EQ(WEXITSTATUS(*high), 255);
  for (const char* bad : {"", "256", "-1", "+1", " 1", "1x", "x", "0001"}) {
    EXPECT_EQ(WaitStatusFromShell(bad), std::nullopt) << "\"" << bad << "\"";
  }
}

TEST(TableReadBackJudgeTest, AWholeTableIsJudgedSilently) {
  ExpectJudgement(Judge("0", Account(1000, 0, 0, 0)), kTableJudged, "");
}

TEST(TableReadBackJudgeTest, AWrongTableIsWordedAsTheClassifierWordsIt) {
  ExpectJudgement(Judge("1", Account(991, 12, 3, 0)), kTableJudged,
                  "table read back: 12 rows missing, 3 duplicated");
  // Read back as if the trial were to write rows [0, 990) (repro_test.sh).
  ExpectJudgement(Judge("1", Account(1000, 0, 0, 10)), kTableJudged,
                  "table read back: 10 out of range");
}

TEST(TableReadBackJudgeTest, AnErrorInTheAccountLeavesTheTableUnjudged) {
  ExpectJudgement(Judge("1", R"({"exactly_once":false,"error":{"message":)"
                             R"("CreateReadSession: no","code":"NOT_FOUND"}})"
                             "\n"),
                  kTableUnreadable,
                  R"(read_table could not read the table: {"code":"NOT_FOUND",)"
                  R"("message":"CreateReadSession: no"})");
}

TEST(TableReadBackJudgeTest, AnAccountThatIsNotOneIsUnreadable) {
  const TableJudgement not_json = Judge("0", "not json\n");
  EXPECT_EQ(not_json.exit_code, kTableUnreadable);
  EXPECT_THAT(not_json.line,
              StartsWith("read_table's account is not valid JSON: "));
  const TableJudgement not_object = Judge("0", "[1000]\n");
  EXPECT_EQ(not_object.exit_code, kTableUnreadable);
  EXPECT_THAT(not_object.line, HasSubstr("rows_received"));
  ExpectJudgement(Judge("0", R"({"error":null})"
                             "\n"),
                  kTableUnreadable,
                  "read_table's account: rows_received: missing required "
                  "field");
  ExpectJudgement(Judge("1", ""), kTableUnreadable,
                  "read_table exited with status 1 without an account: it "
                  "printed nothing");
  // As the harness reads it: a line ends in a newline.
  const TableJudgement cut = Judge("1", Account(991, 12, 3, 0).substr(0, 40));
  EXPECT_EQ(cut.exit_code, kTableUnreadable);
  EXPECT_THAT(cut.line, HasSubstr("without an account"));
}

TEST(TableReadBackJudgeTest, ReadTableKilledOrFailingJudgesNothing) {
  ExpectJudgement(Judge("137", Account(1000, 0, 0, 0)), kTableUnreadable,
                  "read_table killed by signal SIGKILL (0 or 1 expected)");
  ExpectJudgement(Judge("2", Account(1000, 0, 0, 0)), kTableUnreadable,
                  "read_table exited with status 2 (0 or 1 expected)");
}

TEST(TableReadBackJudgeTest, BadUsageIsOneLineAndExitStatus2) {
  const std::string account = AccountFile("whole.json", Account(1000, 0, 0, 0));
  const std::vector<std::vector<std::string>> bad = {
      {},
      {"0"},
      {"0", account, "extra"},
      {"zero", account},
      {"256", account},
      {"0", TestDirectory()},  // opens, but is not a file to read
      {"0", "/nonexistent/account.json"},
  };
  for (const std::vector<std::string>& args : bad) {
    SCOPED_TRACE(absl::StrCat("args: ", args.size()));
    const TableJudgement judgement = JudgeTableReadBack(args);
    EXPECT_EQ(judgement.exit_code, kJudgeBadUsage);
    EXPECT_THAT(judgement.line, StartsWith("judge_table_read_back: "));
    EXPECT_THAT(judgement.line, Not(HasSubstr("\n")));
  }
}

}  // namespace
}  // namespace forkcheck
