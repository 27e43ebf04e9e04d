#include "fakes/stream_plan.h"

#include <algorithm>
#include <cmath>

namespace forkcheck {

int64_t ChunkCount(int64_t row_count, int64_t rows_per_chunk) {
  if (row_count <= 0 || rows_per_chunk <= 0) return 0;
  return (row_count + rows_per_chunk - 1) / rows_per_chunk;
}

int ChooseStreamCount(int64_t chunk_count, int max_stream_count,
                      int preferred_min_stream_count, int server_default) {
  const int64_t limit =
      std::min<int64_t>(chunk_count, kMaxStreamsPerSession);
  int64_t count = max_stream_count > 0
                      ? max_stream_count
                      : std::max(server_default, preferred_min_stream_count);
  return static_cast<int>(std::max<int64_t>(0, std::min(count, limit)));
}

std::vector<RowRange> PlanStreams(int64_t row_count, int64_t rows_per_chunk,
                                  int stream_count) {
  std::vector<RowRange> streams;
  const int64_t chunks = ChunkCount(row_count, rows_per_chunk);
  if (stream_count <= 0 || chunks == 0) return streams;
  stream_count = static_cast<int>(std::min<int64_t>(stream_count, chunks));
  const int64_t base = chunks / stream_count;
  const int64_t extra = chunks % stream_count;  // the first `extra` get +1
  int64_t chunk = 0;
  for (int i = 0; i < stream_count; ++i) {
    const int64_t n = base + (i < extra ? 1 : 0);
    RowRange range{chunk * rows_per_chunk,
                   std::min(row_count, (chunk + n) * rows_per_chunk)};
    streams.push_back(range);
    chunk += n;
  }
  return streams;
}

std::optional<std::pair<RowRange, RowRange>> SplitRange(
    RowRange range, int64_t rows_per_chunk, double fraction) {
  if (rows_per_chunk <= 0 || range.size() <= 0) return std::nullopt;
  // Inner boundaries are multiples of rows_per_chunk in (begin, end).
  const int64_t first = range.begin / rows_per_chunk + 1;
  const int64_t last = (range.end - 1) / rows_per_chunk;
  if (first > last) return std::nullopt;
  const double target =
      static_cast<double>(range.begin) + fraction * range.size();
  int64_t boundary = std::llround(target / rows_per_chunk);
  boundary = std::clamp(boundary, first, last) * rows_per_chunk;
  return std::make_pair(RowRange{range.begin, boundary},
                        RowRange{boundary, range.end});
}

}  // namespace forkcheck
