// Prints rows of every default-catalogue table as the C++ RowGenerator makes
// them, one JSON object a line, for the Python port's test
// (testees/python_grpcio/row_generator_test.py):
//   {"table": "...", "row": 7, "cells": [null, {"i": -3}, {"d": "3ff0..."},
//    {"b": "6869"}]}
// "i": INT64, TIMESTAMP and BOOL values; "d": a FLOAT64's bits in hex (exact,
// keeps -0.0); "b": STRING or BYTES contents in hex.
//
// Usage: generated_rows ROW_INDEX...   (any int64, even outside the table)
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "dataset/catalogue.h"
#include "dataset/row_generator.h"
#include "dataset/table_spec.h"
#include "nlohmann/json.hpp"

namespace forkcheck {
namespace {

std::string Hex(const std::string& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

nlohmann::json CellJson(ColumnType type, const FieldValue& cell) {
  if (cell.is_null) return nullptr;
  switch (type) {
    case ColumnType::kDouble: {
      uint64_t bits = 0;
      std::memcpy(&bits, &cell.double_value, sizeof(bits));
      char text[17];
      std::snprintf(text, sizeof(text), "%016" PRIx64, bits);
      return {{"d", text}};
    }
    case ColumnType::kString:
    case ColumnType::kBytes:
      return {{"b", Hex(cell.bytes_value)}};
    case ColumnType::kInt64:
    case ColumnType::kTimestamp:
    case ColumnType::kBool:
      return {{"i", cell.int_value}};
  }
  return nullptr;
}

int Main(int argc, char** argv) {
  std::vector<int64_t> rows;
  for (int i = 1; i < argc; ++i) {
    int64_t row = 0;
    if (!absl::SimpleAtoi(argv[i], &row)) {
      std::cerr << "generated_rows: bad row index \"" << argv[i] << "\"\n";
      return 2;
    }
    rows.push_back(row);
  }
  for (const TableSpec& table : Catalogue::Default().tables()) {
    RowGenerator generator(table);
    std::vector<int> columns;
    for (size_t c = 0; c < table.columns.size(); ++c) {
      columns.push_back(static_cast<int>(c));
    }
    Row row;
    for (int64_t index : rows) {
      generator.FillRow(index, columns, &row);
      nlohmann::json cells = nlohmann::json::array();
      for (size_t c = 0; c < row.size(); ++c) {
        cells.push_back(CellJson(table.columns[c].type, row[c]));
      }
      std::cout << nlohmann::json{{"table", table.name},
                                  {"row", index},
                                  {"cells", cells}}
                       .dump()
                << "\n";
    }
  }
  return std::cout.good() ? 0 : 1;
}

}  // namespace
}  // namespace forkcheck

int main(int argc, char** argv) { return forkcheck::Main(argc, argv); }
