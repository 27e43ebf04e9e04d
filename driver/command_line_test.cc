#include "driver/command_line.h"

#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

ABSL_FLAG(int, test_count, 5, "a count, for the test");
ABSL_FLAG(bool, test_switch, false, "a switch, for the test");
ABSL_FLAG(std::string, test_words, "",
          "a long help text for the test, long enough to need more than one "
          "line when it is wrapped at a hundred columns, as --helpfull does");

namespace forkcheck {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

absl::StatusOr<CommandLineScan> Scan(std::vector<std::string> args) {
  return ScanCommandLine(args);
}

std::string Error(std::vector<std::string> args) {
  absl::StatusOr<CommandLineScan> scan = Scan(std::move(args));
  EXPECT_FALSE(scan.ok());
  return scan.ok() ? "" : std::string(scan.status().message());
}

TEST(CommandLineTest, NamesTheFlagsGivenInEveryForm) {
  absl::StatusOr<CommandLineScan> scan =
      Scan({"--test_count=3", "-test_switch", "positional", "--test_words",
            "--looks-like-a-flag", "--", "--after=ignored"});
  ASSERT_TRUE(scan.ok()) << scan.status();
  EXPECT_EQ(scan->help, HelpRequest::kNone);
  EXPECT_THAT(scan->given,
              ElementsAre("test_count", "test_switch", "test_words"));
  scan = Scan({"--notest_switch"});
  ASSERT_TRUE(scan.ok()) << scan.status();
  EXPECT_THAT(scan->given, ElementsAre("test_switch"));
  scan = Scan({});
  ASSERT_TRUE(scan.ok());
  EXPECT_THAT(scan->given, IsEmpty());
}

TEST(CommandLineTest, RefusesFlagsTakenFromElsewhere) {
  for (const std::string& arg :
       {"--flagfile=flags.txt", "-flagfile", "--fromenv=test_count",
        "--tryfromenv=test_count", "--undefok=tables"}) {
    EXPECT_THAT(Error({arg, "x"}),
                HasSubstr("is not supported: give each flag on the command "
                          "line"))
        << arg;
  }
}

TEST(CommandLineTest, LeavesTheValuesAsTheyWere) {
  ASSERT_TRUE(Scan({"--test_count=7", "--test_words", "x"}).ok());
  EXPECT_EQ(absl::GetFlag(FLAGS_test_count), 5);
  EXPECT_EQ(absl::GetFlag(FLAGS_test_words), "");
}

TEST(CommandLineTest, AskingForHelp) {
  for (const char* help : {"--help", "-h", "-help", "--helpshort"}) {
    absl::StatusOr<CommandLineScan> scan = Scan({"--test_count=1", help});
    ASSERT_TRUE(scan.ok()) << help;
    EXPECT_EQ(scan->help, HelpRequest::kShort) << help;
  }
  absl::StatusOr<CommandLineScan> scan = Scan({"--helpfull"});
  ASSERT_TRUE(scan.ok());
  EXPECT_EQ(scan->help, HelpRequest::kFull);
}

TEST(CommandLineTest, BadInputIsOneLineNamingTheFlag) {
  EXPECT_EQ(Error({"--tables=small"}), "unknown flag \"--tables=small\"");
  EXPECT_EQ(Error({"--nosuch"}), "unknown flag \"--nosuch\"");
  EXPECT_EQ(Error({"--notest_count"}), "unknown flag \"--notest_count\"");
  EXPECT_THAT(Error({"--test_count=abc"}), HasSubstr("--test_count=abc: "));
  EXPECT_THAT(Error({"--test_count", "abc"}), HasSubstr("--test_count abc: "));
  EXPECT_THAT(Error({"--test_switch=maybe"}),
              HasSubstr("--test_switch=maybe: "));
  EXPECT_EQ(Error({"--test_count"}),
            "--test_count needs a value: --test_count=...");
  EXPECT_EQ(Error({"--notest_switch=true"}),
            "--notest_switch=true: --notest_switch takes no value");
  for (const std::string& message :
       {Error({"--test_count=abc"}), Error({"--tables"})}) {
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
}

TEST(CommandLineTest, DescribesTheFlagsOfOneFileWrapped) {
  const std::string described = DescribeFlagsOf(__FILE__);
  EXPECT_THAT(described, HasSubstr("  --test_count (default 5)\n"
                                   "      a count, for the test\n"));
  EXPECT_THAT(described, HasSubstr("  --test_words (default \"\")\n"));
  EXPECT_EQ(described.find("--flagfile"), std::string::npos);  // Abseil's
  for (absl::string_view line : absl::StrSplit(described, '\n')) {
    EXPECT_LE(line.size(), 100u) << line;
  }
  EXPECT_EQ(DescribeFlagsOf("no/such/file.cc"), "");
}

}  // namespace
}  // namespace forkcheck
