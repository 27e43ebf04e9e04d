#include "dataset/table_spec.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "dataset/catalogue.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace forkcheck {
namespace {

using ::testing::HasSubstr;

constexpr char kGoodCatalogue[] = R"json({
  "tables": [
    {"name": "projects/p/datasets/d/tables/t",
     "row_count": 1000, "seed": 7, "typical_row_bytes": 120,
     "rows_per_chunk": 100,
     "columns": [{"name": "a", "type": "INT64", "mode": "REQUIRED"},
                 {"name": "b", "type": "STRING", "mode": "NULLABLE"},
                 {"name": "c", "type": "DOUBLE"},
                 {"name": "d", "type": "BOOLEAN", "mode": "REQUIRED"},
                 {"name": "e", "type": "TIMESTAMP"},
                 {"name": "f", "type": "BYTES"},
                 {"name": "g", "type": "FLOAT"}]},
    {"name": "projects/my-project.x:y/datasets/d_2/tables/T-3",
     "row_count": 0, "seed": 18446744073709551615, "columns": []}
  ]
})json";

TEST(TableSpecTest, GoodCatalogueParses) {
  absl::StatusOr<std::vector<TableSpec>> tables =
      ParseCatalogueJson(kGoodCatalogue);
  ASSERT_TRUE(tables.ok()) << tables.status();
  ASSERT_EQ(tables->size(), 2u);

  const TableSpec& t = (*tables)[0];
  EXPECT_EQ(t.name, "projects/p/datasets/d/tables/t");
  EXPECT_EQ(t.row_count, 1000);
  EXPECT_EQ(t.seed, 7u);
  EXPECT_EQ(t.typical_row_bytes, 120);
  EXPECT_EQ(t.rows_per_chunk, 100);
  ASSERT_EQ(t.columns.size(), 8u);
  EXPECT_EQ(t.columns[0].name, "row_id");
  EXPECT_EQ(t.columns[0].type, ColumnType::kInt64);
  EXPECT_FALSE(t.columns[0].nullable);
  EXPECT_EQ(t.columns[1].name, "a");
  EXPECT_FALSE(t.columns[1].nullable);
  EXPECT_EQ(t.columns[2].type, ColumnType::kString);
  EXPECT_TRUE(t.columns[2].nullable);
  EXPECT_EQ(t.columns[3].type, ColumnType::kDouble);
  EXPECT_TRUE(t.columns[3].nullable) << "mode defaults to NULLABLE";
  EXPECT_EQ(t.columns[4].type, ColumnType::kBool);
  EXPECT_EQ(t.columns[5].type, ColumnType::kTimestamp);
  EXPECT_EQ(t.columns[6].type, ColumnType::kBytes);
  EXPECT_EQ(t.columns[7].type, ColumnType::kDouble);
  EXPECT_EQ(t.ColumnIndex("row_id"), 0);
  EXPECT_EQ(t.ColumnIndex("e"), 5);
  EXPECT_EQ(t.ColumnIndex("zz"), -1);

  const TableSpec& u = (*tables)[1];
  EXPECT_EQ(u.seed, 18446744073709551615u);
  EXPECT_EQ(u.typical_row_bytes, 100) << "default";
  EXPECT_EQ(u.rows_per_chunk, 1000) << "default";
  ASSERT_EQ(u.columns.size(), 1u);
  EXPECT_EQ(u.columns[0].name, "row_id");
}

TEST(TableSpecTest, EmptyTableListIsValid) {
  absl::StatusOr<std::vector<TableSpec>> tables =
      ParseCatalogueJson(R"({"tables": []})");
  ASSERT_TRUE(tables.ok()) << tables.status();
  EXPECT_TRUE(tables->empty());
}

TEST(TableSpecTest, ColumnTypeNames) {
  const ColumnType kAll[] = {ColumnType::kInt64,     ColumnType::kString,
                             ColumnType::kDouble,    ColumnType::kBool,
                             ColumnType::kTimestamp, ColumnType::kBytes};
  const char* const kNames[] = {"INT64", "STRING",    "FLOAT64",
                                "BOOL",  "TIMESTAMP", "BYTES"};
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(ColumnTypeName(kAll[i]), kNames[i]);
    ColumnType parsed = ColumnType::kInt64;
    ASSERT_TRUE(ParseColumnType(kNames[i], &parsed)) << kNames[i];
    EXPECT_EQ(parsed, kAll[i]);
  }
  ColumnType parsed = ColumnType::kInt64;
  ASSERT_TRUE(ParseColumnType("DOUBLE", &parsed));
  EXPECT_EQ(parsed, ColumnType::kDouble);
  ASSERT_TRUE(ParseColumnType("FLOAT", &parsed));
  EXPECT_EQ(parsed, ColumnType::kDouble);
  ASSERT_TRUE(ParseColumnType("BOOLEAN", &parsed));
  EXPECT_EQ(parsed, ColumnType::kBool);
  EXPECT_FALSE(ParseColumnType("int64", &parsed));
  EXPECT_FALSE(ParseColumnType("INT65", &parsed));
}

