#include "client/avro_row_decoder.h"

#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "dataset/row.h"
#include "dataset/table_spec.h"
#include "nlohmann/json.hpp"

namespace forkcheck {
namespace {

using Json = nlohmann::json;

std::string FieldLabel(const std::string& name, size_t index) {
  return absl::StrCat("field ", Json(name).dump(), " (fields[", index, "])");
}

absl::Status SchemaError(absl::string_view where, absl::string_view message) {
  return absl::InvalidArgumentError(
      absl::StrCat("Avro schema: ", where, where.empty() ? "" : ": ", message));
}

bool IsNullType(const Json& type) {
  if (type.is_string()) return type.get<std::string>() == "null";
  if (type.is_object()) {
    auto it = type.find("type");
    return it != type.end() && it->is_string() &&
           it->get<std::string>() == "null";
  }
  return false;
}

// Resolves a non-union, non-null field type.
absl::Status ParsePlainType(const Json& type, absl::string_view label,
                            ColumnType* column_type) {
  std::string name;
  bool timestamp_micros = false;
  if (type.is_string()) {
    name = type.get<std::string>();
  } else if (type.is_object()) {
    auto it = type.find("type");
    if (it == type.end() || !it->is_string()) {
      return SchemaError(label,
                         absl::StrCat("unsupported Avro type ", type.dump()));
    }
    name = it->get<std::string>();
    auto logical = type.find("logicalType");
    if (logical != type.end()) {
      if (!logical->is_string()) {
        return SchemaError(label, "logicalType must be a string");
      }
      // The Avro spec says readers ignore logical types they do not know
      // and use the underlying type; only timestamp-micros changes meaning.
      timestamp_micros = logical->get<std::string>() == "timestamp-micros";
    }
  } else {
    return SchemaError(label,
                       absl::StrCat("unsupported Avro type ", type.dump()));
  }

  if (name == "long") {
    *column_type =
        timestamp_micros ? ColumnType::kTimestamp : ColumnType::kInt64;
  } else if (name == "string") {
    *column_type = ColumnType::kString;
  } else if (name == "double") {
    *column_type = ColumnType::kDouble;
  } else if (name == "boolean") {
    *column_type = ColumnType::kBool;
  } else if (name == "bytes") {
    *column_type = ColumnType::kBytes;
  } else {
    return SchemaError(
        label, absl::StrCat("unsupported Avro type ", Json(name).dump(),
                            "; expected long, string, double, boolean, "
                            "bytes or timestamp-micros long, possibly in a "
                            "union with null"));
  }
  if (timestamp_micros && name != "long") {
    return SchemaError(label, "logicalType timestamp-micros requires long");
  }
  return absl::OkStatus();
}

enum class VarintResult { kOk, kTruncated, kOverlong };

// Reads an Avro varint (at most 10 bytes, the last carrying only bit 63).
inline VarintResult ReadVarint(const uint8_t** p, const uint8_t* end,
                               uint64_t* out) {
  const uint8_t* q = *p;
  uint64_t result = 0;
  for (int i = 0; i < 10; ++i) {
    if (q == end) return VarintResult::kTruncated;
    const uint8_t byte = *q++;
    if (i == 9 && byte > 1) return VarintResult::kOverlong;
    result |= static_cast<uint64_t>(byte & 0x7f) << (7 * i);
    if ((byte & 0x80) == 0) {
      *p = q;
      *out = result;
      return VarintResult::kOk;
    }
  }
  return VarintResult::kOverlong;  // unreachable: i == 9 returns above
}

inline int64_t ZigZagDecode(uint64_t n) {
  return static_cast<int64_t>(n >> 1) ^ -static_cast<int64_t>(n & 1);
}

}  // namespace

absl::StatusOr<AvroRowDecoder> AvroRowDecoder::Create(
    std::string_view avro_schema_json) {
  Json schema;
  try {
    schema = Json::parse(avro_schema_json.begin(), avro_schema_json.end());
  } catch (const Json::exception& e) {
    return SchemaError("", absl::StrCat("not valid JSON: ", e.what()));
  }
  if (!schema.is_object()) {
    return SchemaError(
        "", absl::StrCat("expected a record object, got ", schema.type_name()));
  }
  auto type = schema.find("type");
  if (type == schema.end() || !type->is_string() ||
      type->get<std::string>() != "record") {
    return SchemaError("type", "expected \"record\" at the top level");
  }
  auto fields = schema.find("fields");
  if (fields == schema.end() || !fields->is_array()) {
    return SchemaError("fields", "expected an array of fields");
  }

  AvroRowDecoder decoder;
  for (size_t i = 0; i < fields->size(); ++i) {
    const Json& field = (*fields)[i];
    const std::string index_label = absl::StrCat("fields[", i, "]");
    if (!field.is_object()) {
      return SchemaError(index_label, "expected an object");
    }
    auto name = field.find("name");
    if (name == field.end() || !name->is_string()) {
      return SchemaError(index_label, "missing or non-string \"name\"");
    }
    const std::string label = FieldLabel(name->get<std::string>(), i);
    auto field_type = field.find("type");
    if (field_type == field.end()) {
      return SchemaError(label, "missing \"type\"");
    }

    ColumnSpec column;
    column.name = name->get<std::string>();
    Field decoded{ColumnType::kInt64, false, 0};
    if (field_type->is_array()) {
      const Json& branches = *field_type;
      const bool ok = branches.size() == 2 &&
                      IsNullType(branches[0]) != IsNullType(branches[1]);
      if (!ok) {
        return SchemaError(
            label, absl::StrCat("unsupported union ", branches.dump(),
                                "; only [\"null\", T] and [T, \"null\"] are "
                                "supported"));
      }
      decoded.nullable = true;
      decoded.null_branch = IsNullType(branches[0]) ? 0 : 1;
      absl::Status status = ParsePlainType(branches[1 - decoded.null_branch],
                                           label, &decoded.type);
      if (!status.ok()) return status;
    } else {
      absl::Status status = ParsePlainType(*field_type, label, &decoded.type);
      if (!status.ok()) return status;
    }
    column.type = decoded.type;
    column.nullable = decoded.nullable;
    decoder.field_names_.push_back(column.name);
    decoder.columns_.push_back(std::move(column));
    decoder.fields_.push_back(decoded);
  }
  return decoder;
}

absl::Status AvroRowDecoder::Decode(
    std::string_view data, int64_t row_count,
    const std::function<void(const Row&)>& on_row) const {
  if (row_count < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("negative row_count ", row_count));
  }
  const uint8_t* const begin = reinterpret_cast<const uint8_t*>(data.data());
  const uint8_t* const end = begin + data.size();
  const uint8_t* p = begin;
  int64_t row_index = 0;
  size_t field_index = 0;
  const uint8_t* item = p;  // start of the item being decoded, for errors
  // Only called on the error path, so the message costs nothing otherwise.
  auto error = [&](absl::string_view message) {
    return absl::DataLossError(
        absl::StrCat("Avro rows: row ", row_index, ", ",
                     FieldLabel(field_names_[field_index], field_index),
                     ", byte offset ", item - begin, ": ", message));
  };
  auto varint_error = [&](VarintResult result) {
    return error(result == VarintResult::kTruncated
                     ? "data truncated inside a varint"
                     : "over-long varint (more than 64 bits)");
  };

