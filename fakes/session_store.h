// The fake's read sessions and their streams, by name.
#ifndef FORKCHECK_FAKES_SESSION_STORE_H_
#define FORKCHECK_FAKES_SESSION_STORE_H_

#include <mutex>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "dataset/row_generator.h"
#include "fakes/stored_rows.h"
#include "fakes/stream_plan.h"
#include "dataset/table_spec.h"

namespace forkcheck {

// What a session reads: immutable once created, shared by its streams.
// Either a catalogue table's generated rows (`generator`) or the rows of a
// written table visible when the session was created (`written_rows`, whose
// columns and row count `owned_table` holds).
struct SessionState {
  std::string name;  // projects/{p}/locations/{l}/sessions/{id}
  const TableSpec* table = nullptr;  // the catalogue's or *owned_table
  std::vector<int> columns;  // projection: indices into table->columns
  std::string avro_schema;   // JSON, for the first response of each call
  std::shared_ptr<const RowGenerator> generator;  // generated rows, or null
  std::shared_ptr<const TableSpec> owned_table;   // written tables only
  std::shared_ptr<const StoredRows> written_rows;  // or null
};

struct StreamState {
  std::string name;  // {session}/streams/{id}
  std::shared_ptr<const SessionState> session;
  RowRange rows;     // the table rows this stream serves, in order
};

// Thread-safe. Sessions live as long as the store (the fake never expires
// them: a benchmark may read one session for its whole run).
class SessionStore {
 public:
  struct NewSession {
    std::shared_ptr<const SessionState> session;
    std::vector<StreamState> streams;  // one per range, in order
  };
  // Registers a session and one stream per range. `project` and `location`
  // form the session's name.
  NewSession AddSession(absl::string_view project,
                                      absl::string_view location,
                                      SessionState session,
                                      const std::vector<RowRange>& ranges);

  // Registers a new stream of an existing session (for splits).
  StreamState AddStream(std::shared_ptr<const SessionState> session,
                        RowRange rows);

  // nullptr if no stream has this name.
  std::shared_ptr<const StreamState> FindStream(absl::string_view name) const;

 private:
  std::string NextId();

  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<const StreamState>, std::less<>>
      streams_;
  uint64_t next_id_ = 1;
};

}  // namespace forkcheck

#endif  // FORKCHECK_FAKES_SESSION_STORE_H_
