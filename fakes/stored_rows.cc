#include "fakes/stored_rows.h"

#include <algorithm>
#include <utility>

namespace forkcheck {

void StoredRows::Append(std::shared_ptr<const RowBatch> batch) {
  const int64_t size = batch->size();
  AppendRange(std::move(batch), 0, size);
}

void StoredRows::AppendRange(std::shared_ptr<const RowBatch> batch,
                             int64_t begin, int64_t end) {
  if (end <= begin) return;
  ranges_.push_back(Range{std::move(batch), begin, end, moved_ + size_});
  size_ += end - begin;
}

void StoredRows::MoveFront(int64_t count, StoredRows* from) {
  while (count > 0) {
    Range& range = from->ranges_[from->front_];
    const int64_t taken = std::min(count, range.end - range.begin);
    AppendRange(range.batch, range.begin, range.begin + taken);
    range.begin += taken;
    range.first += taken;
    from->moved_ += taken;
    from->size_ -= taken;
    count -= taken;
    if (range.begin == range.end) {
      range.batch.reset();  // the batch may go once no snapshot holds it
      ++from->front_;
    }
  }
  // Drop the moved ranges once they are half the vector: amortised O(1).
  if (from->front_ > 0 && 2 * from->front_ >= from->ranges_.size()) {
    from->ranges_.erase(from->ranges_.begin(),
                        from->ranges_.begin() + from->front_);
    from->front_ = 0;
  }
}

void StoredRows::Decode(int64_t begin, int64_t end,
                        std::vector<Row>* rows) const {
  if (end <= begin) return;
  rows->reserve(rows->size() + (end - begin));
  const int64_t first = moved_ + begin;
  const int64_t last = moved_ + end;
  // The range holding row `first`: the last one that starts at or before it.
  auto it = std::upper_bound(
      ranges_.begin() + front_, ranges_.end(), first,
      [](int64_t row, const Range& range) { return row < range.first; });
  --it;
  for (; it != ranges_.end() && it->first < last; ++it) {
    const int64_t from = std::max(first, it->first) - it->first + it->begin;
    const int64_t to = std::min(last, it->first + (it->end - it->begin)) -
                       it->first + it->begin;
    it->batch->Decode(from, to, rows);
  }
}

}  // namespace forkcheck
