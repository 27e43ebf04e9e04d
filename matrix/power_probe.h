// A known change made on purpose, to measure the power of the expectations
// check (matrix/README.md): the cells whose key contains `cells` read
// kPowerProbeTable (the rows of `small`, under another name) instead of
// `small`, and every fake server stalls each session of that table past any
// watchdog with `probability`, drawn once per session. Their trials then
// hang in that fraction of runs while their keys stay the same, so a check
// against the recorded counts should fail. Never recorded as expectations.
// The servers' rule: HarnessStallRules (server_pool.h).
#ifndef FORKCHECK_MATRIX_POWER_PROBE_H_
#define FORKCHECK_MATRIX_POWER_PROBE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "matrix/cell.h"

namespace forkcheck {

// A copy of `small` in the default catalogue (same seed, same rows).
inline constexpr char kPowerProbeTable[] = "small_power_probe";

struct PowerProbe {
  std::string cells;       // a substring of the probed cells' keys
  double probability = 0;  // of a session's stall; 0: no probe
  std::string table_name;  // kPowerProbeTable's full name
  bool active() const { return probability > 0; }
  // Whether `cell` is probed: its key contains `cells`, and it reads small.
  bool Probes(const Cell& cell) const;
};

// "<substring of cell keys>@<probability in (0, 1]>", e.g.
// "thread_shared workers=2@0.2"; "" is no probe. INVALID_ARGUMENT naming
// what is wrong.
absl::StatusOr<PowerProbe> ParsePowerProbe(absl::string_view flag);

// "power probe: cells matching "..." read small_power_probe, whose sessions
// stall with probability 0.2 (a known change; never record these counts)".
std::string DescribePowerProbe(const PowerProbe& probe);

}  // namespace forkcheck

#endif  // FORKCHECK_MATRIX_POWER_PROBE_H_
