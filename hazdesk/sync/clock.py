"""Hybrid logical clock (HLC) stamps for every synced row.

A stamp is one 64-bit integer: the upper 48 bits are milliseconds since the Unix epoch, the lower
16 bits a counter that breaks ties inside one millisecond and carries causality when a device's wall
clock is behind a stamp it has seen (an inspector's laptop clock is often wrong). Integers compare,
index and serialise cheaply on SQLite and PostgreSQL alike; where two devices produce the same stamp
the merge breaks the tie by device id.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

COUNTER_BITS = 16
COUNTER_MASK = (1 << COUNTER_BITS) - 1


def pack(millis: int, counter: int) -> int:
    return (millis << COUNTER_BITS) | counter


def unpack(stamp: int) -> tuple[int, int]:
    return stamp >> COUNTER_BITS, stamp & COUNTER_MASK


def wall_millis() -> int:
    return time.time_ns() // 1_000_000


class HybridLogicalClock:
    """Issues strictly increasing stamps on one device. Thread-safe.

    ``last`` is the highest stamp issued or observed so far; the store persists it so that a restart
    (or a wall clock set back) never issues a stamp lower than one already written.
    """

    def __init__(self, last: int = 0, wall: Callable[[], int] = wall_millis) -> None:
        self._last = last
        self._wall = wall
        self._lock = threading.Lock()

    @property
    def last(self) -> int:
        return self._last

    def now(self) -> int:
        """A new stamp for a local change."""
        with self._lock:
            last_ms, last_counter = unpack(self._last)
            wall = self._wall()
            stamp = pack(wall, 0) if wall > last_ms else self._bump(last_ms, last_counter)
            self._last = stamp
            return stamp

    def observe(self, remote: int) -> int:
        """Merge a stamp received from another device; later local stamps sort after it."""
        with self._lock:
            if remote > self._last:
                self._last = remote
            return self._last

    @staticmethod
    def _bump(millis: int, counter: int) -> int:
        if counter < COUNTER_MASK:
            return pack(millis, counter + 1)
        # 65,536 stamps in one millisecond: borrow the next millisecond rather than wrap.
        return pack(millis + 1, 0)
