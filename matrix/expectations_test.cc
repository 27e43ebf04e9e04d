#include "matrix/expectations.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "matrix/cell.h"
#include "matrix/cell_result.h"
#include "supervisor/outcome_classifier.h"

namespace forkcheck {
namespace {

using ::testing::ContainsRegex;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;

constexpr OutcomeKind kOk = OutcomeKind::kOk;
constexpr OutcomeKind kOkAfterRetry = OutcomeKind::kOkAfterRetry;
constexpr OutcomeKind kWrongData = OutcomeKind::kWrongData;
constexpr OutcomeKind kError = OutcomeKind::kError;
constexpr OutcomeKind kHang = OutcomeKind::kHang;
constexpr OutcomeKind kCrash = OutcomeKind::kCrash;

Cell MakeCell(const std::string& model_name) {
  Cell cell;
  cell.model = model_name;
  cell.model_name = model_name;
  return cell;
}

// One sample a trial: workers[i], and parent[i] if `parent` is given.
CellResult MakeResult(const std::string& model_name,
                      const std::vector<OutcomeKind>& workers,
                      const std::vector<OutcomeKind>& parent = {}) {
  CellResult result;
  result.cell = MakeCell(model_name);
  result.key = CellKey(result.cell);
  for (size_t i = 0; i < workers.size(); ++i) {
    TrialSample sample;
    sample.workers = workers[i];
    if (i < parent.size()) sample.parent_after = parent[i];
    result.samples.push_back(sample);
  }
  return result;
}

CellResult HarnessFailed(const std::string& model_name, int trials) {
  CellResult result = MakeResult(model_name, {});
  for (int i = 0; i < trials; ++i) {
    TrialSample sample;
    sample.harness_error = "cannot exec trial_program: No such file";
    result.samples.push_back(sample);
  }
  return result;
}

std::string Key(const std::string& model_name) {
  return CellKey(MakeCell(model_name));
}

OutcomeCounts Counts(std::map<OutcomeKind, int> counts) {
  OutcomeCounts result;
  result.counts = std::move(counts);
  return result;
}

// --- Parsing ---------------------------------------------------------------

// n trials of one kind.
std::vector<OutcomeKind> Times(int n, OutcomeKind kind) {
  return std::vector<OutcomeKind>(n, kind);
}

std::vector<OutcomeKind> Join(std::vector<OutcomeKind> a,
                              const std::vector<OutcomeKind>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

const ExpectationsRule kRule;  // alpha 1%

TEST(ParseExpectationsTest, ParsesCommentsBlanksAndCounts) {
  const std::string text = absl::StrCat(
      "# comment\n\n", Key("threads"), " => workers: ok=40\n", "  ",
      Key("fork"), " => workers: ok=3 hang=2; parent_after: crash=5  \r\n");
  const absl::StatusOr<ExpectationsFile> file =
      ParseExpectations(text, "conformance/expectations/grpc-1.51.txt");
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->grpc_version, "1.51");
  ASSERT_EQ(file->by_key.size(), 2u);
  const Expectation& threads = file->by_key.at(Key("threads"));
  EXPECT_EQ(threads.line, 3);
  EXPECT_EQ(threads.workers.counts, Counts({{kOk, 40}}).counts);
  EXPECT_FALSE(threads.parent_after.has_value());
  const Expectation& fork = file->by_key.at(Key("fork"));
  EXPECT_EQ(fork.line, 4);
  EXPECT_EQ(fork.workers.counts, Counts({{kOk, 3}, {kHang, 2}}).counts);
  ASSERT_TRUE(fork.parent_after.has_value());
  EXPECT_EQ(fork.parent_after->counts, Counts({{kCrash, 5}}).counts);
  EXPECT_EQ(ExpectText(fork), "workers: ok=3 hang=2; parent_after: crash=5");
}

TEST(ParseExpectationsTest, VersionIsEmptyForAnotherFileName) {
  const absl::StatusOr<ExpectationsFile> file =
      ParseExpectations("", "/tmp/expected.txt");
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->grpc_version, "");
  EXPECT_THAT(file->by_key, IsEmpty());
}

struct BadLine {
  std::string line;
  std::string error;  // after "f.txt:2: "
};

class BadLineTest : public ::testing::TestWithParam<BadLine> {};

TEST_P(BadLineTest, NamesFileLineAndWhatWasWrong) {
  // A comment first so that the error's line number is not trivially 1.
  const std::string text = absl::StrCat("# header\n", GetParam().line, "\n");
  const absl::StatusOr<ExpectationsFile> file =
      ParseExpectations(text, "f.txt");
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(file.status().message(),
            absl::StrCat("f.txt:2: ", GetParam().error));
}

constexpr char kKnown[] =
    "(known: ok, ok_after_retry, wrong_data, error, hang, crash)";

INSTANTIATE_TEST_SUITE_P(
    EveryKindOfBadLine, BadLineTest,
    ::testing::Values(
        BadLine{"threads workers=2 workers: ok=5",
                "missing \" => \" between the cell key and its counts"},
        BadLine{"  => workers: ok=5", "empty cell key"},
        BadLine{"k => workers: always ok",
                "workers: \"always ok\" is the old format (kinds without "
                "counts), which cannot be turned into counts: delete the file "
                "and record it afresh with `./forkcheck run "
                "--record_expectations` (lines now read e.g. \"workers: ok=34 "
                "crash=2\")"},
        BadLine{"k => workers: ok=5; parent_after: mixed hang,ok",
                "parent_after: \"mixed hang,ok\" is the old format (kinds "
                "without counts), which cannot be turned into counts: delete "
                "the file and record it afresh with `./forkcheck run "
                "--record_expectations` (lines now read e.g. \"workers: ok=34 "
                "crash=2\")"},
        BadLine{"k => workers: ok",
                "workers: expected <kind>=<count>, got \"ok\""},
        BadLine{
            "k => workers: hung=3",
            absl::StrCat("workers: unknown outcome kind \"hung\" ", kKnown)},
        BadLine{"k => workers: ok=-1",
                "workers: count of ok must be a whole number from 0 to "
                "10000000, got \"-1\""},
        BadLine{"k => workers: ok=3x",
                "workers: count of ok must be a whole number from 0 to "
                "10000000, got \"3x\""},
        BadLine{"k => workers: ok=",
                "workers: count of ok must be a whole number from 0 to "
                "10000000, got \"\""},
        BadLine{"k => workers: ok=99999999999",
                "workers: count of ok must be a whole number from 0 to "
                "10000000, got \"99999999999\""},
        BadLine{"k => workers: ok=2 ok=3",
                "workers: kind \"ok\" counted twice"},
        BadLine{"k => workers: ok=0",
                "workers: no trials counted in \"ok=0\"; expected e.g. "
                "\"ok=34 crash=2\""},
        BadLine{"k => workers:",
                "workers: no trials counted in \"\"; expected e.g. \"ok=34 "
                "crash=2\""},
        BadLine{"k => parent_after: ok=5", "missing \"workers: <counts>\""},
        BadLine{"k => workers: ok=1; workers: hang=1",
                "\"workers\" given twice"},
        BadLine{"k => workers: ok=5 runs=1/3",
                "workers: runs hold 1 not ok and 2 ok, more than the counts' "
                "0 not ok and 5 ok"},
        BadLine{"k => workers: ok=2 hang=2 runs=1/3,1/2",
                "workers: runs hold 2 not ok and 3 ok, more than the counts' "
                "2 not ok and 2 ok"},
        // More ok in the runs than in the counts, not more failures.
        BadLine{"k => workers: ok=2 hang=5 runs=0/3",
                "workers: runs hold 0 not ok and 3 ok, more than the counts' "
                "5 not ok and 2 ok"},
        BadLine{"k => workers: ok=2 hang=2 runs=1/3 runs=1/1",
                "workers: runs given twice"},
        BadLine{"k => workers: ok=2 hang=2 runs=3/2",
                "workers: runs: expected <failures>/<trials> with 0 <= "
                "failures <= trials and trials >= 1, got \"3/2\""},
        BadLine{"k => workers: ok=2 hang=2 runs=0/0",
                "workers: runs: expected <failures>/<trials> with 0 <= "
                "failures <= trials and trials >= 1, got \"0/0\""},
        BadLine{"k => workers: ok=2 hang=2 runs=1/2,",
                "workers: runs: expected <failures>/<trials> with 0 <= "
                "failures <= trials and trials >= 1, got \"\""},
        BadLine{"k => workers: ok=2 hang=2 runs=-1/2",
                "workers: runs: expected <failures>/<trials> with 0 <= "
                "failures <= trials and trials >= 1, got \"-1/2\""},
        BadLine{"k => workers: ok=2 hang=2; parent_after: ok=1 runs=1/1",
                "parent_after: runs hold 1 not ok and 0 ok, more than the "
                "counts' 0 not ok and 1 ok"},
        BadLine{"k => workers: ok=1; parent: ok=1",
                "unknown part \"parent: ok=1\"; expected \"workers: "
                "<counts>\" or \"parent_after: <counts>\""}));

TEST(ParseExpectationsTest, DuplicateKeyNamesBothLines) {
  const std::string text =
      absl::StrCat(Key("threads"), " => workers: ok=5\n", "# comment\n",
                   Key("threads"), " => workers: hang=5\n");
  const absl::StatusOr<ExpectationsFile> file =
      ParseExpectations(text, "f.txt");
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.status().message(),
            absl::StrCat("f.txt:3: duplicate cell key (first on line 1): ",
                         Key("threads")));
}

