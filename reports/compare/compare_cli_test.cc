// Runs //reports/compare:compare as a nightly job would: exit statuses
// (0 fine, 1 regression or worse cell, 2 bad usage or input, 3 too little
// in common), the formats, --out, and choosing the baseline from a folder.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "common/file_util.h"
#include "common/runfiles.h"
#include "common/subprocess.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "reports/compare/testing/synthetic_report.h"

namespace forkcheck {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

struct Ran {
  int exit_status = -1;
  std::string out;
  std::string err;
};

std::string Scratch(const std::string& name) {
  const std::string dir = std::getenv("TEST_TMPDIR");
  return absl::StrCat(dir, "/", name);
}

// `options`: where it runs and its environment (its fds are set here).
Ran RunCompare(const std::vector<std::string>& args,
               SpawnOptions options = {}) {
  absl::StatusOr<std::string> binary =
      RunfileExecutable("reports/compare/compare");
  EXPECT_TRUE(binary.ok()) << binary.status();
  if (!binary.ok()) return {};
  const std::string out_path = Scratch("stdout.txt");
  const std::string err_path = Scratch("stderr.txt");
  const int out_fd =
      open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  const int err_fd =
      open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  std::vector<std::string> argv = {*binary};
  argv.insert(argv.end(), args.begin(), args.end());
  options.fds = {{out_fd, 1}, {err_fd, 2}};
  absl::StatusOr<pid_t> pid = SpawnInProcessGroup(argv, options);
  close(out_fd);
  close(err_fd);
  EXPECT_TRUE(pid.ok()) << pid.status();
  if (!pid.ok()) return {};
  Ran ran;
  const std::optional<int> status =
      WaitForChild(*pid, std::chrono::seconds(30));
  EXPECT_TRUE(status.has_value()) << "compare still running after 30 s";
  if (!status.has_value()) {
    kill(-*pid, SIGKILL);
    WaitForChild(*pid, std::chrono::seconds(5));
    return ran;
  }
  ran.exit_status = WIFEXITED(*status) ? WEXITSTATUS(*status) : -1;
  ran.out = ReadFile(out_path, "stdout").value_or("");
  ran.err = ReadFile(err_path, "stderr").value_or("");
  return ran;
}

const std::vector<double> kRows = {1000, 1010, 990, 1005, 995, 1002, 998};

SyntheticReport Spec(
    double factor, const std::string& outcome = "ok",
    const std::string& start_time = "2026-12-01T00:00:00.000Z") {
  SyntheticReport spec;
  spec.start_time = start_time;
  spec.scenarios = {{"BM_ProcessModel/spawn/workers:1/response:64KiB",
                     {{"rows_per_second", Scaled(kRows, factor)}},
                     ""}};
  spec.cells = {{"spawn", "unset", Trials({{outcome, 30}}), {}}};
  return spec;
}

std::string Write(const std::string& name, const SyntheticReport& spec) {
  const std::string path = Scratch(name);
  EXPECT_TRUE(BuildSyntheticReport(spec).Write(path).ok()) << path;
  return path;
}

TEST(CompareCliTest, ExitStatusGatesOnRegressionsAndWorseOutcomes) {
  const std::string base = Write("base.json", Spec(1.0));
  const std::string same = Write("same.json", Spec(1.0));
  const std::string slower = Write("slower.json", Spec(0.9));
  const std::string faster = Write("faster.json", Spec(1.1));
  const std::string hangs = Write("hangs.json", Spec(1.0, "hang"));

  Ran ran = RunCompare({base, same});
  EXPECT_EQ(ran.exit_status, 0) << ran.err;
  EXPECT_THAT(ran.out, HasSubstr("OK: no conformance cell got worse"));
  EXPECT_EQ(RunCompare({base, faster}).exit_status, 0);
  ran = RunCompare({base, slower});
  EXPECT_EQ(ran.exit_status, 1) << ran.err;
  EXPECT_THAT(ran.out, HasSubstr("regressed"));
  EXPECT_EQ(RunCompare({base, hangs}).exit_status, 1);
  // Better outcomes do not fail the job.
  EXPECT_EQ(RunCompare({hangs, base}).exit_status, 0);
  // A threshold above the change: not a regression.
  EXPECT_EQ(RunCompare({"--threshold=15%", base, slower}).exit_status, 0);
}

TEST(CompareCliTest, CellsAreWorseOnlyWhenTheirFailureRateRoseSignificantly) {
  // A/A-like: the same failure rate in other kinds.
  SyntheticReport crashes = Spec(1.0);
  crashes.cells[0].workers = Trials({{"ok", 18}, {"crash", 2}});
  SyntheticReport hangs = Spec(1.0);
  hangs.cells[0].workers = Trials({{"ok", 17}, {"hang", 3}});
  Ran ran =
      RunCompare({Write("crashes.json", crashes), Write("hangs.json", hangs)});
  EXPECT_EQ(ran.exit_status, 0) << ran.out << ran.err;
  EXPECT_THAT(ran.out, HasSubstr("changed, not significant"));
  EXPECT_THAT(ran.out, HasSubstr("OK: no conformance cell got worse"));

  // A safe cell failing one trial in five.
  SyntheticReport safe = Spec(1.0);
  safe.cells[0].workers = Trials({{"ok", 200}});
  SyntheticReport failing = Spec(1.0);
  failing.cells[0].workers = Trials({{"ok", 24}, {"hang", 6}});
  ran = RunCompare({Write("safe.json", safe), Write("failing.json", failing)});
  EXPECT_EQ(ran.exit_status, 1) << ran.out << ran.err;
  EXPECT_THAT(ran.out, HasSubstr("FAIL: 1 conformance cell(s) worse"));
  EXPECT_THAT(ran.out, HasSubstr("ok 200/200"));
  EXPECT_THAT(ran.out, HasSubstr("ok 24/30, hang 6/30"));
  EXPECT_THAT(ran.out, HasSubstr("3.08e-06"));  // p, and Holm's over 1 test
  EXPECT_THAT(ran.out, HasSubstr("family-wise alpha 0.01"));
  // A family-wise alpha below its p lets it pass.
  EXPECT_EQ(RunCompare({"--cell_alpha=0.000001", Scratch("safe.json"),
                        Scratch("failing.json")})
                .exit_status,
            0);

  // New wrong_data, however rare.
  SyntheticReport wrong = Spec(1.0);
  wrong.cells[0].workers = Trials({{"ok", 199}, {"wrong_data", 1}});
  ran = RunCompare({Scratch("safe.json"), Write("wrong.json", wrong)});
  EXPECT_EQ(ran.exit_status, 1) << ran.out << ran.err;
  EXPECT_THAT(ran.out, HasSubstr("wrong_data 1/200, every old trial ok: worse "
                                 "whatever the p-value"));
}

TEST(CompareCliTest, TooLittleInCommonExitsWith3AndNeverSaysOk) {
  SyntheticReport full = Spec(1.0);
  for (int i = 0; i < 9; ++i) {
    full.cells.push_back(
        {"cell" + std::to_string(i), "unset", Trials({{"ok", 30}}), {}});
  }
  SyntheticReport partial = Spec(1.0);  // 1 of full's 10 cells
  const std::string full_path = Write("full.json", full);
  const std::string partial_path = Write("partial.json", partial);
  SyntheticReport elsewhere;
  elsewhere.scenarios = {{"BM_Other", {{"real_time", kRows}}, ""}};
  const std::string unrelated = Write("unrelated.json", elsewhere);

  for (const auto& [old_path, new_path] :
       {std::pair<std::string, std::string>{full_path, partial_path},
        {partial_path, unrelated}}) {
    const Ran ran = RunCompare({old_path, new_path});
    SCOPED_TRACE(ran.out);
    EXPECT_EQ(ran.exit_status, 3) << ran.err;
    EXPECT_THAT(ran.out, HasSubstr("NOT COMPARABLE: too little in common"));
    EXPECT_THAT(ran.out, Not(HasSubstr("OK")));
  }
  Ran ran = RunCompare({full_path, partial_path});
  EXPECT_THAT(ran.out, HasSubstr("matrix cells: 1 of 10 old, 1 of 1 new "
                                 "(10%)  BELOW"));
  // Every format says so, with the same status.
  ran = RunCompare({"--format=json", full_path, partial_path});
  EXPECT_EQ(ran.exit_status, 3);
  const nlohmann::json json = nlohmann::json::parse(ran.out, nullptr, false);
  ASSERT_FALSE(json.is_discarded());
  EXPECT_EQ(json["verdict"], "not_comparable");
  ran = RunCompare({"--format=html", full_path, partial_path});
  EXPECT_EQ(ran.exit_status, 3);
  EXPECT_THAT(ran.out, HasSubstr("class=\"verdict unknown\""));
  EXPECT_THAT(ran.out, Not(HasSubstr("class=\"verdict good\"")));
  // A lower threshold accepts 1 of 10.
  EXPECT_EQ(
      RunCompare({"--min_overlap=0.1", full_path, partial_path}).exit_status,
      0);
  // A regression in what was compared outranks it.
  const std::string slower = Write("partial_slower.json", Spec(0.9));
  ran = RunCompare({full_path, slower});
  EXPECT_EQ(ran.exit_status, 1);
  EXPECT_THAT(ran.out, HasSubstr("NOT COMPARABLE as a whole"));
}

TEST(CompareCliTest, WritesEachFormatAtomicallyToOut) {
  const std::string base = Write("base.json", Spec(1.0));
  const std::string slower = Write("slower.json", Spec(0.9));
  const std::string out = Scratch("out/comparison.json");
  std::filesystem::create_directories(Scratch("out"));
  Ran ran = RunCompare({"--format=json", "--out=" + out, base, slower});
  EXPECT_EQ(ran.exit_status, 1) << ran.err;
  EXPECT_TRUE(ran.out.empty());
  const nlohmann::json json =
      nlohmann::json::parse(ReadFile(out, "out").value_or(""), nullptr, false);
  ASSERT_FALSE(json.is_discarded());
  EXPECT_EQ(json["regression"], true);
  EXPECT_EQ(json["old"], base);

  ran = RunCompare({"--format=markdown", base, slower});
  EXPECT_THAT(ran.out, HasSubstr("## Conformance cell changes"));
  EXPECT_THAT(ran.out, HasSubstr("## In common"));
  EXPECT_THAT(ran.out, HasSubstr("| rows_per_second |"));
}

TEST(CompareCliTest, HtmlIsAPageWithTheSameExitStatus) {
  const std::string base = Write("base.json", Spec(1.0));
  const std::string same = Write("same.json", Spec(1.0));
  const std::string slower = Write("slower.json", Spec(0.9));
  const std::string page = Scratch("comparison.html");
  Ran ran = RunCompare({"--format=html", "--out=" + page, base, slower});
  EXPECT_EQ(ran.exit_status, 1) << ran.err;
  EXPECT_TRUE(ran.out.empty());
  std::string html = ReadFile(page, "page").value_or("");
  EXPECT_THAT(html, HasSubstr("<!DOCTYPE html>"));
  EXPECT_THAT(html, HasSubstr("class=\"verdict bad\""));
  EXPECT_THAT(html, HasSubstr("class=\"badge v-regressed\""));

  ran = RunCompare({"--format=html", base, same});
  EXPECT_EQ(ran.exit_status, 0) << ran.err;
  EXPECT_THAT(ran.out, HasSubstr("class=\"verdict good\""));
  // Bad input: 2, and no page.
  ran = RunCompare({"--format=html", "--out=" + Scratch("bad.html"), base,
                    Scratch("missing.json")});
  EXPECT_EQ(ran.exit_status, 2);
  EXPECT_FALSE(std::filesystem::exists(Scratch("bad.html")));
}

TEST(CompareCliTest, RefusesToWriteOverAReportItCompares) {
  std::filesystem::create_directories(Scratch("inputs/sub"));
  const std::string base = Write("inputs/base.json", Spec(1.0));
  const std::string slower = Write("inputs/slower.json", Spec(0.9));
  const std::string before = ReadFile(slower, "slower").value_or("");
  for (const std::string& out :
       {slower, Scratch("inputs/sub/../slower.json"), base}) {
    const Ran ran = RunCompare({"--out=" + out, base, slower});
    EXPECT_EQ(ran.exit_status, 2) << out << ": " << ran.err;
    EXPECT_THAT(ran.err, HasSubstr("it compares; write the comparison "
                                   "elsewhere"));
  }
  EXPECT_EQ(ReadFile(slower, "slower").value_or(""), before);
  // Nor the report a baseline folder stands for.
  const Ran ran = RunCompare(
      {"--out=" + base, "--baseline_dir=" + Scratch("inputs"), slower});
  EXPECT_EQ(ran.exit_status, 2) << ran.err;
  EXPECT_THAT(ran.err, HasSubstr("is the report " + base));
}

TEST(CompareCliTest, AFolderIsTheUsersUnderBazelRun) {
  std::filesystem::create_directories(Scratch("typed_in/history"));
  Write("typed_in/history/old.json",
        Spec(1.0, "ok", "2026-12-01T00:00:00.000Z"));
  Write("typed_in/new.json", Spec(1.0, "ok", "2026-12-02T00:00:00.000Z"));
  SpawnOptions options;
  options.working_directory = "/";
  options.env = {"BUILD_WORKING_DIRECTORY=" + Scratch("typed_in")};
  const Ran ran = RunCompare({"history", "new.json"}, options);
  EXPECT_EQ(ran.exit_status, 0) << ran.err;
  EXPECT_THAT(ran.err,
              HasSubstr("baseline " + Scratch("typed_in/history/old.json")));
}

TEST(CompareCliTest, ABaselineFolderMeansItsNewestReport) {
  std::filesystem::create_directories(Scratch("history"));
  // By start time, not by name: the newest is a.json, as fast as the new one.
  Write("history/a.json", Spec(0.9, "ok", "2026-12-03T00:00:00.000Z"));
  Write("history/b.json", Spec(1.2, "ok", "2026-12-01T00:00:00.000Z"));
  ASSERT_TRUE(WriteFileAtomically(Scratch("history/junk.json"), "{").ok());
  const std::string fresh =
      Write("history/new.json", Spec(0.9, "ok", "2026-12-04T00:00:00.000Z"));

  for (const std::vector<std::string>& args :
       {std::vector<std::string>{Scratch("history"), fresh},
        std::vector<std::string>{"--baseline_dir=" + Scratch("history"),
                                 fresh}}) {
    const Ran ran = RunCompare(args);
    EXPECT_EQ(ran.exit_status, 0) << ran.out << ran.err;
    EXPECT_THAT(ran.err, HasSubstr("baseline " + Scratch("history/a.json")));
    EXPECT_THAT(ran.err, HasSubstr("skipped"));
    EXPECT_THAT(ran.err, HasSubstr("junk.json"));
  }
}

TEST(CompareCliTest, BadUsageAndBadInputExitWith2AndSayWhatIsWrong) {
  const std::string base = Write("base.json", Spec(1.0));
  ASSERT_TRUE(WriteFileAtomically(Scratch("not_json.json"), "hello").ok());
  nlohmann::json newer = BuildSyntheticReport(Spec(1.0)).json();
  newer["schema_version"] = 3;
  ASSERT_TRUE(WriteFileAtomically(Scratch("v3.json"), newer.dump()).ok());
  std::filesystem::create_directories(Scratch("empty"));

  const std::pair<std::vector<std::string>, std::string> cases[] = {
      {{}, "want OLD and NEW"},
      {{base}, "got 1 operand"},
      {{base, base, base}, "got 3 operand"},
      {{"--frobnicate=1", base, base}, "unknown flag --frobnicate"},
      {{"--threshold=abc", base, base}, "--threshold=abc"},
      {{"--threshold", base, base}, "flags take a value"},
      {{"--alpha=2", base, base}, "--alpha=2"},
      {{"--format=pdf", base, base}, "--format=pdf"},
      {{"--correction=bonferroni", base, base}, "--correction=bonferroni"},
      {{"--cell_alpha=0", base, base},
       "--cell_alpha=0: want a probability between 0 and 1 (exclusive)"},
      {{"--cell_alpha=1", base, base}, "--cell_alpha=1: want a probability"},
      {{"--cell_alpha=abc", base, base}, "--cell_alpha=abc: want"},
      {{"--min_overlap=0", base, base},
       "--min_overlap=0: want a fraction above 0 and at most 1"},
      {{"--min_overlap=1.5", base, base}, "--min_overlap=1.5: want a fraction"},
      {{"--min_overlap=50%", base, base}, "--min_overlap=50%: want a fraction"},
      {{base, Scratch("missing.json")}, "missing.json"},
      {{Scratch("not_json.json"), base}, "not_json.json"},
      {{base, Scratch("v3.json")},
       "schema_version 3; this forkcheck reads 1 and 2"},
      {{Scratch("empty"), base}, "no valid report"},
  };
  for (const auto& [args, message] : cases) {
    SCOPED_TRACE(message);
    const Ran ran = RunCompare(args);
    EXPECT_EQ(ran.exit_status, 2);
    EXPECT_THAT(ran.err, HasSubstr(message));
    EXPECT_TRUE(ran.out.empty());
  }
  const Ran help = RunCompare({"--help"});
  EXPECT_EQ(help.exit_status, 0);
  EXPECT_THAT(help.out, HasSubstr("usage: compare"));
  EXPECT_THAT(help.out, HasSubstr("--cell_alpha=0.01"));
  EXPECT_THAT(help.out, HasSubstr("3 not enough in common to"));
  // Flags before --help are checked (nightly.sh's check before its run).
  EXPECT_EQ(RunCompare({"--threshold=7%", "--cell_alpha=0.001", "--help"})
                .exit_status,
            0);
  const Ran bad = RunCompare({"--threshold=abc", "--help"});
  EXPECT_EQ(bad.exit_status, 2);
  EXPECT_THAT(bad.err, HasSubstr("--threshold=abc"));
}

}  // namespace
}  // namespace forkcheck
