// A row as JSON that keeps every value exact, for readers outside C++ (the
// official Node client's conformance test) to compare what they decoded
// with what the dataset defines, value by value.
//
// One object per row, keyed by column name:
//   INT64, TIMESTAMP  decimal string ("-9223372036854775808"): JSON numbers
//                     are doubles to most readers, which would round them;
//   FLOAT64           the IEEE 754 bits as 16 lowercase hex digits, most
//                     significant first ("8000000000000000" is -0.0): a
//                     decimal would hide a lost sign or a rounded bit;
//   BOOL              true or false;
//   STRING            the string itself (the generator's are ASCII);
//   BYTES             lowercase hex, two digits a byte;
//   a null cell       null.
#ifndef FORKCHECK_DATASET_ROW_JSON_H_
#define FORKCHECK_DATASET_ROW_JSON_H_

#include <vector>

#include "dataset/row.h"
#include "dataset/table_spec.h"
#include "nlohmann/json.hpp"

namespace forkcheck {

// `row` holds the cells of `columns` (indices into table.columns), in order,
// as RowGenerator::FillRow fills it.
nlohmann::json ExactRowJson(const TableSpec& table,
                            const std::vector<int>& columns, const Row& row);

}  // namespace forkcheck

#endif  // FORKCHECK_DATASET_ROW_JSON_H_
