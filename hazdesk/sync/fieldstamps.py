"""Per-field stamps: which device changed which field when, so merges go field by field.

A row that was never edited after it was made needs nothing stored: each field carries the row's
``hlc`` and ``origin_device_id``. When a session changes a synced row, :func:`install`'s listener
records the changed fields with the row's new stamp and this device, keeping the older stamps of
the other fields (table ``sync_field_stamp``). Imports write the merged stamps themselves.

A stamp is ``(hlc, device hex, base)``; ``base`` is the hlc of the newest value of another device
that the edit replaced, which lets a merge tell an edit made on top of another from a concurrent one.

The listener is registered on the :class:`~sqlalchemy.orm.Session` class (``after_flush``: the
attribute history is still there and the Database's ``before_flush`` has already stamped the row),
so every session of every Database records stamps without changes to ``hazdesk.store.database``.
Changes made with SQL statements outside the ORM record no field stamps: a merge then treats every
field of that row as changed at the row's stamp.
"""

from __future__ import annotations

import uuid
import weakref
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, Engine, delete, event, insert, inspect, select, tuple_
from sqlalchemy.orm import Session

from hazdesk.store.base import Synced
from hazdesk.store.models import LocalSetting, SyncFieldStamp
from hazdesk.sync.records import NOT_SYNCED

Stamp = tuple[int, str, int]  # hlc, device id (32 hex), base hlc
SKIP = frozenset({"id", "origin_device_id", "hlc", "deleted"})
_table = SyncFieldStamp.__table__
_devices: weakref.WeakKeyDictionary[Engine, str] = weakref.WeakKeyDictionary()


def key(stamp: Stamp) -> tuple[int, str]:
    """The order of stamps: clock first, then device id so that equal clocks still decide."""
    return stamp[0], stamp[1]


def expand(stored: dict[str, Any] | None, fields: Iterable[str], hlc: int, origin: str) -> dict[str, Stamp]:
    if not stored:
        default: Stamp = (hlc, origin, 0)
        return dict.fromkeys(fields, default)
    star = stored.get("*")
    fallback: Stamp = (int(star[0]), str(star[1]), int(star[2])) if star else (hlc, origin, 0)
    out: dict[str, Stamp] = {}
    for name in fields:
        value = stored.get(name)
        out[name] = (int(value[0]), str(value[1]), int(value[2])) if value else fallback
    return out


def compact(stamps: dict[str, Stamp], hlc: int, origin: str) -> dict[str, Any] | None:
    """The stored form: ``None`` when every field has the row's own stamp, else ``"*"`` + exceptions."""
    default: Stamp = (hlc, origin, 0)
    if all(s == default for s in stamps.values()):
        return None
    counts = Counter(stamps.values())
    # The most common stamp becomes "*" (ties: the highest), so the stored form does not depend on
    # the order fields were merged in.
    star = max(counts, key=lambda s: (counts[s], s))
    out: dict[str, Any] = {"*": list(star)}
    for name, stamp in sorted(stamps.items()):
        if stamp != star:
            out[name] = list(stamp)
    return out


def load(connection: Connection, table: str, ids: list[uuid.UUID]) -> dict[uuid.UUID, dict[str, Any]]:
    out: dict[uuid.UUID, dict[str, Any]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = connection.execute(
            select(_table.c.row_id, _table.c.stamps).where(_table.c.table_name == table, _table.c.row_id.in_(chunk))
        )
        out.update({row_id: stamps for row_id, stamps in rows})
    return out


def save(connection: Connection, table: str, entries: dict[uuid.UUID, dict[str, Any] | None]) -> None:
    """Replace the stored stamps of these rows (``None`` removes them)."""
    if not entries:
        return
    ids = list(entries)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        connection.execute(delete(_table).where(_table.c.table_name == table, _table.c.row_id.in_(chunk)))
    rows = [{"table_name": table, "row_id": k, "stamps": v} for k, v in entries.items() if v is not None]
    if rows:
        connection.execute(insert(_table), rows)


def all_pairs(connection: Connection, pairs: list[tuple[str, uuid.UUID]]) -> dict[tuple[str, uuid.UUID], Any]:
    """Stamps for (table, id) pairs of mixed tables (used by the export)."""
    out: dict[tuple[str, uuid.UUID], Any] = {}
    for start in range(0, len(pairs), 400):
        chunk = pairs[start : start + 400]
        rows = connection.execute(
            select(_table.c.table_name, _table.c.row_id, _table.c.stamps).where(
                tuple_(_table.c.table_name, _table.c.row_id).in_(chunk)
            )
        )
        out.update({(t, r): s for t, r, s in rows})
    return out


# --- recording local edits -------------------------------------------------------------------
def _local_device(connection: Connection) -> str:
    engine = connection.engine
    cached = _devices.get(engine)
    if cached is None:
        value = connection.scalar(select(LocalSetting.value).where(LocalSetting.key == "device_id"))
        cached = uuid.UUID(str(value)).hex if value else uuid.UUID(int=0).hex
        _devices[engine] = cached
    return cached


def _after_flush(session: Session, _context: object) -> None:
    edits: dict[str, list[tuple[Synced, list[str], int]]] = defaultdict(list)
    for obj in session.dirty:
        if not isinstance(obj, Synced):
            continue
        state = inspect(obj)
        changed: list[str] = []
        old_hlc: int | None = None
        for attr in state.mapper.column_attrs:
            history = state.attrs[attr.key].history
            if not history.has_changes():
                continue
            if attr.key == "hlc":
                old_hlc = history.deleted[0] if history.deleted else None
            elif attr.key not in SKIP:
                changed.append(attr.key)
        if old_hlc is not None and obj.__table__.name not in NOT_SYNCED:  # type: ignore[attr-defined]
            # Even when only ``deleted`` changed: the new row stamp must not look like a new
            # stamp of every field (the stored stamps keep them as they were).
            edits[obj.__table__.name].append((obj, changed, old_hlc))  # type: ignore[attr-defined]
    if not edits:
        return
    connection = session.connection()
    device = _local_device(connection)
    for table, items in edits.items():
        fields = [c.name for c in items[0][0].__table__.columns if c.name not in SKIP]  # type: ignore[attr-defined]
        stored = load(connection, table, [obj.id for obj, _, _ in items])
        entries: dict[uuid.UUID, dict[str, Any] | None] = {}
        for obj, changed, old_hlc in items:
            origin = obj.origin_device_id.hex
            stamps = expand(stored.get(obj.id), fields, old_hlc, origin)
            for name in changed:
                previous = stamps[name]
                # The base is the newest value from *another* device that this edit replaced: a
                # second edit of our own unsent value keeps the first one's base, so a receiver
                # that never saw the first edit still knows this one was made on top of that value.
                base = previous[2] if previous[1] == device else previous[0]
                stamps[name] = (obj.hlc, device, base)
            entries[obj.id] = compact(stamps, obj.hlc, origin)
        save(connection, table, entries)


def install() -> None:
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
