// Reads a written table back through the Read API and checks it holds
// exactly the rows a writer meant to write: RowGenerator's rows
// [0, row_count) of `spec`, each once, every value as generated (the
// reference reader verifies each row by its row_id).

#ifndef FORKCHECK_CLIENT_WRITTEN_TABLE_CHECK_H_
#define FORKCHECK_CLIENT_WRITTEN_TABLE_CHECK_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "client/reference_reader.h"
#include "dataset/table_spec.h"
#include "grpcpp/grpcpp.h"

namespace forkcheck {

// Creates a read session of `table` (a name of the server's, which may
// differ from spec.name: a writable table in another project) and reads
// every stream with one thread, verifying rows against `spec` (as a writer
// generated them from it), and counts rows at or beyond `row_count` as out
// of range and those below it not read as missing. The account's
// exactly_once() says whether the table held exactly those rows; an error
// when no session could be created, or for a row_count outside
// [0, spec.row_count].
absl::StatusOr<ReadAccount> ReadBackWrittenTable(
    std::shared_ptr<grpc::Channel> channel, const std::string& table,
    const TableSpec& spec, int64_t row_count, ReaderOptions options = {});

}  // namespace forkcheck

#endif  // FORKCHECK_CLIENT_WRITTEN_TABLE_CHECK_H_
