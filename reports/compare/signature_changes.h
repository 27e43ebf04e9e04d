// How the stack signatures of the conformance cells changed between two
// reports (issue 13): per cell in both reports, the signatures (a process
// kind and what it was doing, "worker: grpc_pollset_work ← ...") seen in
// one report's trials and not in the other's, each with the trials it was
// seen in. A different hang on a new gRPC release is news even when the
// cell's verdict is the same; but it is never a regression: signature
// changes do not touch the comparison's verdict or compare's exit status.
//
// Only reports that record failure evidence are compared (a report from
// before signatures were recorded has empty lists that say nothing); if
// either does not, nothing is listed and the comparison says why.
#ifndef FORKCHECK_REPORTS_COMPARE_SIGNATURE_CHANGES_H_
#define FORKCHECK_REPORTS_COMPARE_SIGNATURE_CHANGES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "reports/report_model.h"

namespace forkcheck {

using CountedSignatures = std::vector<std::pair<std::string, int64_t>>;

// One side of a cell whose signatures changed.
struct SignatureSide {
  std::string verdict;          // the workers' verdict
  std::string failures;         // "hang 30/30" (CellFailuresText); "" if none
  CountedSignatures only_here;  // seen here, not on the other side; most first
};

struct SignatureChange {
  std::string key;
  std::string model_name;
  SignatureSide old_side;
  SignatureSide new_side;

  bool SameVerdict() const { return old_side.verdict == new_side.verdict; }
};

struct SignatureChanges {
  bool old_records = false;  // the report records failure evidence
  bool new_records = false;
  int cells_in_common = 0;
  std::vector<SignatureChange> changes;  // by key

  bool Compared() const { return old_records && new_records; }
  // Why nothing was compared: "the old report records no stack signatures
  // (written before they were, or no trial failed)"; "" if compared.
  std::string NotComparedReason() const;
};

SignatureChanges CompareSignatures(
    const std::optional<ReportConformance>& old_conformance,
    const std::optional<ReportConformance>& new_conformance);

}  // namespace forkcheck

#endif  // FORKCHECK_REPORTS_COMPARE_SIGNATURE_CHANGES_H_
