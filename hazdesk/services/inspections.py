"""Inspections (现场检查): start from an enterprise with a checklist and ≥ 2 inspectors, answer items,
complete.

Every answer is committed as it is given, so a draft survives closing the window, a crash or a
flat battery. A 不符合 answer creates a finding prefilled from the checklist item (a 121号 item makes
a 重大隐患); changing the answer while the inspection is still a draft takes that finding back.
Once completed, the inspection and its answers are evidence and no longer change.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from hazdesk.domain.lifecycle import FindingStatus, Severity, deadline_for
from hazdesk.errors import ValidationError
from hazdesk.services import Changes, audit
from hazdesk.services.people import check_inspectors
from hazdesk.store.database import Database
from hazdesk.store.models import (
    ChecklistItem,
    ChecklistTemplate,
    Document,
    Enterprise,
    Finding,
    Inspection,
    InspectionAnswer,
    InspectionInspector,
)

ANSWER_LABELS = {"conform": "符合", "nonconform": "不符合", "na": "不适用"}

DEFAULT_DAYS = {Severity.MAJOR.value: "immediate", Severity.GENERAL.value: 15}


@dataclass(frozen=True)
class InspectionStart:
    enterprise_id: uuid.UUID
    inspector_ids: tuple[uuid.UUID, ...]
    started_at: dt.datetime
    template_id: uuid.UUID | None = None
    place: str = ""
    kind: str = "routine"
    site_leader: str = ""
    site_leader_title: str = ""
    site_leader_phone: str = ""


def _get(session: Session, inspection_id: uuid.UUID) -> Inspection:
    inspection = session.get(Inspection, inspection_id)
    if inspection is None or inspection.deleted:
        raise ValidationError(f"检查记录 {inspection_id} 不存在", field="inspection")
    return inspection


def start_inspection(db: Database, start: InspectionStart) -> tuple[uuid.UUID, Changes]:
    with db.transaction() as session:
        enterprise = session.get(Enterprise, start.enterprise_id)
        if enterprise is None or enterprise.deleted:
            raise ValidationError("企业不存在或已注销", field="enterprise")
        check_inspectors(session, start.inspector_ids)
        if start.template_id is not None and session.get(ChecklistTemplate, start.template_id) is None:
            raise ValidationError("所选检查表不存在", field="template")
        inspection = Inspection(
            enterprise_id=enterprise.id,
            district_code=enterprise.district_code,
            template_id=start.template_id,
            kind=start.kind,
            place=start.place.strip(),
            started_at=start.started_at.replace(microsecond=0),
            site_leader=start.site_leader.strip(),
            site_leader_title=start.site_leader_title.strip(),
            site_leader_phone=start.site_leader_phone.strip(),
            state="draft",
        )
        session.add(inspection)
        session.flush()
        for seq, inspector_id in enumerate(dict.fromkeys(start.inspector_ids)):
            session.add(InspectionInspector(inspection_id=inspection.id, inspector_id=inspector_id, seq=seq))
        audit.record(session, "inspection.start", "inspection", inspection.id)
        return inspection.id, Changes().add("inspection", inspection.id).add("enterprise", enterprise.id)


def answer_item(
    db: Database,
    inspection_id: uuid.UUID,
    item_id: uuid.UUID,
    result: str,
    *,
    note: str = "",
    today: dt.date,
) -> tuple[uuid.UUID | None, Changes]:
    """Record one answer; returns the finding it created (for 不符合) so the desk can open it."""
    if result not in ANSWER_LABELS:
        raise ValidationError(f"检查结果只能是符合、不符合或不适用，收到「{result}」", field="result")
    with db.transaction() as session:
        inspection = _get(session, inspection_id)
        if inspection.state != "draft":
            raise ValidationError("检查已完成，检查结果不能再修改", field="state")
        item = session.get(ChecklistItem, item_id)
        if item is None or item.template_id != inspection.template_id:
            raise ValidationError("该检查项不属于本次检查所用的检查表", field="item")
        changes = Changes().add("inspection", inspection_id)
        answer = session.scalar(
            select(InspectionAnswer).where(
                InspectionAnswer.inspection_id == inspection_id, InspectionAnswer.item_id == item_id
            )
        )
        if answer is None:
            answer = InspectionAnswer(
                inspection_id=inspection_id, item_id=item_id, result=result, note=note.strip()
            )
            session.add(answer)
        else:
            answer.result, answer.note = result, note.strip()
        finding = session.scalar(
            select(Finding).where(
                Finding.inspection_id == inspection_id, Finding.item_id == item_id, Finding.deleted.is_(False)
            )
        )
        created: uuid.UUID | None = None
        if result == "nonconform" and finding is None:
            finding = _finding_from_item(inspection, item, note.strip(), today)
            session.add(finding)
            session.flush()
            created = finding.id
            changes.add("finding", finding.id).add("enterprise", inspection.enterprise_id)
            audit.record(session, "finding.create", "finding", finding.id, item=item.code)
        elif result != "nonconform" and finding is not None and finding.status == FindingStatus.PENDING.value:
            finding.deleted = True  # the answer that made it was corrected while still a draft
            changes.add("finding", finding.id).add("enterprise", inspection.enterprise_id)
        session.flush()
        return created, changes


def _finding_from_item(inspection: Inspection, item: ChecklistItem, note: str, today: dt.date) -> Finding:
    # The item's statement of the hazard ("特种作业人员未持证上岗。"), not its question, plus what was seen.
    stated = (item.finding_text or item.text).rstrip("。？?")
    description = f"{stated}：{note}" if note else f"{stated}。"
    severity = item.severity_if_nonconforming
    return Finding(
        enterprise_id=inspection.enterprise_id,
        district_code=inspection.district_code,
        inspection_id=inspection.id,
        item_id=item.id,
        description=description,
        severity=severity,
        legal_basis=item.legal_basis,
        measure=item.default_measure,
        found_on=today,
        deadline=deadline_for(DEFAULT_DAYS[severity], today),
        status=FindingStatus.PENDING.value,
    )


def unanswered_items(session: Session, inspection_id: uuid.UUID) -> list[ChecklistItem]:
    inspection = _get(session, inspection_id)
    if inspection.template_id is None:
        return []
    answered = select(InspectionAnswer.item_id).where(InspectionAnswer.inspection_id == inspection_id)
    return list(
        session.scalars(
            select(ChecklistItem)
            .where(ChecklistItem.template_id == inspection.template_id, ChecklistItem.id.not_in(answered))
            .order_by(ChecklistItem.seq)
        )
    )


def complete_inspection(
    db: Database,
    inspection_id: uuid.UUID,
    *,
    ended_at: dt.datetime,
    summary: str = "",
    allow_unanswered: bool = False,
) -> Changes:
    with db.transaction() as session:
        inspection = _get(session, inspection_id)
        if inspection.state != "draft":
            raise ValidationError("检查已经完成", field="state")
        ended_at = ended_at.replace(microsecond=0)
        if ended_at < inspection.started_at:
            raise ValidationError(
                f"结束时间 {ended_at:%Y-%m-%d %H:%M} 早于开始时间 {inspection.started_at:%Y-%m-%d %H:%M}",
                field="ended_at",
            )
        check_inspectors(session, tuple(link.inspector_id for link in inspection.inspectors))
        missing = unanswered_items(session, inspection_id)
        if missing and not allow_unanswered:
            codes = "、".join(item.code for item in missing[:5])
            more = f"等 {len(missing)} 项" if len(missing) > 5 else ""
            raise ValidationError(f"还有检查项未作答：{codes}{more}", field="answers")
        inspection.ended_at = ended_at
        inspection.summary = summary.strip()
        inspection.state = "completed"
        audit.record(session, "inspection.complete", "inspection", inspection_id)
        return Changes().add("inspection", inspection_id).add("enterprise", inspection.enterprise_id)


def discard_draft(db: Database, inspection_id: uuid.UUID) -> Changes:
    """Throw away a draft inspection and the findings it created (after the user confirmed)."""
    with db.transaction() as session:
        inspection = _get(session, inspection_id)
        if inspection.state != "draft":
            raise ValidationError("已完成的检查是执法证据，不能删除", field="state")
        issued = list(
            session.scalars(
                select(Document.number_text).where(
                    Document.inspection_id == inspection_id, Document.state == "issued", Document.deleted.is_(False)
                )
            )
        )
        if issued:
            # An issued document is a legal act with a number: it must keep pointing at live records.
            raise ValidationError(
                f"这次检查已签发执法文书 {'、'.join(n or '' for n in issued)}，不能放弃；"
                "请完成检查，或先在“执法文书”中作废这些文书",
                field="state",
            )
        changes = Changes().add("inspection", inspection_id).add("enterprise", inspection.enterprise_id)
        for finding in session.scalars(select(Finding).where(Finding.inspection_id == inspection_id)):
            finding.deleted = True
            changes.add("finding", finding.id)
        inspection.deleted = True
        audit.record(session, "inspection.discard", "inspection", inspection_id)
        return changes
