#include "dataset/avro_encoder.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "dataset/row_generator.h"
#include "dataset/table_spec.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/wire_format_lite.h"
#include "nlohmann/json.hpp"

namespace forkcheck {
namespace {

// Avro long: zig-zag, then little-endian base-128 varint (at most 10 bytes):
// the encoding of protobuf's sint64, so protobuf's own routines write it.
// Returns the position after the last byte written.
inline char* WriteLong(int64_t value, char* p) {
  auto* end = google::protobuf::io::CodedOutputStream::WriteVarint64ToArray(
      google::protobuf::internal::WireFormatLite::ZigZagEncode64(value),
      reinterpret_cast<uint8_t*>(p));
  return reinterpret_cast<char*>(end);
}

inline char* WriteDouble(double value, char* p) {
  uint64_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  for (int i = 0; i < 8; ++i) *p++ = static_cast<char>(bits >> (8 * i));
  return p;
}

// Bytes a cell needs at most: union branch, 10-byte varint, content.
inline size_t MaxCellBytes(const FieldValue& cell) {
  return 1 + 10 + cell.bytes_value.size();
}

// Writes one non-null value of type `type`.
inline char* WriteValue(ColumnType type, const FieldValue& cell, char* p) {
  switch (type) {
    case ColumnType::kInt64:
    case ColumnType::kTimestamp:
      return WriteLong(cell.int_value, p);
    case ColumnType::kDouble:
      return WriteDouble(cell.double_value, p);
    case ColumnType::kBool:
      *p++ = cell.int_value != 0 ? 1 : 0;
      return p;
    case ColumnType::kString:
    case ColumnType::kBytes:
      p = WriteLong(static_cast<int64_t>(cell.bytes_value.size()), p);
      std::memcpy(p, cell.bytes_value.data(), cell.bytes_value.size());
      return p + cell.bytes_value.size();
  }
  return p;
}

nlohmann::ordered_json AvroType(ColumnType type) {
  switch (type) {
    case ColumnType::kInt64:
      return "long";
    case ColumnType::kString:
      return "string";
    case ColumnType::kDouble:
      return "double";
    case ColumnType::kBool:
      return "boolean";
    case ColumnType::kBytes:
      return "bytes";
    case ColumnType::kTimestamp:
      return {{"type", "long"}, {"logicalType", "timestamp-micros"}};
  }
  return "null";
}

// Appends rows [begin, end) of the projection `columns`; cell_at(row,
// column) returns the cell (a reference valid until the next call). One loop
// for generated and stored rows, so both encode alike.
template <typename CellAt>
void AppendAvroRowsOf(const TableSpec& spec, const std::vector<int>& columns,
                      int64_t begin, int64_t end, CellAt cell_at,
                      std::string* out) {
  if (end <= begin) return;
  struct Column {
    int index;
    ColumnType type;
    bool nullable;
  };
  std::vector<Column> plan;
  plan.reserve(columns.size());
  for (int c : columns) {
    plan.push_back({c, spec.columns[c].type, spec.columns[c].nullable});
  }
  // Writes through a raw pointer into space grown ahead of need (per-append
  // checks of std::string dominate otherwise), then trims. Growth is sized
  // from the remaining rows, capped so a huge range cannot over-allocate;
  // std::string's geometric capacity growth keeps it amortised.
  constexpr int64_t kMaxGrowth = int64_t{64} << 20;
  const int64_t row_guess = spec.typical_row_bytes + 16;
  size_t size = out->size();
  for (int64_t row = begin; row < end; ++row) {
    for (const Column& column : plan) {
      const FieldValue& cell = cell_at(row, column.index);
      const size_t needed = size + MaxCellBytes(cell);
      if (needed > out->size()) {
        const int64_t remaining = end - row;
        const int64_t growth = remaining > kMaxGrowth / row_guess
                                   ? kMaxGrowth
                                   : remaining * row_guess;
        out->resize(std::max(needed, size + static_cast<size_t>(growth)));
      }
      char* const start = &(*out)[size];
      char* p = start;
      if (column.nullable) {
        // Union ["null", T]: branch 0 is null, branch 1 the value.
        *p++ = cell.is_null ? 0 : 2;  // zig-zag of 0 and 1
      }
      if (!cell.is_null) p = WriteValue(column.type, cell, p);
      size += p - start;
    }
  }
  out->resize(size);
}

}  // namespace

std::string AvroSchemaJson(const TableSpec& spec,
                           const std::vector<int>& columns) {
  // ordered_json keeps "type" first, as BigQuery writes it.
  nlohmann::ordered_json fields = nlohmann::ordered_json::array();
  for (int c : columns) {
    const ColumnSpec& column = spec.columns[c];
    nlohmann::ordered_json type = AvroType(column.type);
    if (column.nullable) {
      type = nlohmann::ordered_json::array({"null", std::move(type)});
    }
    fields.push_back({{"name", column.name}, {"type", std::move(type)}});
  }
  nlohmann::ordered_json schema = {
      {"type", "record"}, {"name", "__root__"}, {"fields", std::move(fields)}};
  return schema.dump();
}

void AppendAvroRows(const RowGenerator& generator,
                    const std::vector<int>& columns, int64_t begin, int64_t end,
                    std::string* out) {
  FieldValue scratch;
  AppendAvroRowsOf(
      generator.spec(), columns, begin, end,
      [&](int64_t row, int column) -> const FieldValue& {
        generator.FillCell(row, column, &scratch);
        return scratch;
      },
      out);
}

void AppendAvroRows(const TableSpec& spec, const std::vector<Row>& rows,
                    const std::vector<int>& columns, int64_t begin, int64_t end,
                    std::string* out) {
  AppendAvroRowsOf(
      spec, columns, begin, end,
      [&](int64_t row, int column) -> const FieldValue& {
        return rows[row][column];
      },
      out);
}

}  // namespace forkcheck
