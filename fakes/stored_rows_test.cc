// StoredRows: ranges of shared batches, moved and decoded in order.
#include "fakes/stored_rows.h"

#include <algorithm>
#include <memory>
#include <vector>

#include "gtest/gtest.h"

namespace forkcheck {
namespace {

// Rows [first, first + count), each one cell holding its number.
class CountingBatch final : public RowBatch {
 public:
  CountingBatch(int64_t first, int64_t count) : first_(first), count_(count) {}
  int64_t size() const override { return count_; }
  void Decode(int64_t begin, int64_t end,
              std::vector<Row>* rows) const override {
    EXPECT_LE(0, begin);
    EXPECT_LE(begin, end);
    EXPECT_LE(end, count_);
    for (int64_t i = begin; i < end; ++i) {
      FieldValue cell;
      cell.int_value = first_ + i;
      rows->push_back(Row{cell});
    }
  }

 private:
  const int64_t first_;
  const int64_t count_;
};

std::vector<int64_t> Numbers(const StoredRows& stored, int64_t begin,
                             int64_t end) {
  std::vector<Row> rows;
  stored.Decode(begin, end, &rows);
  std::vector<int64_t> numbers;
  for (const Row& row : rows) numbers.push_back(row.at(0).int_value);
  return numbers;
}

std::vector<int64_t> Range(int64_t begin, int64_t end) {
  std::vector<int64_t> numbers;
  for (int64_t i = begin; i < end; ++i) numbers.push_back(i);
  return numbers;
}

TEST(StoredRowsTest, DecodesAnyRangeAcrossBatches) {
  StoredRows stored;
  stored.Append(std::make_shared<CountingBatch>(0, 3));
  stored.Append(std::make_shared<CountingBatch>(3, 1));
  stored.Append(std::make_shared<CountingBatch>(4, 5));
  ASSERT_EQ(stored.size(), 9);
  for (int64_t begin = 0; begin <= 9; ++begin) {
    for (int64_t end = begin; end <= 9; ++end) {
      EXPECT_EQ(Numbers(stored, begin, end), Range(begin, end))
          << begin << ".." << end;
    }
  }
}

TEST(StoredRowsTest, MovesFrontRowsInOrderSplittingBatches) {
  StoredRows invisible;
  invisible.Append(std::make_shared<CountingBatch>(0, 4));
  invisible.Append(std::make_shared<CountingBatch>(4, 4));
  StoredRows visible;
  visible.Append(std::make_shared<CountingBatch>(100, 2));

  visible.MoveFront(3, &invisible);  // part of the first batch
  EXPECT_EQ(Numbers(visible, 0, visible.size()),
            (std::vector<int64_t>{100, 101, 0, 1, 2}));
  EXPECT_EQ(Numbers(invisible, 0, invisible.size()), Range(3, 8));

  visible.MoveFront(0, &invisible);  // nothing
  EXPECT_EQ(visible.size(), 5);

  visible.MoveFront(3, &invisible);  // the rest of one, part of the next
  EXPECT_EQ(Numbers(visible, 2, visible.size()), Range(0, 6));
  EXPECT_EQ(Numbers(invisible, 0, invisible.size()), Range(6, 8));
  EXPECT_EQ(Numbers(invisible, 1, 2), Range(7, 8));

  invisible.Append(std::make_shared<CountingBatch>(8, 2));
  visible.MoveFront(invisible.size(), &invisible);
  EXPECT_EQ(invisible.size(), 0);
  EXPECT_EQ(Numbers(visible, 2, visible.size()), Range(0, 10));
}

TEST(StoredRowsTest, ACopyIsASnapshot) {
  StoredRows stored;
  stored.Append(std::make_shared<CountingBatch>(0, 2));
  const StoredRows snapshot = stored;
  stored.Append(std::make_shared<CountingBatch>(2, 2));
  EXPECT_EQ(snapshot.size(), 2);
  EXPECT_EQ(Numbers(snapshot, 0, 2), Range(0, 2));
  EXPECT_EQ(Numbers(stored, 0, 4), Range(0, 4));
}

TEST(StoredRowsTest, ManySmallMovesKeepOrder) {
  StoredRows invisible;
  for (int64_t i = 0; i < 100; ++i) {
    invisible.Append(std::make_shared<CountingBatch>(i * 3, 3));
  }
  StoredRows visible;
  while (invisible.size() > 0) {
    visible.MoveFront(std::min<int64_t>(2, invisible.size()), &invisible);
    EXPECT_EQ(Numbers(invisible, 0, std::min<int64_t>(1, invisible.size())),
              Range(visible.size(), visible.size() + (invisible.size() > 0)));
  }
  EXPECT_EQ(Numbers(visible, 0, visible.size()), Range(0, 300));
  EXPECT_EQ(Numbers(visible, 150, 151), Range(150, 151));
}

}  // namespace
}  // namespace forkcheck
