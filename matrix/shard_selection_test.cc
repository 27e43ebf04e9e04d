#include "matrix/shard_selection.h"

#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace forkcheck {
namespace {

using ::testing::HasSubstr;
using Environment = std::map<std::string, std::string>;

// The shard chosen, as "I/N", or "whole" for none; the error's message if
// there is one.
std::string Resolve(const ShardFlags& flags, const Environment& env = {}) {
  absl::StatusOr<ShardSelection> selection = ResolveShard(flags, env);
  if (!selection.ok()) return std::string(selection.status().message());
  if (!selection->spec.has_value()) return "whole";
  return std::to_string(selection->spec->index) + "/" +
         std::to_string(selection->spec->count);
}

std::string FromEnv(const Environment& env) { return Resolve({}, env); }

TEST(ShardSelectionTest, NothingSetIsTheWholeMatrix) {
  EXPECT_EQ(Resolve({}), "whole");
  // Variables of a Slurm job that is not an array say nothing of shards.
  EXPECT_EQ(FromEnv({{"SLURM_JOB_ID", "12"}}), "whole");
  EXPECT_EQ(FromEnv({{"TEST_TOTAL_SHARDS", ""}}), "whole");
}

TEST(ShardSelectionTest, TheFlag) {
  EXPECT_EQ(Resolve({"0/4", 0}), "0/4");
  EXPECT_EQ(Resolve({"3/4", 4}), "3/4");
  EXPECT_EQ(Resolve({"0/1", 0}), "0/1");
  absl::StatusOr<ShardSelection> selection = ResolveShard({"1/4", 0}, {});
  ASSERT_TRUE(selection.ok());
  EXPECT_EQ(selection->source, "--shard=1/4");
  EXPECT_EQ(selection->bazel_status_file, "");
}

TEST(ShardSelectionTest, BadFlagsNameTheFlag) {
  EXPECT_EQ(Resolve({"4/4", 0}),
            "--shard=4/4: the index 4 is not between 0 and 3 (shards count "
            "from 0)");
  EXPECT_THAT(Resolve({"0/0", 0}),
              HasSubstr("--shard=0/0: the count 0 is not between 1 and"));
  for (const char* bad : {"1", "a/b", "-1/4", "1/4/2", "1/", "/4", " 1/4",
                          "1.0/4", "+1/4", "99999999999/4"}) {
    EXPECT_THAT(Resolve({bad, 0}), HasSubstr(std::string("--shard=") + bad +
                                             ": expected INDEX/COUNT"))
        << bad;
  }
  EXPECT_EQ(Resolve({"1/4", 3}), "--shard_count=3 and --shard=1/4 disagree");
  EXPECT_THAT(Resolve({"", -2}), HasSubstr("--shard_count=-2: expected"));
  EXPECT_THAT(Resolve({"", 4}),
              HasSubstr("--shard_count=4 without a shard index"));
}

TEST(ShardSelectionTest, TheFlagWinsOverEveryEngine) {
  EXPECT_EQ(Resolve({"1/2", 0}, {{"TEST_SHARD_INDEX", "3"},
                                 {"TEST_TOTAL_SHARDS", "5"},
                                 {"SLURM_ARRAY_TASK_ID", "0"},
                                 {"JOB_COMPLETION_INDEX", "0"}}),
            "1/2");
}

TEST(ShardSelectionTest, Bazel) {
  absl::StatusOr<ShardSelection> selection =
      ResolveShard({}, {{"TEST_SHARD_INDEX", "2"},
                        {"TEST_TOTAL_SHARDS", "3"},
                        {"TEST_SHARD_STATUS_FILE", "/tmp/x/status"}});
  ASSERT_TRUE(selection.ok()) << selection.status();
  EXPECT_EQ(selection->spec->index, 2);
  EXPECT_EQ(selection->spec->count, 3);
  EXPECT_EQ(selection->source,
            "Bazel (TEST_SHARD_INDEX=2, TEST_TOTAL_SHARDS=3)");
  EXPECT_EQ(selection->bazel_status_file, "/tmp/x/status");
  // Bazel's variables before Slurm's: a test run inside a Slurm task.
  EXPECT_EQ(FromEnv({{"TEST_SHARD_INDEX", "0"},
                     {"TEST_TOTAL_SHARDS", "2"},
                     {"SLURM_ARRAY_TASK_ID", "5"},
                     {"SLURM_ARRAY_TASK_COUNT", "8"}}),
            "0/2");
  EXPECT_EQ(FromEnv({{"TEST_TOTAL_SHARDS", "2"}}),
            "TEST_TOTAL_SHARDS=2 without TEST_SHARD_INDEX: Bazel sets both");
  EXPECT_EQ(FromEnv({{"TEST_SHARD_INDEX", "x"}, {"TEST_TOTAL_SHARDS", "2"}}),
            "TEST_SHARD_INDEX=x: expected a whole number");
  EXPECT_THAT(FromEnv({{"TEST_SHARD_INDEX", "2"}, {"TEST_TOTAL_SHARDS", "2"}}),
              HasSubstr("Bazel (TEST_SHARD_INDEX=2, TEST_TOTAL_SHARDS=2): the "
                        "index 2 is not between 0 and 1"));
}

TEST(ShardSelectionTest, SlurmArraysNeedNotStartAtZero) {
  EXPECT_EQ(FromEnv({{"SLURM_ARRAY_TASK_ID", "0"},
                     {"SLURM_ARRAY_TASK_COUNT", "4"},
                     {"SLURM_ARRAY_TASK_MIN", "0"},
                     {"SLURM_ARRAY_TASK_MAX", "3"}}),
            "0/4");
  // --array=1-4
  EXPECT_EQ(FromEnv({{"SLURM_ARRAY_TASK_ID", "4"},
                     {"SLURM_ARRAY_TASK_COUNT", "4"},
                     {"SLURM_ARRAY_TASK_MIN", "1"},
                     {"SLURM_ARRAY_TASK_MAX", "4"}}),
            "3/4");
  // --array=10-16:2
  EXPECT_EQ(FromEnv({{"SLURM_ARRAY_TASK_ID", "14"},
                     {"SLURM_ARRAY_TASK_COUNT", "4"},
                     {"SLURM_ARRAY_TASK_MIN", "10"},
                     {"SLURM_ARRAY_TASK_MAX", "16"},
                     {"SLURM_ARRAY_TASK_STEP", "2"}}),
            "2/4");
  // Without MIN (older Slurm): from 0.
  EXPECT_EQ(
      FromEnv({{"SLURM_ARRAY_TASK_ID", "1"}, {"SLURM_ARRAY_TASK_COUNT", "2"}}),
      "1/2");
}

TEST(ShardSelectionTest, SlurmArraysThatAreNotARangeAreRefused) {
  // --array=1,3,7: 3 tasks, ids 1 to 7.
  EXPECT_THAT(FromEnv({{"SLURM_ARRAY_TASK_ID", "3"},
                       {"SLURM_ARRAY_TASK_COUNT", "3"},
                       {"SLURM_ARRAY_TASK_MIN", "1"},
                       {"SLURM_ARRAY_TASK_MAX", "7"}}),
              HasSubstr("not a range MIN, MIN+STEP, ..., MAX of COUNT ids; "
                        "submit it as sbatch --array=0-2"));
  EXPECT_THAT(FromEnv({{"SLURM_ARRAY_TASK_ID", "3"},
                       {"SLURM_ARRAY_TASK_COUNT", "3"},
                       {"SLURM_ARRAY_TASK_MIN", "4"}}),
              HasSubstr("not a range"));
  EXPECT_EQ(FromEnv({{"SLURM_ARRAY_TASK_ID", "3"}}),
            "SLURM_ARRAY_TASK_ID=3 without SLURM_ARRAY_TASK_COUNT: Slurm "
            "20.11 or later sets both");
  EXPECT_EQ(FromEnv({{"SLURM_ARRAY_TASK_ID", "3"},
                     {"SLURM_ARRAY_TASK_COUNT", "four"}}),
            "SLURM_ARRAY_TASK_COUNT=four: expected a whole number");
}

TEST(ShardSelectionTest, KubernetesIndexedJobs) {
  EXPECT_EQ(Resolve({"", 5}, {{"JOB_COMPLETION_INDEX", "4"}}), "4/5");
  EXPECT_EQ(
      FromEnv({{"JOB_COMPLETION_INDEX", "1"}, {"FORKCHECK_SHARD_COUNT", "3"}}),
      "1/3");
  EXPECT_EQ(Resolve({"", 3}, {{"JOB_COMPLETION_INDEX", "1"},
                              {"FORKCHECK_SHARD_COUNT", "3"}}),
            "1/3");
  EXPECT_EQ(Resolve({"", 4}, {{"JOB_COMPLETION_INDEX", "1"},
                              {"FORKCHECK_SHARD_COUNT", "3"}}),
            "--shard_count=4 and FORKCHECK_SHARD_COUNT=3 disagree");
  EXPECT_THAT(FromEnv({{"JOB_COMPLETION_INDEX", "1"}}),
              HasSubstr("JOB_COMPLETION_INDEX=1 (a Kubernetes Indexed Job) "
                        "needs the shard count"));
  EXPECT_THAT(Resolve({"", 2}, {{"JOB_COMPLETION_INDEX", "2"}}),
              HasSubstr("Kubernetes (JOB_COMPLETION_INDEX=2, "
                        "--shard_count=2): the index 2 is not between 0 and "
                        "1"));
  EXPECT_THAT(FromEnv({{"FORKCHECK_SHARD_COUNT", "3"}}),
              HasSubstr("FORKCHECK_SHARD_COUNT=3 without a shard index"));
}

TEST(ShardSelectionTest, TouchesBazelsStatusFile) {
  const std::string path =
      std::string(std::getenv("TEST_TMPDIR")) + "/shard_status";
  std::filesystem::remove(path);
  ASSERT_TRUE(TouchShardStatusFile(path).ok());
  EXPECT_TRUE(std::filesystem::exists(path));
  EXPECT_TRUE(TouchShardStatusFile(path).ok());  // again: still fine
  EXPECT_THAT(TouchShardStatusFile("/nonexistent-dir/status").message(),
              HasSubstr("cannot create Bazel's shard status file "
                        "\"/nonexistent-dir/status\""));
}

}  // namespace
}  // namespace forkcheck
