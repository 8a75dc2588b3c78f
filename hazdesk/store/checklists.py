"""Installing checklist templates from ``resources/checklists`` into the database.

Row ids are uuid5 of the template code, version and item code, so every laptop that installs the same
file has the same rows and inspections that reference them merge cleanly at the office. Installing
again is a no-op; a new version of a template is a new template (old inspections keep theirs).
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from hazdesk.domain.checklists import ChecklistTemplate as TemplateData
from hazdesk.domain.checklists import list_templates
from hazdesk.store.models import ChecklistItem, ChecklistTemplate

NAMESPACE = uuid.UUID("6f1c2a7e-3c1b-4f7e-9a51-2f0d8a7c4e10")  # hazdesk checklists; never change it


def template_id(code: str, version: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"template/{code}/{version}")


def item_id(code: str, version: str, item_code: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"item/{code}/{version}/{item_code}")


def install_checklists(session: Session, templates: tuple[TemplateData, ...] | None = None) -> int:
    """Add the templates not yet in the database; returns how many were added."""
    added = 0
    existing = set(session.scalars(select(ChecklistTemplate.id)))
    for data in templates if templates is not None else list_templates():
        tid = template_id(data.code, data.version)
        if tid in existing:
            continue
        session.add(
            ChecklistTemplate(
                id=tid, code=data.code, version=data.version, name=data.name, source=data.source
            )
        )
        session.flush()
        for seq, item in enumerate(data.items, start=1):
            session.add(
                ChecklistItem(
                    id=item_id(data.code, data.version, item.code),
                    template_id=tid,
                    code=item.code,
                    seq=seq,
                    section=item.section,
                    text=item.text,
                    label=item.label,
                    finding_text=item.finding_text,
                    legal_basis=item.legal_basis,
                    severity_if_nonconforming=str(item.severity_if_nonconforming),
                    default_measure=item.default_measure,
                )
            )
        added += 1
    session.flush()
    return added
