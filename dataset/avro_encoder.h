// Avro binary encoding of table rows, generated or stored (rows a writer
// appended to the fake), as the BigQuery Storage Read API sends them
// (ReadSession.avro_schema + ReadRowsResponse.avro_rows).

#ifndef FORKCHECK_DATASET_AVRO_ENCODER_H_
#define FORKCHECK_DATASET_AVRO_ENCODER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "dataset/row.h"
#include "dataset/row_generator.h"
#include "dataset/table_spec.h"

namespace forkcheck {

// BigQuery-style Avro schema of the projection `columns` (indices into
// spec.columns, in output order; must be in range):
//   {"type":"record","name":"__root__","fields":[{"name":..,"type":..},..]}
// with INT64->"long", STRING->"string", FLOAT64->"double", BOOL->"boolean",
// BYTES->"bytes", TIMESTAMP->{"type":"long","logicalType":"timestamp-micros"};
// nullable -> ["null", T].
std::string AvroSchemaJson(const TableSpec& spec,
                           const std::vector<int>& columns);

// Appends rows [begin, end) of the projection `columns` in Avro binary
// encoding (zig-zag varint longs, little-endian doubles, length-prefixed
// strings/bytes, union branch index), rows concatenated, no container-file
// framing: exactly what ReadRowsResponse.avro_rows.serialized_binary_rows
// carries. Appends nothing if end <= begin.
void AppendAvroRows(const RowGenerator& generator,
                    const std::vector<int>& columns, int64_t begin, int64_t end,
                    std::string* out);

// The same encoding of stored rows: appends rows[begin, end) of `rows`, each
// a full row of `spec` (one FieldValue per spec.columns, values as the
// generator would hold them), projected on `columns`. begin and end must be
// within [0, rows.size()]; appends nothing if end <= begin.
void AppendAvroRows(const TableSpec& spec, const std::vector<Row>& rows,
                    const std::vector<int>& columns, int64_t begin, int64_t end,
                    std::string* out);

}  // namespace forkcheck

#endif  // FORKCHECK_DATASET_AVRO_ENCODER_H_
