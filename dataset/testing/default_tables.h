// Test helpers for the tables of the default catalogue.
#ifndef FORKCHECK_DATASET_TESTING_DEFAULT_TABLES_H_
#define FORKCHECK_DATASET_TESTING_DEFAULT_TABLES_H_

#include <string>
#include <vector>

#include "dataset/table_spec.h"

namespace forkcheck {

// The name prefix of every table in the default catalogue.
inline constexpr char kDefaultTablePrefix[] =
    "projects/forkcheck/datasets/synthetic/tables/";

// The default catalogue's table `short_name` (e.g. "all_types"). If there is
// none, records a test failure and returns the catalogue's first table.
const TableSpec& DefaultTable(const std::string& short_name);

// Every column index of `spec`, in table order: 0, 1, ..., size - 1.
std::vector<int> AllColumns(const TableSpec& spec);

}  // namespace forkcheck

#endif  // FORKCHECK_DATASET_TESTING_DEFAULT_TABLES_H_