struct BadCase {
  const char* label;
  std::string json;
  std::string expected_error;  // substring of the status message
};

// Wraps the members of one table object into a whole catalogue.
std::string OneTable(const std::string& members) {
  return R"({"tables": [{)" + members + "}]}";
}

constexpr char kName[] = R"("name": "projects/p/datasets/d/tables/t")";

std::string WithColumns(const std::string& columns) {
  return OneTable(std::string(kName) + R"(, "row_count": 5, "columns": [)" +
                  columns + "]");
}

std::vector<BadCase> BadCases() {
  const std::string a_int = R"({"name": "a", "type": "INT64"})";
  return {
      {"invalid JSON", R"({"tables": [)", "parse error at line 1, column 13"},
      {"trailing garbage", R"({"tables": []} x)", "not valid JSON"},
      {"root not object", "[]", "(root): expected an object, got array"},
      {"missing tables", "{}", "tables: missing required field"},
      {"unknown root key", R"({"tables": [], "tabels": []})",
       "tabels: unknown key; expected one of tables"},
      {"tables not array", R"({"tables": {}})",
       "tables: expected an array, got object"},
      {"table not object", R"({"tables": [3]})",
       "tables[0]: expected an object, got number"},
      {"missing name", OneTable(R"("row_count": 1, "columns": [])"),
       "tables[0].name: missing required field"},
      {"name not string",
       OneTable(R"("name": 5, "row_count": 1, "columns": [])"),
       "tables[0].name: expected a string, got number"},
      {"bad name format",
       OneTable(R"("name": "projects/p/datasets/d/tabels/t", "row_count": 1,
                   "columns": [])"),
       "tables[0].name: bad table name \"projects/p/datasets/d/tabels/t\""},
      {"empty name segment",
       OneTable(R"("name": "projects//datasets/d/tables/t", "row_count": 1,
                   "columns": [])"),
       "tables[0].name: bad table name"},
      {"extra name segment",
       OneTable(R"("name": "projects/p/datasets/d/tables/t/x",
                   "row_count": 1, "columns": [])"),
       "tables[0].name: bad table name"},
      {"bad name character",
       OneTable(R"("name": "projects/p/datasets/d/tables/t t",
                   "row_count": 1, "columns": [])"),
       "tables[0].name: bad table name"},
      {"missing row_count", OneTable(std::string(kName) + R"(, "columns": [])"),
       "tables[0].row_count: missing required field"},
      {"row_count string",
       OneTable(std::string(kName) + R"(, "row_count": "5", "columns": [])"),
       "tables[0].row_count: expected an integer, got string"},
      {"row_count fraction",
       OneTable(std::string(kName) + R"(, "row_count": 1.5, "columns": [])"),
       "tables[0].row_count: expected an integer, got number 1.5"},
      {"row_count negative",
       OneTable(std::string(kName) + R"(, "row_count": -1, "columns": [])"),
       "tables[0].row_count: value -1 out of range"},
      {"row_count too large",
       OneTable(std::string(kName) +
                R"(, "row_count": 18446744073709551615, "columns": [])"),
       "tables[0].row_count: value 18446744073709551615 out of range"},
      {"seed negative",
       OneTable(std::string(kName) +
                R"(, "row_count": 1, "seed": -3, "columns": [])"),
       "tables[0].seed: value -3 must not be negative"},
      {"seed not integer",
       OneTable(std::string(kName) +
                R"(, "row_count": 1, "seed": true, "columns": [])"),
       "tables[0].seed: expected an integer, got boolean"},
      {"typical_row_bytes negative",
       OneTable(std::string(kName) +
                R"(, "row_count": 1, "typical_row_bytes": -100,
                     "columns": [])"),
       "tables[0].typical_row_bytes: value -100 out of range"},
      {"typical_row_bytes huge",
       OneTable(std::string(kName) +
                R"(, "row_count": 1, "typical_row_bytes": 1000000000,
                     "columns": [])"),
       "tables[0].typical_row_bytes: value 1000000000 out of range"},
      {"rows_per_chunk zero",
       OneTable(std::string(kName) +
                R"(, "row_count": 1, "rows_per_chunk": 0, "columns": [])"),
       "tables[0].rows_per_chunk: value 0 out of range [1, "},
      {"unknown table key",
       OneTable(std::string(kName) + R"(, "row_count": 1, "colums": [])"),
       "tables[0].colums: unknown key; expected one of name, row_count"},
      {"missing columns", OneTable(std::string(kName) + R"(, "row_count": 1)"),
       "tables[0].columns: missing required field"},
      {"columns not array",
       OneTable(std::string(kName) + R"(, "row_count": 1, "columns": "a")"),
       "tables[0].columns: expected an array, got string"},
      {"column not object", WithColumns(R"(["a"])"),
       "tables[0].columns[0]: expected an object, got array"},
      {"column missing name", WithColumns(R"({"type": "INT64"})"),
       "tables[0].columns[0].name: missing required field"},
      {"column missing type", WithColumns(R"({"name": "a"})"),
       "tables[0].columns[0].type: missing required field"},
      {"column type not string", WithColumns(R"({"name": "a", "type": 1})"),
       "tables[0].columns[0].type: expected a string, got number"},
      {"unknown type",
       WithColumns(a_int + R"(, {"name": "b", "type": "INT65"})"),
       "tables[0].columns[1].type: unknown type \"INT65\"; expected one of "
       "INT64, STRING, FLOAT64, BOOL, TIMESTAMP, BYTES"},
      {"unknown mode",
       WithColumns(R"({"name": "a", "type": "INT64", "mode": "REPEATED"})"),
       "tables[0].columns[0].mode: unknown mode \"REPEATED\"; expected "
       "NULLABLE or REQUIRED"},
      {"mode not string",
       WithColumns(R"({"name": "a", "type": "INT64", "mode": null})"),
       "tables[0].columns[0].mode: expected a string, got null"},
      {"unknown column key",
       WithColumns(R"({"name": "a", "type": "INT64", "nullable": true})"),
       "tables[0].columns[0].nullable: unknown key; expected one of name, "
       "type, mode"},
      {"column name starts with digit",
       WithColumns(R"({"name": "1a", "type": "INT64"})"),
       "tables[0].columns[0].name: bad column name \"1a\""},
      {"column name with dash",
       WithColumns(R"({"name": "a-b", "type": "INT64"})"),
       "tables[0].columns[0].name: bad column name \"a-b\""},
      {"empty column name", WithColumns(R"({"name": "", "type": "INT64"})"),
       "tables[0].columns[0].name: bad column name \"\""},
      {"row_id defined", WithColumns(R"({"name": "row_id", "type": "INT64"})"),
       "tables[0].columns[0].name: \"row_id\" is reserved"},
      {"duplicate column", WithColumns(a_int + ", " + a_int),
       "tables[0].columns[1].name: duplicate column name \"a\""},
      {"duplicate table",
       R"({"tables": [
           {"name": "projects/p/datasets/d/tables/t", "row_count": 1,
            "columns": []},
           {"name": "projects/p/datasets/d/tables/t", "row_count": 2,
            "columns": []}]})",
       "tables[1].name: duplicate table name "
       "\"projects/p/datasets/d/tables/t\""},
      {"duplicate key",
       OneTable(std::string(kName) +
                R"(, "row_count": 1, "row_count": 2, "columns": [])"),
       "tables[0].row_count: duplicate key"},
      {"duplicate nested key",
       WithColumns(a_int +
                   R"(, {"name": "b", "type": "INT64", "type": "STRING"})"),
       "tables[0].columns[1].type: duplicate key"},
      {"error in second table",
       R"({"tables": [
           {"name": "projects/p/datasets/d/tables/t", "row_count": 1,
            "columns": []},
           {"name": "projects/p/datasets/d/tables/u", "row_count": 2,
            "columns": [{"name": "x", "type": "INT64", "mode": "OPTIONAL"}]}
         ]})",
       "tables[1].columns[0].mode: unknown mode \"OPTIONAL\""},
  };
}

