"""The fake's deterministic rows, in Python: a port of dataset/row_generator.cc.

The value of column c of row i is a pure function of (table seed, i, c); the
C++ header states the value rules. This port must agree with it bit for bit
(row_generator_test.py compares the two), so it mirrors every integer and
floating-point step in the same order; 64-bit arithmetic is masked.

Values are Python values as python3-avro decodes them: INT64 and TIMESTAMP
(microseconds) int, FLOAT64 float, BOOL bool, STRING str, BYTES bytes, and
None for null.
"""

import math
import struct
from typing import List, Sequence

from testees.python_grpcio import catalogue as cat

_MASK = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15
_VALUE_SALT = 0x2545F4914F6CDD1D
_CONTENT_SALT = 0xD6E8FEB86659FD93
_NULL_PROBABILITY = 0.2
_MIN_TIMESTAMP_MICROS = 946684800 * 1000000
_MAX_TIMESTAMP_MICROS = 1893456000 * 1000000
_TIMESTAMP_BYTES = 8.0
_DOUBLE_BYTES = 8.0
_BOOL_BYTES = 1.0
_INT64_SPECIALS = (-(1 << 63), (1 << 63) - 1, 0, -1)
_DBL_MAX = 1.7976931348623157e308
_DBL_MIN = 2.2250738585072014e-308
_DENORM_MIN = 5e-324
_DOUBLE_SPECIALS = (0.0, -0.0, _DBL_MAX, -_DBL_MAX, _DBL_MIN, _DENORM_MIN, 1.0, -1.0)
_ONES = 0x0101010101010101


def mix64(z: int) -> int:
    """splitmix64's finaliser."""
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return z ^ (z >> 31)


def _below(random: int, range_: int) -> int:
    return (random * range_) >> 64


def _is_null(hash_: int) -> bool:
    return (((hash_ >> 32) * 5) >> 32) == 0


def _signed(u: int) -> int:
    return u - (1 << 64) if u >> 63 else u


def _mean_zigzag_varint_size(n: int) -> float:
    if n == 0:
        return 0.0
    total = 0.0
    low = 0
    for size in range(1, 11):
        if low >= n:
            break
        shift = 7 * size - 1
        high = n if shift >= 63 else min(n, 1 << shift)
        total += size * float(high - low)
        low = high
    return total / float(n)


