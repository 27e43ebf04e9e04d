#include "bench/bench_catalogue.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "dataset/table_spec.h"

namespace forkcheck {
namespace {

constexpr int kDoubleColumns = 31;
constexpr int kBoolColumns = 5;

std::string CatalogueJson(int64_t row_count) {
  std::string columns;
  auto add = [&columns](const std::string& name, const char* type) {
    absl::StrAppend(&columns, columns.empty() ? "" : ",", "{\"name\":\"", name,
                    "\",\"type\":\"", type, "\",\"mode\":\"REQUIRED\"}");
  };
  for (int i = 0; i < kDoubleColumns; ++i) add(absl::StrCat("d", i), "FLOAT64");
  for (int i = 0; i < kBoolColumns; ++i) add(absl::StrCat("b", i), "BOOL");
  return absl::StrCat("{\"tables\":[{\"name\":\"", kBenchTableName,
                      "\",\"row_count\":", row_count,
                      ",\"seed\":256,\"typical_row_bytes\":", kBenchRowBytes,
                      ",\"rows_per_chunk\":", kBenchRowsPerChunk,
                      ",\"columns\":[", columns, "]}]}");
}

}  // namespace

absl::StatusOr<std::shared_ptr<const Catalogue>> BenchCatalogue(
    int64_t row_count) {
  if (row_count <= 0 || row_count % kBenchRowsPerChunk != 0 ||
      row_count > kMaxBenchRows) {
    return absl::InvalidArgumentError(
        absl::StrCat("bench table row_count must be a positive multiple of ",
                     kBenchRowsPerChunk, " and at most ", kMaxBenchRows,
                     ", got ", row_count));
  }
  absl::StatusOr<std::vector<TableSpec>> tables =
      ParseCatalogueJson(CatalogueJson(row_count));
  if (!tables.ok()) return tables.status();
  return std::make_shared<const Catalogue>(*std::move(tables));
}

}  // namespace forkcheck