TEST(LoadExpectationsFileTest, AbsentFileIsNotFound) {
  const absl::StatusOr<ExpectationsFile> file =
      LoadExpectationsFile("/nonexistent/grpc-9.99.txt");
  EXPECT_EQ(file.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(file.status().message(), HasSubstr("/nonexistent/grpc-9.99.txt"));
}

TEST(LoadExpectationsFileTest, ADirectoryIsAnErrorNotAnEmptyFile) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  ASSERT_NE(tmp, nullptr);
  const std::string path = absl::StrCat(tmp, "/dir/grpc-1.51.txt");
  std::filesystem::create_directories(path);
  const absl::StatusOr<ExpectationsFile> file = LoadExpectationsFile(path);
  EXPECT_EQ(file.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(file.status().message(),
              HasSubstr(absl::StrCat("cannot read expectations file \"", path,
                                     "\": Is a directory")));
}

TEST(LoadExpectationsFileTest, ReadsAndParsesAFile) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  ASSERT_NE(tmp, nullptr);
  const std::string path = absl::StrCat(tmp, "/grpc-1.51.txt");
  {
    std::ofstream out(path);
    out << Key("threads") << " => workers: always ok\n";
  }
  absl::StatusOr<ExpectationsFile> file = LoadExpectationsFile(path);
  ASSERT_FALSE(file.ok());
  EXPECT_THAT(file.status().message(),
              HasSubstr(absl::StrCat(path, ":1: workers: \"always ok\" is the "
                                           "old format")));
  {
    std::ofstream out(path);
    out << Key("threads") << " => workers: ok=7\n";
  }
  file = LoadExpectationsFile(path);
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->grpc_version, "1.51");
  EXPECT_EQ(file->by_key.count(Key("threads")), 1u);
}

