"""Audit trail: one AuditEvent row per user action, written in the same transaction as the action."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy.orm import Session

from hazdesk.store.models import AuditEvent


def record(
    session: Session,
    action: str,
    entity: str,
    entity_id: uuid.UUID | None,
    *,
    inspector_id: uuid.UUID | None = None,
    **detail: Any,
) -> None:
    session.add(
        AuditEvent(
            at=dt.datetime.now().replace(microsecond=0),
            inspector_id=inspector_id,
            action=action,
            entity=entity,
            entity_id=entity_id,
            detail={k: _plain(v) for k, v in detail.items()},
        )
    )


def _plain(value: Any) -> Any:
    if isinstance(value, uuid.UUID | dt.date):
        return str(value) if isinstance(value, uuid.UUID) else value.isoformat()
    return value
