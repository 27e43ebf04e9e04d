#include "matrix/shard_selection.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace forkcheck {
namespace {

constexpr char kBazelIndex[] = "TEST_SHARD_INDEX";
constexpr char kBazelCount[] = "TEST_TOTAL_SHARDS";
constexpr char kBazelStatusFile[] = "TEST_SHARD_STATUS_FILE";
constexpr char kSlurmId[] = "SLURM_ARRAY_TASK_ID";
constexpr char kSlurmCount[] = "SLURM_ARRAY_TASK_COUNT";
constexpr char kSlurmMin[] = "SLURM_ARRAY_TASK_MIN";
constexpr char kSlurmMax[] = "SLURM_ARRAY_TASK_MAX";
constexpr char kSlurmStep[] = "SLURM_ARRAY_TASK_STEP";
constexpr char kKubernetesIndex[] = "JOB_COMPLETION_INDEX";
constexpr char kShardCount[] = "FORKCHECK_SHARD_COUNT";

const std::vector<const char*>& VariableNames() {
  static const auto* const names = new std::vector<const char*>{
      kBazelIndex,      kBazelCount, kBazelStatusFile, kSlurmId,
      kSlurmCount,      kSlurmMin,   kSlurmMax,        kSlurmStep,
      kKubernetesIndex, kShardCount};
  return *names;
}

// Digits only: no sign, space or fraction slips through as a shard.
absl::StatusOr<int> WholeNumber(const std::string& text,
                                const std::string& named) {
  int value = 0;
  if (text.empty() || text.size() > 9 ||
      !std::all_of(text.begin(), text.end(),
                   [](char c) { return absl::ascii_isdigit(c); }) ||
      !absl::SimpleAtoi(text, &value)) {
    return absl::InvalidArgumentError(
        absl::StrCat(named, ": expected a whole number"));
  }
  return value;
}

// The variable's value as a number; its error names it as NAME=value.
absl::StatusOr<int> Variable(const std::map<std::string, std::string>& env,
                             const char* name) {
  const std::string& value = env.at(name);
  return WholeNumber(value, absl::StrCat(name, "=", value));
}

bool Has(const std::map<std::string, std::string>& env, const char* name) {
  const auto found = env.find(name);
  return found != env.end() && !found->second.empty();
}

// `spec` checked, errors prefixed with where it came from.
absl::StatusOr<ShardSelection> Selected(ShardSpec spec, std::string source,
                                        std::string status_file = "") {
  if (absl::Status valid = CheckShardSpec(spec); !valid.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": ", valid.message()));
  }
  ShardSelection selection;
  selection.spec = spec;
  selection.source = std::move(source);
  selection.bazel_status_file = std::move(status_file);
  return selection;
}

absl::StatusOr<ShardSelection> FromFlag(const ShardFlags& flags) {
  const std::string named = absl::StrCat("--shard=", flags.shard);
  const std::vector<std::string> parts = absl::StrSplit(flags.shard, '/');
  const std::string expected =
      absl::StrCat(named,
                   ": expected INDEX/COUNT, e.g. --shard=0/4 (shards "
                   "count from 0)");
  if (parts.size() != 2) return absl::InvalidArgumentError(expected);
  absl::StatusOr<int> index = WholeNumber(parts[0], named);
  absl::StatusOr<int> count = WholeNumber(parts[1], named);
  if (!index.ok() || !count.ok()) return absl::InvalidArgumentError(expected);
  if (flags.shard_count != 0 && flags.shard_count != *count) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--shard_count=", flags.shard_count, " and ", named, " disagree"));
  }
  return Selected({*index, *count}, named);
}

absl::StatusOr<ShardSelection> FromBazel(
    const std::map<std::string, std::string>& env) {
  if (!Has(env, kBazelIndex)) {
    return absl::InvalidArgumentError(
        absl::StrCat(kBazelCount, "=", env.at(kBazelCount), " without ",
                     kBazelIndex, ": Bazel sets both"));
  }
  absl::StatusOr<int> index = Variable(env, kBazelIndex);
  if (!index.ok()) return index.status();
  absl::StatusOr<int> count = Variable(env, kBazelCount);
  if (!count.ok()) return count.status();
  return Selected({*index, *count},
                  absl::StrCat("Bazel (", kBazelIndex, "=", *index, ", ",
                               kBazelCount, "=", *count, ")"),
                  Has(env, kBazelStatusFile) ? env.at(kBazelStatusFile) : "");
}

