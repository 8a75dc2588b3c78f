"""Keeping every losing version of a field and deciding which of them a person must review."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from typing import Any

from sqlalchemy import Connection, select

from hazdesk.store.models import SyncConflict
from hazdesk.sync.merge import still_open

_c = SyncConflict.__table__.c


def settle(
    connection: Connection,
    table: str,
    losers: list[dict[str, Any]],
    current: dict[str, tuple[dict[str, Any], dict[str, Any]]],
    bundle_id: uuid.UUID,
    now: dt.datetime,
) -> int:
    """Keep every losing version once, then decide again which of the field's versions are open.

    The decision (:func:`hazdesk.sync.merge.still_open`) looks at all versions of the field kept
    here plus the one in force, so it does not depend on the order bundles arrived in. Returns how
    many versions became open.
    """
    row_ids = sorted({r["row_id"] for r in losers})
    touched = {(r["row_id"], r["field"]) for r in losers}
    kept: dict[tuple[uuid.UUID, str], list[list[Any]]] = defaultdict(list)
    columns = (_c.id, _c.row_id, _c.field, _c.loser_hlc, _c.loser_device, _c.loser_base, _c.loser_value)
    for start in range(0, len(row_ids), 500):
        query = select(*columns, _c.status).where(_c.table_name == table, _c.row_id.in_(row_ids[start : start + 500]))
        for cid, row_id, name, hlc, device, base, value, status in connection.execute(query):
            if (row_id, name) in touched:
                kept[(row_id, name)].append([cid, (hlc, device.hex, base), value, status])
    fresh: dict[tuple[Any, ...], dict[str, Any]] = {}
    inserted: set[int] = set()  # conflict rows this bundle added (they start out open)
    for row in losers:
        stamp = (row["loser_hlc"], row["loser_device"].hex)
        key = (row["row_id"], row["field"], *stamp)
        if key in fresh or any(e[1][:2] == stamp for e in kept[(row["row_id"], row["field"])]):
            continue
        fresh[key] = row
    if fresh:
        connection.execute(SyncConflict.__table__.insert(), list(fresh.values()))
        known = {e[0] for entries in kept.values() for e in entries}
        new_ids = sorted({r["row_id"] for r in fresh.values()})
        for start in range(0, len(new_ids), 500):
            query = select(*columns).where(
                _c.table_name == table,
                _c.detected_at == now,
                _c.bundle_id == bundle_id,
                _c.row_id.in_(new_ids[start : start + 500]),
            )
            for cid, row_id, name, hlc, device, base, value in connection.execute(query):
                if cid not in known:
                    kept[(row_id, name)].append([cid, (hlc, device.hex, base), value, "open"])
                    inserted.add(cid)
    changes: dict[str, list[int]] = defaultdict(list)
    newly_open = 0
    for (row_id, name), entries in kept.items():
        stamps, values = current[row_id.hex]
        versions = [e[1] for e in entries]
        for cid, stamp, value, status in entries:
            if status in ("kept", "taken"):
                continue  # a person decided
            wanted = "open" if still_open(stamp, value, stamps[name], values[name], versions) else "superseded"
            if wanted != status:
                changes[wanted].append(cid)
            elif wanted == "open" and cid in inserted:
                newly_open += 1  # inserted open and stays open: no update, but it is new for review
    for status, ids in changes.items():
        for start in range(0, len(ids), 500):
            connection.execute(
                SyncConflict.__table__.update()
                .where(_c.id.in_(ids[start : start + 500]))
                .values(status=status, resolved_at=None if status == "open" else now)
            )
    return newly_open + len(changes.get("open", []))
