#include "dataset/row_json.h"

#include <cstdint>
#include <cstring>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_format.h"

namespace forkcheck {
namespace {

nlohmann::json CellJson(ColumnType type, const FieldValue& cell) {
  if (cell.is_null) return nullptr;
  switch (type) {
    case ColumnType::kInt64:
    case ColumnType::kTimestamp:
      return std::to_string(cell.int_value);
    case ColumnType::kDouble: {
      uint64_t bits = 0;
      std::memcpy(&bits, &cell.double_value, sizeof(bits));
      return absl::StrFormat("%016x", bits);
    }
    case ColumnType::kBool:
      return cell.int_value != 0;
    case ColumnType::kString:
      return cell.bytes_value;
    case ColumnType::kBytes:
      return absl::BytesToHexString(cell.bytes_value);
  }
  return nullptr;  // not reached: every type is handled above
}

}  // namespace

nlohmann::json ExactRowJson(const TableSpec& table,
                            const std::vector<int>& columns, const Row& row) {
  nlohmann::json object = nlohmann::json::object();
  for (size_t i = 0; i < columns.size() && i < row.size(); ++i) {
    const ColumnSpec& column = table.columns[columns[i]];
    object[column.name] = CellJson(column.type, row[i]);
  }
  return object;
}

}  // namespace forkcheck
