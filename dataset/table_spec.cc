#include "dataset/table_spec.h"

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <initializer_list>
#include <limits>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "common/file_util.h"
#include "common/json_fields.h"

namespace forkcheck {
namespace {

using json::Json;

// BigQuery's limits; far above anything a synthetic table needs.
constexpr size_t kMaxColumns = 10000;
constexpr size_t kMaxColumnNameLength = 300;
constexpr size_t kMaxNameSegmentLength = 1024;

using json::CheckObject;
using json::GetRequired;
using json::MemberPath;
using json::OptionalInt64;
using json::OptionalString;
using json::OptionalUint64;
using json::PathError;
using json::Quote;
using json::RequiredInt64;
using json::RequiredString;

bool IsNameSegmentChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' || c == ':';
}

// "projects/{p}/datasets/{d}/tables/{t}", each id non-empty and made of
// [A-Za-z0-9_.:-] (a simplification of BigQuery's rules that keeps names
// safe to embed in URLs, logs and stream names).
absl::Status ValidateTableName(absl::string_view name, absl::string_view path) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  bool ok = parts.size() == 6 && parts[0] == "projects" &&
            parts[2] == "datasets" && parts[4] == "tables";
  for (size_t i = 1; ok && i < parts.size(); i += 2) {
    ok = !parts[i].empty() && parts[i].size() <= kMaxNameSegmentLength;
    for (char c : parts[i]) ok = ok && IsNameSegmentChar(c);
  }
  if (!ok) {
    return PathError(
        path, absl::StrCat("bad table name ", Quote(name),
                           "; expected projects/{project}/datasets/{dataset}/"
                           "tables/{table} with ids made of [A-Za-z0-9_.:-]"));
  }
  return absl::OkStatus();
}

// Column names become Avro field names, so they follow Avro's name rules.
absl::Status ValidateColumnName(absl::string_view name,
                                absl::string_view path) {
  bool ok = !name.empty() && name.size() <= kMaxColumnNameLength &&
            !(name[0] >= '0' && name[0] <= '9');
  for (char c : name) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                (c >= '0' && c <= '9') || c == '_');
  }
  if (!ok) {
    return PathError(path, absl::StrCat("bad column name ", Quote(name),
                                        "; expected [A-Za-z_][A-Za-z0-9_]* "
                                        "(at most 300 characters)"));
  }
  if (name ==
      absl::string_view(kRowIdColumnName.data(), kRowIdColumnName.size())) {
    return PathError(path,
                     "\"row_id\" is reserved: every table gets it "
                     "implicitly as its first column");
  }
  return absl::OkStatus();
}

absl::StatusOr<ColumnSpec> ParseColumn(const Json& json,
                                       const std::string& path) {
  absl::Status status = CheckObject(json, path, {"name", "type", "mode"});
  if (!status.ok()) return status;

  ColumnSpec column;
  absl::StatusOr<std::string> name = RequiredString(json, path, "name");
  if (!name.ok()) return name.status();
  status = ValidateColumnName(*name, MemberPath(path, "name"));
  if (!status.ok()) return status;
  column.name = *std::move(name);

  absl::StatusOr<std::string> type = RequiredString(json, path, "type");
  if (!type.ok()) return type.status();
  if (!ParseColumnType(*type, &column.type)) {
    return PathError(MemberPath(path, "type"),
                     absl::StrCat("unknown type ", Quote(*type),
                                  "; expected one of INT64, STRING, FLOAT64, "
                                  "BOOL, TIMESTAMP, BYTES"));
  }

  std::string mode = "NULLABLE";  // BigQuery's default mode
  status = OptionalString(json, path, "mode", &mode);
  if (!status.ok()) return status;
  if (mode == "NULLABLE") {
    column.nullable = true;
  } else if (mode == "REQUIRED") {
    column.nullable = false;
  } else {
    return PathError(MemberPath(path, "mode"),
                     absl::StrCat("unknown mode ", Quote(mode),
                                  "; expected NULLABLE or REQUIRED"));
  }
  return column;
}