TEST(ExpectationsFileNameTest, KeepsMajorMinor) {
  EXPECT_EQ(ExpectationsFileName("1.51.1"), "grpc-1.51.txt");
  EXPECT_EQ(ExpectationsFileName("1.51"), "grpc-1.51.txt");
  EXPECT_EQ(ExpectationsFileName("1.62.0-pre1"), "grpc-1.62.txt");
  EXPECT_EQ(ExpectationsFileName("cpp", "1.51.1"), "grpc-1.51.txt");
  EXPECT_EQ(ExpectationsFileName("python-grpcio", "1.51.1"),
            "python-grpcio-1.51.txt");
}

TEST(ExpectationLineTest, CountsEveryKindSeen) {
  EXPECT_EQ(ExpectationLine(MakeResult("fork", {kHang, kOk, kHang, kCrash},
                                       {kOk, kOk, kHang, kOk})),
            Key("fork") +
                " => workers: ok=1 hang=2 crash=1 runs=3/4; "
                "parent_after: ok=3 hang=1 runs=1/4");
  // A retry is a failure of the rate (part_change.h).
  EXPECT_EQ(ExpectationLine(MakeResult("threads", {kOkAfterRetry, kOk})),
            Key("threads") + " => workers: ok=1 ok_after_retry=1 runs=1/2");
}

TEST(ExpectationLineTest, HarnessErrorsAreNotObservations) {
  EXPECT_EQ(ExpectationLine(HarnessFailed("threads", 3)), "");
  CellResult some = MakeResult("threads", {kOk, kOk});
  some.samples.push_back(HarnessFailed("threads", 1).samples[0]);
  EXPECT_EQ(ExpectationLine(some),
            Key("threads") + " => workers: ok=2 runs=0/2");
}

ExpectationsFile ParseOrDie(const std::string& text) {
  absl::StatusOr<ExpectationsFile> file =
      ParseExpectations(text, "grpc-1.51.txt");
  EXPECT_TRUE(file.ok()) << file.status();
  return file.ok() ? *file : ExpectationsFile{};
}

