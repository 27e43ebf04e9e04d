#include "reports/shard_text.h"

#include <cstdint>
#include <set>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace forkcheck {
namespace {

std::string Cells(int64_t count) {
  return absl::StrCat(count, count == 1 ? " cell" : " cells");
}

std::string ShardOfRun(const ReportModel& model, const ReportShard& shard) {
  const int64_t cells =
      model.conformance.has_value()
          ? static_cast<int64_t>(model.conformance->cells.size())
          : 0;
  std::string benchmarks;
  if (shard.benchmarks == "ran") {
    benchmarks = "the benchmarks ran here";
  } else if (shard.benchmarks == "another shard") {
    benchmarks = "the benchmarks ran in another shard";
  } else {
    benchmarks = "no shard ran the benchmarks";
  }
  return absl::StrCat("Shard ", shard.index, " of ", shard.count, " (",
                      shard.source, "): ", Cells(cells), " of the plan's ",
                      shard.plan_cells, "; ", benchmarks, ". Merge the ",
                      shard.count, " shards' reports with ./forkcheck merge.");
}

std::string Merged(const ReportModel& model) {
  std::vector<std::string> parts;
  std::set<std::string> hosts;
  for (const ReportMergedShard& shard : model.merged_from) {
    const std::string& host = shard.environment.machine.hostname;
    hosts.insert(host);
    parts.push_back(
        absl::StrCat("shard ", shard.index, ", ", Cells(shard.cells), " on ",
                     host, shard.benchmarks ? ", with the benchmarks" : ""));
  }
  std::string text = absl::StrCat("Merged from ", model.merged_from.size(),
                                  " shards: ", absl::StrJoin(parts, "; "), ".");
  if (hosts.size() > 1) {
    absl::StrAppend(&text, " ", hosts.size(),
                    " machines: timings do not compare across shards.");
  }
  return text;
}

}  // namespace

std::string ShardText(const ReportModel& model) {
  if (!model.merged_from.empty()) return Merged(model);
  if (model.shard.has_value()) return ShardOfRun(model, *model.shard);
  return "";
}

}  // namespace forkcheck
