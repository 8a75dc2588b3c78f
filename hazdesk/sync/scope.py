"""Which rows a bundle carries.

* **Scope.** To the office: everything. To a district laptop (the office's receipts): the rows of
  that district — tables with a ``district_code`` by that code, their children through foreign keys,
  attachments through their owner — plus tables with no district (checklists, number series). Audit
  events stay at the office. Rows outside the scope that an exported row points at (an inspector
  from another district on a joint inspection) are added, so every reference resolves.
* **Drafts stay home.** A draft inspection and everything hanging from it (answers, findings it
  produced, their photos and documents) is held back until it is completed: evidence travels only
  in its final form, which is what lets the office refuse any later change to it. When it is
  completed, its children travel with it even if they were stamped before the last acknowledgement.
* **Incremental.** Rows stamped after what the destination acknowledged; none the destination
  wrote last itself (echo suppression — the merge would ignore them anyway).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import ColumnElement, Connection, and_, false, or_, select, true

from hazdesk.sync.records import ATTACHMENT_OWNERS, TableSpec, specs

OFFICE_ONLY = frozenset({"audit_event"})
_CHUNK = 500


def _fk_columns(spec: TableSpec) -> list[tuple[str, str]]:
    return [(c.name, c.references) for c in spec.columns if c.references and c.references != spec.name]


def district_filter(table: str, district: str, _depth: int = 0) -> ColumnElement[bool] | None:
    """A WHERE clause for the rows of ``table`` in ``district``; ``None`` means every row (global)."""
    spec = specs()[table]
    t = spec.table
    if table in OFFICE_ONLY:
        return false()
    if "district_code" in t.c:
        return t.c.district_code == district
    if table == "attachment":
        clauses = []
        for kind, owner in ATTACHMENT_OWNERS.items():
            owner_filter = district_filter(owner, district, _depth + 1)
            owner_t = specs()[owner].table
            inner = select(owner_t.c.id) if owner_filter is None else select(owner_t.c.id).where(owner_filter)
            clauses.append(and_(t.c.owner_kind == kind, t.c.owner_id.in_(inner)))
        return or_(*clauses)
    # Follow the first required reference to a table that is itself scoped (enterprise, inspection…).
    for required in (True, False):
        for name, target in _fk_columns(spec):
            if spec.by_name[name].nullable == required:
                continue
            target_filter = district_filter(target, district, _depth + 1)
            if target_filter is None or _depth > 6:
                continue
            target_t = specs()[target].table
            return t.c[name].in_(select(target_t.c.id).where(target_filter))
    return None


def _ids_where(connection: Connection, table: str, column: str, values: Iterable[uuid.UUID]) -> set[uuid.UUID]:
    t = specs()[table].table
    found: set[uuid.UUID] = set()
    values = list(values)
    for start in range(0, len(values), _CHUNK):
        chunk = values[start : start + _CHUNK]
        found.update(connection.scalars(select(t.c.id).where(t.c[column].in_(chunk))))
    return found


def _attachments_of(connection: Connection, ids: dict[str, set[uuid.UUID]]) -> set[uuid.UUID]:
    t = specs()["attachment"].table
    found: set[uuid.UUID] = set()
    for kind, owner in ATTACHMENT_OWNERS.items():
        owners = list(ids.get(owner, ()))
        for start in range(0, len(owners), _CHUNK):
            chunk = owners[start : start + _CHUNK]
            found.update(connection.scalars(select(t.c.id).where(t.c.owner_kind == kind, t.c.owner_id.in_(chunk))))
    return found


def descendants(connection: Connection, roots: dict[str, set[uuid.UUID]]) -> dict[str, set[uuid.UUID]]:
    """``roots`` and every row that points at them, through foreign keys and attachment owners."""
    found: dict[str, set[uuid.UUID]] = defaultdict(set)
    for table, ids in roots.items():
        found[table] |= ids
    for table, spec in specs().items():  # parents come before children: one pass reaches them all
        if table == "attachment":
            found[table] |= _attachments_of(connection, found)
            continue
        for name, target in _fk_columns(spec):
            if found.get(target):
                found[table] |= _ids_where(connection, table, name, found[target])
    return found


def held_back(connection: Connection) -> dict[str, set[uuid.UUID]]:
    """Draft inspections and everything hanging from them (not exported yet)."""
    t = specs()["inspection"].table
    drafts = set(connection.scalars(select(t.c.id).where(t.c.state == "draft", t.c.deleted.is_(false()))))
    if not drafts:
        return {}
    return descendants(connection, {"inspection": drafts})


def completed_since(connection: Connection, since: int) -> dict[str, set[uuid.UUID]]:
    """Children of inspections completed after ``since``: they travel now whatever their stamp."""
    if since <= 0:
        return {}
    t = specs()["inspection"].table
    done = set(connection.scalars(select(t.c.id).where(t.c.state == "completed", t.c.hlc > since)))
    if not done:
        return {}
    return descendants(connection, {"inspection": done})


def selection(table: str, since: int, district: str | None) -> ColumnElement[bool]:
    t = specs()[table].table
    clause: ColumnElement[bool] = t.c.hlc > since if since > 0 else true()
    if district is not None:
        scoped = district_filter(table, district)
        if scoped is not None:
            clause = and_(clause, scoped)
    return clause


def outside_scope(connection: Connection, table: str, ids: set[uuid.UUID], district: str) -> set[uuid.UUID]:
    """Of ``ids`` (rows of ``table`` that exported rows point at), those the district does not hold."""
    scoped = district_filter(table, district)
    if scoped is None or not ids:
        return set()
    t = specs()[table].table
    out: set[uuid.UUID] = set()
    values = list(ids)
    for start in range(0, len(values), _CHUNK):
        chunk = values[start : start + _CHUNK]
        out.update(connection.scalars(select(t.c.id).where(t.c.id.in_(chunk), ~scoped)))
    return out