TEST(RenderExpectationsFileTest, ReRecordingAddsTheCounts) {
  const ExpectationsFile previous =
      ParseOrDie(absl::StrCat(Key("fork"), " => workers: ok=3 hang=2\n",
                              Key("kept"), " => workers: crash=4\n"));
  const std::string text = RenderExpectationsFile(
      "gRPC 1.51.1", {MakeResult("fork", {kOk, kCrash})}, "record it",
      &previous);
  // The old counts kept no runs: the runs start with this one.
  EXPECT_THAT(text, HasSubstr(Key("fork") +
                              " => workers: ok=4 hang=2 crash=1 runs=1/2\n"));
  EXPECT_THAT(text, HasSubstr(Key("kept") + " => workers: crash=4\n"));
  EXPECT_THAT(text, HasSubstr("#   record it\n"));
  EXPECT_THAT(text, HasSubstr("Fisher's exact test"));
  EXPECT_THAT(text, HasSubstr("Holm's correction"));
}

TEST(RenderExpectationsFileTest, ReRecordingAppendsTheRunToEachPartsRuns) {
  const ExpectationsFile previous =
      ParseOrDie(absl::StrCat(Key("fork"),
                              " => workers: ok=30 hang=10 runs=2/10,4/10; "
                              "parent_after: ok=20 error=20 runs=3/10\n"));
  const Expectation& fork = previous.by_key.at(Key("fork"));
  ASSERT_EQ(fork.workers_runs.size(), 2u);
  EXPECT_EQ(fork.workers_runs[1].failures, 4);
  EXPECT_EQ(fork.workers_runs[1].trials, 10);
  ASSERT_EQ(fork.parent_after_runs.size(), 1u);
  EXPECT_EQ(RunsText(fork.workers_runs), "runs=2/10,4/10");
  const std::string text = RenderExpectationsFile(
      "gRPC 1.51.1",
      {MakeResult("fork", Join(Times(3, kHang), Times(2, kOk)),
                  Join(Times(1, kError), Times(4, kOk)))},
      "record it", &previous);
  EXPECT_THAT(text, HasSubstr(Key("fork") +
                              " => workers: ok=32 hang=13 runs=2/10,4/10,3/5; "
                              "parent_after: ok=24 error=21 runs=3/10,1/5\n"));
  EXPECT_THAT(text, HasSubstr("# Then \"runs=<not ok>/<trials>,...\""));
  // The header states the rule with the code's numbers.
  EXPECT_THAT(text, HasSubstr("# Where a part's runs of 10 trials or more "
                              "disagree (Pearson's\n# chi-square over them "
                              "at 5%), the test is the quasi-binomial one\n"));
  // What was written reads back the same.
  const ExpectationsFile again = ParseOrDie(text);
  EXPECT_EQ(ExpectText(again.by_key.at(Key("fork"))),
            "workers: ok=32 hang=13 runs=2/10,4/10,3/5; parent_after: ok=24 "
            "error=21 runs=3/10,1/5");
}

TEST(RenderExpectationsFileTest, RoundTripsAndPassesItsOwnCheck) {
  const std::vector<CellResult> results = {
      MakeResult("threads", Times(40, kOk)),
      MakeResult("fork", Join(Times(3, kHang), Times(2, kOk)),
                 Join(Times(4, kCrash), Times(1, kOk))),
      HarnessFailed("broken", 2)};
  const std::string text =
      RenderExpectationsFile("gRPC 1.51.1", results, "record it");
  EXPECT_THAT(text, HasSubstr("# not recorded, the harness could not run it: " +
                              Key("broken")));
  const ExpectationsFile file = ParseOrDie(text);
  EXPECT_EQ(file.by_key.size(), 2u);
  const ExpectationsCheck check = CheckExpectations(
      file, {results[0], results[1]}, {Key("threads"), Key("fork")}, kRule);
  EXPECT_TRUE(Passed(check)) << DescribeCheck(check, "f");
  EXPECT_EQ(check.tests, 3);
}

// --- The statistical check ------------------------------------------------

TEST(CheckExpectationsTest, SameBehaviourWithFewerTrialsPasses) {
  const ExpectationsFile file = ParseOrDie(
      absl::StrCat(Key("threads"), " => workers: ok=200\n", Key("fork"),
                   " => workers: ok=60 hang=40\n", Key("hang"),
                   " => workers: hang=50\n"));
  const ExpectationsCheck check = CheckExpectations(
      file,
      {MakeResult("threads", Times(36, kOk)),
       MakeResult("fork", Join(Times(20, kOk), Times(10, kCrash))),
       MakeResult("hang", Times(6, kCrash))},
      {Key("threads"), Key("fork"), Key("hang")}, kRule);
  // How a cell fails (hang or crash) may change; its failure rate did not.
  EXPECT_TRUE(Passed(check)) << DescribeCheck(check, "f");
}

