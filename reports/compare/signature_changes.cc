#include "reports/compare/signature_changes.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "reports/verdict_text.h"

namespace forkcheck {
namespace {

// `cell`'s signatures, most trials first, that `other` does not have.
CountedSignatures OnlyIn(const ReportCell& cell, const ReportCell& other) {
  CountedSignatures only;
  for (const auto& signature : SignaturesByTrials(cell)) {
    bool shared = false;
    for (const auto& theirs : other.signatures) {
      shared = shared || theirs.first == signature.first;
    }
    if (!shared) only.push_back(signature);
  }
  return only;
}

SignatureSide Side(const ReportCell& cell, const ReportCell& other) {
  return {cell.workers.verdict, CellFailuresText(cell), OnlyIn(cell, other)};
}

}  // namespace

std::string SignatureChanges::NotComparedReason() const {
  if (Compared()) return "";
  std::vector<std::string> sides;
  if (!old_records) sides.push_back("old");
  if (!new_records) sides.push_back("new");
  return absl::StrCat(
      "the ", absl::StrJoin(sides, " and the "),
      sides.size() == 1 ? " report records" : " reports record",
      " no stack signatures (written before they were, or no trial "
      "failed)");
}

SignatureChanges CompareSignatures(
    const std::optional<ReportConformance>& old_conformance,
    const std::optional<ReportConformance>& new_conformance) {
  SignatureChanges result;
  result.old_records =
      old_conformance.has_value() && RecordsFailureEvidence(*old_conformance);
  result.new_records =
      new_conformance.has_value() && RecordsFailureEvidence(*new_conformance);
  const auto old_cells = CellsByKey(old_conformance);
  const auto new_cells = CellsByKey(new_conformance);
  for (const auto& [key, old_cell] : old_cells) {
    const auto found = new_cells.find(key);
    if (found == new_cells.end()) continue;
    ++result.cells_in_common;
    if (!result.Compared()) continue;
    const ReportCell& new_cell = *found->second;
    SignatureChange change;
    change.key = key;
    change.model_name = new_cell.model_name;
    change.old_side = Side(*old_cell, new_cell);
    change.new_side = Side(new_cell, *old_cell);
    if (!change.old_side.only_here.empty() ||
        !change.new_side.only_here.empty()) {
      result.changes.push_back(std::move(change));
    }
  }
  return result;
}

}  // namespace forkcheck
