#include "reports/compare/metric_direction.h"

#include "absl/strings/match.h"

namespace forkcheck {

Direction MetricDirection(const std::string& name) {
  // Rates first: "cpu_seconds_per_million_rows" is a cost (lower), but
  // "rows_per_second" a throughput (higher).
  if (absl::EndsWith(name, "_per_second") ||
      absl::EndsWith(name, "_over_bare")) {
    return Direction::kHigherIsBetter;
  }
  if (name == "real_time" || name == "cpu_time") {
    return Direction::kLowerIsBetter;
  }
  for (const char* suffix :
       {"_ms", "_us", "_ns", "_seconds", "_kib", "_bytes", "_switches"}) {
    if (absl::EndsWith(name, suffix)) return Direction::kLowerIsBetter;
  }
  if (absl::StrContains(name, "_seconds_per_")) {
    return Direction::kLowerIsBetter;
  }
  return Direction::kUnknown;
}

Direction MetricDirection(const std::string& scenario, const std::string& name) {
  if (name == "cpu_time" &&
      (absl::StrContains(scenario, "/manual_time") ||
       absl::StartsWith(scenario, "BM_CreateSessionLatency/"))) {
    return Direction::kUnknown;
  }
  return MetricDirection(name);
}

const char* DirectionName(Direction direction) {
  switch (direction) {
    case Direction::kHigherIsBetter:
      return "higher is better";
    case Direction::kLowerIsBetter:
      return "lower is better";
    case Direction::kUnknown:
      break;
  }
  return "unknown";
}

}  // namespace forkcheck