TEST(CheckExpectationsTest, ASafeCellThatStartsFailingIsFlaggedWithBothCounts) {
  const ExpectationsFile file =
      ParseOrDie(absl::StrCat(Key("threads"), " => workers: ok=200\n"));
  const ExpectationsCheck check = CheckExpectations(
      file, {MakeResult("threads", Join(Times(24, kOk), Times(6, kHang)))},
      {Key("threads")}, kRule);
  ASSERT_EQ(check.mismatches.size(), 1u);
  const ExpectationMismatch& mismatch = check.mismatches[0];
  EXPECT_EQ(mismatch.part, "workers");
  EXPECT_EQ(mismatch.why, "failure rate rose");
  EXPECT_LT(mismatch.adjusted_p_value, 0.01);
  EXPECT_EQ(mismatch.recorded, "ok 200/200 → safe, failure 0% [0%–1.8%]");
  EXPECT_EQ(mismatch.observed,
            "ok 24/30, hang 6/30 → flaky, failure 20% [7.7%–39%]");
  EXPECT_EQ(mismatch.replacement_line,
            Key("threads") + " => workers: ok=24 hang=6 runs=6/30");
  EXPECT_EQ(mismatch.test, kFisherTest);
  const std::string text = DescribeCheck(check, "grpc-1.51.txt");
  EXPECT_THAT(text, HasSubstr("grpc-1.51.txt:1: " + Key("threads")));
  EXPECT_THAT(text, HasSubstr("Fisher p = "));
  EXPECT_THAT(text, HasSubstr("Holm-adjusted over 1 tests"));
}

// The parent's client after fork_after_create(parent_channel=idle) writes:
// 12 of the 13 runs of matrix/measurements/run_to_run_dispersion_2026-12-07
// .tsv as a record (failures/trials), the 13th (ok 3 of 30, the default
// run that failed the check) as this run.
constexpr char kIdleWriteRuns[] =
    "runs=11/30,24/30,36/50,39/50,19/30,25/30,23/30,19/30,23/30,19/30,10/30,"
    "20/30";

TEST(CheckExpectationsTest, APartWhoseRunsSpreadIsTestedAgainstItsRuns) {
  // 268 failures of 400 trials over the 12 runs.
  const std::string counts = "ok=132 hang=268";
  const std::vector<CellResult> run = {
      MakeResult("fork", Join(Times(3, kOk), Times(27, kHang)))};
  // Without runs, Fisher's test takes the spread for a change (p 0.0075).
  const ExpectationsCheck fisher = CheckExpectations(
      ParseOrDie(absl::StrCat(Key("fork"), " => workers: ", counts, "\n")), run,
      {Key("fork")}, kRule);
  ASSERT_EQ(fisher.mismatches.size(), 1u);
  EXPECT_EQ(fisher.mismatches[0].test, kFisherTest);
  EXPECT_NEAR(fisher.mismatches[0].p_value, 0.00746, 5e-5);
  EXPECT_EQ(fisher.quasi_binomial_tests, 0);
  // With them, the quasi-binomial test allows for it (p 0.198 by scipy).
  const ExpectationsCheck quasi = CheckExpectations(
      ParseOrDie(absl::StrCat(Key("fork"), " => workers: ", counts, " ",
                              kIdleWriteRuns, "\n")),
      run, {Key("fork")}, kRule);
  EXPECT_TRUE(Passed(quasi)) << DescribeCheck(quasi, "f");
  EXPECT_EQ(quasi.tests, 1);
  EXPECT_EQ(quasi.quasi_binomial_tests, 1);
  // check_power.h computes Fisher's power: a quasi-binomial test is not
  // counted as able to see a change.
  ASSERT_TRUE(quasi.sensitivity.has_value());
  EXPECT_EQ(quasi.sensitivity->tests, 0);
}

TEST(CheckExpectationsTest, TheQuasiBinomialTestStillSeesARealChange) {
  // The same 12 runs, then a run where every trial was ok: the part now
  // works (p 0.0028 by scipy).
  const ExpectationsCheck check = CheckExpectations(
      ParseOrDie(absl::StrCat(Key("fork"), " => workers: ok=132 hang=268 ",
                              kIdleWriteRuns, "\n")),
      {MakeResult("fork", Times(30, kOk))}, {Key("fork")}, kRule);
  ASSERT_EQ(check.mismatches.size(), 1u) << DescribeCheck(check, "f");
  const ExpectationMismatch& mismatch = check.mismatches[0];
  EXPECT_EQ(mismatch.test, kQuasiBinomialTest);
  EXPECT_EQ(mismatch.runs, 12);
  EXPECT_NEAR(mismatch.dispersion, 3.65117, 1e-5);  // chi-square 40.16 on 11
  EXPECT_NEAR(mismatch.p_value, 0.0028304, 1e-6);
  EXPECT_EQ(mismatch.why, "failure rate fell");
  // What it was tested against: the runs.
  EXPECT_THAT(mismatch.recorded,
              HasSubstr("; its 12 recorded runs: not ok 268/400"));
  EXPECT_THAT(DescribeCheck(check, "f"),
              HasSubstr("(quasi-binomial p = 0.0028 (runs spread 3.7 times "
                        "the binomial's, over 12 recorded runs), "
                        "Holm-adjusted over 1 tests"));
  // The line to write if the change is real: this run's counts, one run.
  EXPECT_EQ(mismatch.replacement_line,
            Key("fork") + " => workers: ok=30 runs=0/30");
}

