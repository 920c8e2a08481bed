"""The login throttle: short, growing waits after wrong codes, per (user name, client address).

Keyed by user name *and* address, so that nobody can keep a person out from another address;
from the same address (a venue behind one NAT) the wait never exceeds ``max_wait`` seconds, and
attempts made while waiting are refused without being counted (they cannot lengthen it) and
without hashing anything. The table is bounded: at most ``size`` entries, the least recently
used dropped first, and an entry is forgotten ``forget_after`` seconds after its last failure.
Standard library only.
"""

from __future__ import annotations

import time
from collections import OrderedDict


class Throttle:
    def __init__(
        self,
        free: int = 3,
        max_wait: float = 60.0,
        size: int = 10_000,
        forget_after: float = 900.0,
        clock=time.monotonic,
    ):
        self.free, self.max_wait, self.size, self.forget_after = free, max_wait, size, forget_after
        self.clock = clock
        self._table: OrderedDict[tuple, tuple[int, float]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._table)

    def _get(self, key) -> tuple[int, float]:
        entry = self._table.get(key)
        if entry is None:
            return 0, 0.0
        if self.clock() - entry[1] > self.forget_after:
            del self._table[key]
            return 0, 0.0
        return entry

    def wait(self, key) -> float:
        """Seconds before ``key`` may try again (0: now)."""
        count, last = self._get(key)
        if count < self.free:
            return 0.0
        delay = min(self.max_wait, 2.0 ** (count - self.free))
        return max(0.0, last + delay - self.clock())

    def fail(self, key) -> None:
        count, _ = self._get(key)
        self._table[key] = (count + 1, self.clock())
        self._table.move_to_end(key)
        while len(self._table) > self.size:
            self._table.popitem(last=False)

    def clear(self, key) -> None:
        self._table.pop(key, None)
