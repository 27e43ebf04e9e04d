#include "matrix/power_probe.h"

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "dataset/catalogue.h"
#include "supervisor/testee.h"

namespace forkcheck {

bool PowerProbe::Probes(const Cell& cell) const {
  // A write cell writes a table of its own; the probe's is read-only.
  return active() && cell.axes.table == "small" &&
         cell.axes.workload != kWriteWorkload &&
         absl::StrContains(CellKey(cell), cells);
}

absl::StatusOr<PowerProbe> ParsePowerProbe(absl::string_view flag) {
  PowerProbe probe;
  if (flag.empty()) return probe;
  const size_t at = flag.rfind('@');
  if (at == absl::string_view::npos || at == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--power_probe=\"", flag,
        "\": expected <part of cell keys>@<probability>, e.g. "
        "\"thread_shared workers=2@0.2\""));
  }
  probe.cells = std::string(flag.substr(0, at));
  const absl::string_view probability = flag.substr(at + 1);
  if (!absl::SimpleAtod(probability, &probe.probability) ||
      !(probe.probability > 0) || probe.probability > 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("--power_probe=\"", flag, "\": the probability \"",
                     probability, "\" is not a number in (0, 1]"));
  }
  const TableSpec* table = Catalogue::Default().Resolve(kPowerProbeTable);
  if (table == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(
        "--power_probe: the default catalogue has no table ", kPowerProbeTable));
  }
  probe.table_name = table->name;
  return probe;
}

std::string DescribePowerProbe(const PowerProbe& probe) {
  return absl::StrCat("power probe: cells matching \"", probe.cells,
                      "\" read ", kPowerProbeTable,
                      ", whose sessions stall with probability ",
                      probe.probability,
                      " (a known change; never record these counts)");
}

}  // namespace forkcheck
