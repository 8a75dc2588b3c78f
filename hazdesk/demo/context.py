"""What every generator of one demo build shares: the scale, the fixed "today", the seed, the stamp
counter and the registers that keep names, codes and licence numbers unique across the city."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from dataclasses import dataclass, field

from hazdesk.demo.rand import DemoRandom, stream


@dataclass(frozen=True)
class Scale:
    """Target sizes of a build. ``district``/``city`` follow DESIGN.md's scale table; ``tiny`` is for tests."""

    name: str
    enterprises: int
    inspections: int
    findings: int
    whole_city: bool  # False: one district only
    years: int = 3  # how far back inspections go
    full_answer_days: int = 90  # the latest inspection of an enterprise answers every item if this recent


SCALES: dict[str, Scale] = {
    "tiny": Scale("tiny", 60, 200, 600, whole_city=False),
    "district": Scale("district", 3_000, 10_000, 50_000, whole_city=False),
    "city": Scale("city", 20_000, 120_000, 600_000, whole_city=True),
}


@dataclass
class Context:
    seed: int
    today: dt.date
    scale: Scale
    first_stamp: int  # rows get consecutive stamps from here (bulk rows cannot ask the clock one by one)
    stamps: itertools.count[int] = field(init=False)
    names: set[str] = field(default_factory=set)
    usccs: set[str] = field(default_factory=set)
    licence_serials: Counter[tuple[str, int]] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self.stamps = itertools.count(self.first_stamp)

    def rng(self, *names: str) -> DemoRandom:
        return stream(self.seed, *names)

    def next_licence_serial(self, kind: str, year: int) -> int:
        self.licence_serials[kind, year] += 1
        return self.licence_serials[kind, year]

    def last_stamp(self) -> int:
        """The highest stamp handed out so far (the counter's next value minus one)."""
        return next(self.stamps) - 1
