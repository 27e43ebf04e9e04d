#include "matrix/expectations.h"

#include <cstdlib>
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

TEST(ParseExpectationsTest, ParsesCommentsBlanksAndBothLineForms) {
  const std::string text = absl::StrCat(
      "# forkcheck process-model expectations for gRPC 1.51\n", "\n",
      "   # an indented comment\n", Key("threads"),
      " => workers: always ok\r\n", Key("fork_after_create"),
      " => workers: mixed ok, hang ; parent_after: always crash  \n");
  const absl::StatusOr<ExpectationsFile> file =
      ParseExpectations(text, "conformance/expectations/grpc-1.51.txt");
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->grpc_version, "1.51");
  ASSERT_EQ(file->by_key.size(), 2u);

  const Expectation& threads = file->by_key.at(Key("threads"));
  EXPECT_EQ(threads.line, 4);
  EXPECT_EQ(threads.workers, OutcomeSet({kOk}));
  EXPECT_FALSE(threads.parent_after.has_value());

  const Expectation& fork = file->by_key.at(Key("fork_after_create"));
  EXPECT_EQ(fork.line, 5);
  EXPECT_EQ(fork.workers, OutcomeSet({kOk, kHang}));
  EXPECT_EQ(fork.parent_after, OutcomeSet({kCrash}));
  EXPECT_EQ(ExpectText(fork),
            "workers: mixed hang,ok; parent_after: always crash");
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

INSTANTIATE_TEST_SUITE_P(
    EveryKindOfBadLine, BadLineTest,
    ::testing::Values(
        BadLine{"threads workers=2 workers: always ok",
                "missing \" => \" between the cell key and its expectations"},
        BadLine{"threads=>workers: always ok",
                "missing \" => \" between the cell key and its expectations"},
        BadLine{"  => workers: always ok", "empty cell key"},
        BadLine{"k => workers: sometimes ok",
                "workers: expected \"always <kind>\" or "
                "\"mixed <kind>,<kind>[,...]\", got \"sometimes ok\""},
        BadLine{"k => workers: always",
                "workers: expected \"always <kind>\" or "
                "\"mixed <kind>,<kind>[,...]\", got \"always\""},
        BadLine{"k => workers: always hung",
                "workers: unknown outcome kind \"hung\" (known: ok, "
                "wrong_data, error, hang, crash)"},
        BadLine{"k => workers: always ok; parent_after: mixed ok,segv",
                "parent_after: unknown outcome kind \"segv\" (known: ok, "
                "wrong_data, error, hang, crash)"},
        BadLine{"k => workers: always ok,hang",
                "workers: \"always\" takes one kind, got \"ok,hang\"; use "
                "\"mixed\""},
        BadLine{"k => workers: mixed ok",
                "workers: \"mixed\" needs two or more kinds, got \"ok\"; use "
                "\"always ok\""},
        BadLine{"k => workers: mixed ok,hang,ok",
                "workers: kind \"ok\" listed twice"},
        BadLine{"k => workers: mixed ok,,hang",
                "workers: empty kind in \"ok,,hang\""},
        BadLine{"k => parent_after: always ok",
                "missing \"workers: <expect>\""},
        BadLine{"k => workers: always ok; workers: always hang",
                "\"workers\" given twice"},
        BadLine{"k => workers: always ok; parent_after: always ok; "
                "parent_after: always ok",
                "\"parent_after\" given twice"},
        BadLine{"k => workers: always ok; parent: always ok",
                "unknown part \"parent: always ok\"; expected \"workers: "
                "<expect>\" or \"parent_after: <expect>\""},
        BadLine{"k => workers always ok",
                "unknown part \"workers always ok\"; expected \"workers: "
                "<expect>\" or \"parent_after: <expect>\""}));

