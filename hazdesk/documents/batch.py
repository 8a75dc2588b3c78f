"""Issuing a day's documents in one go (the desk's batch printing screen calls this off the GUI thread).

Each document is its own transaction: one that fails (a 复查 with no order yet, an inspection with one
officer) is reported and the others still issue. ``cancel`` is checked between documents, so a
cancelled batch leaves only complete, numbered documents behind.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from hazdesk.documents.service import IssuedDocument, fonts_for, issue_document
from hazdesk.errors import HazdeskError
from hazdesk.store.database import Database

Progress = Callable[[int, int, str], None]  # (done, total, what was just done)


@dataclass
class BatchResult:
    issued: list[IssuedDocument] = field(default_factory=list)
    failed: list[tuple[uuid.UUID, str, str]] = field(default_factory=list)  # (inspection, kind, message)
    cancelled: bool = False


def batch_issue(
    db: Database,
    inspection_ids: Iterable[uuid.UUID],
    kinds: Iterable[str],
    *,
    out_dir: Path | None = None,
    issued_by: uuid.UUID | None = None,
    now: dt.datetime | None = None,
    progress: Progress | None = None,
    cancel: Callable[[], bool] | None = None,
    keep_pdf: bool = False,
) -> BatchResult:
    """Issue every kind in ``kinds`` for every inspection (in that order). PDFs go to ``out_dir`` named
    by their number; ``keep_pdf`` also keeps the bytes in the result (memory grows with the batch)."""
    jobs = [(i, k) for i in inspection_ids for k in kinds]
    result = BatchResult()
    with db.session() as session:
        fonts = fonts_for(session)  # found once: the lookup reads font files
    for done, (inspection_id, kind) in enumerate(jobs, start=1):
        if cancel is not None and cancel():
            result.cancelled = True
            break
        try:
            issued = issue_document(db, inspection_id, kind, issued_by=issued_by, now=now, fonts=fonts, out_dir=out_dir)
            if not keep_pdf:
                issued = dataclasses.replace(issued, pdf=b"")
            result.issued.append(issued)
            message = f"{issued.number_text} 已签发"
        except HazdeskError as exc:
            result.failed.append((inspection_id, kind, str(exc)))
            message = f"{kind}（检查 {inspection_id}）未签发：{exc}"
        if progress is not None:
            progress(done, len(jobs), message)
    return result
