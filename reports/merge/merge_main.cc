// ./forkcheck merge OUT.json SHARD.json... (bazel run //reports:merge --
// ...): combines the reports of a sharded run (matrix/shard_plan.h) into one
// report, written with its summary and page beside it as a run's are
// (reports/report_writer.h), then prints its summary. Exit status 0 merged;
// 2 bad usage or input (a file that cannot be read or is not a shard
// report, shards that do not belong together or do not cover the plan
// once), and then nothing is written.
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/file_util.h"
#include "common/runfiles.h"
#include "reports/merge/shard_merge.h"
#include "reports/report.h"
#include "reports/report_writer.h"

namespace forkcheck {
namespace {

constexpr int kBadInput = 2;

constexpr char kUsage[] =
    "Usage: ./forkcheck merge OUT.json SHARD.json...\n"
    "  (or bazel run //reports:merge -- OUT.json SHARD.json...)\n"
    "Combines the reports of the shards of one run (./forkcheck run "
    "--shard=I/N, or a job\n"
    "engine's shards) into OUT.json, with OUT.md and OUT.html beside it. "
    "Every shard of the\n"
    "run must be given once; see README.md, \"Running on many machines\".\n";

int Fail(const std::string& message) {
  std::cerr << "merge: " << message << "\n";
  return kBadInput;
}

int Run(const std::vector<std::string>& args,
        const std::vector<std::string>& command) {
  for (const std::string& arg : args) {
    if (arg == "--help" || arg == "-h" || arg == "-help") {
      std::cout << kUsage;
      return 0;
    }
    if (absl::StartsWith(arg, "-")) {
      return Fail(absl::StrCat("unknown flag \"", arg, "\"\n", kUsage));
    }
  }
  if (args.size() < 2) {
    return Fail(absl::StrCat(
        "expected OUT.json and at least one shard report\n", kUsage));
  }
  for (const std::string& arg : args) {
    if (arg.empty())
      return Fail("an empty path; expected OUT.json SHARD.json...");
  }
  const std::string out = PathFromUsersDirectory(args[0]);
  ReportPaths paths = PathsBeside(out);
  paths.bench_log = "";
  // Before reading a shard: a merge that cannot be written must say so first.
  if (absl::Status writable = CheckReportPaths(paths); !writable.ok()) {
    return Fail(absl::StrCat("cannot write ", writable.message()));
  }
  std::vector<ShardReport> shards;
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string path = PathFromUsersDirectory(args[i]);
    if (SameFile(path, out)) {
      return Fail(absl::StrCat("\"", args[i],
                               "\" is both a shard and the merged report's "
                               "path; write the merge elsewhere"));
    }
    absl::StatusOr<Report> report = Report::Load(path);
    if (!report.ok()) {
      return Fail(
          absl::StrCat(report.status().message(), "; nothing was written"));
    }
    shards.push_back({args[i], *std::move(report)});
  }
  absl::StatusOr<MergedReport> merged = MergeShardReports(shards, command);
  if (!merged.ok()) {
    return Fail(
        absl::StrCat(merged.status().message(), "; nothing was written"));
  }
  absl::StatusOr<Report> report = Report::Build(merged->parts);
  if (!report.ok()) return Fail(std::string(report.status().message()));
  for (const std::string& warning : merged->warnings) {
    std::cerr << "merge: warning: " << warning << "\n";
  }
  if (absl::Status written = WriteRunOutputs(*report, paths, &std::cout);
      !written.ok()) {
    return Fail(std::string(written.message()));
  }
  std::cout << "\nmerge: " << shards.size() << " shards, "
            << report->model().conformance->cells.size() << " cells, into "
            << out << "\n";
  return 0;
}

}  // namespace
}  // namespace forkcheck

int main(int argc, char** argv) {
  return forkcheck::Run(std::vector<std::string>(argv + 1, argv + argc),
                        std::vector<std::string>(argv, argv + argc));
}