TEST(ParseExpectationsTest, DuplicateKeyNamesBothLines) {
  const std::string text =
      absl::StrCat(Key("threads"), " => workers: always ok\n", "# comment\n",
                   Key("threads"), " => workers: always hang\n");
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

TEST(LoadExpectationsFileTest, ReadsAndParsesAFile) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  ASSERT_NE(tmp, nullptr);
  const std::string path = absl::StrCat(tmp, "/grpc-1.51.txt");
  {
    std::ofstream out(path);
    out << Key("threads") << " => workers: mixed ok\n";
  }
  absl::StatusOr<ExpectationsFile> file = LoadExpectationsFile(path);
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.status().message(),
            absl::StrCat(path,
                         ":1: workers: \"mixed\" needs two or more kinds, got "
                         "\"ok\"; use \"always ok\""));
  {
    std::ofstream out(path);
    out << Key("threads") << " => workers: always ok\n";
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
  absl::StatusOr<ExpectationsFile> python =
      ParseExpectations("", "conformance/expectations/python-grpcio-1.51.txt");
  ASSERT_TRUE(python.ok()) << python.status();
  EXPECT_EQ(python->grpc_version, "1.51");
}

// --- Matching --------------------------------------------------------------

TEST(MatchesTest, ASafeCellMustBeOkInMostTrials) {
  EXPECT_TRUE(Matches({kOk}, Counts({{kOk, 5}})));
  // A rare failure the recordings never saw is not a changed verdict...
  EXPECT_TRUE(Matches({kOk}, Counts({{kOk, 4}, {kHang, 1}})));
  EXPECT_TRUE(Matches({kOk}, Counts({{kOk, 3}, {kHang, 2}})));
  // ...a cell that fails in most trials is.
  EXPECT_FALSE(Matches({kOk}, Counts({{kOk, 2}, {kHang, 3}})));
  EXPECT_FALSE(Matches({kOk}, Counts({{kHang, 5}})));
  EXPECT_FALSE(Matches({kOk}, Counts({{kOk, 4}, {kWrongData, 1}})));
}

TEST(MatchesTest, AFlakyCellMatchesAnyRunButNewWrongData) {
  const OutcomeSet hang_or_ok = {kHang, kOk};
  EXPECT_TRUE(Matches(hang_or_ok, Counts({{kHang, 2}, {kOk, 3}})));
  EXPECT_TRUE(Matches(hang_or_ok, Counts({{kOk, 5}})));
  EXPECT_TRUE(Matches(hang_or_ok, Counts({{kHang, 5}})));
  EXPECT_TRUE(Matches(hang_or_ok, Counts({{kOk, 4}, {kCrash, 1}})));
  EXPECT_FALSE(Matches(hang_or_ok, Counts({{kOk, 4}, {kWrongData, 1}})));
}

TEST(MatchesTest, AnUnsafeCellMustFailInMostTrialsButMayFailOtherwise) {
  EXPECT_TRUE(Matches({kHang}, Counts({{kHang, 4}, {kError, 1}})));
  EXPECT_TRUE(Matches({kHang, kCrash}, Counts({{kError, 5}})));
  EXPECT_TRUE(Matches({kHang}, Counts({{kHang, 4}, {kOk, 1}})));
  EXPECT_FALSE(Matches({kHang}, Counts({{kHang, 2}, {kOk, 3}})));
  EXPECT_FALSE(Matches({kHang, kCrash}, Counts({{kOk, 5}})));
  EXPECT_FALSE(Matches({kHang}, Counts({{kWrongData, 5}})));
  EXPECT_TRUE(Matches({kHang, kWrongData}, Counts({{kWrongData, 5}})));
}

TEST(MatchesTest, NothingObservedMatchesNothing) {
  EXPECT_FALSE(Matches({kOk}, Counts({})));
  EXPECT_FALSE(Matches({kOk, kHang}, Counts({{kOk, 0}})));
}

// --- Recording -------------------------------------------------------------

TEST(ExpectationLineTest, AlwaysForOneKindMixedMostSevereFirst) {
  EXPECT_EQ(ExpectationLine(MakeResult("threads", {kOk, kOk})),
            absl::StrCat(Key("threads"), " => workers: always ok"));
  EXPECT_EQ(
      ExpectationLine(MakeResult("threads", {kOk, kError, kWrongData, kOk})),
      absl::StrCat(Key("threads"), " => workers: mixed wrong_data,error,ok"));
  EXPECT_EQ(ExpectationLine(MakeResult("fork_after_create", {kHang, kOk},
                                       {kCrash, kCrash})),
            absl::StrCat(Key("fork_after_create"),
                         " => workers: mixed hang,ok; parent_after: always "
                         "crash"));
}

