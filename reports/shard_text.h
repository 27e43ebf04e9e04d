// One sentence saying which part of a split matrix a report holds
// (issue 17): a shard's report names its shard, of how many, from what, and
// where the benchmarks are; a merged report names its shards, their cells
// and the machines that ran them. The summary and the page both show it, so
// a reader never takes a shard's 34 cells for the whole matrix.
#ifndef FORKCHECK_REPORTS_SHARD_TEXT_H_
#define FORKCHECK_REPORTS_SHARD_TEXT_H_

#include <string>

#include "reports/report_model.h"

namespace forkcheck {

// "Shard 1 of 4 (--shard=1/4): 34 cells of the plan's 135; the benchmarks
// ran in another shard. Merge the 4 shards' reports with ./forkcheck
// merge." or "Merged from 4 shards (plan fnv1a64:...): shard 0, 34 cells on
// host-a, with the benchmarks; ...". Empty for a run that was not split.
std::string ShardText(const ReportModel& model);

}  // namespace forkcheck

#endif  // FORKCHECK_REPORTS_SHARD_TEXT_H_