// Runs that agree say nothing of a spread: Fisher's test on every recorded
// trial is the sharper one (the quasi-binomial's t with 4 degrees of
// freedom would give p 0.0026 where Fisher's gives 7e-13).
TEST(CheckExpectationsTest, RunsThatAgreeKeepFishersTest) {
  const ExpectationsFile file = ParseOrDie(
      absl::StrCat(Key("fork"),
                   " => workers: ok=100 hang=50 runs=9/30,10/30,11/30,10/30,"
                   "10/30\n"));
  const ExpectationsCheck check = CheckExpectations(
      file, {MakeResult("fork", Times(30, kHang))}, {Key("fork")}, kRule);
  ASSERT_EQ(check.mismatches.size(), 1u) << DescribeCheck(check, "f");
  EXPECT_EQ(check.mismatches[0].test, kFisherTest);
  EXPECT_LT(check.mismatches[0].p_value, 1e-12);
  EXPECT_EQ(check.quasi_binomial_tests, 0);
}

// Runs of a few trials (an unsafe cell stopping early) are not read for
// the spread: 6/6, 6/6 and 0/1 would "disagree" (chi-square p 0.0015).
// The run passes either way (quasi-binomial p 0.81, Fisher's 1): the
// test count and TestedAgainstRuns are what tell.
TEST(CheckExpectationsTest, ShortRunsAreNotReadForTheSpread) {
  const ExpectationsFile file = ParseOrDie(absl::StrCat(
      Key("fork"), " => workers: ok=1 hang=12 runs=6/6,6/6,0/1\n"));
  const ExpectationsCheck check = CheckExpectations(
      file, {MakeResult("fork", Times(6, kHang))}, {Key("fork")}, kRule);
  EXPECT_TRUE(Passed(check)) << DescribeCheck(check, "f");
  EXPECT_EQ(check.quasi_binomial_tests, 0);
  EXPECT_FALSE(TestedAgainstRuns({{6, 6}, {6, 6}, {0, 1}}));
  // The same spread over runs of 10 or more is read.
  EXPECT_TRUE(TestedAgainstRuns({{10, 10}, {10, 10}, {0, 10}}));
}

// A safe part keeps Fisher's test whatever runs its line keeps: with every
// trial ok there is no spread to estimate.
TEST(CheckExpectationsTest, ASafePartsRunsLeaveItToFisher) {
  const ExpectationsCheck check = CheckExpectations(
      ParseOrDie(absl::StrCat(Key("threads"),
                              " => workers: ok=200 runs=0/100,0/100\n")),
      {MakeResult("threads", Join(Times(24, kOk), Times(6, kHang)))},
      {Key("threads")}, kRule);
  ASSERT_EQ(check.mismatches.size(), 1u);
  EXPECT_EQ(check.mismatches[0].test, kFisherTest);
  EXPECT_EQ(check.quasi_binomial_tests, 0);
}

TEST(CheckExpectationsTest, AnUnsafeCellThatBecameSafeIsFlagged) {
  const ExpectationsFile file =
      ParseOrDie(absl::StrCat(Key("fork"), " => workers: hang=30\n"));
  const ExpectationsCheck check = CheckExpectations(
      file, {MakeResult("fork", Times(10, kOk))}, {Key("fork")}, kRule);
  ASSERT_EQ(check.mismatches.size(), 1u);
  EXPECT_EQ(check.mismatches[0].why, "failure rate fell");
}

TEST(CheckExpectationsTest, DoctoredAlwaysHangLineFailsASafeCell) {
  // The acceptance case: a safe cell's line changed to hang.
  const ExpectationsFile file =
      ParseOrDie(absl::StrCat(Key("threads"), " => workers: hang=5\n"));
  const ExpectationsCheck check = CheckExpectations(
      file, {MakeResult("threads", Times(36, kOk))}, {Key("threads")}, kRule);
  EXPECT_FALSE(Passed(check));
  EXPECT_THAT(DescribeCheck(check, "f"), HasSubstr(Key("threads")));
}

