"""Application services: the operations the desktop and the CLI both call.

Each service runs one transaction (``Database.transaction``) and returns a :class:`Changes` naming
the records it wrote, so the interface refreshes exactly what changed (the Anki habit). Services
take plain values and ids, never widgets; they raise :class:`hazdesk.errors.HazdeskError`
subclasses with a message for the user and leave the database unchanged when they do.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field


@dataclass
class Changes:
    """Which records an operation created, changed or tombstoned, by entity name."""

    records: dict[str, set[uuid.UUID]] = field(default_factory=lambda: defaultdict(set))

    def add(self, entity: str, record_id: uuid.UUID) -> Changes:
        self.records[entity].add(record_id)
        return self

    def merge(self, other: Changes) -> Changes:
        for entity, ids in other.records.items():
            self.records[entity] |= ids
        return self

    def touches(self, entity: str) -> bool:
        return bool(self.records.get(entity))

    def __bool__(self) -> bool:
        return any(self.records.values())
