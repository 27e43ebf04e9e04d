#include "matrix/table_read_back.h"

#include <sys/wait.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/json_fields.h"
#include "common/subprocess.h"

namespace forkcheck {
namespace {

// The account's count `key`, or an error naming it.
absl::Status ReadCount(const json::Json& account, absl::string_view key,
                       int64_t* count) {
  absl::StatusOr<int64_t> value =
      json::RequiredInt64(account, "", key, 0, INT64_MAX);
  if (!value.ok()) return value.status();
  *count = *value;
  return absl::OkStatus();
}

TableReadBack Unreadable(std::string why) {
  TableReadBack unread;
  unread.unreadable = std::move(why);
  return unread;
}

}  // namespace

TableReadBackCommand TableReadBackCommandFor(const std::string& read_table,
                                             const std::string& target,
                                             const std::string& table,
                                             int64_t rows,
                                             std::chrono::milliseconds bound) {
  TableReadBackCommand command;
  command.table = table;
  command.rows = rows;
  // Its calls end before it is killed, so that a stalled server shows as
  // read_table's error rather than as its silence.
  const double call_seconds = std::max<int64_t>(1, bound.count() / 2) / 1e3;
  command.argv = {read_table, absl::StrCat("--target=", target),
                  absl::StrCat("--table=", table),
                  absl::StrCat("--rows=", rows),
                  absl::StrCat("--call_timeout=", call_seconds)};
  command.bound = bound;
  return command;
}

TableReadBackCommand RetargetTableReadBack(const TableReadBackCommand& command,
                                           const std::string& target) {
  return TableReadBackCommandFor(command.argv.at(0), target, command.table,
                                 command.rows, command.bound);
}

TableReadBack TableReadBackFromAccount(int wait_status,
                                       const std::string& account_line) {
  if (!WIFEXITED(wait_status) || WEXITSTATUS(wait_status) > 1) {
    return Unreadable(absl::StrCat(
        "read_table ", DescribeWaitStatus(wait_status), " (0 or 1 expected)"));
  }
  absl::StatusOr<json::Json> account =
      json::ParseStrict(account_line, "read_table's account");
  if (!account.ok()) return Unreadable(std::string(account.status().message()));
  // An error the read did not recover from is the server's or the
  // harness's (the fake gone, a stall), not the writers': it leaves the
  // table unknown. (Wrong values are no error: read_table --rows counts
  // corrupt rows without refetching them.)
  const json::Json* error = json::GetOptional(*account, "error");
  if (error != nullptr && !error->is_null()) {
    return Unreadable(
        absl::StrCat("read_table could not read the table: ", error->dump()));
  }
  TableReadBack found;
  for (const auto& [key, count] :
       {std::pair<absl::string_view, int64_t*>{"rows_received",
                                               &found.rows_read},
        {"missing_rows", &found.missing_rows},
        {"duplicate_rows", &found.duplicate_rows},
        {"out_of_range_rows", &found.out_of_range_rows},
        {"corrupted_rows", &found.corrupted_rows},
        {"corrupt_responses", &found.corrupt_responses}}) {
    if (absl::Status status = ReadCount(*account, key, count); !status.ok()) {
      return Unreadable(
          absl::StrCat("read_table's account: ", status.message()));
    }
  }
  return found;
}

TableReadBack TableReadBackFromOutput(
    int wait_status, const absl::StatusOr<std::string>& account_line) {
  if (!account_line.ok()) {
    return Unreadable(
        absl::StrCat("read_table ", DescribeWaitStatus(wait_status),
                     " without an account: ", account_line.status().message()));
  }
  return TableReadBackFromAccount(wait_status, *account_line);
}

TableReadBack RunTableReadBack(const TableReadBackCommand& command) {
  absl::StatusOr<std::unique_ptr<Subprocess>> process =
      Subprocess::Start(command.argv);
  if (!process.ok()) {
    return Unreadable(
        absl::StrCat("cannot start read_table: ", process.status().message()));
  }
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<std::string> line = (*process)->ReadLine(command.bound);
  const auto left = std::max(
      std::chrono::milliseconds(0),
      command.bound - std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now() - start));
  std::optional<int> status = (*process)->Wait(left);
  if (!status.has_value()) {
    (*process)->Stop(std::chrono::milliseconds(100));
    return Unreadable(absl::StrCat("read_table did not finish within ",
                                   command.bound.count(), " ms"));
  }
  return TableReadBackFromOutput(*status, line);
}

}  // namespace forkcheck