TEST(CheckExpectationsTest, CorrectionSpreadsAlphaOverEveryTest) {
  // p = 0.0039 alone is significant at 1%; among 10 tests it is not.
  std::string text = absl::StrCat(Key("fork"), " => workers: ok=5\n");
  std::vector<CellResult> results = {MakeResult("fork", Times(5, kHang))};
  std::set<std::string> keys = {Key("fork")};
  ExpectationsCheck alone =
      CheckExpectations(ParseOrDie(text), results, keys, kRule);
  ASSERT_EQ(alone.mismatches.size(), 1u);
  EXPECT_NEAR(alone.mismatches[0].p_value, 0.00793650793651, 1e-9);
  for (int i = 0; i < 9; ++i) {
    const std::string name = absl::StrCat("safe", i);
    absl::StrAppend(&text, Key(name), " => workers: ok=5\n");
    results.push_back(MakeResult(name, Times(5, kOk)));
    keys.insert(Key(name));
  }
  const ExpectationsCheck among =
      CheckExpectations(ParseOrDie(text), results, keys, kRule);
  EXPECT_EQ(among.tests, 10);
  EXPECT_TRUE(among.mismatches.empty()) << DescribeCheck(among, "f");
}

TEST(CheckExpectationsTest, CountsTheTestsWhoseRecordIsLongEnoughToSeeAChange) {
  // Four tests at alpha 1%: Holm's first step is p <= 0.0025. Against
  // 1,000 clean trials, 2 failures of 50 reach it (power 99.98% at a 20%
  // rate); against 8, it takes 30 (power 7e-10); against 36 recorded
  // hangs, 11 ok of 50 (power 42% at 20% ok). scipy agrees
  // (matrix/testing/cross_check_power.py). 1,000 recorded hangs would do
  // (99.98%), but such a cell stops as unsafe at its 6th hang before the
  // check gets its trials: not counted.
  const std::string text = absl::StrCat(
      Key("long"), " => workers: ok=1000\n", Key("short"),
      " => workers: ok=8\n", Key("unsafe"), " => workers: hang=36\n",
      Key("always_hung"), " => workers: hang=1000\n");
  const std::vector<CellResult> results = {
      MakeResult("long", Times(36, kOk)), MakeResult("short", Times(36, kOk)),
      MakeResult("unsafe", Times(6, kHang)),
      MakeResult("always_hung", Times(6, kHang))};
  const std::set<std::string> keys = {Key("long"), Key("short"), Key("unsafe"),
                                      Key("always_hung")};
  ExpectationsRule rule = kRule;
  rule.sensitivity_trials = 50;
  const ExpectationsCheck check =
      CheckExpectations(ParseOrDie(text), results, keys, rule);
  EXPECT_EQ(check.tests, 4);
  ASSERT_TRUE(check.sensitivity.has_value());
  EXPECT_EQ(check.sensitivity->tests, 1);
  EXPECT_EQ(check.sensitivity->trials, 50);
  EXPECT_DOUBLE_EQ(check.sensitivity->shift, 0.2);
  EXPECT_DOUBLE_EQ(check.sensitivity->power, 0.95);
  // Judged on 5 trials, not even the long record would show it.
  rule.sensitivity_trials = 5;
  EXPECT_EQ(CheckExpectations(ParseOrDie(text), results, keys, rule)
                .sensitivity->tests,
            0);
  // Not counted where it would cost minutes.
  rule.sensitivity_trials = kMaxSensitivityTrials + 1;
  EXPECT_FALSE(CheckExpectations(ParseOrDie(text), results, keys, rule)
                   .sensitivity.has_value());
}

TEST(CheckExpectationsTest, WrongDataWhereEveryTrialWasOkIsAMismatch) {
  // "safe" recorded every trial ok (or ok after a retry); one wrong row is
  // a mismatch whatever the p-value. "fork" and "known" had failed before:
  // there wrong_data is one more failure, and 1 in 6 is no significant rise.
  const ExpectationsFile file = ParseOrDie(
      absl::StrCat(Key("safe"), " => workers: ok=50 ok_after_retry=3\n",
                   Key("fork"), " => workers: ok=50 hang=50\n", Key("known"),
                   " => workers: hang=50 wrong_data=1\n"));
  const ExpectationsCheck check = CheckExpectations(
      file,
      {MakeResult("safe", Join(Times(9, kOk), {kWrongData})),
       MakeResult("fork", Join(Times(5, kOk), {kWrongData})),
       MakeResult("known", Join(Times(5, kHang), {kWrongData}))},
      {Key("safe"), Key("fork"), Key("known")}, kRule);
  ASSERT_EQ(check.mismatches.size(), 1u) << DescribeCheck(check, "f");
  EXPECT_EQ(check.mismatches[0].key, Key("safe"));
  EXPECT_EQ(check.mismatches[0].why,
            "wrong_data, where every recorded trial was ok");
}