TEST(ExpectationLineTest, HarnessErrorsAreNotObservations) {
  EXPECT_EQ(ExpectationLine(HarnessFailed("threads", 3)), "");
  EXPECT_EQ(ExpectationLine(MakeResult("threads", {})), "");
  CellResult partly = MakeResult("threads", {kOk, kOk});
  partly.samples.push_back(HarnessFailed("threads", 1).samples[0]);
  EXPECT_EQ(ExpectationLine(partly),
            absl::StrCat(Key("threads"), " => workers: always ok"));
}

TEST(RenderExpectationsFileTest, ReRecordingAccumulatesWhatWasSeen) {
  const std::string first = RenderExpectationsFile(
      "gRPC 1.51",
      {MakeResult("threads", {kOk, kOk}), MakeResult("spawn", {kOk}, {kOk})},
      "record");
  const absl::StatusOr<ExpectationsFile> previous =
      ParseExpectations(first, "grpc-1.51.txt");
  ASSERT_TRUE(previous.ok()) << previous.status();
  // This run saw a rare hang in "threads" and did not run "spawn".
  const std::string second = RenderExpectationsFile(
      "gRPC 1.51", {MakeResult("threads", {kHang, kOk})}, "record", &*previous);
  EXPECT_THAT(second, HasSubstr(absl::StrCat(Key("threads"),
                                             " => workers: mixed hang,ok\n")));
  EXPECT_THAT(second, HasSubstr(absl::StrCat(
                          Key("spawn"),
                          " => workers: always ok; parent_after: always ok")));
}

TEST(RenderExpectationsFileTest, RoundTripsAndMatchesWhatItRecorded) {
  const std::vector<CellResult> results = {
      MakeResult("threads", {kOk, kOk, kOk}),
      MakeResult("fork_after_create", {kHang, kOk, kHang}, {kOk, kOk, kOk}),
      MakeResult("spawn", {kCrash, kError}, {kOk, kHang}),
      HarnessFailed("forkserver", 2),
  };
  const std::string text = RenderExpectationsFile(
      "gRPC 1.51", results, "bazel run //driver -- --record_expectations");
  EXPECT_THAT(
      text,
      HasSubstr("# forkcheck process-model expectations for gRPC 1.51\n"));
  EXPECT_THAT(text,
              ContainsRegex("# Recorded [0-9]{4}-[0-9]{2}-[0-9]{2} \\(UTC\\)"));
  EXPECT_THAT(text,
              HasSubstr("#   bazel run //driver -- --record_expectations\n"));
  EXPECT_THAT(text, HasSubstr("a line makes its cell safe (always"));
  EXPECT_THAT(text, HasSubstr(absl::StrCat(
                        "# not recorded, the harness could not run it: ",
                        Key("forkserver"), "\n")));
  // Lines sorted by key, after the header.
  EXPECT_THAT(text, HasSubstr(absl::StrCat(
                        "\n\n", Key("fork_after_create"),
                        " => workers: mixed hang,ok; parent_after: always ok\n",
                        Key("spawn"),
                        " => workers: mixed crash,error; parent_after: mixed "
                        "hang,ok\n",
                        Key("threads"), " => workers: always ok\n")));

  const absl::StatusOr<ExpectationsFile> file =
      ParseExpectations(text, "grpc-1.51.txt");
  ASSERT_TRUE(file.ok()) << file.status() << "\n" << text;
  EXPECT_EQ(file->by_key.size(), 3u);
  EXPECT_EQ(file->by_key.at(Key("spawn")).workers,
            OutcomeSet({kCrash, kError}));
  EXPECT_EQ(file->by_key.at(Key("spawn")).parent_after,
            OutcomeSet({kOk, kHang}));

  const std::vector<CellResult> comparable(results.begin(), results.end() - 1);
  std::set<std::string> known;
  for (const CellResult& result : results) known.insert(result.key);
  const ExpectationsCheck check = CheckExpectations(*file, comparable, known);
  EXPECT_TRUE(Passed(check)) << DescribeCheck(check, "grpc-1.51.txt");
  EXPECT_EQ(DescribeCheck(check, "grpc-1.51.txt"), "");
}

