// Exact-once accounting of the row ids [0, row_count) of one table: which ids
// were seen, how many were seen again (duplicates) and how many fell outside
// the table (out of range). One bit per row, so a few million rows take a few
// hundred KiB. Ledgers of disjoint readers (threads, processes) merge into
// one; SeenRanges/FromRanges give a compact form to ship between processes.

#ifndef FORKCHECK_CLIENT_ROW_LEDGER_H_
#define FORKCHECK_CLIENT_ROW_LEDGER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace forkcheck {

// Half-open interval of row ids [begin, end).
struct RowIdRange {
  int64_t begin = 0;
  int64_t end = 0;

  int64_t size() const { return end - begin; }
  bool operator==(const RowIdRange& other) const {
    return begin == other.begin && end == other.end;
  }
  bool operator!=(const RowIdRange& other) const { return !(*this == other); }
};

// "0-99,200-299" style (inclusive ends, "5" for a single row), at most
// `max_ranges` ranges then "... (N more ranges)". For messages and reports.
std::string FormatRanges(const std::vector<RowIdRange>& ranges,
                         size_t max_ranges = 10);

// Not thread-safe: give each thread its own ledger and Merge them.
class RowLedger {
 public:
  RowLedger() = default;  // an empty table
  // row_count < 0 is taken as 0.
  explicit RowLedger(int64_t row_count);

  // Rebuilds a ledger from another's SeenRanges() and counters. The ranges
  // must be sorted, non-empty, non-overlapping and within [0, row_count);
  // counters must be >= 0. Errors name the offending range.
  static absl::StatusOr<RowLedger> FromRanges(
      int64_t row_count, const std::vector<RowIdRange>& seen,
      int64_t duplicates, int64_t out_of_range);

  // Records one received row. Returns true if the id is in range and was not
  // seen before; otherwise counts it as a duplicate or out of range.
  bool Record(int64_t row_id);

  // Adds `other` (same row_count) as if its rows had been recorded here: ids
  // seen by both count as duplicates. Error if the row counts differ.
  absl::Status Merge(const RowLedger& other);

  bool Seen(int64_t row_id) const;

  int64_t row_count() const { return row_count_; }
  int64_t unique() const { return unique_; }          // distinct ids seen
  int64_t duplicates() const { return duplicates_; }  // repeats of seen ids
  int64_t out_of_range() const { return out_of_range_; }
  int64_t missing() const { return row_count_ - unique_; }
  // Every Record() (plus merged ones): unique + duplicates + out_of_range.
  int64_t recorded() const { return unique_ + duplicates_ + out_of_range_; }
  bool complete() const { return unique_ == row_count_; }
  // Every id exactly once and nothing else.
  bool exactly_once() const {
    return complete() && duplicates_ == 0 && out_of_range_ == 0;
  }

  // Seen ids as sorted, maximal [begin, end) intervals.
  std::vector<RowIdRange> SeenRanges() const;
  // Ids in [begin, end) ∩ [0, row_count) not seen, as sorted maximal
  // intervals.
  std::vector<RowIdRange> MissingIn(int64_t begin, int64_t end) const;
  std::vector<RowIdRange> MissingRanges() const {
    return MissingIn(0, row_count_);
  }
  // Number of ids in [begin, end) ∩ [0, row_count) not seen.
  int64_t CountMissingIn(int64_t begin, int64_t end) const;

 private:
  // First id in [from, limit) whose bit equals `value`, or limit if none.
  int64_t Find(int64_t from, int64_t limit, bool value) const;
  void SetRange(int64_t begin, int64_t end);

  int64_t row_count_ = 0;
  std::vector<uint64_t> bits_;
  int64_t unique_ = 0;
  int64_t duplicates_ = 0;
  int64_t out_of_range_ = 0;
};

}  // namespace forkcheck

#endif  // FORKCHECK_CLIENT_ROW_LEDGER_H_
