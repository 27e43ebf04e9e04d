// A write trial's table read back after the trial: //client:read_table
// --rows in a bounded process of its own against the trial's server, its
// account made into the classifier's TableReadBack (supervisor/
// outcome_classifier.h).
#ifndef FORKCHECK_MATRIX_TABLE_READ_BACK_H_
#define FORKCHECK_MATRIX_TABLE_READ_BACK_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "supervisor/outcome_classifier.h"

namespace forkcheck {

struct TableReadBackCommand {
  std::string table;              // the written table's full name
  int64_t rows = 0;               // it must hold exactly rows [0, rows)
  std::vector<std::string> argv;  // read_table and its flags
  // read_table is killed after it, and the table is then unreadable.
  std::chrono::milliseconds bound{5000};
};

// The command that checks `table` (a writable table's full name) at
// `target` holds exactly rows [0, rows) of the catalogue table its last
// component names, with `read_table` (the binary's path).
TableReadBackCommand TableReadBackCommandFor(const std::string& read_table,
                                             const std::string& target,
                                             const std::string& table,
                                             int64_t rows,
                                             std::chrono::milliseconds bound);

// `command` against the server at `target` instead: the same read_table,
// table, rows and bound (a reproduction's script reads the table back from
// a server of its own).
TableReadBackCommand RetargetTableReadBack(const TableReadBackCommand& command,
                                           const std::string& target);

// Runs `command`: what the table held, or `unreadable` saying why it could
// not be read (read_table could not start, did not answer within the
// bound, refused its flags, or could not read the table).
TableReadBack RunTableReadBack(const TableReadBackCommand& command);

// read_table's wait status and the line it printed, made into what the
// table held (exposed for tests).
TableReadBack TableReadBackFromAccount(int wait_status,
                                       const std::string& account_line);

// The same, given the first line read_table printed or why there is none
// (then the table is unreadable): RunTableReadBack's judgement, for a
// program that ran read_table itself (a repro bundle's run.sh, through
// judge_table_read_back).
TableReadBack TableReadBackFromOutput(
    int wait_status, const absl::StatusOr<std::string>& account_line);

}  // namespace forkcheck

#endif  // FORKCHECK_MATRIX_TABLE_READ_BACK_H_
