// A reproduction of one matrix cell (`./forkcheck repro`), as a directory
// that needs no harness: what the harness ran (argv, the environment entries
// it added, the request on standard input, the fake server's flags and fault
// script), copies of the programs, and run.sh, which runs the same trial by
// itself and prints one outcome line. The trial itself is described once,
// by the matrix (matrix/cell_runner.h, matrix/server_pool.h); this only
// writes it down.
#ifndef FORKCHECK_DRIVER_REPRO_BUNDLE_H_
#define FORKCHECK_DRIVER_REPRO_BUNDLE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "matrix/cell.h"
#include "matrix/cell_result.h"
#include "matrix/server_pool.h"
#include "matrix/table_read_back.h"
#include "supervisor/trial_runner.h"

namespace forkcheck {

// The stem run.sh's server files get (ServerLaunchFor's `stem`): the script
// puts its own temporary directory in its place.
inline constexpr char kRunScriptStem[] = "@RUN_TMP@/server";
// The address run.sh's server prints, for commands aimed at it (a write
// trial's read-back, RetargetTableReadBack).
inline constexpr char kRunScriptAddress[] = "@RUN_ADDRESS@";

struct ReproBundle {
  Cell cell;
  std::string key;       // CellKey(cell)
  std::string versions;  // the client's library and gRPC, as it says
  // The trial as the harness ran it; env holds the entries the harness added
  // (the cell's GRPC_* axes, --trace, --verbosity).
  TrialCommand command;
  std::string target;  // the fake server's address in the request
  std::string server_binary;
  // As the harness's server was started; and the same server for run.sh,
  // at kRunScriptStem.
  ServerLaunch server;
  ServerLaunch script_server;
  // A write cell's: how its trial's table is read back after the trial, as
  // the harness reads it (matrix/cell_runner.h CellTrial::read_back), aimed
  // at run.sh's server (kRunScriptAddress); argv[0] is the harness's
  // read_table, copied into bin/. Its table must be the one request.bin
  // writes.
  std::optional<TableReadBackCommand> read_back;
  // A write cell's: //matrix:judge_table_read_back, copied into bin/, which
  // judges read_table's account as the harness does.
  std::string table_judge_binary;
  // What builds the programs, e.g. "//models:trial_program".
  std::vector<std::string> build_targets;
  std::string repro_command;  // the ./forkcheck repro line that made it
  absl::Time made;
};

// Writes everything but README.md into `directory`, which must not exist or
// be empty: argv.txt, env.txt, request.bin (the trial's standard input,
// byte for byte), request.txt (the same, readable), server_command.txt,
// faults.json, bin/ (copies of the trial program, with its runfiles if it is
// a script, of the fake server, and for a write cell of read_table and
// judge_table_read_back), frames.py and run.sh. INVALID_ARGUMENT if a write
// cell's bundle has no read-back or judge, or a read-back of a table other
// than its request's.
absl::Status WriteReproFiles(const ReproBundle& bundle,
                             const std::string& directory);

// README.md: the cell, the versions, what `samples` showed, how to run it.
absl::Status WriteReproReadme(const ReproBundle& bundle,
                              const std::vector<TrialSample>& samples,
                              const std::string& directory);

// Trial `index` (from 1) of `total` as people read it, in the matrix's words:
// its outcome, then each worker's and the parent's, then per process its
// stack signature and the last lines of its stderr. The one place a trial
// is printed, on the console and in README.md.
std::string DescribeTrialSample(int index, int total,
                                const TrialSample& sample);

// Each trial's evidence (supervisor/trial_evidence.h) in full, as files
// under `directory`/evidence/: trial-N-<process>.stacks.txt (its signature,
// then every thread) and trial-N-<process>.stderr.txt.
absl::Status WriteReproEvidence(const std::vector<TrialSample>& samples,
                                const std::string& directory);

// The counts over `samples`, worded as the matrix table words them, then
// each stack signature with the trials it was seen in.
std::string DescribeTrialCounts(const std::vector<TrialSample>& samples);

// "<model>-<axes away from their defaults>-<UTC time>", with only
// [A-Za-z0-9._=-] in it: the default directory's name.
std::string ReproDirectoryName(const Cell& cell, absl::Time now);

// run.sh's text (exposed for tests).
std::string RunScript(const ReproBundle& bundle);

}  // namespace forkcheck

#endif  // FORKCHECK_DRIVER_REPRO_BUNDLE_H_