// --- Checking --------------------------------------------------------------

ExpectationsFile ParseOrDie(const std::string& text) {
  absl::StatusOr<ExpectationsFile> file =
      ParseExpectations(text, "grpc-1.51.txt");
  EXPECT_TRUE(file.ok()) << file.status();
  return file.ok() ? *std::move(file) : ExpectationsFile{};
}

TEST(CheckExpectationsTest, NondeterministicSubsetIsNotAFailure) {
  const ExpectationsFile file = ParseOrDie(absl::StrCat(
      Key("fork_after_create"),
      " => workers: mixed hang,ok; parent_after: mixed crash,ok\n"));
  const ExpectationsCheck check = CheckExpectations(
      file, {MakeResult("fork_after_create", {kOk, kOk}, {kOk, kOk})},
      {Key("fork_after_create")});
  EXPECT_TRUE(Passed(check)) << DescribeCheck(check, "f");
}

TEST(CheckExpectationsTest, AlwaysLineBecomesWhatWasObserved) {
  const ExpectationsFile file = ParseOrDie(
      absl::StrCat("# header\n", Key("threads"), " => workers: always ok\n"));
  const ExpectationsCheck check = CheckExpectations(
      file, {MakeResult("threads", {kHang, kOk, kHang, kOk, kHang})},
      {Key("threads")});
  EXPECT_FALSE(Passed(check));
  ASSERT_EQ(check.mismatches.size(), 1u);
  const ExpectationMismatch& mismatch = check.mismatches[0];
  EXPECT_EQ(mismatch.key, Key("threads"));
  EXPECT_EQ(mismatch.line, 2);
  EXPECT_EQ(mismatch.observed_summary, "workers: mixed hang 3, ok 2");
  EXPECT_EQ(mismatch.expected_text, "workers: always ok");
  EXPECT_EQ(mismatch.replacement_line,
            absl::StrCat(Key("threads"), " => workers: mixed hang,ok"));
  EXPECT_EQ(DescribeCheck(check, "conformance/expectations/grpc-1.51.txt"),
            absl::StrCat("conformance/expectations/grpc-1.51.txt:2: observed "
                         "workers: mixed hang 3, ok 2; expected workers: "
                         "always ok. Change the line to:\n  ",
                         Key("threads"), " => workers: mixed hang,ok\n"));

  // A deterministic change of behaviour replaces the kind.
  const ExpectationsCheck changed = CheckExpectations(
      file, {MakeResult("threads", {kCrash, kCrash})}, {Key("threads")});
  ASSERT_EQ(changed.mismatches.size(), 1u);
  EXPECT_EQ(changed.mismatches[0].replacement_line,
            absl::StrCat(Key("threads"), " => workers: always crash"));
}

TEST(CheckExpectationsTest, MixedLineIsWidenedByANewKind) {
  const ExpectationsFile file = ParseOrDie(
      absl::StrCat(Key("fork_after_create"),
                   " => workers: mixed hang,ok; parent_after: always ok\n"));
  const ExpectationsCheck check = CheckExpectations(
      file, {MakeResult("fork_after_create", {kCrash, kOk}, {kOk, kError})},
      {Key("fork_after_create")});
  ASSERT_EQ(check.mismatches.size(), 1u);
  EXPECT_EQ(check.mismatches[0].observed_summary,
            "workers: mixed crash 1, ok 1; parent_after: mixed error 1, ok 1");
  EXPECT_EQ(check.mismatches[0].expected_text,
            "workers: mixed hang,ok; parent_after: always ok");
  EXPECT_EQ(check.mismatches[0].replacement_line,
            absl::StrCat(Key("fork_after_create"),
                         " => workers: mixed crash,hang,ok; parent_after: "
                         "mixed error,ok"));
}

