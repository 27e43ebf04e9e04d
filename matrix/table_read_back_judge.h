// judge_table_read_back STATUS ACCOUNT_FILE: a write trial's table judged
// from what //client:read_table printed when a shell ran it (a repro
// bundle's run.sh, driver/repro_bundle.h), by the harness's own rules
// (TableReadBackFromOutput) and in its words (DescribeWrongTable), so that
// run.sh and the matrix cannot judge one account differently.
#ifndef FORKCHECK_MATRIX_TABLE_READ_BACK_JUDGE_H_
#define FORKCHECK_MATRIX_TABLE_READ_BACK_JUDGE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace forkcheck {

// judge_table_read_back's exit statuses.
inline constexpr int kTableJudged = 0;      // the table was read and judged
inline constexpr int kJudgeBadUsage = 2;    // bad arguments, unreadable file
inline constexpr int kTableUnreadable = 3;  // read_table could not read it

struct TableJudgement {
  int exit_code = kTableJudged;
  // The one line the program prints, "" for none. kTableJudged: "" if the
  // table holds exactly its rows, else its wrong_data detail ("table read
  // back: 12 rows missing, 3 duplicated"); kTableUnreadable: why (both on
  // stdout); kJudgeBadUsage: the error (on stderr).
  std::string line;
};

// The wait status (see waitpid) a shell's `$?` of `status` stands for:
// 128 + N, N a signal's number, is killed by signal N; any other value is
// that exit status. nullopt unless `status` is a number 0..255 in decimal.
std::optional<int> WaitStatusFromShell(absl::string_view status);

// judge_table_read_back's work for its arguments, the program's name left
// out: STATUS (read_table's `$?`) and ACCOUNT_FILE (what it printed).
TableJudgement JudgeTableReadBack(const std::vector<std::string>& args);

}  // namespace forkcheck

#endif  // FORKCHECK_MATRIX_TABLE_READ_BACK_JUDGE_H_
