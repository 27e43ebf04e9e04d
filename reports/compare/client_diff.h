// How the clients of two reports' matrices differ: a client whose library
// or gRPC core version changed ("python-grpcio: grpcio 1.51.1 -> 1.60.0"),
// and a client that ran in one report only (skipped or absent in the
// other). The second makes that client's cells appear or disappear; they
// are explained by the client, not listed as cells missing one by one.
#ifndef FORKCHECK_REPORTS_COMPARE_CLIENT_DIFF_H_
#define FORKCHECK_REPORTS_COMPARE_CLIENT_DIFF_H_

#include <string>
#include <vector>

#include "reports/compare/matrix_changes.h"
#include "reports/report_model.h"

namespace forkcheck {

struct ClientDifference {
  std::string client;
  // "grpcio 1.51.1 (Python 3.11, gRPC core 29.0.0)", "skipped: why",
  // "absent" (not in that report at all).
  std::string old_state;
  std::string new_state;
  bool ran_in_old = false;
  bool ran_in_new = false;
  // When it ran in one report only: why it did not in the other (empty if
  // it was absent there).
  std::string skipped_reason;
  // What changed while it ran in both: "grpcio 1.51.1 -> 1.60.0",
  // "gRPC core 29.0.0 -> 37.0.0", "protobuf 3.21.12 -> 4.25.1".
  std::vector<std::string> changes;
  // Its cells one report has and the other not, taken out of the matrix
  // changes' only_in_old and only_in_new.
  std::vector<std::string> cells_only_in_old;
  std::vector<std::string> cells_only_in_new;

  bool RanInOneOnly() const { return ran_in_old != ran_in_new; }
  // One line: "python-grpcio: grpcio 1.51.1 -> 1.60.0; gRPC core ...", or
  // "python-grpcio: ran in old, skipped in new (python3-grpcio is not
  // installed): its 48 cells are only in old".
  std::string Summary() const;
};

// The clients' differences for two reports' matrices (none if either has
// none: no matrix to compare), by client name. Older reports read as one
// C++ client (ReportConformance::clients).
// Moves the keys of `matrix`'s only_in_old and only_in_new that belong to a
// client that ran in one report only into that client's difference.
std::vector<ClientDifference> DiffClients(const ReportModel& old_report,
                                          const ReportModel& new_report,
                                          MatrixChanges* matrix);

}  // namespace forkcheck

#endif  // FORKCHECK_REPORTS_COMPARE_CLIENT_DIFF_H_
