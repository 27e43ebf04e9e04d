#include "client/written_table_check.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "dataset/catalogue.h"

namespace forkcheck {

absl::StatusOr<ReadAccount> ReadBackWrittenTable(
    std::shared_ptr<grpc::Channel> channel, const std::string& table,
    const TableSpec& spec, int64_t row_count, ReaderOptions options) {
  if (row_count < 0 || row_count > spec.row_count) {
    return absl::InvalidArgumentError(
        absl::StrCat("rows [0, ", row_count, ") of ", spec.name, ", which has ",
                     spec.row_count));
  }
  // Verified against `spec` as the writer generated them: the generator's
  // values depend on its row_count (row_id's width sizes the strings), so
  // a spec cut to `row_count` would generate other rows. The account is
  // judged against [0, row_count) afterwards.
  TableSpec written = spec;
  written.name = table;
  const Catalogue catalogue(std::vector<TableSpec>{std::move(written)});
  ReferenceReader reader(std::move(channel), catalogue, std::move(options));
  absl::StatusOr<google::cloud::bigquery::storage::v1::ReadSession> session =
      reader.CreateSession(table, /*max_stream_count=*/0);
  if (!session.ok()) return session.status();
  ReadAccount account = reader.Read(*session, /*threads=*/1);
  int64_t within = 0;
  int64_t beyond = 0;
  for (const RowIdRange& seen : account.ledger.SeenRanges()) {
    within += std::max<int64_t>(0, std::min(seen.end, row_count) - seen.begin);
    beyond += std::max<int64_t>(0, seen.end - std::max(seen.begin, row_count));
  }
  account.table_rows_expected = row_count;
  account.unique_rows = within;
  account.out_of_range_rows += beyond;
  if (account.full_read) account.missing_rows = row_count - within;
  return account;
}

}  // namespace forkcheck
