"""AvroRowsDecoder reads BigQuery-style Avro rows exactly, and rejects bad ones."""

import io
import json
import struct
import unittest

import avro.io
import avro.schema

from testees.python_grpcio import catalogue as cat
from testees.python_grpcio import row_generator
from testees.python_grpcio.avro_rows import AvroDecodeError, AvroRowsDecoder

_AVRO_TYPES = {cat.INT64: "long", cat.STRING: "string", cat.FLOAT64: "double", cat.BOOL: "boolean", cat.BYTES: "bytes"}


def _schema(table, with_logical_types=True):
    """The schema the fake sends (dataset/avro_encoder.cc's shape)."""
    fields = []
    for column in table.columns:
        if column.type == cat.TIMESTAMP:
            type_json = {"type": "long", "logicalType": "timestamp-micros"} if with_logical_types else "long"
        else:
            type_json = _AVRO_TYPES[column.type]
        fields.append({"name": column.name, "type": ["null", type_json] if column.nullable else type_json})
    return json.dumps({"type": "record", "name": "__root__", "fields": fields})


def _encode(table, rows):
    writer = avro.io.DatumWriter(avro.schema.parse(_schema(table, with_logical_types=False)))
    buffer = io.BytesIO()
    encoder = avro.io.BinaryEncoder(buffer)
    for row in rows:
        writer.write({c.name: v for c, v in zip(table.columns, row)}, encoder)
    return buffer.getvalue()


class AvroRowsTest(unittest.TestCase):
    def setUp(self):
        self.table = cat.default_catalogue().resolve("all_types")
        self.generator = row_generator.RowGenerator(self.table)
        self.columns = list(range(len(self.table.columns)))
        self.rows = [self.generator.row(i, self.columns) for i in range(300)]
        self.data = _encode(self.table, self.rows)
        self.decoder = AvroRowsDecoder(_schema(self.table))

    def test_columns_come_from_the_schema(self):
        self.assertEqual(self.decoder.columns, self.table.columns)

    def test_round_trip_is_exact(self):
        decoded = self.decoder.decode(self.data, len(self.rows))
        self.assertEqual(len(decoded), len(self.rows))
        for expected, actual in zip(self.rows, decoded):
            for c, column in enumerate(self.table.columns):
                self.assertTrue(
                    row_generator.same_value(expected[c], actual[c]),
                    f"row {expected[0]} {column.name}: {expected[c]!r} != {actual[c]!r}",
                )

    def test_truncated_and_trailing_bytes_are_errors(self):
        with self.assertRaisesRegex(AvroDecodeError, "row 299"):
            self.decoder.decode(self.data[:-1], len(self.rows))
        with self.assertRaisesRegex(AvroDecodeError, "trailing"):
            self.decoder.decode(self.data + b"\x00", len(self.rows))
        with self.assertRaisesRegex(AvroDecodeError, "trailing"):
            self.decoder.decode(self.data, len(self.rows) - 1)

    def test_a_boolean_byte_other_than_0_or_1_is_an_error(self):
        table = cat.TableSpec("projects/p/datasets/d/tables/t", 1, [cat.ColumnSpec("row_id", cat.INT64, False), cat.ColumnSpec("b", cat.BOOL, False)])
        decoder = AvroRowsDecoder(_schema(table))
        self.assertEqual(decoder.decode(b"\x02\x01", 1), [[1, True]])
        with self.assertRaisesRegex(AvroDecodeError, "boolean byte 2"):
            decoder.decode(b"\x02\x02", 1)

    def test_over_long_varint_is_an_error(self):
        table = cat.TableSpec("projects/p/datasets/d/tables/t", 1, [cat.ColumnSpec("row_id", cat.INT64, False)])
        with self.assertRaisesRegex(AvroDecodeError, "varint"):
            AvroRowsDecoder(_schema(table)).decode(b"\xff" * 11 + b"\x01", 1)

    def test_unsupported_schemas_are_refused(self):
        with self.assertRaisesRegex(AvroDecodeError, "unsupported Avro type"):
            AvroRowsDecoder(json.dumps({"type": "record", "name": "r", "fields": [{"name": "x", "type": "int"}]}))
        with self.assertRaisesRegex(AvroDecodeError, "not JSON"):
            AvroRowsDecoder("{")

    def test_float_bits_survive(self):
        table = cat.TableSpec("projects/p/datasets/d/tables/t", 1, [cat.ColumnSpec("row_id", cat.INT64, False), cat.ColumnSpec("d", cat.FLOAT64, False)])
        decoder = AvroRowsDecoder(_schema(table))
        data = b"".join(b"\x00" + struct.pack("<d", v) for v in (-0.0, 5e-324))
        values = [row[1] for row in decoder.decode(data, 2)]
        self.assertEqual([struct.pack("<d", v) for v in values], [struct.pack("<d", -0.0), struct.pack("<d", 5e-324)])


if __name__ == "__main__":
    unittest.main()