TEST(TableSpecTest, BadInputsNameTheField) {
  for (const BadCase& bad : BadCases()) {
    SCOPED_TRACE(bad.label);
    absl::StatusOr<std::vector<TableSpec>> tables =
        ParseCatalogueJson(bad.json);
    ASSERT_FALSE(tables.ok()) << bad.json;
    EXPECT_EQ(tables.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(tables.status().message()),
                HasSubstr(bad.expected_error));
  }
}

std::string TempPath(const std::string& name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  return std::string(dir != nullptr ? dir : "/tmp") + "/" + name;
}

TEST(TableSpecTest, LoadCatalogueFileReadsFile) {
  const std::string path = TempPath("good_catalogue.json");
  {
    std::ofstream file(path);
    file << kGoodCatalogue;
  }
  absl::StatusOr<std::vector<TableSpec>> tables = LoadCatalogueFile(path);
  ASSERT_TRUE(tables.ok()) << tables.status();
  EXPECT_EQ(tables->size(), 2u);
  std::remove(path.c_str());
}

TEST(TableSpecTest, LoadCatalogueFileErrorsNameThePath) {
  const std::string missing = TempPath("no_such_catalogue.json");
  absl::StatusOr<std::vector<TableSpec>> tables = LoadCatalogueFile(missing);
  ASSERT_FALSE(tables.ok());
  EXPECT_THAT(std::string(tables.status().message()),
              HasSubstr("cannot open catalogue file \"" + missing + "\""));

  const std::string directory = TempPath("");
  tables = LoadCatalogueFile(directory);
  ASSERT_FALSE(tables.ok());
  EXPECT_THAT(std::string(tables.status().message()),
              HasSubstr("catalogue file \"" + directory + "\""));

  const std::string bad = TempPath("bad_catalogue.json");
  {
    std::ofstream file(bad);
    file << R"({"tables": [{"name": "x", "row_count": 1, "columns": []}]})";
  }
  tables = LoadCatalogueFile(bad);
  ASSERT_FALSE(tables.ok());
  EXPECT_THAT(std::string(tables.status().message()),
              HasSubstr("catalogue file \"" + bad +
                        "\": tables[0].name: bad table name"));
  std::remove(bad.c_str());
}

