"""What a document says: gathered from an inspection, its findings and re-inspections into a snapshot.

The snapshot is plain JSON (strings, numbers, lists) holding everything the PDF prints, so an issued
document can be printed again from it alone, years later, whatever happened to the records since.
Its canonical SHA-256 goes into the QR code (see docs/documents.md, "QR and verification").
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hazdesk.documents.numbering import KINDS, TITLES
from hazdesk.documents.settings import BureauSettings
from hazdesk.errors import ValidationError
from hazdesk.services.people import MIN_INSPECTORS
from hazdesk.store.models import Document, Enterprise, Finding, Inspection, Inspector, Reinspection

SNAPSHOT_FORMAT = 1
# Kinds after which a 复查 may be issued (domain.md §4.3).
ORDER_KINDS = ("责改", "现决")


def canonical_json(snapshot: dict[str, Any]) -> bytes:
    return json.dumps(snapshot, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def snapshot_sha256(snapshot: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(snapshot)).hexdigest()


def check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise ValidationError(f"文书种类“{kind}”无效；可选：{'、'.join(KINDS)}", field="kind")
    return kind


def load_inspection(session: Session, inspection_id: uuid.UUID) -> Inspection:
    inspection = session.get(Inspection, inspection_id)
    if inspection is None or inspection.deleted:
        raise ValidationError(f"检查记录 {inspection_id} 不存在", field="inspection")
    return inspection


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _inspectors(session: Session, inspection: Inspection, override: list[str] | None = None) -> list[dict[str, str]]:
    if override:
        rows = [session.get(Inspector, uuid.UUID(str(i))) for i in override]
        people = [r for r in rows if r is not None and not r.deleted]
    else:
        people = [link.inspector for link in inspection.inspectors if not link.deleted and not link.inspector.deleted]
    unique = list({p.id: p for p in people}.values())
    if len(unique) < MIN_INSPECTORS:
        raise ValidationError(f"执法文书须由至少两名执法人员出具，该检查只登记了 {len(unique)} 名", field="inspectors")
    return [{"name": p.name, "cert_no": p.cert_no} for p in unique]


def _enterprise(enterprise: Enterprise) -> dict[str, str]:
    return {
        "name": enterprise.name,
        "address": enterprise.address,
        "uscc": enterprise.uscc,
        "legal_representative": enterprise.legal_representative,
        "phone": enterprise.phone,
    }


def _finding(finding: Finding) -> dict[str, Any]:
    return {
        "id": str(finding.id),
        "description": finding.description,
        "location": finding.location,
        "severity": finding.severity,
        "legal_basis": finding.legal_basis,
        "measure": finding.measure,
        "found_on": _date(finding.found_on),
        "deadline": _date(finding.deadline),
    }


def _findings(session: Session, inspection: Inspection, finding_ids: list[uuid.UUID] | None) -> list[Finding]:
    query = select(Finding).where(Finding.inspection_id == inspection.id, Finding.deleted.is_(False))
    if finding_ids is not None:
        query = query.where(Finding.id.in_(finding_ids))
    # Order of entry (hlc) is the order the inspector recorded them in, which is how they are numbered.
    return list(session.scalars(query.order_by(Finding.found_on, Finding.hlc)))


def prior_orders(session: Session, inspection_id: uuid.UUID) -> list[Document]:
    """Issued, not superseded 责改/现决 of an inspection, oldest first."""
    issued = list(
        session.scalars(
            select(Document)
            .where(
                Document.inspection_id == inspection_id,
                Document.kind.in_(ORDER_KINDS),
                Document.state == "issued",
                Document.deleted.is_(False),
            )
            .order_by(Document.issued_at, Document.serial)
        )
    )
    replaced = {d.supersedes_id for d in issued if d.supersedes_id is not None}
    return [d for d in issued if d.id not in replaced]


def build_content(
    session: Session,
    inspection_id: uuid.UUID,
    kind: str,
    bureau: BureauSettings,
    *,
    finding_ids: list[uuid.UUID] | None = None,
) -> dict[str, Any]:
    """Everything a document of ``kind`` prints, except its own number, id and date (added on issue)."""
    check_kind(kind)
    inspection = load_inspection(session, inspection_id)
    enterprise = session.get(Enterprise, inspection.enterprise_id)
    assert enterprise is not None  # a foreign key
    findings = _findings(session, inspection, finding_ids)
    content: dict[str, Any] = {
        "format": SNAPSHOT_FORMAT,
        "kind": kind,
        "title": TITLES[kind],
        "bureau": bureau.as_dict(),
        "enterprise": _enterprise(enterprise),
        "inspection": {
            "id": str(inspection.id),
            "place": inspection.place,
            "started_at": inspection.started_at.isoformat(timespec="minutes"),
            "ended_at": inspection.ended_at.isoformat(timespec="minutes") if inspection.ended_at else None,
            "site_leader": inspection.site_leader,
            "site_leader_title": inspection.site_leader_title,
            "site_leader_phone": inspection.site_leader_phone,
            "summary": inspection.summary,
        },
        "findings": [_finding(f) for f in findings],
    }
    override = None
    if kind == "复查":
        override = _add_review(session, inspection, findings, content)
    elif kind in ORDER_KINDS and not findings:
        raise ValidationError(f"该检查没有登记隐患，无法出具{TITLES[kind]}", field="findings")
    content["inspectors"] = _inspectors(session, inspection, override)
    return content


def _add_review(
    session: Session, inspection: Inspection, findings: list[Finding], content: dict[str, Any]
) -> list[str] | None:
    """复查: the prior orders and the latest re-inspection result of each finding."""
    orders = prior_orders(session, inspection.id)
    if not orders:
        raise ValidationError(
            "整改复查意见书须在该检查的责令限期整改指令书或现场处理措施决定书签发之后才能出具", field="kind"
        )
    content["prior_documents"] = [
        {"kind": d.kind, "title": TITLES[d.kind], "number": d.number_text, "issued_on": _date(d.issued_at.date())}
        for d in orders
        if d.issued_at is not None
    ]
    results = []
    latest: Reinspection | None = None
    for finding in findings:
        rows = [r for r in finding.reinspections if not r.deleted]
        if not rows:
            continue
        last = rows[-1]
        latest = last if latest is None or last.reinspected_on >= latest.reinspected_on else latest
        results.append(
            {
                "finding_id": str(finding.id),
                "description": finding.description,
                "location": finding.location,
                "result": last.result,
                "reinspected_on": _date(last.reinspected_on),
                "new_deadline": _date(last.new_deadline),
                "note": last.note,
            }
        )
    if not results:
        raise ValidationError("该检查的隐患还没有复查结果，无法出具整改复查意见书", field="findings")
    content["reviews"] = results
    content["reviewed_on"] = latest.reinspected_on.isoformat() if latest else None
    # The officers of the re-inspection sign the 复查, when it names them.
    return list(latest.inspector_ids) if latest is not None and len(latest.inspector_ids) >= MIN_INSPECTORS else None
