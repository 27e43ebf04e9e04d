#include "matrix/table_read_back_judge.h"

#include <csignal>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/file_util.h"
#include "matrix/table_read_back.h"
#include "supervisor/outcome_classifier.h"

namespace forkcheck {
namespace {

constexpr char kUsage[] =
    "usage: judge_table_read_back STATUS ACCOUNT_FILE (STATUS: read_table's "
    "exit status as a shell gives it; ACCOUNT_FILE: what it printed)";

TableJudgement BadUsage(std::string why) {
  return {kJudgeBadUsage, absl::StrCat("judge_table_read_back: ", why)};
}

// The first line of `output` as the harness reads read_table's standard
// output (Subprocess::ReadLine): up to its newline, which it must have.
absl::StatusOr<std::string> FirstLine(const std::string& output) {
  const size_t newline = output.find('\n');
  if (newline != std::string::npos) return output.substr(0, newline);
  return absl::UnavailableError(output.empty() ? "it printed nothing"
                                               : "it printed no complete line");
}

}  // namespace

std::optional<int> WaitStatusFromShell(absl::string_view status) {
  if (status.empty() || status.size() > 3) return std::nullopt;
  for (const char c : status) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      return std::nullopt;
    }
  }
  int value = 0;
  if (!absl::SimpleAtoi(status, &value) || value > 255) return std::nullopt;
  // A shell cannot tell 128 + N from exit status 128 + N; N beyond the
  // signals there are can only be the latter.
  if (value > 128 && value - 128 < NSIG) return value - 128;  // WTERMSIG
  return value << 8;                                          // WEXITSTATUS
}

TableJudgement JudgeTableReadBack(const std::vector<std::string>& args) {
  if (args.size() != 2) return BadUsage(kUsage);
  const std::optional<int> wait_status = WaitStatusFromShell(args[0]);
  if (!wait_status.has_value()) {
    return BadUsage(
        absl::StrCat("STATUS must be a shell's exit status, 0 to "
                     "255, not \"",
                     args[0], "\""));
  }
  absl::StatusOr<std::string> output = ReadFile(args[1], "ACCOUNT_FILE");
  if (!output.ok()) return BadUsage(std::string(output.status().message()));
  const TableReadBack table =
      TableReadBackFromOutput(*wait_status, FirstLine(*output));
  if (!table.unreadable.empty()) return {kTableUnreadable, table.unreadable};
  return {kTableJudged, DescribeWrongTable(table)};
}

}  // namespace forkcheck