absl::StatusOr<TableSpec> ParseTable(const Json& json,
                                     const std::string& path) {
  absl::Status status = CheckObject(json, path,
                {"name", "row_count", "seed", "typical_row_bytes",
                 "rows_per_chunk", "columns"});
  if (!status.ok()) return status;

  TableSpec table;
  absl::StatusOr<std::string> name = RequiredString(json, path, "name");
  if (!name.ok()) return name.status();
  status = ValidateTableName(*name, MemberPath(path, "name"));
  if (!status.ok()) return status;
  table.name = *std::move(name);

  constexpr int64_t kMaxInt64 = std::numeric_limits<int64_t>::max();
  absl::StatusOr<int64_t> row_count =
      RequiredInt64(json, path, "row_count", 0, kMaxInt64);
  if (!row_count.ok()) return row_count.status();
  table.row_count = *row_count;

  status = OptionalUint64(json, path, "seed", &table.seed);
  if (!status.ok()) return status;
  status = OptionalInt64(json, path, "typical_row_bytes", 0,
                         kMaxTypicalRowBytes, &table.typical_row_bytes);
  if (!status.ok()) return status;
  status = OptionalInt64(json, path, "rows_per_chunk", 1, kMaxInt64,
                         &table.rows_per_chunk);
  if (!status.ok()) return status;

  const Json* value = nullptr;
  status = GetRequired(json, path, "columns", &value);
  if (!status.ok()) return status;
  std::string columns_path = MemberPath(path, "columns");
  if (!value->is_array()) {
    return PathError(columns_path, absl::StrCat("expected an array, got ",
                                                value->type_name()));
  }
  if (value->size() >= kMaxColumns) {
    return PathError(columns_path,
                     absl::StrCat("too many columns (", value->size(),
                                  "); at most ", kMaxColumns - 1));
  }
  table.columns.push_back(
      ColumnSpec{std::string(kRowIdColumnName), ColumnType::kInt64, false});
  for (size_t i = 0; i < value->size(); ++i) {
    std::string column_path = absl::StrCat(columns_path, "[", i, "]");
    absl::StatusOr<ColumnSpec> column = ParseColumn((*value)[i], column_path);
    if (!column.ok()) return column.status();
    if (table.ColumnIndex(column->name) >= 0) {
      return PathError(
          MemberPath(column_path, "name"),
          absl::StrCat("duplicate column name ", Quote(column->name)));
    }
    table.columns.push_back(*std::move(column));
  }
  return table;
}

}  // namespace

std::string_view ColumnTypeName(ColumnType type) {
  switch (type) {
    case ColumnType::kInt64:
      return "INT64";
    case ColumnType::kString:
      return "STRING";
    case ColumnType::kDouble:
      return "FLOAT64";
    case ColumnType::kBool:
      return "BOOL";
    case ColumnType::kTimestamp:
      return "TIMESTAMP";
    case ColumnType::kBytes:
      return "BYTES";
  }
  return "UNKNOWN";
}

bool ParseColumnType(std::string_view name, ColumnType* type) {
  static constexpr std::pair<std::string_view, ColumnType> kNames[] = {
      {"INT64", ColumnType::kInt64},         {"INTEGER", ColumnType::kInt64},
      {"STRING", ColumnType::kString},       {"FLOAT64", ColumnType::kDouble},
      {"DOUBLE", ColumnType::kDouble},       {"FLOAT", ColumnType::kDouble},
      {"BOOL", ColumnType::kBool},           {"BOOLEAN", ColumnType::kBool},
      {"TIMESTAMP", ColumnType::kTimestamp}, {"BYTES", ColumnType::kBytes},
  };
  for (const auto& [candidate, candidate_type] : kNames) {
    if (name == candidate) {
      *type = candidate_type;
      return true;
    }
  }
  return false;
}

int TableSpec::ColumnIndex(std::string_view column_name) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == column_name) return static_cast<int>(i);
  }
  return -1;
}

absl::StatusOr<std::vector<TableSpec>> ParseCatalogueJson(
    std::string_view json_text) {
  absl::StatusOr<Json> parsed = json::ParseStrict(
      absl::string_view(json_text.data(), json_text.size()), "catalogue");
  if (!parsed.ok()) return parsed.status();
  const Json& root = *parsed;
  absl::Status status = CheckObject(root, "", {"tables"});
  if (!status.ok()) return status;
  const Json* tables_json = nullptr;
  status = GetRequired(root, "", "tables", &tables_json);
  if (!status.ok()) return status;
  if (!tables_json->is_array()) {
    return PathError("tables", absl::StrCat("expected an array, got ",
                                            tables_json->type_name()));
  }

  std::vector<TableSpec> tables;
  std::set<std::string> names;
  for (size_t i = 0; i < tables_json->size(); ++i) {
    std::string path = absl::StrCat("tables[", i, "]");
    absl::StatusOr<TableSpec> table = ParseTable((*tables_json)[i], path);
    if (!table.ok()) return table.status();
    if (!names.insert(table->name).second) {
      return PathError(
          MemberPath(path, "name"),
          absl::StrCat("duplicate table name ", Quote(table->name)));
    }
    tables.push_back(*std::move(table));
  }
  return tables;
}

absl::StatusOr<std::vector<TableSpec>> LoadCatalogueFile(
    const std::string& path) {
  absl::StatusOr<std::string> contents = ReadFile(path, "catalogue file");
  if (!contents.ok()) return contents.status();
  absl::StatusOr<std::vector<TableSpec>> tables = ParseCatalogueJson(*contents);
  if (!tables.ok()) {
    return absl::Status(tables.status().code(),
                        absl::StrCat("catalogue file ", Quote(path), ": ",
                                     tables.status().message()));
  }
  return tables;
}

}  // namespace forkcheck