// A Slurm array's task ids need not start at 0 (--array=1-8) and may step
// (--array=0-14:2): the shard is the id's place in the range.
absl::StatusOr<ShardSelection> FromSlurm(
    const std::map<std::string, std::string>& env) {
  if (!Has(env, kSlurmCount)) {
    return absl::InvalidArgumentError(
        absl::StrCat(kSlurmId, "=", env.at(kSlurmId), " without ", kSlurmCount,
                     ": Slurm 20.11 or later sets both"));
  }
  absl::StatusOr<int> id = Variable(env, kSlurmId);
  if (!id.ok()) return id.status();
  absl::StatusOr<int> count = Variable(env, kSlurmCount);
  if (!count.ok()) return count.status();
  int min = 0;
  int step = 1;
  if (Has(env, kSlurmMin)) {
    absl::StatusOr<int> value = Variable(env, kSlurmMin);
    if (!value.ok()) return value.status();
    min = *value;
  }
  if (Has(env, kSlurmStep)) {
    absl::StatusOr<int> value = Variable(env, kSlurmStep);
    if (!value.ok()) return value.status();
    step = std::max(1, *value);
  }
  const std::string source = absl::StrCat(
      "Slurm (", kSlurmId, "=", *id, ", ", kSlurmMin, "=", min, ", ",
      kSlurmCount, "=", *count,
      step != 1 ? absl::StrCat(", ", kSlurmStep, "=", step) : "", ")");
  // Ids that are not MIN, MIN+STEP, ... (--array=1,3,7 or a range with
  // gaps) name no shard by their place: refuse rather than guess.
  bool range = *id >= min && (*id - min) % step == 0;
  if (range && Has(env, kSlurmMax)) {
    absl::StatusOr<int> max = Variable(env, kSlurmMax);
    if (!max.ok()) return max.status();
    range = *max >= min && (*max - min) / step + 1 == *count;
  }
  if (!range) {
    return absl::InvalidArgumentError(absl::StrCat(
        source,
        ": the array's task ids are not a range MIN, MIN+STEP, ..., MAX of "
        "COUNT ids; submit it as sbatch --array=0-",
        *count - 1));
  }
  return Selected({(*id - min) / step, *count}, source);
}

absl::StatusOr<ShardSelection> FromKubernetes(
    const ShardFlags& flags, const std::map<std::string, std::string>& env) {
  absl::StatusOr<int> index = Variable(env, kKubernetesIndex);
  if (!index.ok()) return index.status();
  int count = flags.shard_count;
  std::string count_source = absl::StrCat("--shard_count=", count);
  if (Has(env, kShardCount)) {
    absl::StatusOr<int> from_env = Variable(env, kShardCount);
    if (!from_env.ok()) return from_env.status();
    if (count != 0 && count != *from_env) {
      return absl::InvalidArgumentError(absl::StrCat(
          count_source, " and ", kShardCount, "=", *from_env, " disagree"));
    }
    if (count == 0) {
      count = *from_env;
      count_source = absl::StrCat(kShardCount, "=", count);
    }
  }
  if (count == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        kKubernetesIndex, "=", *index,
        " (a Kubernetes Indexed Job) needs the shard count, the Job's "
        "completions: --shard_count=N or ",
        kShardCount, "=N"));
  }
  return Selected({*index, count},
                  absl::StrCat("Kubernetes (", kKubernetesIndex, "=", *index,
                               ", ", count_source, ")"));
}

}  // namespace

std::map<std::string, std::string> ShardEnvironment() {
  std::map<std::string, std::string> environment;
  for (const char* name : VariableNames()) {
    if (const char* value = std::getenv(name); value != nullptr) {
      environment[name] = value;
    }
  }
  return environment;
}

absl::StatusOr<ShardSelection> ResolveShard(
    const ShardFlags& flags,
    const std::map<std::string, std::string>& environment) {
  if (flags.shard_count < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--shard_count=", flags.shard_count, ": expected 1 or more"));
  }
  if (!flags.shard.empty()) return FromFlag(flags);
  if (Has(environment, kBazelCount)) return FromBazel(environment);
  if (Has(environment, kSlurmId)) return FromSlurm(environment);
  if (Has(environment, kKubernetesIndex)) {
    return FromKubernetes(flags, environment);
  }
  if (flags.shard_count != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("--shard_count=", flags.shard_count,
                     " without a shard index: it is "
                     "the count of a Kubernetes Indexed Job (",
                     kKubernetesIndex, "); elsewhere use --shard=INDEX/COUNT"));
  }
  if (Has(environment, kShardCount)) {
    return absl::InvalidArgumentError(absl::StrCat(
        kShardCount, "=", environment.at(kShardCount),
        " without a shard index: it is the count of a Kubernetes Indexed Job "
        "(",
        kKubernetesIndex, "); elsewhere use --shard=INDEX/COUNT"));
  }
  return ShardSelection{};
}

absl::Status TouchShardStatusFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create Bazel's shard status file \"", path,
                     "\": ", std::strerror(errno)));
  }
  ::close(fd);
  return absl::OkStatus();
}

}  // namespace forkcheck