  Row row(fields_.size());
  for (row_index = 0; row_index < row_count; ++row_index) {
    for (field_index = 0; field_index < fields_.size(); ++field_index) {
      const Field& field = fields_[field_index];
      FieldValue& cell = row[field_index];
      cell.is_null = false;
      cell.int_value = 0;
      cell.double_value = 0;
      item = p;
      if (field.nullable) {
        uint64_t raw;
        VarintResult result = ReadVarint(&p, end, &raw);
        if (result != VarintResult::kOk) return varint_error(result);
        const int64_t branch = ZigZagDecode(raw);
        if (branch != 0 && branch != 1) {
          return error(absl::StrCat("bad union branch index ", branch,
                                    "; the union has 2 branches"));
        }
        if (branch == field.null_branch) {
          cell.is_null = true;
          cell.bytes_value.clear();
          continue;
        }
        item = p;
      }
      switch (field.type) {
        case ColumnType::kInt64:
        case ColumnType::kTimestamp: {
          uint64_t raw;
          VarintResult result = ReadVarint(&p, end, &raw);
          if (result != VarintResult::kOk) return varint_error(result);
          cell.int_value = ZigZagDecode(raw);
          cell.bytes_value.clear();
          break;
        }
        case ColumnType::kDouble: {
          if (end - p < 8) {
            return error(
                absl::StrCat("data truncated: a double needs 8 bytes, ",
                             end - p, " remain"));
          }
          uint64_t bits = 0;
          for (int i = 0; i < 8; ++i) {
            bits |= static_cast<uint64_t>(p[i]) << (8 * i);
          }
          p += 8;
          std::memcpy(&cell.double_value, &bits, sizeof(bits));
          cell.bytes_value.clear();
          break;
        }
        case ColumnType::kBool: {
          if (p == end) return error("data truncated: missing boolean byte");
          if (*p > 1) {
            return error(absl::StrCat("bad boolean byte ", static_cast<int>(*p),
                                      "; expected 0 or 1"));
          }
          cell.int_value = *p++;
          cell.bytes_value.clear();
          break;
        }
        case ColumnType::kString:
        case ColumnType::kBytes: {
          uint64_t raw;
          VarintResult result = ReadVarint(&p, end, &raw);
          if (result != VarintResult::kOk) return varint_error(result);
          const int64_t length = ZigZagDecode(raw);
          if (length < 0) {
            return error(absl::StrCat("negative length ", length));
          }
          if (length > end - p) {
            return error(absl::StrCat("data truncated: length ", length,
                                      " exceeds the ", end - p,
                                      " remaining bytes"));
          }
          cell.bytes_value.assign(reinterpret_cast<const char*>(p),
                                  static_cast<size_t>(length));
          p += length;
          break;
        }
      }
    }
    on_row(row);
  }
  if (p != end) {
    return absl::DataLossError(absl::StrCat(
        "Avro rows: ", end - p, " trailing bytes after ", row_count,
        " rows (decoded ", p - begin, " of ", data.size(), " bytes)"));
  }
  return absl::OkStatus();
}

}  // namespace forkcheck
