// Which shard of the matrix this run is (matrix/shard_plan.h): from the main
// job's --shard=I/N, or from the variables a job engine sets for each of its
// tasks, resolved in one place for the main job and the conformance test.
//
//   engine                 index                      count
//   --shard=I/N            I                          N
//   Bazel (shard_count)    TEST_SHARD_INDEX           TEST_TOTAL_SHARDS
//   Slurm job array        (SLURM_ARRAY_TASK_ID       SLURM_ARRAY_TASK_COUNT
//                           - SLURM_ARRAY_TASK_MIN)
//                           / SLURM_ARRAY_TASK_STEP
//   Kubernetes Indexed Job JOB_COMPLETION_INDEX       --shard_count, else
//                                                     FORKCHECK_SHARD_COUNT
//
// The first that applies, in that order, wins (a Bazel test inside a Slurm
// task is Bazel's shard). None: the whole matrix. The environment is passed
// in (ShardEnvironment reads the process's), never read here.
#ifndef FORKCHECK_MATRIX_SHARD_SELECTION_H_
#define FORKCHECK_MATRIX_SHARD_SELECTION_H_

#include <map>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "matrix/shard_plan.h"

namespace forkcheck {

struct ShardFlags {
  std::string shard;    // --shard: "I/N", "" if not given
  int shard_count = 0;  // --shard_count: 0 if not given
};

struct ShardSelection {
  std::optional<ShardSpec> spec;  // none: the whole matrix
  // Where it came from, for messages: "--shard=1/4", "Bazel
  // (TEST_SHARD_INDEX=1, TEST_TOTAL_SHARDS=4)"; "" without a shard.
  std::string source;
  // TEST_SHARD_STATUS_FILE when the shard is Bazel's: the test touches it
  // to tell Bazel it shards (TouchShardStatusFile).
  std::string bazel_status_file;
};

// The variables ResolveShard reads, by name: the process's environment
// reduced to them (absent ones left out).
std::map<std::string, std::string> ShardEnvironment();

// INVALID_ARGUMENT in one line naming the flag or variable at fault, e.g.
// "--shard=4/4: the index 4 is not between 0 and 3 (shards count from 0)",
// "TEST_SHARD_INDEX=x: expected a whole number", "JOB_COMPLETION_INDEX=2
// needs the shard count: ...", "--shard_count=4 and --shard=1/3 disagree",
// or a Slurm array whose task ids are not a range.
absl::StatusOr<ShardSelection> ResolveShard(
    const ShardFlags& flags,
    const std::map<std::string, std::string>& environment);

// Creates (or updates the time of) Bazel's shard status file.
absl::Status TouchShardStatusFile(const std::string& path);

}  // namespace forkcheck

#endif  // FORKCHECK_MATRIX_SHARD_SELECTION_H_
