"""Who may act: the rule that on-site enforcement is done by at least two inspectors on record.

《安全生产违法行为行政处罚办法》 and the 执法文书 templates require two enforcement officers for an
on-site inspection and for a 复查; both services check it here.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from hazdesk.errors import ValidationError
from hazdesk.store.models import Inspector

MIN_INSPECTORS = 2


def check_inspectors(session: Session, ids: tuple[uuid.UUID, ...], *, what: str = "现场检查") -> None:
    """Refuse fewer than two distinct inspectors, or any that is not (or no longer) on record."""
    unique = list(dict.fromkeys(ids))
    if len(unique) < MIN_INSPECTORS:
        raise ValidationError(f"{what}须有至少两名执法人员", field="inspectors")
    found = {
        row.id
        for row in session.scalars(
            select(Inspector).where(Inspector.id.in_(unique), Inspector.deleted.is_(False))
        )
    }
    missing = [str(i) for i in unique if i not in found]
    if missing:
        raise ValidationError(f"执法人员不存在：{', '.join(missing)}", field="inspectors")
