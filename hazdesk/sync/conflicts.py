"""The conflict list (冲突复核): concurrent edits that lost a merge, for a person to decide.

Keeping the current value closes the entry. Taking the losing value is an ordinary local edit of
that field (new stamp, made on top of the current value), so it travels in the next bundle and wins
everywhere without raising a new conflict.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from hazdesk.errors import ValidationError
from hazdesk.store.database import Database
from hazdesk.store.models import SYNCED_MODELS, SyncConflict
from hazdesk.sync.records import RecordError, specs, to_python


@dataclass(frozen=True)
class ConflictView:
    id: int
    table_name: str
    row_id: str
    field: str
    current_value: Any
    losing_value: Any
    winner_device: str
    loser_device: str
    detected_at: dt.datetime
    status: str


def list_conflicts(db: Database, *, status: str = "open", limit: int = 500) -> list[ConflictView]:
    with db.session() as session:
        rows = session.scalars(
            select(SyncConflict).where(SyncConflict.status == status).order_by(SyncConflict.id).limit(limit)
        )
        return [
            ConflictView(
                c.id, c.table_name, str(c.row_id), c.field, c.winner_value, c.loser_value,
                str(c.winner_device), str(c.loser_device), c.detected_at, c.status,
            )
            for c in rows
        ]  # fmt: skip


def resolve_conflict(db: Database, conflict_id: int, *, take_losing_value: bool) -> None:
    models = {m.__tablename__: m for m in SYNCED_MODELS}  # type: ignore[attr-defined]
    with db.transaction() as session:
        conflict = session.get(SyncConflict, conflict_id)
        if conflict is None or conflict.status != "open":
            raise ValidationError(f"冲突 {conflict_id} 不存在或已处理", field="conflict")
        if take_losing_value:
            spec = specs()[conflict.table_name]
            column = spec.by_name[conflict.field]
            try:
                value = to_python(column.kind, spec.decode_value(column, conflict.loser_value))
            except RecordError as exc:
                raise ValidationError(f"无法采用落选值：{exc}", field="conflict") from exc
            row = session.get(models[conflict.table_name], conflict.row_id)
            if row is None:
                raise ValidationError("冲突所在的记录已不存在", field="conflict")
            setattr(row, conflict.field, value)
        conflict.status = "taken" if take_losing_value else "kept"
        conflict.resolved_at = dt.datetime.now().replace(microsecond=0)
