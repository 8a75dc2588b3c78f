"""The read queries the desk and the office run all day: overdue, due soon, awaiting re-inspection,
an enterprise's findings, a district's counts.

Each is one indexed query (see the indexes on ``finding`` in models.py) returning plain rows, so the
interface can page through a city's 600,000 findings without loading them. "Overdue" is computed
here from the deadline and the ``today`` the caller passes, never stored.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from hazdesk.domain.lifecycle import FindingStatus
from hazdesk.store.models import Enterprise, Finding, Inspection

# States in which the enterprise still owes the rectification (see hazdesk.domain.lifecycle).
OWED = (FindingStatus.PENDING.value, FindingStatus.FAILED.value)


@dataclass(frozen=True)
class FindingRow:
    id: uuid.UUID
    enterprise_id: uuid.UUID
    enterprise_name: str
    district_code: str
    description: str
    severity: str
    status: str
    found_on: dt.date
    deadline: dt.date

    def days_overdue(self, today: dt.date) -> int:
        return max(0, (today - self.deadline).days) if self.status in OWED else 0


def finding_rows() -> Select[tuple[object, ...]]:
    """The columns of a FindingRow with the enterprise name joined; callers add WHERE and ORDER BY."""
    return select(
        Finding.id,
        Finding.enterprise_id,
        Enterprise.name,
        Finding.district_code,
        Finding.description,
        Finding.severity,
        Finding.status,
        Finding.found_on,
        Finding.deadline,
    ).join(Enterprise, Enterprise.id == Finding.enterprise_id)


def _run(session: Session, statement: Select[tuple[object, ...]]) -> list[FindingRow]:
    return [FindingRow(*row) for row in session.execute(statement)]


def overdue_findings(
    session: Session,
    *,
    today: dt.date,
    district_code: str | None = None,
    limit: int = 200,
    offset: int = 0,
) -> list[FindingRow]:
    """Findings whose deadline has passed while the enterprise still owes the work, oldest first."""
    statement = finding_rows().where(Finding.deleted.is_(False), Finding.status.in_(OWED), Finding.deadline < today)
    if district_code:
        statement = statement.where(Finding.district_code == district_code)
    statement = statement.order_by(Finding.deadline, Finding.id).limit(limit).offset(offset)
    return _run(session, statement)


def due_soon_findings(
    session: Session,
    *,
    today: dt.date,
    within_days: int = 7,
    district_code: str | None = None,
    limit: int = 200,
) -> list[FindingRow]:
    """Owed findings due from today to ``within_days`` ahead, soonest first."""
    statement = finding_rows().where(
        Finding.deleted.is_(False),
        Finding.status.in_(OWED),
        Finding.deadline >= today,
        Finding.deadline <= today + dt.timedelta(days=within_days),
    )
    if district_code:
        statement = statement.where(Finding.district_code == district_code)
    return _run(session, statement.order_by(Finding.deadline, Finding.id).limit(limit))


def awaiting_reinspection(session: Session, *, district_code: str | None = None, limit: int = 200) -> list[FindingRow]:
    """Findings the enterprise reported as rectified: the inspector's 复查 list."""
    statement = finding_rows().where(Finding.deleted.is_(False), Finding.status == FindingStatus.RECTIFIED.value)
    if district_code:
        statement = statement.where(Finding.district_code == district_code)
    return _run(session, statement.order_by(Finding.deadline, Finding.id).limit(limit))


def enterprise_findings(session: Session, enterprise_id: uuid.UUID, *, open_only: bool = False) -> list[FindingRow]:
    statement = finding_rows().where(Finding.deleted.is_(False), Finding.enterprise_id == enterprise_id)
    if open_only:
        statement = statement.where(Finding.status != FindingStatus.CLOSED.value)
    return _run(session, statement.order_by(Finding.found_on.desc(), Finding.id))


@dataclass(frozen=True)
class FindingCounts:
    by_status: dict[str, int]
    overdue: int
    major_open: int
    due_soon: int = 0

    @property
    def open(self) -> int:
        return sum(n for status, n in self.by_status.items() if status != FindingStatus.CLOSED.value)


def finding_counts(
    session: Session, *, today: dt.date, district_code: str | None = None, due_within: int = 7
) -> FindingCounts:
    """Counts for the Today view and the office dashboard, in one pass over the status index."""
    owed = Finding.status.in_(OWED)
    horizon = today + dt.timedelta(days=due_within)
    statement = select(
        Finding.status,
        func.count(),
        func.sum(case((owed & (Finding.deadline < today), 1), else_=0)),
        func.sum(case((Finding.severity == "major", 1), else_=0)),
        func.sum(case((owed & (Finding.deadline >= today) & (Finding.deadline <= horizon), 1), else_=0)),
    ).where(Finding.deleted.is_(False))
    if district_code:
        statement = statement.where(Finding.district_code == district_code)
    by_status: dict[str, int] = {s.value: 0 for s in FindingStatus}
    overdue = major_open = due_soon = 0
    for status, count, late, major, soon in session.execute(statement.group_by(Finding.status)):
        by_status[status] = count
        overdue += late or 0
        due_soon += soon or 0
        if status != FindingStatus.CLOSED.value:
            major_open += major or 0
    return FindingCounts(by_status=by_status, overdue=overdue, major_open=major_open, due_soon=due_soon)


@dataclass(frozen=True)
class InspectionRow:
    id: uuid.UUID
    enterprise_id: uuid.UUID
    enterprise_name: str
    started_at: dt.datetime
    state: str
    place: str


def recent_inspections(session: Session, *, district_code: str | None = None, limit: int = 50) -> list[InspectionRow]:
    """Latest inspections first (drafts included: the desk offers to continue them)."""
    statement = (
        select(
            Inspection.id,
            Inspection.enterprise_id,
            Enterprise.name,
            Inspection.started_at,
            Inspection.state,
            Inspection.place,
        )
        .join(Enterprise, Enterprise.id == Inspection.enterprise_id)
        .where(Inspection.deleted.is_(False))
    )
    if district_code:
        statement = statement.where(Inspection.district_code == district_code)
    statement = statement.order_by(Inspection.started_at.desc(), Inspection.id).limit(limit)
    return [InspectionRow(*row) for row in session.execute(statement)]
