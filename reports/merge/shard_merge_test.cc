#include "reports/merge/shard_merge.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/file_util.h"
#include "common/runfiles.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "reports/report.h"
#include "reports/summary.h"

namespace forkcheck {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Json = nlohmann::json;

Json Fixture(const std::string& path) {
  absl::StatusOr<std::string> found = RunfileData(path);
  EXPECT_TRUE(found.ok()) << found.status();
  absl::StatusOr<std::string> text = ReadFile(found.ok() ? *found : path, "fixture");
  EXPECT_TRUE(text.ok()) << text.status();
  return Json::parse(text.ok() ? *text : "null");
}

Json Whole() {
  return Fixture("reports/testdata/report/valid/every_verdict.json");
}

// Shard `index` of the fixture's 2 (reports/merge/testdata/README.md).
Json ShardJson(int index) {
  return Fixture(absl::StrCat("reports/merge/testdata/every_verdict_shard",
                              index, "_of_2.json"));
}

ShardReport AsShard(const Json& json, const std::string& file) {
  absl::StatusOr<Report> report = Report::Parse(json.dump(), file);
  EXPECT_TRUE(report.ok()) << report.status();
  return {file, *std::move(report)};
}

absl::StatusOr<MergedReport> Merge(const std::vector<Json>& shards) {
  std::vector<ShardReport> inputs;
  for (size_t i = 0; i < shards.size(); ++i) {
    inputs.push_back(AsShard(shards[i], absl::StrCat("s", i, ".json")));
  }
  return MergeShardReports(inputs, {"merge", "out.json"});
}

// The reason a merge of `shards` is refused ("" if it is not).
std::string Refusal(const std::vector<Json>& shards) {
  absl::StatusOr<MergedReport> merged = Merge(shards);
  EXPECT_FALSE(merged.ok());
  if (merged.ok()) return "";
  EXPECT_EQ(merged.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(merged.status().message());
}

Report Built(const MergedReport& merged) {
  absl::StatusOr<Report> report = Report::Build(merged.parts);
  EXPECT_TRUE(report.ok()) << report.status();
  return *std::move(report);
}

TEST(ShardMergeTest, TwoShardsMergeBackIntoTheWhole) {
  const Json whole = Whole();
  absl::StatusOr<MergedReport> merged = Merge({ShardJson(0), ShardJson(1)});
  ASSERT_TRUE(merged.ok()) << merged.status();
  EXPECT_THAT(merged->warnings, ::testing::IsEmpty());
  const Report report = Built(*merged);
  // Valid against the schema (Build checks too), and read back like any.
  EXPECT_TRUE(ValidateReport(report.json()).ok());
  absl::StatusOr<Report> read = Report::Parse(report.Text(), "merged");
  ASSERT_TRUE(read.ok()) << read.status();

  const Json& conformance = report.json()["conformance"];
  // The cells in the plan's order: the whole report's, as they were.
  EXPECT_EQ(conformance["cells"], whole["conformance"]["cells"]);
  // The expectations outcomes: the shards' halves of alpha add up, their
  // tests and mismatches too.
  for (const char* field :
       {"found", "passed", "differences", "tests", "mismatches", "file"}) {
    EXPECT_EQ(conformance["expectations"][field],
              whole["conformance"]["expectations"][field])
        << field;
  }
  EXPECT_DOUBLE_EQ(conformance["expectations"]["alpha"].get<double>(),
                   whole["conformance"]["expectations"]["alpha"].get<double>());
  ASSERT_EQ(conformance["clients"].size(),
            whole["conformance"]["clients"].size());
  for (size_t i = 0; i < conformance["clients"].size(); ++i) {
    Json mine = conformance["clients"][i];
    Json theirs = whole["conformance"]["clients"][i];
    EXPECT_DOUBLE_EQ(mine["expectations"]["alpha"].get<double>(),
                     theirs["expectations"]["alpha"].get<double>());
    mine["expectations"].erase("alpha");
    theirs["expectations"].erase("alpha");
    EXPECT_EQ(mine, theirs);
  }
  EXPECT_EQ(conformance["trial_policy"], whole["conformance"]["trial_policy"]);
  EXPECT_TRUE(report.json()["benchmarks"].is_null());
  EXPECT_FALSE(report.json().contains("shard"));

  // Each shard as it ran; the environment from the first start to the last
  // end, saying it was merged.
  const ReportModel& model = report.model();
  ASSERT_EQ(model.merged_from.size(), 2u);
  EXPECT_EQ(model.merged_from[0].file, "s0.json");
  EXPECT_EQ(model.merged_from[1].index, 1);
  EXPECT_EQ(model.merged_from[1].cells, 3);
  EXPECT_THAT(model.merged_from[1].command,
              ElementsAre("forkcheck_run", "--shard=1/2"));
  EXPECT_EQ(model.merged_from[1].environment.end_time, "2026-12-01T10:07:00Z");
  EXPECT_EQ(model.environment.start_time, whole["environment"]["start_time"]);
  EXPECT_EQ(model.environment.end_time, whole["environment"]["end_time"]);
  EXPECT_THAT(model.environment.notes.back(),
              HasSubstr("merged from 2 shards (fnv1a64:00c0ffee00c0ffee)"));
  EXPECT_THAT(model.command, ElementsAre("merge", "out.json"));
}

// The views take a merged report as they take the whole one: the same
// summary, plus the one line naming the shards it was merged from.
TEST(ShardMergeTest, TheSummaryOfTheMergeIsTheWholesSummary) {
  absl::StatusOr<MergedReport> merged = Merge({ShardJson(0), ShardJson(1)});
  ASSERT_TRUE(merged.ok()) << merged.status();
  const Report report = Built(*merged);
  absl::StatusOr<Report> whole = Report::Parse(Whole().dump(), "whole");
  ASSERT_TRUE(whole.ok()) << whole.status();
  const std::string shards =
      "Merged from 2 shards: shard 0, 3 cells on fixture; shard 1, 3 cells "
      "on fixture.\n";
  std::string text = RenderSummaryText(report);
  std::string markdown = RenderSummaryMarkdown(report);
  for (std::string* summary : {&text, &markdown}) {
    const size_t at = summary->find(shards);
    ASSERT_NE(at, std::string::npos) << *summary;
    summary->erase(at, shards.size());
  }
  EXPECT_EQ(text, RenderSummaryText(*whole));
  EXPECT_EQ(markdown, RenderSummaryMarkdown(*whole));
}

TEST(ShardMergeTest, SensitiveTestsAddUpWhereEveryShardCountedThem) {
  // The fixtures predate the count; give the C++ client's outcome one.
  auto counted = [](Json shard, int sensitive) {
    for (Json* outcome :
         {&shard["conformance"]["expectations"],
          &shard["conformance"]["clients"][0]["expectations"]}) {
      (*outcome)["sensitivity"] = {{"tests", sensitive},
                                   {"trials", 50},
                                   {"shift", 0.2},
                                   {"power", 0.95}};
    }
    return shard;
  };
  // The merged C++ expectations outcome's sensitivity; null if none.
  auto merged_sensitivity = [](const std::vector<Json>& shards) {
    absl::StatusOr<MergedReport> merged = Merge(shards);
    EXPECT_TRUE(merged.ok()) << merged.status();
    if (!merged.ok()) return Json();
    const Report report = Built(*merged);
    const Json& outcome = report.json().at("conformance").at("expectations");
    return outcome.contains("sensitivity") ? outcome["sensitivity"] : Json();
  };
  const Json both =
      merged_sensitivity({counted(ShardJson(0), 2), counted(ShardJson(1), 3)});
  ASSERT_FALSE(both.is_null());
  EXPECT_EQ(both["tests"], 5);
  EXPECT_EQ(both["trials"], 50);
  // A shard that did not count them: the merge cannot either.
  EXPECT_TRUE(
      merged_sensitivity({counted(ShardJson(0), 2), ShardJson(1)}).is_null());
  // Nor one that asked another question (other trials).
  Json other = counted(ShardJson(1), 3);
  other["conformance"]["expectations"]["sensitivity"]["trials"] = 30;
  EXPECT_TRUE(merged_sensitivity({counted(ShardJson(0), 2), other}).is_null());
}

TEST(ShardMergeTest, QuasiBinomialTestsAddUp) {
  // A shard from before the count made none: every test was Fisher's.
  auto with_quasi = [](Json shard, int tests) {
    for (Json* outcome :
         {&shard["conformance"]["expectations"],
          &shard["conformance"]["clients"][0]["expectations"]}) {
      (*outcome)["quasi_binomial_tests"] = tests;
    }
    return shard;
  };
  auto merged_count = [](const std::vector<Json>& shards) {
    absl::StatusOr<MergedReport> merged = Merge(shards);
    EXPECT_TRUE(merged.ok()) << merged.status();
    if (!merged.ok()) return Json();
    const Report report = Built(*merged);
    const Json& outcome = report.json().at("conformance").at("expectations");
    return outcome.contains("quasi_binomial_tests")
               ? outcome["quasi_binomial_tests"]
               : Json();
  };
  EXPECT_EQ(
      merged_count({with_quasi(ShardJson(0), 2), with_quasi(ShardJson(1), 3)}),
      5);
  EXPECT_EQ(merged_count({ShardJson(0), with_quasi(ShardJson(1), 3)}), 3);
  EXPECT_TRUE(merged_count({ShardJson(0), ShardJson(1)}).is_null());
}

TEST(ShardMergeTest, ShardsMayComeInAnyOrder) {
  absl::StatusOr<MergedReport> forward = Merge({ShardJson(0), ShardJson(1)});
  absl::StatusOr<MergedReport> backward = Merge({ShardJson(1), ShardJson(0)});
  ASSERT_TRUE(forward.ok() && backward.ok());
  EXPECT_EQ(Built(*forward).json()["conformance"],
            Built(*backward).json()["conformance"]);
}

TEST(ShardMergeTest, TheBenchmarksAreTheirShards) {
  Json first = ShardJson(0);
  first["shard"]["benchmarks"] = "ran";
  first["benchmarks"] = {
      {"scenarios",
       {{{"id", "BM_ProcessModel/thread_shared/workers:1"},
         {"binary", "process_models_benchmark"},
         {"config", {{"benchmark", "BM_ProcessModel"}}},
         {"repetitions", 1},
         {"metrics", Json::object()}}}},
      {"google_benchmark", {{"process_models_benchmark", Json::object()}}}};
  Json second = ShardJson(1);
  second["shard"]["benchmarks"] = "another shard";
  absl::StatusOr<MergedReport> merged = Merge({second, first});
  ASSERT_TRUE(merged.ok()) << merged.status();
  const Report report = Built(*merged);
  EXPECT_EQ(report.json()["benchmarks"], first["benchmarks"]);
  EXPECT_TRUE(report.model().merged_from[0].benchmarks);
  EXPECT_FALSE(report.model().merged_from[1].benchmarks);

  second["benchmarks"] = first["benchmarks"];
  EXPECT_THAT(Refusal({first, second}),
              HasSubstr("benchmarks in more than one shard: \"s0.json\" and "
                        "\"s1.json\""));
}

TEST(ShardMergeTest, DifferentMachinesAreFlaggedNotRefused) {
  Json second = ShardJson(1);
  second["environment"]["machine"]["hostname"] = "elsewhere";
  second["environment"]["machine"]["kernel_release"] = "6.1.0-99";
  absl::StatusOr<MergedReport> merged = Merge({ShardJson(0), second});
  ASSERT_TRUE(merged.ok()) << merged.status();
  ASSERT_FALSE(merged->warnings.empty());
  EXPECT_THAT(merged->warnings[0],
              HasSubstr("the shards ran on different machines"));
  EXPECT_THAT(merged->warnings[0], HasSubstr("elsewhere ("));
  EXPECT_THAT(merged->warnings[0], HasSubstr(": shard 1"));
  ASSERT_EQ(merged->warnings.size(), 2u);
  EXPECT_THAT(merged->warnings[1],
              HasSubstr("differ in what could change outcomes: "
                        "machine.kernel_release"));
  // The report says so too.
  const Report report = Built(*merged);
  EXPECT_THAT(report.model().environment.notes,
              ::testing::Contains(merged->warnings[0]));
  EXPECT_EQ(report.model().merged_from[1].environment.machine.hostname,
            "elsewhere");
}

TEST(ShardMergeTest, OverlappingCellsAreRefused) {
  Json second = ShardJson(1);
  second["conformance"]["cells"].push_back(
      ShardJson(0)["conformance"]["cells"][0]);
  second["shard"]["cell_positions"].push_back(0);
  EXPECT_THAT(Refusal({ShardJson(0), second}),
              HasSubstr("1 cells are in more than one shard: spawn "));
  EXPECT_THAT(Refusal({ShardJson(0), second}),
              HasSubstr("(\"s0.json\" and \"s1.json\")"));
}

TEST(ShardMergeTest, AMissingShardIsNamed) {
  EXPECT_EQ(Refusal({ShardJson(1)}),
            "shard 0 of 2 is missing: a merged report must have every cell "
            "of the plan (6 cells)");
  Json third = ShardJson(1);
  for (Json* shard : {&third}) (*shard)["shard"]["count"] = 4;
  Json first = ShardJson(0);
  first["shard"]["count"] = 4;
  EXPECT_THAT(Refusal({first, third}),
              HasSubstr("shards 2, 3 of 4 are missing"));
}

TEST(ShardMergeTest, MissingCellsAreNamedByTheirPlace) {
  Json second = ShardJson(1);
  second["conformance"]["cells"].erase(1);
  second["shard"]["cell_positions"].erase(1);
  EXPECT_THAT(Refusal({ShardJson(0), second}),
              HasSubstr("the shards have 5 of the plan's 6 cells; missing the "
                        "cells at places 3"));
}

TEST(ShardMergeTest, AShardGivenTwiceIsRefused) {
  EXPECT_THAT(Refusal({ShardJson(0), ShardJson(0)}),
              HasSubstr("shard 0 of 2 is given twice: \"s0.json\" and "
                        "\"s1.json\""));
}

TEST(ShardMergeTest, ShardsOfDifferentDesignsAreRefused) {
  Json second = ShardJson(1);
  second["shard"]["plan"] = "fnv1a64:0000000000000001";
  EXPECT_THAT(Refusal({ShardJson(0), second}),
              HasSubstr("\"s0.json\" and \"s1.json\" come from different "
                        "designs: plans fnv1a64:00c0ffee00c0ffee (6 cells) and "
                        "fnv1a64:0000000000000001 (6 cells)"));
  second = ShardJson(1);
  second["shard"]["count"] = 3;
  EXPECT_THAT(Refusal({ShardJson(0), second}),
              HasSubstr("shards of different splits"));
  second = ShardJson(1);
  second["conformance"]["trial_policy"]["stopping"]["max_trials"] = 7;
  EXPECT_THAT(Refusal({ShardJson(0), second}),
              HasSubstr("ran the matrix with another trial_policy"));
}

TEST(ShardMergeTest, ShardsOfDifferentBuildsAreRefused) {
  Json second = ShardJson(1);
  second["environment"]["grpc"]["cpp_version"] = "1.30.2";
  EXPECT_THAT(Refusal({ShardJson(0), second}),
              HasSubstr("ran different gRPC: 1.51.1 (core 29.0.0) and 1.30.2"));
  second = ShardJson(1);
  second["environment"]["harness"]["git_commit"] =
      "fedcba9876543210fedcba9876543210fedcba98";
  EXPECT_THAT(Refusal({ShardJson(0), second}),
              HasSubstr("ran different harness commits"));
  second = ShardJson(1);
  second["conformance"]["clients"][1]["library_version"] = "1.60.0";
  EXPECT_THAT(Refusal({ShardJson(0), second}),
              HasSubstr("ran different clients: cpp: grpc++ 1.51.1"));
  EXPECT_THAT(Refusal({ShardJson(0), second}),
              HasSubstr("python-grpcio: grpcio 1.60.0"));
}

TEST(ShardMergeTest, ReportsThatAreNotShardsAreRefused) {
  EXPECT_THAT(Refusal({Whole()}),
              HasSubstr("\"s0.json\" is not a shard report: it has no "
                        "\"shard\" field"));
  absl::StatusOr<MergedReport> merged = Merge({ShardJson(0), ShardJson(1)});
  ASSERT_TRUE(merged.ok());
  EXPECT_THAT(Refusal({Built(*merged).json()}),
              HasSubstr("is a merged report already"));
  EXPECT_THAT(MergeShardReports({}, {}).status().message(),
              HasSubstr("no shard reports"));
}

}  // namespace
}  // namespace forkcheck
