// The client dimension in the main job: which testee programs this build
// has, each client's expectations file (compared or re-recorded), and the
// report's account of every client, run or skipped.
#ifndef FORKCHECK_DRIVER_CLIENTS_H_
#define FORKCHECK_DRIVER_CLIENTS_H_

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "matrix/cell_result.h"
#include "matrix/matrix_job.h"
#include "reports/conformance_section.h"
#include "supervisor/testee.h"
#include "testees/testee_programs.h"

namespace forkcheck {

// --clients: "" (every client of the design) or names separated by commas.
absl::StatusOr<std::set<std::string>> ParseClients(const std::string& flag);

// "python-grpcio-1.51.txt": the expectations file of a client that ran.
std::string ClientExpectationsFile(const ClientRun& client);

// Compares the client's cells with its expectations file under `rule`: the
// file in `directory`, or if that is empty among the runfiles of `argv0`;
// printing what differs (or that none is recorded). A file that cannot be read or parsed: `found`, no `check`,
// and the error in `differences`.
ExpectationsOutcome CompareClientWithExpectations(
    const ClientRun& client, const std::vector<CellResult>& results,
    const std::set<std::string>& known_keys, const std::string& argv0,
    const std::string& record_command, const ExpectationsRule& rule,
    const std::string& directory = "");

// Adds the client's cells to its file in `directory` (accumulating, see
// RenderExpectationsFile); the path written.
absl::StatusOr<std::string> RecordClientExpectations(
    const ClientRun& client, const std::vector<CellResult>& results,
    const std::string& directory, const std::string& record_command);

// The report's account of a client.
ClientSection ClientSectionFor(const ClientRun& client,
                               const ExpectationsOutcome& expectations);

// One line per client: "cpp: grpc++ 1.51.1 (C++ 17)", "python-grpcio:
// skipped (why)".
std::string DescribeClients(const std::vector<ClientRun>& clients);

}  // namespace forkcheck

#endif  // FORKCHECK_DRIVER_CLIENTS_H_
