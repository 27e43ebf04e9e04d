"""Exact-once accounting of the row ids [0, row_count) of one table: a port of
client/row_ledger.{h,cc} (one byte per row here; seen ranges are found with
bytearray.find, so they cost little even for millions of rows)."""

from typing import List, Tuple


class RowLedger:
    def __init__(self, row_count: int):
        self.row_count = max(row_count, 0)
        self._seen = bytearray(self.row_count)
        self.unique = 0
        self.duplicates = 0
        self.out_of_range = 0

    def record(self, row_id: int) -> bool:
        if row_id < 0 or row_id >= self.row_count:
            self.out_of_range += 1
            return False
        if self._seen[row_id]:
            self.duplicates += 1
            return False
        self._seen[row_id] = 1
        self.unique += 1
        return True

    def seen(self, row_id: int) -> bool:
        return 0 <= row_id < self.row_count and bool(self._seen[row_id])

    @property
    def recorded(self) -> int:
        return self.unique + self.duplicates + self.out_of_range

    @property
    def missing(self) -> int:
        return self.row_count - self.unique

    def seen_ranges(self) -> List[Tuple[int, int]]:
        """Seen ids as sorted, maximal [begin, end) intervals."""
        ranges = []
        begin = self._seen.find(1)
        while begin >= 0:
            end = self._seen.find(0, begin)
            if end < 0:
                end = self.row_count
            ranges.append((begin, end))
            begin = self._seen.find(1, end)
        return ranges
