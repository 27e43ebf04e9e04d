"""Decodes the Avro rows of a ReadRowsResponse with python3-avro.

AvroRows.serialized_binary_rows holds `row_count` records back to back, each
written with the session's schema (ReadSession.avro_schema.schema). The
decoder reads them with avro.io.DatumReader over a BinaryDecoder, as a Python
client of BigQuery Storage does, and is as strict as the C++ reader's
(client/avro_row_decoder.h): a boolean byte other than 0 or 1, an over-long
varint, a truncated record or trailing bytes are errors.

Timestamps: the schema marks them `long` with logicalType timestamp-micros;
the decoder reads them with the logical type removed, so they come back as
the exact integer microseconds rather than datetimes.
"""

import copy
import io
import json
from typing import List, Tuple

import avro.errors
import avro.io
import avro.schema

from testees.python_grpcio import catalogue as cat


class AvroDecodeError(ValueError):
    pass


class _StrictDecoder(avro.io.BinaryDecoder):
    def read_boolean(self) -> bool:
        byte = self.read(1)[0]
        if byte > 1:
            raise AvroDecodeError(f"boolean byte {byte}, expected 0 or 1")
        return byte == 1

    def read_long(self) -> int:
        n = 0
        shift = 0
        for _ in range(10):
            b = self.read(1)[0]
            n |= (b & 0x7F) << shift
            if not b & 0x80:
                return (n >> 1) ^ -(n & 1)
            shift += 7
        raise AvroDecodeError("varint longer than 10 bytes")


_PRIMITIVES = {"long": cat.INT64, "string": cat.STRING, "double": cat.FLOAT64, "boolean": cat.BOOL, "bytes": cat.BYTES}


def _column_type(type_json, label: str) -> Tuple[str, object]:
    """The column type of a non-null field type, and that type without its
    logicalType."""
    logical = None
    name = type_json
    if isinstance(type_json, dict):
        name = type_json.get("type")
        logical = type_json.get("logicalType")
    if name not in _PRIMITIVES:
        raise AvroDecodeError(f"{label}: unsupported Avro type {json.dumps(type_json)}")
    if logical == "timestamp-micros":
        if name != "long":
            raise AvroDecodeError(f"{label}: logicalType timestamp-micros requires long")
        return cat.TIMESTAMP, "long"
    return _PRIMITIVES[name], name


class AvroRowsDecoder:
    """Decoder of one session schema: `columns` are its fields, in order."""

    def __init__(self, schema_json: str):
        try:
            schema = json.loads(schema_json)
        except ValueError as e:
            raise AvroDecodeError(f"schema is not JSON: {e}") from None
        if not isinstance(schema, dict) or schema.get("type") != "record":
            raise AvroDecodeError("schema is not a record")
        plain = copy.deepcopy(schema)
        self.columns: List[cat.ColumnSpec] = []
        for i, field in enumerate(plain.get("fields", [])):
            label = f"field {field.get('name')!r} (fields[{i}])"
            type_json = field.get("type")
            nullable = False
            if isinstance(type_json, list):
                branches = [b for b in type_json if b != "null"]
                if len(type_json) != 2 or len(branches) != 1:
                    raise AvroDecodeError(f"{label}: unions must be [null, T] or [T, null]")
                nullable = True
                column_type, plain_branch = _column_type(branches[0], label)
                field["type"] = [plain_branch if b != "null" else "null" for b in type_json]
            else:
                column_type, field["type"] = _column_type(type_json, label)
            self.columns.append(cat.ColumnSpec(field["name"], column_type, nullable))
        try:
            self._reader = avro.io.DatumReader(avro.schema.parse(json.dumps(plain)))
        except (avro.errors.AvroException, TypeError, ValueError) as e:
            raise AvroDecodeError(f"schema: {e}") from None
        self.field_names = [c.name for c in self.columns]

    def decode(self, data: bytes, row_count: int) -> List[list]:
        """Exactly `row_count` rows of `data`, each a list of field values."""
        buffer = io.BytesIO(data)
        decoder = _StrictDecoder(buffer)
        rows = []
        names = self.field_names
        try:
            for _ in range(row_count):
                record = self._reader.read(decoder)
                rows.append([record[name] for name in names])
        except AvroDecodeError as e:
            raise AvroDecodeError(f"row {len(rows)}: {e}") from None
        except (avro.errors.AvroException, UnicodeDecodeError, IndexError, KeyError, TypeError, ValueError) as e:
            raise AvroDecodeError(f"row {len(rows)}: {type(e).__name__}: {e}") from None
        if buffer.tell() != len(data):
            raise AvroDecodeError(f"{len(data) - buffer.tell()} trailing bytes after {row_count} rows")
        return rows
