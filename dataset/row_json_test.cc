#include "dataset/row_json.h"

#include <cstdint>
#include <limits>
#include <string>

#include "gtest/gtest.h"

namespace forkcheck {
namespace {

TableSpec OneColumnOfEachType() {
  TableSpec table;
  table.name = "projects/p/datasets/d/tables/t";
  table.columns = {{"row_id", ColumnType::kInt64, false},
                   {"i", ColumnType::kInt64, true},
                   {"s", ColumnType::kString, true},
                   {"d", ColumnType::kDouble, true},
                   {"b", ColumnType::kBool, true},
                   {"t", ColumnType::kTimestamp, true},
                   {"y", ColumnType::kBytes, true}};
  return table;
}

FieldValue IntCell(int64_t value) {
  FieldValue cell;
  cell.int_value = value;
  return cell;
}

TEST(ExactRowJsonTest, EveryTypeKeepsItsExactValue) {
  Row row(7);
  row[0] = IntCell(42);
  row[1] = IntCell(std::numeric_limits<int64_t>::min());
  row[2].bytes_value = "a \"quoted\" ~";
  row[3].double_value = -0.0;
  row[4] = IntCell(1);
  row[5] = IntCell(946684800000000);  // 2000-01-01 in microseconds
  row[6].bytes_value = std::string("\x00\xff\x10", 3);
  const nlohmann::json json =
      ExactRowJson(OneColumnOfEachType(), {0, 1, 2, 3, 4, 5, 6}, row);
  EXPECT_EQ(json, nlohmann::json::parse(R"({
      "row_id": "42", "i": "-9223372036854775808", "s": "a \"quoted\" ~",
      "d": "8000000000000000", "b": true, "t": "946684800000000",
      "y": "00ff10"})"));
}

TEST(ExactRowJsonTest, DoublesAreTheirBitsAndNullsAreNull) {
  Row row(3);
  row[0] = IntCell(0);
  row[1].double_value = 1.0;
  row[2].is_null = true;
  const nlohmann::json json =
      ExactRowJson(OneColumnOfEachType(), {0, 3, 1}, row);
  EXPECT_EQ(json["d"], "3ff0000000000000");
  EXPECT_TRUE(json["i"].is_null());
  EXPECT_EQ(json.size(), 3u);
}

}  // namespace
}  // namespace forkcheck
