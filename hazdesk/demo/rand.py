"""Seeded randomness and the value formats the bulk writer stores.

Every concern draws from its own stream (``stream(seed, "enterprises", "320115")``), so changing how
inspections are made never changes an enterprise's name or id. String seeds are hashed by
:class:`random.Random` with SHA-512, which is stable across runs and platforms (unlike ``hash()``).

Values are produced directly in the form SQLAlchemy stores on SQLite (``Uuid`` → 32 hex digits, ``Date``
→ ISO text, ``DateTime`` → ``YYYY-MM-DD HH:MM:SS.ffffff``, ``Boolean`` → 0/1, ``JSON`` → ``json.dumps``)
because converting millions of values through type processors would cost more than the whole budget.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import json
import random
from collections.abc import Sequence
from typing import Any, TypeVar

T = TypeVar("T")

# uuid.UUID(int=..., version=4) sets these bits; doing it on the int is ~5x faster for millions of ids.
_VERSION_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))
_VERSION_SET = (0x4000 << 64) | (0x8000 << 48)


class DemoRandom(random.Random):
    """``random.Random`` plus the few draws the generators repeat millions of times."""

    def uuid_hex(self) -> str:
        """A version-4 UUID as SQLAlchemy's ``Uuid`` stores it on SQLite (32 lower-case hex digits)."""
        return f"{(self.getrandbits(128) & _VERSION_CLEAR) | _VERSION_SET:032x}"

    def chance(self, p: float) -> bool:
        return self.random() < p

    def pick(self, options: Weighted[T]) -> T:
        return options.draw(self)

    def log_uniform(self, low: float, high: float) -> float:
        """Quantities spread over orders of magnitude (tonnages, populations) look like this."""
        return low * (high / low) ** self.random()


class Weighted(Sequence[T]):
    """Options with weights, cumulative sums precomputed once so each draw is a bisect."""

    def __init__(self, pairs: Sequence[tuple[T, float]]) -> None:
        self.options = [o for o, _ in pairs]
        self.cumulative = list(itertools.accumulate(w for _, w in pairs))
        self.total = self.cumulative[-1]

    def draw(self, rng: random.Random) -> T:
        return self.options[bisect.bisect_right(self.cumulative, rng.random() * self.total)]

    def __getitem__(self, index: int) -> T:  # type: ignore[override]
        return self.options[index]

    def __len__(self) -> int:
        return len(self.options)


def stream(seed: int, *names: str) -> DemoRandom:
    return DemoRandom("hazdesk-demo/" + "/".join((str(seed), *names)))


def db_date(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def db_datetime(moment: dt.datetime | None) -> str | None:
    return None if moment is None else moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def db_json(value: Any) -> str:
    # json.dumps with its defaults is what SQLAlchemy's JSON type writes on SQLite.
    return json.dumps(value)


def uuid_text(hex32: str) -> str:
    """The hyphenated form, for ids kept inside JSON values (reinspection.inspector_ids)."""
    return f"{hex32[:8]}-{hex32[8:12]}-{hex32[12:16]}-{hex32[16:20]}-{hex32[20:]}"
