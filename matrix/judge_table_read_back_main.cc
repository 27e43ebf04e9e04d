// judge_table_read_back STATUS ACCOUNT_FILE: judges a write trial's table
// from read_table's exit status and account, as the harness judges it
// (matrix/table_read_back_judge.h). A repro bundle's run.sh runs a copy of
// it from bin/, beside read_table.
//
// Exit status: 0 judged (nothing printed if the table holds exactly its
// rows, else "table read back: 12 rows missing, 3 duplicated"); 3 the table
// could not be read (why, on stdout); 2 bad usage (on stderr).
#include <iostream>
#include <string>
#include <vector>

#include "matrix/table_read_back_judge.h"

int main(int argc, char** argv) {
  const forkcheck::TableJudgement judgement = forkcheck::JudgeTableReadBack(
      std::vector<std::string>(argv + 1, argv + argc));
  if (!judgement.line.empty()) {
    (judgement.exit_code == forkcheck::kJudgeBadUsage ? std::cerr : std::cout)
        << judgement.line << "\n";
  }
  return judgement.exit_code;
}
