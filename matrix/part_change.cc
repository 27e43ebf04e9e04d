#include "matrix/part_change.h"

#include "stats/fisher_exact.h"

namespace forkcheck {

double NotOkShare(const PartTally& tally) {
  return tally.trials == 0
             ? 0
             : static_cast<double>(tally.trials - tally.ok) / tally.trials;
}

double NotOkShareP(const PartTally& old, const PartTally& now) {
  stats::TwoSamples samples;
  samples.trials_a = old.trials;
  samples.failures_a = old.trials - old.ok;
  samples.trials_b = now.trials;
  samples.failures_b = now.trials - now.ok;
  return stats::FisherExactTwoSided(samples);
}

bool WrongDataWhereNoneFailed(const PartTally& old, const PartTally& now) {
  return now.wrong_data > 0 && old.ok + old.ok_after_retry == old.trials;
}

}  // namespace forkcheck
