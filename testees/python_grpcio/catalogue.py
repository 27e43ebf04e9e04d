"""The fake's synthetic tables, read from dataset/default_catalogue.json.

A Python reading of dataset/table_spec.{h,cc} and dataset/catalogue.{h,cc}: the
same defaults (mode NULLABLE, seed 0, typical_row_bytes 100, rows_per_chunk
1000) and the implicit first column "row_id". The JSON file is the single
source of truth; it is found beside this module in the runfiles tree (or the
source tree).
"""

import dataclasses
import json
import os
from typing import Dict, List, Optional

INT64 = "INT64"
STRING = "STRING"
FLOAT64 = "FLOAT64"
BOOL = "BOOL"
TIMESTAMP = "TIMESTAMP"
BYTES = "BYTES"

ROW_ID_COLUMN = "row_id"

_TYPE_NAMES = {
    "INT64": INT64,
    "INTEGER": INT64,
    "STRING": STRING,
    "FLOAT64": FLOAT64,
    "DOUBLE": FLOAT64,
    "FLOAT": FLOAT64,
    "BOOL": BOOL,
    "BOOLEAN": BOOL,
    "TIMESTAMP": TIMESTAMP,
    "BYTES": BYTES,
}

_TABLE_KEYS = {"name", "row_count", "seed", "typical_row_bytes", "rows_per_chunk", "columns"}
_COLUMN_KEYS = {"name", "type", "mode"}


@dataclasses.dataclass(frozen=True)
class ColumnSpec:
    name: str
    type: str
    nullable: bool


@dataclasses.dataclass(frozen=True)
class TableSpec:
    name: str
    row_count: int
    columns: List[ColumnSpec]
    typical_row_bytes: int = 100
    seed: int = 0
    rows_per_chunk: int = 1000

    def column_index(self, column_name: str) -> int:
        for i, column in enumerate(self.columns):
            if column.name == column_name:
                return i
        return -1


class CatalogueError(ValueError):
    pass


def _check_keys(value, allowed, path):
    if not isinstance(value, dict):
        raise CatalogueError(f"{path}: expected an object")
    unknown = sorted(set(value) - allowed)
    if unknown:
        raise CatalogueError(f"{path}: unknown key {unknown[0]!r}")


def _parse_column(value, path) -> ColumnSpec:
    _check_keys(value, _COLUMN_KEYS, path)
    type_name = value.get("type")
    if type_name not in _TYPE_NAMES:
        raise CatalogueError(f"{path}.type: unknown type {type_name!r}")
    mode = value.get("mode", "NULLABLE")
    if mode not in ("NULLABLE", "REQUIRED"):
        raise CatalogueError(f"{path}.mode: unknown mode {mode!r}")
    name = value.get("name")
    if not isinstance(name, str) or not name or name == ROW_ID_COLUMN:
        raise CatalogueError(f"{path}.name: bad column name {name!r}")
    return ColumnSpec(name, _TYPE_NAMES[type_name], mode == "NULLABLE")


def _int(value, key, default, minimum, path):
    number = value.get(key, default)
    if not isinstance(number, int) or isinstance(number, bool) or number < minimum:
        raise CatalogueError(f"{path}.{key}: expected an integer >= {minimum}, got {number!r}")
    return number


def _parse_table(value, path) -> TableSpec:
    _check_keys(value, _TABLE_KEYS, path)
    name = value.get("name")
    if not isinstance(name, str):
        raise CatalogueError(f"{path}.name: expected a string")
    if "row_count" not in value:
        raise CatalogueError(f"{path}.row_count: missing")
    columns = [ColumnSpec(ROW_ID_COLUMN, INT64, False)]
    for i, column in enumerate(value.get("columns", [])):
        columns.append(_parse_column(column, f"{path}.columns[{i}]"))
    return TableSpec(
        name=name,
        row_count=_int(value, "row_count", 0, 0, path),
        columns=columns,
        typical_row_bytes=_int(value, "typical_row_bytes", 100, 0, path),
        seed=_int(value, "seed", 0, 0, path),
        rows_per_chunk=_int(value, "rows_per_chunk", 1000, 1, path),
    )


def parse_catalogue_json(text: str) -> List[TableSpec]:
    root = json.loads(text)
    _check_keys(root, {"tables"}, "catalogue")
    tables = root.get("tables")
    if not isinstance(tables, list):
        raise CatalogueError("tables: expected an array")
    return [_parse_table(table, f"tables[{i}]") for i, table in enumerate(tables)]


class Catalogue:
    def __init__(self, tables: List[TableSpec]):
        self.tables = list(tables)
        self._by_name: Dict[str, TableSpec] = {}
        for table in self.tables:
            self._by_name.setdefault(table.name, table)

    def find(self, table_name: str) -> Optional[TableSpec]:
        return self._by_name.get(table_name)

    def resolve(self, name: str) -> Optional[TableSpec]:
        """A full name, or the last component of exactly one table's name."""
        table = self.find(name)
        if table is not None:
            return table
        matches = [t for t in self.tables if t.name.endswith("/tables/" + name)]
        return matches[0] if len(matches) == 1 else None


def default_catalogue_path() -> str:
    here = os.path.dirname(os.path.abspath(__file__))
    return os.path.normpath(os.path.join(here, "..", "..", "dataset", "default_catalogue.json"))


_default: Optional[Catalogue] = None


def default_catalogue() -> Catalogue:
    """dataset/default_catalogue.json, parsed once."""
    global _default
    if _default is None:
        with open(default_catalogue_path(), encoding="utf-8") as f:
            _default = Catalogue(parse_catalogue_json(f.read()))
    return _default
