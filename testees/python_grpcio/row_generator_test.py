"""The Python row generator agrees with the C++ one on every default table.

Runs //testees/python_grpcio/testing:generated_rows (the C++ RowGenerator) on
a set of row indexes and compares every cell with row_generator.py's, bit for
bit: nulls, 64-bit extremes, -0.0 and subnormal doubles, timestamps, string
and bytes contents.
"""

import json
import os
import struct
import subprocess
import unittest

from testees.python_grpcio import catalogue as cat
from testees.python_grpcio import row_generator
from testees.python_grpcio.testing import runfiles

# The first rows, rows near the end of each table, and indexes outside it.
_ROWS = list(range(0, 400)) + [999, 1000, 9999, 10000, 199999, 1999999, -1, -5, 1 << 40, (1 << 63) - 1]


def _as_json_cell(column_type, value):
    if value is None:
        return None
    if column_type == cat.FLOAT64:
        return {"d": "%016x" % struct.unpack("<Q", struct.pack("<d", value))[0]}
    if column_type == cat.STRING:
        return {"b": value.encode("ascii").hex()}
    if column_type == cat.BYTES:
        return {"b": value.hex()}
    return {"i": int(value)}


class RowGeneratorTest(unittest.TestCase):
    def test_matches_the_cpp_generator_on_every_default_table(self):
        binary = runfiles.path("testees/python_grpcio/testing/generated_rows")
        output = subprocess.run(
            [binary] + [str(r) for r in _ROWS], check=True, capture_output=True, text=True, timeout=60
        ).stdout
        catalogue = cat.default_catalogue()
        lines = output.splitlines()
        self.assertEqual(len(lines), len(catalogue.tables) * len(_ROWS))
        generators = {t.name: row_generator.RowGenerator(t) for t in catalogue.tables}
        kinds_seen = set()
        for line in lines:
            expected = json.loads(line)
            table = catalogue.find(expected["table"])
            self.assertIsNotNone(table, expected["table"])
            generator = generators[table.name]
            for c, column in enumerate(table.columns):
                value = generator.cell(expected["row"], c)
                cell = _as_json_cell(column.type, value)
                self.assertEqual(
                    cell, expected["cells"][c], f"{table.name} row {expected['row']} column {column.name}"
                )
                if value is None:
                    kinds_seen.add("null")
                elif isinstance(value, float) and value == 0.0 and struct.pack("<d", value)[7] & 0x80:
                    kinds_seen.add("negative zero")
                elif value == 5e-324:
                    kinds_seen.add("subnormal")
                elif value == -(1 << 63):
                    kinds_seen.add("int64 min")
        # The rows compared include the edge values the generator produces.
        self.assertEqual(kinds_seen, {"null", "negative zero", "subnormal", "int64 min"})

    def test_value_types_are_what_avro_decodes(self):
        table = cat.default_catalogue().resolve("all_types")
        generator = row_generator.RowGenerator(table)
        types = {cat.INT64: int, cat.TIMESTAMP: int, cat.FLOAT64: float, cat.BOOL: bool, cat.STRING: str, cat.BYTES: bytes}
        for row in range(50):
            for c, column in enumerate(table.columns):
                value = generator.cell(row, c)
                if value is not None:
                    self.assertIs(type(value), types[column.type], column.name)

    def test_same_value_compares_floats_bit_for_bit(self):
        self.assertTrue(row_generator.same_value(1.5, 1.5))
        self.assertFalse(row_generator.same_value(0.0, -0.0))
        self.assertFalse(row_generator.same_value(1, True))
        self.assertFalse(row_generator.same_value(None, 0))
        self.assertTrue(row_generator.same_value(None, None))


if __name__ == "__main__":
    unittest.main()