def _mean_varint_size_of_uniform_bits(bits: int) -> float:
    total = math.ldexp(1.0, -bits)
    for b in range(1, bits + 1):
        total += math.ldexp(1.0, b - 1 - bits) * ((b + 6) // 7)
    return total


def _mean_int64_bytes() -> float:
    shifted = 0.0
    for shift in range(64):
        shifted += _mean_varint_size_of_uniform_bits(64 - shift)
    return (1.0 / 64) * 5.5 + (63.0 / 64) * (shifted / 64)


def _mean_variable_value_bytes(length_range: int) -> float:
    return _mean_zigzag_varint_size(length_range) + float(length_range - 1) / 2


def _cell_bytes(value_bytes: float, nullable: bool) -> float:
    return 1 + (1 - _NULL_PROBABILITY) * value_bytes if nullable else value_bytes


def _length_range_for_budget(budget: float, nullable: bool) -> int:
    def cost(range_):
        return _cell_bytes(_mean_variable_value_bytes(range_), nullable)

    if budget <= cost(1):
        return 1
    low, high = 1, 2
    while cost(high) < budget:
        low = high
        high *= 2
    while high - low > 1:
        mid = low + (high - low) // 2
        if cost(mid) < budget:
            low = mid
        else:
            high = mid
    return low if budget - cost(low) < cost(high) - budget else high


def _int64_value(v: int) -> int:
    if (v & 63) == 0:
        return _INT64_SPECIALS[(v >> 6) & 3]
    shift = (v >> 8) & 63
    return _signed(mix64(v)) >> shift  # Python's >> is arithmetic


def _double_value(v: int) -> float:
    if (v & 63) == 0:
        return _DOUBLE_SPECIALS[(v >> 6) & 7]
    r = mix64(v)
    exponent = 1023 - 40 + ((r >> 52) & 0x7FF) % 81
    bits = (r & (1 << 63)) | (exponent << 52) | (r & ((1 << 52) - 1))
    return struct.unpack("<d", struct.pack("<Q", bits))[0]


def _timestamp_value(v: int) -> int:
    return _MIN_TIMESTAMP_MICROS + _below(mix64(v), _MAX_TIMESTAMP_MICROS - _MIN_TIMESTAMP_MICROS)


def _content(seed: int, printable: bool, length: int) -> bytes:
    state = seed
    words = []
    for _ in range((length + 7) // 8):
        state = (state + 0xA0761D6478BD642F) & _MASK
        product = state * (state ^ 0xE7037ED1A0B428DB)
        word = (product >> 64) ^ (product & _MASK)
        if printable:
            word = (word & (0x3F * _ONES)) + 0x20 * _ONES + ((word >> 6) & _ONES) * 0x1F
        words.append(word)
    return struct.pack("<%dQ" % len(words), *words)[:length]


def _is_variable_length(type_: str) -> bool:
    return type_ in (cat.STRING, cat.BYTES)


class _ColumnPlan:
    __slots__ = ("type", "nullable", "is_row_id", "key", "length_range")


class RowGenerator:
    def __init__(self, spec: cat.TableSpec):
        self.spec = spec
        seed_key = mix64((spec.seed ^ _GOLDEN) & _MASK)
        fixed_bytes = 0.0
        variable_columns = 0
        self._plans: List[_ColumnPlan] = []
        for c, column in enumerate(spec.columns):
            plan = _ColumnPlan()
            plan.type = column.type
            plan.nullable = column.nullable
            plan.is_row_id = (
                c == 0 and column.name == cat.ROW_ID_COLUMN and column.type == cat.INT64 and not column.nullable
            )
            plan.key = mix64((seed_key + mix64(((c + 1) * _GOLDEN) & _MASK)) & _MASK)
            plan.length_range = 1
            self._plans.append(plan)
            if plan.is_row_id:
                value_bytes = _mean_zigzag_varint_size(max(spec.row_count, 0))
            elif column.type == cat.INT64:
                value_bytes = _mean_int64_bytes()
            elif column.type == cat.FLOAT64:
                value_bytes = _DOUBLE_BYTES
            elif column.type == cat.BOOL:
                value_bytes = _BOOL_BYTES
            elif column.type == cat.TIMESTAMP:
                value_bytes = _TIMESTAMP_BYTES
            else:
                variable_columns += 1
                continue
            fixed_bytes += _cell_bytes(value_bytes, column.nullable)
        if variable_columns > 0:
            budget = (float(spec.typical_row_bytes) - fixed_bytes) / variable_columns
            for plan in self._plans:
                if plan.is_row_id or not _is_variable_length(plan.type):
                    continue
                plan.length_range = _length_range_for_budget(budget, plan.nullable)

    def cell(self, index: int, column: int):
        """The value of column `column` of row `index` (any index)."""
        plan = self._plans[column]
        if plan.is_row_id:
            return index
        hash_ = mix64((plan.key + (index & _MASK) * _GOLDEN) & _MASK)
        if plan.nullable and _is_null(hash_):
            return None
        v = mix64(hash_ ^ _VALUE_SALT)
        type_ = plan.type
        if type_ == cat.INT64:
            return _int64_value(v)
        if type_ == cat.FLOAT64:
            return _double_value(v)
        if type_ == cat.BOOL:
            return bool(v >> 63)
        if type_ == cat.TIMESTAMP:
            return _timestamp_value(v)
        content = _content(v ^ _CONTENT_SALT, type_ == cat.STRING, _below(v, plan.length_range))
        return content.decode("ascii") if type_ == cat.STRING else content

    def row(self, index: int, columns: Sequence[int]) -> list:
        return [self.cell(index, c) for c in columns]


def same_value(expected, actual) -> bool:
    """Equality as dataset/row.h defines it: floats bit for bit (0.0 != -0.0),
    and a value's Python type must match (True is not 1)."""
    if type(expected) is not type(actual):
        return False
    if isinstance(expected, float):
        return struct.pack("<d", expected) == struct.pack("<d", actual)
    return expected == actual
