#include "reports/verdict_text.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace forkcheck {

using nlohmann::json;

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

std::string WrongDataText(const json& part) {
  if (!part.is_object()) return "";
  const int wrong = part.value("wrong_data", 0);
  if (wrong == 0) return "";
  return absl::StrCat("wrong_data ", wrong, "/", part.value("trials", 0),
                      " trials");
}

std::string PartText(const json& part) {
  if (!part.is_object()) return "-";
  std::string text = part["text"].get<std::string>();
  if (const std::string wrong = WrongDataText(part); !wrong.empty()) {
    absl::StrAppend(&text, " · ", wrong);
  }
  return text;
}

std::string StopNote(const json& cell) {
  const std::string reason = cell.value("stop_reason", "");
  if (reason.empty() || reason == "decided") return "";
  return absl::StrCat("stopped: ", reason);
}

std::string VerdictRuleText(const json& conformance) {
  const json& policy = conformance["trial_policy"];
  std::string text = policy["verdicts"]["text"].get<std::string>();
  if (policy.value("derived_from_v1", false)) {
    absl::StrAppend(&text,
                    " (derived from a schema_version 1 report's counts)");
  }
  return text;
}

std::string TrialPolicyText(const json& conformance) {
  const json& stopping = conformance["trial_policy"]["stopping"];
  const int min_trials = stopping["min_trials"].get<int>();
  const int max_trials = stopping["max_trials"].get<int>();
  std::string text =
      min_trials == max_trials
          ? absl::StrCat(min_trials, " trials a cell")
          : absl::StrCat(min_trials, " to ", max_trials,
                         " trials a cell, mixed outcomes judged at ",
                         stopping["flaky_trials"].get<int>());
  const double budget = stopping["time_budget_seconds"].get<double>();
  if (budget > 0)
    absl::StrAppend(&text, absl::StrFormat(", time budget %g s", budget));
  return text;
}

}  // namespace forkcheck
