#include "dataset/catalogue.h"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "dataset/table_spec.h"

namespace forkcheck {

Catalogue::Catalogue(std::vector<TableSpec> tables)
    : tables_(std::move(tables)) {
  for (size_t i = 0; i < tables_.size(); ++i) {
    index_.emplace(tables_[i].name, i);  // keeps the first of duplicates
  }
}

const Catalogue& Catalogue::Default() {
  static const Catalogue* const kDefault = [] {
    absl::StatusOr<std::vector<TableSpec>> tables =
        ParseCatalogueJson(DefaultCatalogueJson());
    if (!tables.ok()) {
      // The file is compiled in and checked by table_spec_test, so this is a
      // build defect, not bad input.
      std::fprintf(stderr, "dataset/default_catalogue.json is invalid: %s\n",
                   std::string(tables.status().message()).c_str());
      std::abort();
    }
    return new Catalogue(*std::move(tables));
  }();
  return *kDefault;
}

const TableSpec* Catalogue::Find(std::string_view table_name) const {
  auto it = index_.find(table_name);
  return it == index_.end() ? nullptr : &tables_[it->second];
}

const TableSpec* Catalogue::Resolve(std::string_view name) const {
  if (const TableSpec* table = Find(name)) return table;
  const std::string suffix = "/tables/" + std::string(name);
  const TableSpec* match = nullptr;
  for (const TableSpec& table : tables_) {
    const bool ends_with =
        table.name.size() >= suffix.size() &&
        table.name.compare(table.name.size() - suffix.size(), suffix.size(),
                           suffix) == 0;
    if (!ends_with) continue;
    if (match != nullptr) return nullptr;  // ambiguous
    match = &table;
  }
  return match;
}

}  // namespace forkcheck
