#include "dataset/testing/default_tables.h"

#include <string>
#include <vector>

#include "dataset/catalogue.h"
#include "dataset/table_spec.h"
#include "gtest/gtest.h"

namespace forkcheck {

const TableSpec& DefaultTable(const std::string& short_name) {
  const TableSpec* spec =
      Catalogue::Default().Find(kDefaultTablePrefix + short_name);
  EXPECT_NE(spec, nullptr) << short_name;
  return spec != nullptr ? *spec : Catalogue::Default().tables().front();
}

std::vector<int> AllColumns(const TableSpec& spec) {
  std::vector<int> columns;
  for (size_t i = 0; i < spec.columns.size(); ++i) columns.push_back(i);
  return columns;
}

}  // namespace forkcheck
