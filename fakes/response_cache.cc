#include "fakes/response_cache.h"

#include <mutex>
#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "dataset/avro_encoder.h"
#include "fakes/stream_plan.h"

namespace forkcheck {
namespace {

// Appends the session's rows [begin, end) of its projection, Avro-encoded.
void AppendSessionRows(const SessionState& session, int64_t begin,
                       int64_t end, std::string* out) {
  if (session.written_rows != nullptr) {
    std::vector<Row> rows;
    session.written_rows->Decode(begin, end, &rows);
    AppendAvroRows(*session.table, rows, session.columns, 0,
                   static_cast<int64_t>(rows.size()), out);
  } else {
    AppendAvroRows(*session.generator, session.columns, begin, end, out);
  }
}

}  // namespace

struct ResponseCache::Chunk {
  std::once_flag prepared;
  std::vector<EncodedBlock> blocks;  // in row order, covering the chunk
};

class ResponseCache::Projection {
 public:
  explicit Projection(int64_t chunk_count) : chunks(chunk_count) {}
  std::vector<Chunk> chunks;
};

std::shared_ptr<ResponseCache::Projection> ResponseCache::ProjectionFor(
    const SessionState& session) {
  const int64_t chunk_count =
      ChunkCount(session.table->row_count, session.table->rows_per_chunk);
  if (session.written_rows != nullptr) {
    return std::make_shared<Projection>(chunk_count);
  }
  std::string key =
      absl::StrCat(session.table->name, "#", absl::StrJoin(session.columns, ","));
  std::lock_guard<std::mutex> lock(mu_);
  std::shared_ptr<Projection>& projection = projections_[key];
  if (projection == nullptr) {
    projection = std::make_shared<Projection>(chunk_count);
  }
  return projection;
}

void ResponseCache::Prepare(const SessionState& session, int64_t chunk_index,
                            Chunk* chunk) const {
  const TableSpec& table = *session.table;
  const int64_t chunk_begin = chunk_index * table.rows_per_chunk;
  const int64_t chunk_end =
      std::min(table.row_count, chunk_begin + table.rows_per_chunk);
  // Written rows are decoded once for the chunk, not once per row.
  std::vector<Row> written;
  if (session.written_rows != nullptr) {
    session.written_rows->Decode(chunk_begin, chunk_end, &written);
  }
  auto rows = std::make_shared<std::string>();
  int64_t block_begin = chunk_begin;
  for (int64_t row = chunk_begin; row < chunk_end; ++row) {
    if (session.written_rows != nullptr) {
      AppendAvroRows(table, written, session.columns, row - chunk_begin,
                     row - chunk_begin + 1, rows.get());
    } else {
      AppendAvroRows(*session.generator, session.columns, row, row + 1,
                     rows.get());
    }
    const int64_t count = row + 1 - block_begin;
    const bool full =
        (sizing_.rows_per_response > 0 &&
         count >= sizing_.rows_per_response) ||
        (sizing_.bytes_per_response > 0 &&
         static_cast<int64_t>(rows->size()) >= sizing_.bytes_per_response);
    if (full || row + 1 == chunk_end) {
      rows->shrink_to_fit();
      chunk->blocks.push_back(EncodedBlock{block_begin, row + 1, rows});
      rows = std::make_shared<std::string>();
      block_begin = row + 1;
    }
  }
}

EncodedBlock ResponseCache::BlockAt(Projection& projection,
                                    const SessionState& session,
                                    int64_t begin, int64_t limit) {
  const int64_t chunk_index = begin / session.table->rows_per_chunk;
  Chunk& chunk = projection.chunks[chunk_index];
  std::call_once(chunk.prepared, [&] { Prepare(session, chunk_index, &chunk); });
  // The block holding `begin`: the last one starting at or before it.
  auto it = std::upper_bound(
      chunk.blocks.begin(), chunk.blocks.end(), begin,
      [](int64_t row, const EncodedBlock& block) { return row < block.begin; });
  const EncodedBlock& cached = *std::prev(it);
  if (cached.begin == begin && cached.end <= limit) return cached;
  const int64_t end = std::min(cached.end, limit);
  auto rows = std::make_shared<std::string>();
  AppendSessionRows(session, begin, end, rows.get());
  return EncodedBlock{begin, end, std::move(rows)};
}

}  // namespace forkcheck
