// Each client's expectations file: which one (client and version), how its
// cells compare with it, and adding a run's counts to it. The main job and
// the conformance test both check every client this way.
#ifndef FORKCHECK_MATRIX_CLIENT_EXPECTATIONS_H_
#define FORKCHECK_MATRIX_CLIENT_EXPECTATIONS_H_

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/file_set.h"
#include "matrix/cell_result.h"
#include "matrix/expectations.h"
#include "matrix/matrix_job.h"

namespace forkcheck {

// How a client's cells compared with its expectations file.
struct ExpectationsOutcome {
  std::string file;  // e.g. "conformance/expectations/grpc-1.51.txt"
  bool found = false;
  bool passed = false;
  // DescribeCheck's text if the cells differ; the error if the file could
  // not be read; how to record one if there is none; empty if passed.
  std::string differences;
  // The check itself, if the file could be read (counts, p-values).
  std::optional<ExpectationsCheck> check;
};

// "python-grpcio-1.51.txt": the expectations file of a client that ran.
std::string ClientExpectationsFile(const ClientRun& client);

// Compares the client's cells with its expectations file under `rule`: the
// file in `directory`, or if that is empty among the runfiles of `argv0`.
// Prints nothing: the outcome is the report's, and its views say it. A
// file that cannot be read or parsed: `found`, no `check`, and the error
// in `differences`.
ExpectationsOutcome CompareClientWithExpectations(
    const ClientRun& client, const std::vector<CellResult>& results,
    const std::set<std::string>& known_keys, const std::string& argv0,
    const std::string& record_command, const ExpectationsRule& rule,
    const std::string& directory = "");

// The worker counts the client's expectations file (found as
// CompareClientWithExpectations finds it) records, by cell key; empty
// without a file. The matrix gives the first trials of cells recorded as
// mostly hanging a hang lane, and serves first the cells departing from
// them. A file that is there but cannot be read or parsed is an error, so
// that a run fails on it before its first trial, not after its last.
absl::StatusOr<std::map<std::string, OutcomeCounts>> RecordedWorkerCounts(
    const ClientRun& client, const std::string& argv0,
    const std::string& directory = "");

// Stages in `files` the client's expectations file in `directory`, with
// the client's cells added to what it holds (accumulating, see
// RenderExpectationsFile); the path it will have once `files` is
// committed. Every client's file is staged first, then all are committed
// together: a failure leaves none of them changed.
absl::StatusOr<std::string> StageClientExpectations(
    const ClientRun& client, const std::vector<CellResult>& results,
    const std::string& directory, const std::string& record_command,
    FileSet* files);

// One line per client: "cpp: grpc++ 1.51.1 (C++ 17)", "python-grpcio:
// skipped (why)".
std::string DescribeClients(const std::vector<ClientRun>& clients);

}  // namespace forkcheck

#endif  // FORKCHECK_MATRIX_CLIENT_EXPECTATIONS_H_
