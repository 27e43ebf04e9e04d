// Shard reports combined into one report (./forkcheck merge, `bazel run
// //reports:merge`): the runs of one matrix split over several machines
// (matrix/shard_plan.h) read as one run by every view (summary, page,
// compare, the expectations' outcome).
//
// The shards must belong together, or the merge is refused with the reason:
// every shard of one plan (the same design, size, --cells, clients and
// recorded hang-prone cells, so the same fingerprint and count), each once;
// the same harness commit, gRPC, Protobuf and client versions, and trial
// policy; cells disjoint and together the plan's; benchmarks from one shard
// at most. What may differ is reported, not refused: machines (timings then
// do not compare across shards), kernels, build flags, GRPC_* variables.
//
// The merged report: the cells of every shard in the plan's order; the
// benchmarks of the shard that ran them; the first shard's environment with
// the earliest start, the latest end and notes saying it was merged (and
// which machines ran which shards); each shard's own command and
// environment in `merged_from`; each expectations outcome combined (passed
// if every shard's did; its alpha the sum of the shards', which split the
// run's alpha among them; its tests and mismatches every shard's).
#ifndef FORKCHECK_REPORTS_MERGE_SHARD_MERGE_H_
#define FORKCHECK_REPORTS_MERGE_SHARD_MERGE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "reports/report.h"

namespace forkcheck {

struct ShardReport {
  std::string file;  // as the user named it, for messages and merged_from
  Report report;
};

struct MergedReport {
  ReportParts parts;  // for Report::Build
  // What differs between the shards without preventing the merge, one
  // line each (also among the environment's notes).
  std::vector<std::string> warnings;
};

// `command`: how the merge was invoked (the merged report's tool.command).
// INVALID_ARGUMENT with the reason, naming the files: a report that is not
// a shard (or is merged already), shards of different plans, splits,
// commits, gRPC, Protobuf or clients, a shard given twice or missing, cells
// in two shards, cells missing, benchmarks in two shards.
absl::StatusOr<MergedReport> MergeShardReports(
    const std::vector<ShardReport>& shards,
    const std::vector<std::string>& command);

}  // namespace forkcheck

#endif  // FORKCHECK_REPORTS_MERGE_SHARD_MERGE_H_
