#include "reports/verdict_json.h"

#include <optional>
#include <string>

#include "absl/strings/str_cat.h"

namespace forkcheck {
namespace {

using nlohmann::json;

}  // namespace

json CellPartJson(const OutcomeCounts& counts, const VerdictRule& rule) {
  json by_kind = json::object();
  for (const auto& [kind, count] : counts.counts) {
    if (count > 0) by_kind[std::string(OutcomeKindName(kind))] = count;
  }
  const RateVerdict verdict = Judge(counts, rule);
  return {{"summary", counts.Summary()},
          {"counts", by_kind},
          {"trials", verdict.trials},
          {"failures", verdict.failures},
          {"ok_after_retry", verdict.ok_after_retry},
          {"wrong_data", verdict.wrong_data},
          {"failure_rate", verdict.failure_rate()},
          {"interval",
           {{"low", verdict.failure_interval.low},
            {"high", verdict.failure_interval.high}}},
          {"verdict", std::string(SafetyVerdictName(verdict.verdict))},
          {"text", DescribeVerdict(counts, verdict)}};
}

json VerdictRuleJson(const VerdictRule& rule) {
  return {{"method", "clopper-pearson"},
          {"confidence", rule.confidence},
          {"safe_threshold", rule.safe_threshold},
          {"unsafe_threshold", rule.unsafe_threshold},
          {"text", DescribeRule(rule)}};
}

absl::StatusOr<OutcomeCounts> OutcomeCountsFromJson(const json& counts) {
  if (!counts.is_object()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "counts: an object of kind to count expected, got ", counts.dump()));
  }
  OutcomeCounts result;
  for (const auto& [name, count] : counts.items()) {
    const std::optional<OutcomeKind> kind = OutcomeKindNamed(name);
    if (!kind.has_value()) {
      return absl::InvalidArgumentError(
          absl::StrCat("counts: \"", name, "\" is not an outcome kind"));
    }
    if (!count.is_number_integer() || count.get<int64_t>() < 1 ||
        count.get<int64_t>() > kMaxOutcomeCount) {
      return absl::InvalidArgumentError(
          absl::StrCat("counts: ", name, " is ", count.dump(),
                       ", not an integer from 1 to ", kMaxOutcomeCount));
    }
    result.counts[*kind] = count.get<int>();
  }
  return result;
}

}  // namespace forkcheck
