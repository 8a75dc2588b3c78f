"""Findings (隐患): record, edit, attach photos, enterprise reports rectified, re-inspect (复查).

Every state change goes through :func:`hazdesk.domain.lifecycle.transition`, so the rules live in
one place. A failed re-inspection with a new deadline is two moves in one transaction
(→ 复查不合格 → 待整改 with the new deadline); the Reinspection row keeps the failure on record.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from hazdesk.domain.lifecycle import DeadlineChoice, FindingStatus, Severity, deadline_for, transition
from hazdesk.errors import ValidationError
from hazdesk.services import Changes, audit
from hazdesk.services.people import check_inspectors
from hazdesk.store.attachments import intake_photo
from hazdesk.store.database import Database
from hazdesk.store.models import Attachment, Enterprise, Finding, Inspection, Reinspection

MAX_TEXT = 4000


@dataclass(frozen=True)
class FindingInput:
    description: str
    severity: str = Severity.GENERAL.value
    legal_basis: str = ""
    measure: str = ""
    location: str = ""


def _clean(text: str, field: str, label: str, *, required: bool = False) -> str:
    value = (text or "").strip()
    if required and not value:
        raise ValidationError(f"请填写{label}", field=field)
    if len(value) > MAX_TEXT:
        raise ValidationError(f"{label}过长（{len(value)} 字，最多 {MAX_TEXT} 字）", field=field)
    return value


def _validated(data: FindingInput) -> FindingInput:
    if data.severity not in {s.value for s in Severity}:
        raise ValidationError(f"隐患等级只能是一般或重大，收到「{data.severity}」", field="severity")
    return FindingInput(
        description=_clean(data.description, "description", "隐患描述", required=True),
        severity=data.severity,
        legal_basis=_clean(data.legal_basis, "legal_basis", "法律依据"),
        measure=_clean(data.measure, "measure", "整改措施"),
        location=_clean(data.location, "location", "隐患部位"),
    )


def _get(session: Session, finding_id: uuid.UUID) -> Finding:
    finding = session.get(Finding, finding_id)
    if finding is None or finding.deleted:
        raise ValidationError(f"隐患 {finding_id} 不存在或已删除", field="finding")
    return finding


def add_finding(
    db: Database,
    *,
    enterprise_id: uuid.UUID,
    data: FindingInput,
    deadline: DeadlineChoice,
    today: dt.date,
    inspection_id: uuid.UUID | None = None,
    item_id: uuid.UUID | None = None,
) -> tuple[uuid.UUID, Changes]:
    clean = _validated(data)
    due = deadline_for(deadline, today)
    with db.transaction() as session:
        enterprise = session.get(Enterprise, enterprise_id)
        if enterprise is None or enterprise.deleted:
            raise ValidationError("企业不存在或已注销", field="enterprise")
        finding = Finding(
            enterprise_id=enterprise_id,
            district_code=enterprise.district_code,
            inspection_id=inspection_id,
            item_id=item_id,
            description=clean.description,
            severity=clean.severity,
            legal_basis=clean.legal_basis,
            measure=clean.measure,
            location=clean.location,
            found_on=today,
            deadline=due,
            status=FindingStatus.PENDING.value,
        )
        session.add(finding)
        session.flush()
        audit.record(session, "finding.create", "finding", finding.id, severity=clean.severity, deadline=due)
        return finding.id, Changes().add("finding", finding.id).add("enterprise", enterprise_id)


def update_finding(
    db: Database, finding_id: uuid.UUID, data: FindingInput, *, deadline: dt.date | None = None
) -> Changes:
    """Edit the text of a finding still awaiting rectification (later states are evidence)."""
    clean = _validated(data)
    with db.transaction() as session:
        finding = _get(session, finding_id)
        if finding.status != FindingStatus.PENDING.value:
            raise ValidationError("只有「待整改」的隐患可以修改内容", field="status")
        if deadline is not None:
            if deadline < finding.found_on:
                raise ValidationError(
                    f"整改期限 {deadline.isoformat()} 不能早于发现日期 {finding.found_on.isoformat()}",
                    field="deadline",
                )
            finding.deadline = deadline
        for name in ("description", "severity", "legal_basis", "measure", "location"):
            setattr(finding, name, getattr(clean, name))
        audit.record(session, "finding.update", "finding", finding_id)
        return Changes().add("finding", finding_id)


def report_rectified(db: Database, finding_id: uuid.UUID, *, on: dt.date) -> Changes:
    """The enterprise reports the hazard rectified: 待整改 → 已整改待复查."""
    with db.transaction() as session:
        finding = _get(session, finding_id)
        finding.status = transition(
            finding.status, FindingStatus.RECTIFIED, today=on, deadline=finding.deadline
        )
        finding.rectified_on = on
        audit.record(session, "finding.rectified", "finding", finding_id)
        return Changes().add("finding", finding_id)


def reinspect(
    db: Database,
    finding_id: uuid.UUID,
    *,
    passed: bool,
    on: dt.date,
    new_deadline: dt.date | None = None,
    note: str = "",
    inspector_ids: list[uuid.UUID],
    today: dt.date,
    inspection_id: uuid.UUID | None = None,
) -> tuple[uuid.UUID, Changes]:
    """Record a 复查 made ``on`` a day (not after ``today``) by at least two inspectors. 合格 closes the
    finding; 不合格 with a new deadline (after the 复查 and not already past) puts it back to 待整改."""
    note = _clean(note, "note", "复查意见")
    with db.transaction() as session:
        finding = _get(session, finding_id)
        _check_reinspection_dates(finding, on=on, today=today, new_deadline=new_deadline)
        check_inspectors(session, tuple(inspector_ids), what="复查")
        if passed:
            if new_deadline is not None:
                raise ValidationError("复查合格不需要新的整改期限", field="new_deadline")
            finding.status = transition(
                finding.status, FindingStatus.CLOSED, today=on, deadline=finding.deadline
            )
            finding.closed_on = on
        else:
            finding.status = transition(
                finding.status, FindingStatus.FAILED, today=on, deadline=finding.deadline
            )
            if new_deadline is not None:
                finding.status = transition(
                    FindingStatus.FAILED,
                    FindingStatus.PENDING,
                    today=on,
                    deadline=finding.deadline,
                    new_deadline=new_deadline,
                )
                finding.deadline = new_deadline
                finding.rectified_on = None
        row = Reinspection(
            finding_id=finding_id,
            inspection_id=inspection_id,
            reinspected_on=on,
            result="pass" if passed else "fail",
            new_deadline=None if passed else new_deadline,
            note=note,
            inspector_ids=[str(i) for i in inspector_ids or []],
        )
        session.add(row)
        session.flush()
        audit.record(
            session, "finding.reinspect", "finding", finding_id, passed=passed, new_deadline=new_deadline
        )
        return row.id, Changes().add("finding", finding_id).add("reinspection", row.id)


def _check_reinspection_dates(
    finding: Finding, *, on: dt.date, today: dt.date, new_deadline: dt.date | None
) -> None:
    if on > today:
        raise ValidationError(f"复查日期 {on} 晚于今天 {today}：复查在做过之后记录", field="on")
    if on < finding.found_on:
        raise ValidationError(f"复查日期 {on} 早于隐患发现日期 {finding.found_on}", field="on")
    if finding.rectified_on is not None and on < finding.rectified_on:
        raise ValidationError(f"复查日期 {on} 早于企业报告整改完成的日期 {finding.rectified_on}", field="on")
    if new_deadline is not None:
        if new_deadline <= on:
            raise ValidationError(f"新的整改期限 {new_deadline} 须晚于复查日期 {on}", field="new_deadline")
        if new_deadline < today:
            raise ValidationError(f"新的整改期限 {new_deadline} 已经过去（今天是 {today}）", field="new_deadline")


def set_new_deadline(
    db: Database, finding_id: uuid.UUID, *, new_deadline: dt.date, today: dt.date
) -> Changes:
    """复查不合格 → 待整改 for a finding whose failed re-inspection did not yet set a deadline."""
    with db.transaction() as session:
        finding = _get(session, finding_id)
        finding.status = transition(
            finding.status,
            FindingStatus.PENDING,
            today=today,
            deadline=finding.deadline,
            new_deadline=new_deadline,
        )
        finding.deadline = new_deadline
        audit.record(session, "finding.new_deadline", "finding", finding_id, new_deadline=new_deadline)
        return Changes().add("finding", finding_id)


def delete_finding(db: Database, finding_id: uuid.UUID) -> Changes:
    """Tombstone a finding recorded by mistake; only while nothing has happened to it yet."""
    with db.transaction() as session:
        finding = _get(session, finding_id)
        if finding.status != FindingStatus.PENDING.value or finding.reinspections:
            raise ValidationError("已进入整改或复查流程的隐患不能删除", field="status")
        finding.deleted = True
        audit.record(session, "finding.delete", "finding", finding_id)
        return Changes().add("finding", finding_id).add("enterprise", finding.enterprise_id)


def attach_photo(
    db: Database,
    data_root: Path,
    *,
    owner_kind: str,
    owner_id: uuid.UUID,
    source: Path,
    caption: str = "",
) -> tuple[uuid.UUID, Changes]:
    """Downscale and store a photo, then attach it to a finding, re-inspection or inspection."""
    stored = intake_photo(data_root, source)  # refuses non-images before anything is written to the DB
    with db.transaction() as session:
        attachment = Attachment(
            owner_kind=owner_kind,
            owner_id=owner_id,
            sha256=stored.sha256,
            size=stored.size,
            mime_type=stored.mime_type,
            original_name=source.name[:255],
            caption=_clean(caption, "caption", "照片说明"),
            taken_at=stored.taken_at,
        )
        session.add(attachment)
        session.flush()
        audit.record(session, "attachment.add", owner_kind, owner_id, sha256=stored.sha256)
        return attachment.id, Changes().add("attachment", attachment.id).add(owner_kind, owner_id)


def remove_photo(db: Database, attachment_id: uuid.UUID) -> Changes:
    """Take back a photo added by mistake — only while its inspection is still a draft.

    Photos are evidence and immutable once they leave the laptop; a draft's records never do (sync
    holds drafts back until completed), so until then the row is simply removed. The file stays in
    the content-addressed store, where another photo may share it."""
    with db.transaction() as session:
        attachment = session.get(Attachment, attachment_id)
        if attachment is None or attachment.deleted:
            raise ValidationError("照片不存在或已移除", field="attachment")
        if not _in_draft(session, attachment.owner_kind, attachment.owner_id):
            raise ValidationError("照片已随完成的检查成为执法证据，不能移除", field="attachment")
        owner_kind, owner_id = attachment.owner_kind, attachment.owner_id
        session.delete(attachment)
        audit.record(session, "attachment.remove", owner_kind, owner_id, sha256=attachment.sha256)
        return Changes().add("attachment", attachment_id).add(owner_kind, owner_id)


def _in_draft(session: Session, owner_kind: str, owner_id: uuid.UUID) -> bool:
    inspection_id = owner_id if owner_kind == "inspection" else None
    if owner_kind == "finding":
        finding = session.get(Finding, owner_id)
        inspection_id = finding.inspection_id if finding is not None else None
    inspection = session.get(Inspection, inspection_id) if inspection_id is not None else None
    return inspection is not None and inspection.state == "draft"


def attachments_of(session: Session, owner_kind: str, owner_id: uuid.UUID) -> list[Attachment]:
    return list(
        session.scalars(
            select(Attachment)
            .where(
                Attachment.owner_kind == owner_kind,
                Attachment.owner_id == owner_id,
                Attachment.deleted.is_(False),
            )
            .order_by(Attachment.hlc)
        )
    )
