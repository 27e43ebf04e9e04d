// Names of the Write API's resources: tables
// (projects/{p}/datasets/{d}/tables/{t}) and their write streams
// ({table}/streams/{id}, or {table}/streams/_default).
#ifndef FORKCHECK_FAKES_WRITE_NAMES_H_
#define FORKCHECK_FAKES_WRITE_NAMES_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace forkcheck {

// The id of the stream every table has without creating it.
inline constexpr absl::string_view kDefaultStreamId = "_default";

struct TableName {
  std::string project;
  std::string dataset;
  std::string table;

  // projects/{project}/datasets/{dataset}/tables/{table}
  std::string FullName() const;
};

struct WriteStreamName {
  TableName table;
  std::string stream_id;  // kDefaultStreamId for the default stream

  bool is_default() const { return stream_id == kDefaultStreamId; }
};

// nullopt unless `name` is exactly projects/{p}/datasets/{d}/tables/{t} with
// non-empty ids.
std::optional<TableName> ParseTableName(absl::string_view name);

// nullopt unless `name` is a table name followed by /streams/{id}, id
// non-empty.
std::optional<WriteStreamName> ParseWriteStreamName(absl::string_view name);

}  // namespace forkcheck

#endif  // FORKCHECK_FAKES_WRITE_NAMES_H_
