// The set of synthetic tables the fake server knows, looked up by full table
// name.

#ifndef FORKCHECK_DATASET_CATALOGUE_H_
#define FORKCHECK_DATASET_CATALOGUE_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "dataset/table_spec.h"

namespace forkcheck {

class Catalogue {
 public:
  // If two tables share a name, Find returns the first (ParseCatalogueJson
  // never produces duplicates).
  explicit Catalogue(std::vector<TableSpec> tables);

  // The catalogue of dataset/default_catalogue.json (see dataset/README.md),
  // parsed once on first use. Thread-safe.
  static const Catalogue& Default();

  // nullptr if unknown. The pointer lives as long as the Catalogue.
  const TableSpec* Find(std::string_view table_name) const;

  // The table a person means by `name`: a full name, or the last path
  // component of exactly one table's name ("small"). nullptr if unknown or
  // ambiguous.
  const TableSpec* Resolve(std::string_view name) const;

  const std::vector<TableSpec>& tables() const { return tables_; }

 private:
  std::vector<TableSpec> tables_;
  std::map<std::string, size_t, std::less<>> index_;  // name -> tables_ index
};

// Text of dataset/default_catalogue.json, compiled in by the genrule
// //dataset:default_catalogue_cc.
std::string_view DefaultCatalogueJson();

}  // namespace forkcheck

#endif  // FORKCHECK_DATASET_CATALOGUE_H_
