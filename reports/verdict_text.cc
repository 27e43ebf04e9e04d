#include "reports/verdict_text.h"

#include <algorithm>
#include <iterator>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

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
  std::string text;
  if (stopping.min_trials == stopping.max_trials) {
    text = absl::StrCat(stopping.min_trials, " trials a cell");
  } else {
    text = absl::StrCat(stopping.min_trials, " to ", stopping.max_trials,
                        " trials a cell, ");
    // Short with a departing look: the default run's console line must
    // stay one line.
    absl::StrAppend(
        &text,
        stopping.departing_trials == stopping.flaky_trials
            ? absl::StrCat("mixed outcomes judged at ", stopping.flaky_trials)
            : absl::StrCat("mixed at ", stopping.flaky_trials, " (",
                           stopping.departing_trials, " off record)"));
  }
  if (policy.time_budget_seconds > 0) {
    absl::StrAppend(&text, absl::StrFormat(", time budget %g s",
                                           policy.time_budget_seconds));
  }
  return text;
}

namespace {

// How telling a failed kind is, most first (as the matrix grid's stripes);
// a kind this forkcheck does not know sorts last.
int FailedKindRank(const std::string& kind) {
  constexpr const char* kTelling[] = {"wrong_data", "crash", "hang", "error"};
  const auto found = std::find(std::begin(kTelling), std::end(kTelling), kind);
  return static_cast<int>(found - std::begin(kTelling));
}

}  // namespace

std::string FailedCountsText(const CellPart& part) {
  std::vector<std::pair<std::string, int>> failed;
  for (const auto& [kind, count] : part.counts) {
    if (kind == "ok" || kind == "ok_after_retry" || count <= 0) continue;
    failed.emplace_back(kind, count);
  }
  std::stable_sort(failed.begin(), failed.end(),
                   [](const auto& a, const auto& b) {
                     return FailedKindRank(a.first) < FailedKindRank(b.first);
                   });
  std::vector<std::string> parts;
  for (const auto& [kind, count] : failed) {
    parts.push_back(absl::StrCat(kind, " ", count, "/", part.trials));
  }
  return absl::StrJoin(parts, ", ");
}

std::string CellFailuresText(const ReportCell& cell) {
  std::string text = FailedCountsText(cell.workers);
  if (cell.parent_after.has_value()) {
    if (const std::string parent = FailedCountsText(*cell.parent_after);
        !parent.empty()) {
      absl::StrAppend(&text, text.empty() ? "" : "; ",
                      "parent after: ", parent);
    }
  }
  return text;
}

std::vector<std::pair<std::string, int64_t>> SignaturesByTrials(
    const ReportCell& cell) {
  std::vector<std::pair<std::string, int64_t>> signatures = cell.signatures;
  // A worker's stack says what the client was doing; a parent's mostly
  // that it waited for its workers.
  auto rank = [](const std::string& signature) {
    if (absl::StartsWith(signature, "worker:")) return 0;
    return absl::StartsWith(signature, "parent:") ? 2 : 1;
  };
  std::stable_sort(signatures.begin(), signatures.end(),
                   [&](const auto& a, const auto& b) {
                     return std::make_pair(rank(a.first), -a.second) <
                            std::make_pair(rank(b.first), -b.second);
                   });
  return signatures;
}

std::string SignatureText(const std::pair<std::string, int64_t>& signature) {
  return absl::StrCat(signature.first, " (", signature.second, ")");
}

bool RecordsFailureEvidence(const ReportConformance& conformance) {
  for (const ReportCell& cell : conformance.cells) {
    if (!cell.signatures.empty()) return true;
    for (const ReportTrial& trial : cell.trials) {
      if (!trial.evidence.empty()) return true;
    }
  }
  return false;
}

}  // namespace forkcheck