TEST(TableSpecTest, DefaultCatalogueIsValid) {
  absl::StatusOr<std::vector<TableSpec>> tables =
      ParseCatalogueJson(DefaultCatalogueJson());
  ASSERT_TRUE(tables.ok()) << tables.status();

  const std::string prefix = "projects/forkcheck/datasets/synthetic/tables/";
  std::set<std::string> names;
  for (const TableSpec& table : *tables) names.insert(table.name);
  for (const char* name :
       {"empty", "small", "all_types", "medium", "large", "wide_rows"}) {
    EXPECT_EQ(names.count(prefix + name), 1u) << name;
  }

  auto find = [&](const std::string& name) -> const TableSpec& {
    for (const TableSpec& table : *tables) {
      if (table.name == prefix + name) return table;
    }
    ADD_FAILURE() << "missing " << name;
    return tables->front();
  };
  EXPECT_EQ(find("empty").row_count, 0);
  EXPECT_EQ(find("small").row_count, 1000);
  EXPECT_EQ(find("all_types").row_count, 10000);
  EXPECT_EQ(find("medium").row_count, 200000);
  EXPECT_EQ(find("large").row_count, 2000000);
  EXPECT_EQ(find("large").rows_per_chunk, 10000);
  EXPECT_EQ(find("large").typical_row_bytes, 100);
  EXPECT_EQ(find("medium").typical_row_bytes, 100);
  EXPECT_EQ(find("wide_rows").row_count, 100000);
  EXPECT_EQ(find("wide_rows").typical_row_bytes, 1024);

  // small: every type and at least one NULLABLE column.
  // all_types: every type both REQUIRED and NULLABLE.
  const ColumnType kAll[] = {ColumnType::kInt64,     ColumnType::kString,
                             ColumnType::kDouble,    ColumnType::kBool,
                             ColumnType::kTimestamp, ColumnType::kBytes};
  bool small_has_nullable = false;
  for (const ColumnSpec& c : find("small").columns) {
    small_has_nullable = small_has_nullable || c.nullable;
  }
  EXPECT_TRUE(small_has_nullable);
  for (ColumnType type : kAll) {
    bool in_small = false;
    bool required = false;
    bool nullable = false;
    for (const ColumnSpec& c : find("small").columns) {
      in_small = in_small || c.type == type;
    }
    for (const ColumnSpec& c : find("all_types").columns) {
      if (c.type != type || c.name == "row_id") continue;
      (c.nullable ? nullable : required) = true;
    }
    EXPECT_TRUE(in_small) << ColumnTypeName(type);
    EXPECT_TRUE(required) << ColumnTypeName(type);
    EXPECT_TRUE(nullable) << ColumnTypeName(type);
  }
}

}  // namespace
}  // namespace forkcheck
