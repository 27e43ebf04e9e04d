#include "client/row_ledger.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace forkcheck {
namespace {

constexpr int64_t kBitsPerWord = 64;

int PopCount(uint64_t word) { return __builtin_popcountll(word); }

}  // namespace

std::string FormatRanges(const std::vector<RowIdRange>& ranges,
                         size_t max_ranges) {
  std::string out;
  size_t shown = std::min(ranges.size(), max_ranges);
  for (size_t i = 0; i < shown; ++i) {
    if (i > 0) out += ",";
    const RowIdRange& r = ranges[i];
    if (r.size() == 1) {
      absl::StrAppend(&out, r.begin);
    } else {
      absl::StrAppend(&out, r.begin, "-", r.end - 1);
    }
  }
  if (shown < ranges.size()) {
    absl::StrAppend(&out, shown > 0 ? "," : "", "... (", ranges.size() - shown,
                    " more ranges)");
  }
  return out;
}

RowLedger::RowLedger(int64_t row_count)
    : row_count_(std::max<int64_t>(row_count, 0)),
      bits_(static_cast<size_t>((row_count_ + kBitsPerWord - 1) / kBitsPerWord),
            0) {}

absl::StatusOr<RowLedger> RowLedger::FromRanges(
    int64_t row_count, const std::vector<RowIdRange>& seen, int64_t duplicates,
    int64_t out_of_range) {
  if (row_count < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("row_count: ", row_count, " is negative"));
  }
  if (duplicates < 0 || out_of_range < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("duplicates (", duplicates, ") and out_of_range (",
                     out_of_range, ") must be >= 0"));
  }
  RowLedger ledger(row_count);
  int64_t previous_end = 0;
  for (size_t i = 0; i < seen.size(); ++i) {
    const RowIdRange& r = seen[i];
    if (r.begin >= r.end || r.begin < previous_end || r.end > row_count) {
      return absl::InvalidArgumentError(
          absl::StrCat("seen[", i, "]: [", r.begin, ", ", r.end,
                       ") is empty, out of order, overlapping or outside [0, ",
                       row_count, ")"));
    }
    ledger.SetRange(r.begin, r.end);
    previous_end = r.end;
  }
  ledger.duplicates_ = duplicates;
  ledger.out_of_range_ = out_of_range;
  return ledger;
}

bool RowLedger::Record(int64_t row_id) {
  if (row_id < 0 || row_id >= row_count_) {
    ++out_of_range_;
    return false;
  }
  uint64_t& word = bits_[static_cast<size_t>(row_id / kBitsPerWord)];
  const uint64_t mask = uint64_t{1} << (row_id % kBitsPerWord);
  if (word & mask) {
    ++duplicates_;
    return false;
  }
  word |= mask;
  ++unique_;
  return true;
}

absl::Status RowLedger::Merge(const RowLedger& other) {
  if (other.row_count_ != row_count_) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot merge a ledger of ", other.row_count_,
                     " rows into one of ", row_count_, " rows"));
  }
  int64_t both = 0;
  for (size_t i = 0; i < bits_.size(); ++i) {
    both += PopCount(bits_[i] & other.bits_[i]);
    bits_[i] |= other.bits_[i];
  }
  unique_ += other.unique_ - both;
  duplicates_ += other.duplicates_ + both;
  out_of_range_ += other.out_of_range_;
  return absl::OkStatus();
}

bool RowLedger::Seen(int64_t row_id) const {
  if (row_id < 0 || row_id >= row_count_) return false;
  return (bits_[static_cast<size_t>(row_id / kBitsPerWord)] >>
          (row_id % kBitsPerWord)) &
         1;
}

int64_t RowLedger::Find(int64_t from, int64_t limit, bool value) const {
  limit = std::min(limit, row_count_);
  if (from < 0) from = 0;
  while (from < limit) {
    const int64_t w = from / kBitsPerWord;
    uint64_t word = value ? bits_[w] : ~bits_[w];
    word &= ~uint64_t{0} << (from % kBitsPerWord);  // drop bits below `from`
    if (word != 0) {
      return std::min(limit, w * kBitsPerWord + __builtin_ctzll(word));
    }
    from = (w + 1) * kBitsPerWord;
  }
  return limit;
}

void RowLedger::SetRange(int64_t begin, int64_t end) {
  for (int64_t id = begin; id < end;) {
    const int64_t w = id / kBitsPerWord;
    const int64_t word_end = std::min(end, (w + 1) * kBitsPerWord);
    const int bit_begin = static_cast<int>(id % kBitsPerWord);
    const int bits = static_cast<int>(word_end - id);
    const uint64_t mask = bits == kBitsPerWord
                              ? ~uint64_t{0}
                              : ((uint64_t{1} << bits) - 1) << bit_begin;
    unique_ += bits - PopCount(bits_[w] & mask);
    bits_[w] |= mask;
    id = word_end;
  }
}

std::vector<RowIdRange> RowLedger::SeenRanges() const {
  std::vector<RowIdRange> ranges;
  int64_t id = Find(0, row_count_, true);
  while (id < row_count_) {
    const int64_t end = Find(id, row_count_, false);
    ranges.push_back({id, end});
    id = Find(end, row_count_, true);
  }
  return ranges;
}

std::vector<RowIdRange> RowLedger::MissingIn(int64_t begin, int64_t end) const {
  std::vector<RowIdRange> ranges;
  begin = std::max<int64_t>(begin, 0);
  end = std::min(end, row_count_);
  int64_t id = Find(begin, end, false);
  while (id < end) {
    const int64_t stop = Find(id, end, true);
    ranges.push_back({id, stop});
    id = Find(stop, end, false);
  }
  return ranges;
}

int64_t RowLedger::CountMissingIn(int64_t begin, int64_t end) const {
  int64_t count = 0;
  for (const RowIdRange& r : MissingIn(begin, end)) count += r.size();
  return count;
}

}  // namespace forkcheck
