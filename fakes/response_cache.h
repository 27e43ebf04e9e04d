// Encoded row payloads, prepared once and shared by every ReadRows call, so
// that serving a response costs little more than writing its bytes.
//
// Each chunk of a table (TableSpec::rows_per_chunk rows) is cut into blocks
// of at most `rows_per_response` rows and about `bytes_per_response` bytes;
// a block never crosses a chunk boundary, so every stream (which starts on a
// chunk boundary) reads whole cached blocks unless it resumes mid-block.
#ifndef FORKCHECK_FAKES_RESPONSE_CACHE_H_
#define FORKCHECK_FAKES_RESPONSE_CACHE_H_

#include <mutex>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "fakes/session_store.h"

namespace forkcheck {

struct ResponseSizing {
  int64_t rows_per_response = 0;           // 0: no limit on rows
  int64_t bytes_per_response = 256 << 10;  // 0: no limit on bytes
};

// Avro-encoded rows [begin, end) of a session's projection.
struct EncodedBlock {
  int64_t begin = 0;
  int64_t end = 0;
  std::shared_ptr<const std::string> rows;
};

// Thread-safe. Memory grows with what is read: about the encoded size of
// each (table, projection) read so far.
class ResponseCache {
 public:
  // The encoded blocks of one (table, projection), filled as they are read.
  class Projection;

  explicit ResponseCache(ResponseSizing sizing) : sizing_(sizing) {}

  // Looked up once per call, not once per response. A session of written
  // rows gets blocks of its own, dropped with the call: its rows are a
  // snapshot that no other session shares.
  std::shared_ptr<Projection> ProjectionFor(const SessionState& session);

  // The block of `session`'s rows (whose projection is `projection`) that
  // starts at table row `begin` and ends where its cached block ends, but no
  // later than `limit`. The cached block itself when `begin` starts one and
  // it ends by `limit`; otherwise (a resume mid-block, or a fault cutting the
  // block short) freshly encoded.
  EncodedBlock BlockAt(Projection& projection, const SessionState& session,
                       int64_t begin, int64_t limit);

 private:
  struct Chunk;
  void Prepare(const SessionState& session, int64_t chunk_index,
               Chunk* chunk) const;

  const ResponseSizing sizing_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<Projection>> projections_
     ;
};

}  // namespace forkcheck

#endif  // FORKCHECK_FAKES_RESPONSE_CACHE_H_
