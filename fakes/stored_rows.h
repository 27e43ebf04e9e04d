// The rows the fake keeps for its written tables, in a form that costs about
// what their bytes on the wire cost, decoded into dataset Rows only when a
// reader asks.
//
// Kept as dataset Rows (37 FieldValues, 2.1 KB for a 313-byte row of the
// benchmark's table), rows made AppendRows spend half its time getting
// fresh memory from the kernel (bench/README.md, "Writes").
#ifndef FORKCHECK_FAKES_STORED_ROWS_H_
#define FORKCHECK_FAKES_STORED_ROWS_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "dataset/row.h"

namespace forkcheck {

// One append's rows, immutable, in whatever encoding its producer keeps
// them (proto_row_decoder.h keeps the validated serialized rows). Decode may
// be called from any thread, concurrently.
class RowBatch {
 public:
  virtual ~RowBatch() = default;
  virtual int64_t size() const = 0;
  // Appends rows [begin, end) (0 <= begin <= end <= size()) to *rows, each
  // a full row of the table.
  virtual void Decode(int64_t begin, int64_t end,
                      std::vector<Row>* rows) const = 0;
};

// Rows in order, as ranges of shared batches: a copy shares the batches and
// costs a few words per range, so a snapshot is a copy. Not thread-safe;
// a const one may be read from many threads.
class StoredRows {
 public:
  int64_t size() const { return size_; }

  // Appends every row of `batch`.
  void Append(std::shared_ptr<const RowBatch> batch);

  // Moves the first `count` rows of *from (0 <= count <= from->size()) to
  // the end of these rows, in order.
  void MoveFront(int64_t count, StoredRows* from);

  // Appends rows [begin, end) (0 <= begin <= end <= size()), decoded, to
  // *rows.
  void Decode(int64_t begin, int64_t end, std::vector<Row>* rows) const;

 private:
  // Rows [begin, end) of `batch`; `first` counts the rows before it since
  // these rows were created, those moved away included.
  struct Range {
    std::shared_ptr<const RowBatch> batch;
    int64_t begin = 0;
    int64_t end = 0;
    int64_t first = 0;
  };
  void AppendRange(std::shared_ptr<const RowBatch> batch, int64_t begin,
                   int64_t end);

  std::vector<Range> ranges_;  // ranges_[0, front_) are moved away
  size_t front_ = 0;
  int64_t moved_ = 0;  // rows moved away: Range::first of row 0
  int64_t size_ = 0;
};

}  // namespace forkcheck

#endif  // FORKCHECK_FAKES_STORED_ROWS_H_
