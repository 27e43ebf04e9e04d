// How the fake divides a table into read streams: pure functions of the table
// shape, so the rules (every row in exactly one stream, splits at chunk
// boundaries) can be tested without a server.
//
// A table's rows are grouped in chunks of TableSpec::rows_per_chunk rows,
// counted from row 0; streams and splits always begin on a chunk boundary.
#ifndef FORKCHECK_FAKES_STREAM_PLAN_H_
#define FORKCHECK_FAKES_STREAM_PLAN_H_

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace forkcheck {

// Rows [begin, end) of a table.
struct RowRange {
  int64_t begin = 0;
  int64_t end = 0;
  int64_t size() const { return end - begin; }
  bool operator==(const RowRange& other) const {
    return begin == other.begin && end == other.end;
  }
};

// The real service's limit on streams per session.
inline constexpr int kMaxStreamsPerSession = 1000;

int64_t ChunkCount(int64_t row_count, int64_t rows_per_chunk);

// The number of streams a session gets. `max_stream_count` 0 lets the server
// choose (`server_default`); the result never exceeds kMaxStreamsPerSession
// or the number of chunks, and reaches `preferred_min_stream_count` where
// the chunks allow (best effort, as the real service documents). Arguments
// must already be validated (non-negative, max >= preferred_min when max > 0).
int ChooseStreamCount(int64_t chunk_count, int max_stream_count,
                      int preferred_min_stream_count, int server_default);

// `stream_count` contiguous ranges covering [0, row_count) exactly once, each
// a whole number of chunks, sizes differing by at most one chunk.
std::vector<RowRange> PlanStreams(int64_t row_count, int64_t rows_per_chunk,
                                  int stream_count);

// Splits `range` at the chunk boundary strictly inside it closest to
// begin + fraction * size, giving (primary, remainder); nullopt if the range
// holds no inner chunk boundary (too small to split).
std::optional<std::pair<RowRange, RowRange>> SplitRange(
    RowRange range, int64_t rows_per_chunk, double fraction);

}  // namespace forkcheck

#endif  // FORKCHECK_FAKES_STREAM_PLAN_H_
