#include "reports/report_upgrade.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "common/file_util.h"
#include "common/runfiles.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "matrix/cell_result.h"
#include "matrix/verdict.h"
#include "reports/conformance_section.h"
#include "reports/report.h"
#include "reports/verdict_json.h"

namespace forkcheck {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

constexpr char kV1Fixture[] =
    "reports/testdata/report_v1/valid/quick_two_clients.json";

std::string ReadFixture(const std::string& path_in_workspace) {
  absl::StatusOr<std::string> path = RunfileData(path_in_workspace);
  EXPECT_TRUE(path.ok()) << path.status();
  absl::StatusOr<std::string> text = ReadFile(path.value_or(""), "fixture");
  EXPECT_TRUE(text.ok()) << text.status();
  return text.value_or("");
}

Report LoadV1Fixture() {
  absl::StatusOr<std::string> path = RunfileData(kV1Fixture);
  EXPECT_TRUE(path.ok()) << path.status();
  absl::StatusOr<Report> report = Report::Load(path.value_or(""));
  EXPECT_TRUE(report.ok()) << report.status();
  return *std::move(report);
}

TEST(ReportUpgradeTest, AVersion1ReportReadsAsVersion2) {
  const Report report = LoadV1Fixture();
  const json& document = report.json();
  EXPECT_EQ(document["schema_version"], 2);
  const json& conformance = document["conformance"];
  EXPECT_FALSE(conformance.contains("repetitions"));
  // Its 5 repetitions: every cell had 5 trials.
  EXPECT_EQ(conformance["trial_policy"]["stopping"],
            json({{"min_trials", 5},
                  {"max_trials", 5},
                  {"flaky_trials", 5},
                  {"time_budget_seconds", 0}}));
  EXPECT_EQ(conformance["trial_policy"]["derived_from_v1"], true);
  EXPECT_EQ(conformance["trial_policy"]["verdicts"]["text"],
            DescribeRule(VerdictRule()));

  const json& cells = conformance["cells"];
  ASSERT_EQ(cells.size(), 4u);
  // Five ok trials do not make a cell safe at the default rule.
  EXPECT_EQ(cells[0]["workers"]["summary"], "always ok");
  EXPECT_EQ(cells[0]["workers"]["text"],
            "ok 5/5 → undecided, failure 0% [0%–52%]");
  EXPECT_EQ(cells[0]["stop_reason"], "");
  EXPECT_TRUE(cells[0]["parent_after"].is_null());
  // Nor do five hangs make one unsafe (the ok rate's bound is 52%).
  EXPECT_EQ(cells[1]["workers"]["verdict"], "undecided");
  EXPECT_EQ(cells[1]["parent_after"]["failures"], 5);
  EXPECT_EQ(cells[2]["workers"]["text"],
            "ok 3/5, error 1/5, hang 1/5 → flaky, failure 40% [5.3%–85%]");
  const json& wrong = cells[3]["workers"];
  EXPECT_EQ(wrong["summary"], "mixed wrong_data 1, ok 4");  // as written
  EXPECT_EQ(wrong["wrong_data"], 1);
  EXPECT_EQ(wrong["failures"], 1);
  EXPECT_EQ(wrong["ok_after_retry"], 0);
  EXPECT_EQ(wrong["verdict"], "flaky");

  // Version 1 ran no statistical check.
  for (const json* expectations :
       {&conformance["expectations"],
        &conformance["clients"][0]["expectations"]}) {
    EXPECT_TRUE((*expectations)["alpha"].is_null());
    EXPECT_EQ((*expectations)["tests"], 0);
    EXPECT_EQ((*expectations)["mismatches"], json::array());
    EXPECT_THAT((*expectations)["differences"].get<std::string>(),
                HasSubstr("wrong_data <unexpected>"));
  }
  EXPECT_TRUE(conformance["clients"][1]["expectations"].is_null());
}

// An upgraded cell part is the one the writer makes from the same counts.
TEST(ReportUpgradeTest, PartsAreDerivedAsTheWriterWritesThem) {
  OutcomeCounts counts;
  counts.counts = {{OutcomeKind::kOk, 17},
                   {OutcomeKind::kOkAfterRetry, 1},
                   {OutcomeKind::kCrash, 2}};
  const json written = CellPartJson(counts, VerdictRule());
  json v1 = json::parse(ReadFixture(kV1Fixture));
  v1["conformance"]["cells"][0]["workers"] = {
      {"summary", written["summary"]}, {"counts", {{"ok", 17}, {"crash", 2}}}};
  // ok_after_retry is not a version 1 kind: its schema rejects it.
  json with_retry = v1;
  with_retry["conformance"]["cells"][0]["workers"]["counts"]["ok_after_retry"] =
      1;
  const absl::Status rejected = UpgradeV1Report(&with_retry);
  EXPECT_THAT(std::string(rejected.message()),
              HasSubstr("/conformance/cells/0/workers/counts"));
  // The section alone (no version 1 schema) takes what its counts say.
  ASSERT_TRUE(UpgradeV1Conformance(&with_retry["conformance"]).ok());
  EXPECT_EQ(with_retry["conformance"]["cells"][0]["workers"], written);
  EXPECT_EQ(written["text"],
            "ok 17/20, ok_after_retry 1/20, crash 2/20 → flaky, failure 15% "
            "[3.2%–38%]");
}

TEST(ReportUpgradeTest, BadVersion1ReportsAreNamedNotUpgraded) {
  const std::pair<std::string, std::string> cases[] = {
      {"reports/testdata/report_v1/invalid/ok_after_retry_unknown_in_v1.json",
       "/conformance/cells/0/workers/counts: unexpected property "
       "\"ok_after_retry\""},
      {"reports/testdata/report_v1/invalid/no_repetitions.json",
       "/conformance: missing required property \"repetitions\""},
  };
  for (const auto& [fixture, expected] : cases) {
    absl::StatusOr<Report> report =
        Report::Parse(ReadFixture(fixture), "old.json");
    ASSERT_FALSE(report.ok()) << fixture;
    const std::string message(report.status().message());
    EXPECT_THAT(message, HasSubstr("old.json: schema_version 1: "));
    EXPECT_THAT(message, HasSubstr(expected));
  }
  // A version 1 document is not a valid current one as it stands.
  const json v1 = json::parse(ReadFixture(kV1Fixture));
  EXPECT_THAT(std::string(ValidateReport(v1).message()),
              HasSubstr("schema_version 1: an older report"));
}

TEST(ReportUpgradeTest, ASectionNotOfVersion1ShapeIsLeftAlone) {
  const json good = json::parse(ReadFixture(kV1Fixture))["conformance"];
  json no_repetitions = good;
  no_repetitions.erase("repetitions");
  json unknown_kind = good;
  unknown_kind["cells"][1]["parent_after"]["counts"]["explode"] = 1;
  json zero_count = good;
  zero_count["cells"][0]["workers"]["counts"]["ok"] = 0;
  json cells_not_a_list = good;
  cells_not_a_list["cells"] = "none";
  json no_expectations = good;
  no_expectations.erase("expectations");
  const std::pair<json, std::string> cases[] = {
      {json::array(), "/conformance: an object expected"},
      {no_repetitions, "/conformance/repetitions: a positive integer"},
      {unknown_kind,
       "/conformance/cells/1/parent_after/counts: \"explode\" "
       "is not an outcome kind"},
      {zero_count, "/conformance/cells/0/workers/counts: ok is 0"},
      {cells_not_a_list, "/conformance/cells: an array expected"},
      {no_expectations, "/conformance: missing expectations"},
  };
  for (const auto& [section, expected] : cases) {
    json upgraded = section;
    const absl::Status status = UpgradeV1Conformance(&upgraded);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << expected;
    EXPECT_THAT(std::string(status.message()), HasSubstr(expected));
    EXPECT_EQ(upgraded, section) << "changed although not upgraded";
  }
  json null = nullptr;
  EXPECT_TRUE(UpgradeV1Conformance(&null).ok());
  EXPECT_TRUE(null.is_null());
}

}  // namespace
}  // namespace forkcheck