TEST(CheckExpectationsTest, ParentPartMustBePresentIffObserved) {
  const ExpectationsFile file = ParseOrDie(absl::StrCat(
      Key("threads"), " => workers: always ok; parent_after: always ok\n",
      Key("spawn"), " => workers: always ok\n"));
  const ExpectationsCheck check =
      CheckExpectations(file,
                        {MakeResult("threads", {kOk, kOk}),
                         MakeResult("spawn", {kOk, kOk}, {kHang, kHang})},
                        {Key("threads"), Key("spawn")});
  ASSERT_EQ(check.mismatches.size(), 2u);
  // Sorted by line.
  EXPECT_EQ(check.mismatches[0].observed_summary,
            "workers: always ok; parent_after: not checked");
  EXPECT_EQ(check.mismatches[0].replacement_line,
            absl::StrCat(Key("threads"), " => workers: always ok"));
  EXPECT_EQ(check.mismatches[1].observed_summary,
            "workers: always ok; parent_after: always hang");
  EXPECT_EQ(check.mismatches[1].replacement_line,
            absl::StrCat(Key("spawn"),
                         " => workers: always ok; parent_after: always hang"));
}

TEST(CheckExpectationsTest, MissingAndStaleLines) {
  const ExpectationsFile file = ParseOrDie(absl::StrCat(
      Key("threads"), " => workers: always ok\n",            // line 1
      Key("retired_model"), " => workers: always ok\n",      // line 2
      Key("fork_before_create"), " => workers: always ok\n"  // line 3
      ));
  // fork_before_create is in the design but did not run: not checked.
  const std::set<std::string> known = {Key("threads"), Key("spawn"),
                                       Key("fork_before_create")};
  const ExpectationsCheck check =
      CheckExpectations(file,
                        {MakeResult("threads", {kOk}),
                         MakeResult("spawn", {kOk, kHang}, {kOk, kOk})},
                        known);
  EXPECT_THAT(check.mismatches, IsEmpty());
  EXPECT_THAT(check.missing,
              ElementsAre(absl::StrCat(
                  Key("spawn"),
                  " => workers: mixed hang,ok; parent_after: always ok")));
  EXPECT_THAT(check.stale, ElementsAre(Pair(2, Key("retired_model"))));
  EXPECT_FALSE(Passed(check));
  EXPECT_EQ(DescribeCheck(check, "grpc-1.51.txt"),
            absl::StrCat("grpc-1.51.txt: a cell that ran has no line; add:\n  ",
                         Key("spawn"),
                         " => workers: mixed hang,ok; parent_after: always "
                         "ok\n",
                         "grpc-1.51.txt:2: names a cell not in the design; "
                         "remove line 2: ",
                         Key("retired_model"), "\n"));
}

TEST(CheckExpectationsTest, HarnessErrorCellsFailOnTheirOwn) {
  const ExpectationsFile file =
      ParseOrDie(absl::StrCat(Key("threads"), " => workers: always hang\n"));
  const ExpectationsCheck check = CheckExpectations(
      file, {HarnessFailed("threads", 3), HarnessFailed("spawn", 1)},
      {Key("threads"), Key("spawn")});
  EXPECT_THAT(check.mismatches, IsEmpty());
  EXPECT_THAT(check.missing, IsEmpty());
  ASSERT_EQ(check.unrun.size(), 2u);
  // Sorted by key.
  EXPECT_EQ(check.unrun[0].key, Key("spawn"));
  EXPECT_EQ(check.unrun[0].line, 0);
  EXPECT_EQ(check.unrun[1].key, Key("threads"));
  EXPECT_EQ(check.unrun[1].line, 1);
  EXPECT_FALSE(Passed(check));
  EXPECT_EQ(DescribeCheck(check, "g.txt"),
            absl::StrCat(
                "g.txt: the harness could not run any trial of ", Key("spawn"),
                ": cannot exec trial_program: No such file\n",
                "g.txt:1: the harness could not run any trial of ",
                Key("threads"), ": cannot exec trial_program: No such file\n"));
}

TEST(CheckExpectationsTest, SomeHarnessErrorsLeaveTheRestComparable) {
  const ExpectationsFile file =
      ParseOrDie(absl::StrCat(Key("threads"), " => workers: always ok\n"));
  CellResult result = MakeResult("threads", {kOk, kOk});
  result.samples.push_back(HarnessFailed("threads", 1).samples[0]);
  EXPECT_TRUE(Passed(CheckExpectations(file, {result}, {Key("threads")})));
}

}  // namespace
}  // namespace forkcheck
