// Prints a table's rows as the dataset defines them, one JSON object a line
// in the exact form of dataset/row_json.h, so that a reader in another
// language can check every value it decoded. Rows [--first, --first +
// --count) of --table, every column, in order.
//
//   print_rows --table=projects/forkcheck/datasets/synthetic/tables/small
//   print_rows --table=small --first=1000 --count=50   # past its end
//
// Without --count it prints to the end of the table. With --count it prints
// exactly that many rows, also past the table's end: the generator defines
// every index, so those are rows a writer can append to the table and
// expect to read back.
//
// Exit status 0, or 2 for a bad flag or an unknown table (one line on
// standard error naming it).
#include <cstdint>
#include <iostream>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "dataset/catalogue.h"
#include "dataset/row_generator.h"
#include "dataset/row_json.h"

ABSL_FLAG(std::string, table, "",
          "Table to print: its full name, or the last part of a name in the "
          "catalogue (\"small\").");
ABSL_FLAG(std::string, catalogue, "",
          "JSON catalogue (dataset/README.md); empty: the default one.");
ABSL_FLAG(int64_t, first, 0, "First row to print.");
ABSL_FLAG(int64_t, count, -1,
          "How many rows to print (-1: to the end of the table); rows past "
          "the table's end are printed too.");

namespace forkcheck {
namespace {

int Fail(const std::string& message) {
  std::cerr << "print_rows: " << message << "\n";
  return 2;
}

const TableSpec* FindTable(const Catalogue& catalogue,
                           const std::string& name) {
  if (const TableSpec* table = catalogue.Find(name)) return table;
  for (const TableSpec& table : catalogue.tables()) {
    if (table.name.size() > name.size() &&
        table.name.compare(table.name.size() - name.size() - 1,
                           std::string::npos, "/" + name) == 0) {
      return &table;
    }
  }
  return nullptr;
}

int Main() {
  std::unique_ptr<Catalogue> loaded;
  const Catalogue* catalogue = &Catalogue::Default();
  if (std::string path = absl::GetFlag(FLAGS_catalogue); !path.empty()) {
    auto tables = LoadCatalogueFile(path);
    if (!tables.ok()) return Fail(std::string(tables.status().message()));
    loaded = std::make_unique<Catalogue>(*std::move(tables));
    catalogue = loaded.get();
  }
  const std::string name = absl::GetFlag(FLAGS_table);
  if (name.empty()) return Fail("--table is required");
  const TableSpec* table = FindTable(*catalogue, name);
  if (table == nullptr) {
    return Fail("no table \"" + name + "\" in the catalogue");
  }
  const int64_t first = absl::GetFlag(FLAGS_first);
  const int64_t count = absl::GetFlag(FLAGS_count);
  if (first < 0) return Fail("--first must not be negative");
  if (count < -1) return Fail("--count must be -1 or more");
  if (count == -1 && first > table->row_count) {
    return Fail("--first=" + std::to_string(first) + " is past the table's " +
                std::to_string(table->row_count) +
                " rows; give --count to print rows past its end");
  }
  if (count > std::numeric_limits<int64_t>::max() - first) {
    return Fail("--first + --count overflows");
  }
  const int64_t end = count == -1 ? table->row_count : first + count;

  RowGenerator generator(*table);
  std::vector<int> columns(table->columns.size());
  for (size_t i = 0; i < columns.size(); ++i) columns[i] = static_cast<int>(i);
  Row row;
  for (int64_t index = first; index < end; ++index) {
    generator.FillRow(index, columns, &row);
    std::cout << ExactRowJson(*table, columns, row).dump() << "\n";
  }
  std::cout.flush();
  return std::cout.good() ? 0 : Fail("writing the rows failed");
}

}  // namespace
}  // namespace forkcheck

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Prints a table's rows, one exact JSON object a line "
      "(dataset/row_json.h).");
  std::vector<char*> positional = absl::ParseCommandLine(argc, argv);
  if (positional.size() > 1) {
    std::cerr << "print_rows: unexpected argument \"" << positional[1]
              << "\" (flags are --name=value)\n";
    return 2;
  }
  return forkcheck::Main();
}