TEST(CheckExpectationsTest, WrongDataAmongFailuresCountsTowardsTheRate) {
  // A cell recorded failing in 1 of 40 trials now gives wrong rows in 12 of
  // 12: the rate test catches it.
  const ExpectationsFile file =
      ParseOrDie(absl::StrCat(Key("fork"), " => workers: ok=39 crash=1\n"));
  const ExpectationsCheck check = CheckExpectations(
      file, {MakeResult("fork", Times(12, kWrongData))}, {Key("fork")}, kRule);
  ASSERT_EQ(check.mismatches.size(), 1u) << DescribeCheck(check, "f");
  EXPECT_EQ(check.mismatches[0].why, "failure rate rose");
}

TEST(CheckExpectationsTest, RetriesCountAsFailuresOfTheRate) {
  const ExpectationsFile file =
      ParseOrDie(absl::StrCat(Key("threads"), " => workers: ok=100\n"));
  const ExpectationsCheck check = CheckExpectations(
      file, {MakeResult("threads", Times(40, kOkAfterRetry))},
      {Key("threads")}, kRule);
  ASSERT_EQ(check.mismatches.size(), 1u);
  EXPECT_THAT(check.mismatches[0].observed, HasSubstr("needs_retry"));
}

TEST(CheckExpectationsTest, ParentPartMustBePresentIffObserved) {
  const ExpectationsFile file =
      ParseOrDie(absl::StrCat(Key("a"), " => workers: ok=5; parent_after: ok=5\n",
                              Key("b"), " => workers: ok=5\n"));
  const ExpectationsCheck check = CheckExpectations(
      file,
      {MakeResult("a", Times(5, kOk)),
       MakeResult("b", Times(5, kOk), Times(5, kOk))},
      {Key("a"), Key("b")}, kRule);
  ASSERT_EQ(check.mismatches.size(), 2u);
  EXPECT_EQ(check.mismatches[0].why,
            "recorded, but this run had no parent check");
  EXPECT_EQ(check.mismatches[1].why, "checked, but never recorded");
}

TEST(CheckExpectationsTest, MissingAndStaleLines) {
  const ExpectationsFile file =
      ParseOrDie(absl::StrCat(Key("gone"), " => workers: ok=5\n", Key("later"),
                              " => workers: ok=5\n"));
  const ExpectationsCheck check = CheckExpectations(
      file, {MakeResult("new", Times(2, kOk))}, {Key("new"), Key("later")},
      kRule);
  EXPECT_THAT(check.missing,
              ElementsAre(Key("new") + " => workers: ok=2 runs=0/2"));
  EXPECT_THAT(check.stale, ElementsAre(Pair(1, Key("gone"))));
  EXPECT_FALSE(Passed(check));
  EXPECT_THAT(DescribeCheck(check, "f.txt"),
              HasSubstr("f.txt:1: names a cell not in the design"));
}

TEST(CheckExpectationsTest, HarnessErrorCellsFailOnTheirOwn) {
  const ExpectationsFile file =
      ParseOrDie(absl::StrCat(Key("broken"), " => workers: ok=5\n"));
  const ExpectationsCheck check = CheckExpectations(
      file, {HarnessFailed("broken", 2)}, {Key("broken")}, kRule);
  ASSERT_EQ(check.unrun.size(), 1u);
  EXPECT_EQ(check.unrun[0].line, 1);
  EXPECT_THAT(DescribeCheck(check, "f.txt"),
              HasSubstr("f.txt:1: the harness could not run any trial of"));
}

TEST(CheckExpectationsRuleTest, AlphaOutsideTheUnitIntervalIsAnError) {
  EXPECT_TRUE(CheckExpectationsRule(kRule).ok());
  ExpectationsRule rule;
  rule.alpha = 1;
  EXPECT_THAT(CheckExpectationsRule(rule).message(), HasSubstr("alpha"));
  rule.alpha = 0.01;
  rule.verdicts.confidence = 0;
  EXPECT_THAT(CheckExpectationsRule(rule).message(), HasSubstr("confidence"));
  rule.verdicts = kRule.verdicts;
  rule.sensitivity_trials = 0;
  EXPECT_THAT(CheckExpectationsRule(rule).message(),
              HasSubstr("sensitivity_trials"));
}

}  // namespace
}  // namespace forkcheck
