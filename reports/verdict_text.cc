#include "reports/verdict_text.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace forkcheck {

std::string WrongDataText(const CellPart& part) {
  if (part.wrong_data == 0) return "";
  return absl::StrCat("wrong_data ", part.wrong_data, "/", part.trials,
                      " trials");
}

std::string PartText(const CellPart& part) {
  std::string text = part.text;
  if (const std::string wrong = WrongDataText(part); !wrong.empty()) {
    absl::StrAppend(&text, " · ", wrong);
  }
  return text;
}

std::string PartText(const std::optional<CellPart>& part) {
  return part.has_value() ? PartText(*part) : "-";
}

std::string StopNote(const ReportCell& cell) {
  if (cell.stop_reason.empty() || cell.stop_reason == "decided") return "";
  return absl::StrCat("stopped: ", cell.stop_reason);
}

std::string VerdictRuleText(const ReportConformance& conformance) {
  const ReportTrialPolicy& policy = conformance.trial_policy;
  std::string text = policy.rule_text;
  if (policy.derived_from_v1) {
    absl::StrAppend(&text,
                    " (derived from a schema_version 1 report's counts)");
  }
  return text;
}

std::string TrialPolicyText(const ReportConformance& conformance) {
  const ReportTrialPolicy& policy = conformance.trial_policy;
  const StoppingRule& stopping = policy.stopping;
  std::string text =
      stopping.min_trials == stopping.max_trials
          ? absl::StrCat(stopping.min_trials, " trials a cell")
          : absl::StrCat(stopping.min_trials, " to ", stopping.max_trials,
                         " trials a cell, mixed outcomes judged at ",
                         stopping.flaky_trials);
  if (policy.time_budget_seconds > 0) {
    absl::StrAppend(&text, absl::StrFormat(", time budget %g s",
                                           policy.time_budget_seconds));
  }
  return text;
}

}  // namespace forkcheck
