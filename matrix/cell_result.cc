#include "matrix/cell_result.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"

namespace forkcheck {

int OutcomeCounts::total() const {
  int sum = 0;
  for (const auto& [kind, count] : counts) sum += count;
  return sum;
}

int OutcomeCounts::Count(OutcomeKind kind) const {
  const auto found = counts.find(kind);
  return found == counts.end() ? 0 : found->second;
}

std::vector<OutcomeKind> OutcomeCounts::Kinds() const {
  std::vector<OutcomeKind> kinds;
  for (const auto& [kind, count] : counts) {
    if (count > 0) kinds.push_back(kind);
  }
  std::sort(kinds.begin(), kinds.end(), [](OutcomeKind a, OutcomeKind b) {
    return WorseOf(a, b) == a && a != b;
  });
  return kinds;
}

std::string OutcomeCounts::Summary() const {
  const std::vector<OutcomeKind> kinds = Kinds();
  if (kinds.empty()) return "none";
  if (kinds.size() == 1) {
    return absl::StrCat("always ", OutcomeKindName(kinds[0]));
  }
  std::string text = "mixed";
  for (size_t i = 0; i < kinds.size(); ++i) {
    absl::StrAppend(&text, i == 0 ? " " : ", ", OutcomeKindName(kinds[i]), " ",
                    counts.at(kinds[i]));
  }
  return text;
}

OutcomeCounts CellResult::WorkerCounts() const {
  OutcomeCounts result;
  for (const TrialSample& sample : samples) {
    if (sample.harness_error.empty()) ++result.counts[sample.workers];
  }
  return result;
}

OutcomeCounts CellResult::ParentCounts() const {
  OutcomeCounts result;
  for (const TrialSample& sample : samples) {
    if (sample.harness_error.empty() && sample.parent_after.has_value()) {
      ++result.counts[*sample.parent_after];
    }
  }
  return result;
}

std::map<std::string, int> CellResult::SignatureCounts() const {
  std::map<std::string, int> counts;
  for (const TrialSample& sample : samples) {
    std::set<std::string> seen;
    for (const ProcessEvidence& evidence : sample.evidence) {
      if (evidence.signature.empty()) continue;
      // "worker 3" and "worker 0" are the same kind of process.
      const std::string process =
          evidence.process.substr(0, evidence.process.find(' '));
      seen.insert(absl::StrCat(process, ": ", evidence.signature));
    }
    for (const std::string& signature : seen) ++counts[signature];
  }
  return counts;
}

void TrimEvidenceText(const CellResult& so_far, TrialSample* sample) {
  if (sample->evidence.empty()) return;
  int examples = 0;
  std::set<std::string> known;
  for (const TrialSample& earlier : so_far.samples) {
    bool has_text = false;
    for (const ProcessEvidence& evidence : earlier.evidence) {
      has_text =
          has_text || !evidence.stacks.empty() || !evidence.stderr_tail.empty();
      known.insert(evidence.signature);
    }
    if (has_text) ++examples;
  }
  bool news = false;
  for (const ProcessEvidence& evidence : sample->evidence) {
    news = news || known.count(evidence.signature) == 0;
  }
  if (examples < kEvidenceExamples || news) return;
  for (ProcessEvidence& evidence : sample->evidence) {
    evidence.stacks.clear();
    evidence.stderr_tail.clear();
  }
}

}  // namespace forkcheck
