#include "client/written_table_check.h"

#include <utility>
#include <vector>

#include "dataset/catalogue.h"

namespace forkcheck {

absl::StatusOr<ReadAccount> ReadBackWrittenTable(
    std::shared_ptr<grpc::Channel> channel, const std::string& table,
    const TableSpec& spec, int64_t row_count, ReaderOptions options) {
  TableSpec expected = spec;
  expected.name = table;
  expected.row_count = row_count;
  const Catalogue catalogue(std::vector<TableSpec>{std::move(expected)});
  ReferenceReader reader(std::move(channel), catalogue, std::move(options));
  absl::StatusOr<google::cloud::bigquery::storage::v1::ReadSession> session =
      reader.CreateSession(table, /*max_stream_count=*/0);
  if (!session.ok()) return session.status();
  return reader.Read(*session, /*threads=*/1);
}

}  // namespace forkcheck
