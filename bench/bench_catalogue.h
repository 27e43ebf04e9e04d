// The one table the fake serves in bench/: rows of a fixed Avro size, so
// that the fake's responses have exactly the size the bare server sends.
#ifndef FORKCHECK_BENCH_BENCH_CATALOGUE_H_
#define FORKCHECK_BENCH_BENCH_CATALOGUE_H_

#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "dataset/catalogue.h"

namespace forkcheck {

inline constexpr char kBenchTableName[] =
    "projects/forkcheck/datasets/bench/tables/fixed_rows";

// Avro-encoded bytes of rows 8192 and later: row_id (a 3-byte varint for
// rows 8192 to 2^20 - 1), 31 FLOAT64 (8 bytes each) and 5 BOOL (1 byte
// each). Rows 0-8191 have a shorter row_id, so they are 1 or 2 bytes
// smaller.
inline constexpr int64_t kBenchRowBytes = 256;

// 4 MiB of rows per chunk: a multiple of every benchmarked response size,
// so no response is cut short at a chunk boundary.
inline constexpr int64_t kBenchRowsPerChunk = 16384;

// Largest row count for which every row from 8192 on is kBenchRowBytes.
inline constexpr int64_t kMaxBenchRows = int64_t{1} << 20;

// A catalogue holding only kBenchTableName with `row_count` rows, which must
// be a positive multiple of kBenchRowsPerChunk and at most kMaxBenchRows.
absl::StatusOr<std::shared_ptr<const Catalogue>> BenchCatalogue(
    int64_t row_count);

}  // namespace forkcheck

#endif  // FORKCHECK_BENCH_BENCH_CATALOGUE_H_
