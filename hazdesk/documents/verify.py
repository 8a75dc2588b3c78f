"""Is this PDF an unaltered issued document of this store? (``hazdesk document verify``)

The PDF's own hash cannot be printed inside it, so the QR code (and the PDF's Subject) carry the
document id and the SHA-256 of its *snapshot*. Verification:

1. the file's SHA-256 must equal the ``pdf_sha256`` stored when the document was issued (any changed
   byte fails here — the file is then named by the id it claims, if it claims one);
2. the stored snapshot must still hash to the value printed in the file (a changed record fails);
3. re-rendering the stored snapshot must give the stored PDF hash again, when the issuing font is on
   this machine (checks the record against the program, not only against itself);
4. the document must not be voided or superseded by a correction.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from hazdesk.documents.content import snapshot_sha256
from hazdesk.documents.render import payload_in_pdf
from hazdesk.documents.service import render_issued, superseded_by
from hazdesk.errors import HazdeskError
from hazdesk.store.database import Database
from hazdesk.store.models import Document


@dataclass(frozen=True)
class Verification:
    ok: bool
    reason: str  # one line, for the person checking
    code: str  # ok | not_hazdesk | unknown | altered | voided | superseded | record_changed
    document_id: uuid.UUID | None = None
    number_text: str | None = None
    notes: list[str] = field(default_factory=list)


def verify_pdf(db: Database, source: str | os.PathLike[str] | bytes) -> Verification:
    if isinstance(source, bytes):
        data = source
    else:
        try:
            data = Path(source).read_bytes()
        except OSError as exc:
            raise HazdeskError(f"无法读取 {source}：{exc.strerror or exc}") from exc
    file_hash = hashlib.sha256(data).hexdigest()
    claimed = payload_in_pdf(data)
    with db.session() as session:
        doc = session.scalar(select(Document).where(Document.pdf_sha256 == file_hash, Document.deleted.is_(False)))
        if doc is None:
            return _not_found(session, claimed)
        number = doc.number_text
        found = {"document_id": doc.id, "number_text": number}
        if doc.snapshot is None or claimed is None or snapshot_sha256(doc.snapshot) != claimed[1]:
            return Verification(False, f"{number} 的数据库记录与文件不符（快照已被改动）", "record_changed", **found)
        notes: list[str] = []
        try:
            rendered = render_issued(session, doc.snapshot)
        except HazdeskError as exc:
            notes.append(f"未重新生成核对：{exc}")
        else:
            if hashlib.sha256(rendered.pdf).hexdigest() != doc.pdf_sha256:
                return Verification(False, f"{number} 由快照重新生成的 PDF 与签发记录不符", "record_changed", **found)
        if doc.state == "voided":
            reason = f"（{doc.void_reason}）" if doc.void_reason else ""
            return Verification(False, f"{number} 已作废{reason}", "voided", **found, notes=notes)
        newer = superseded_by(session, doc.id)
        if newer is not None:
            return Verification(
                False, f"{number} 已被更正文书 {newer.number_text} 取代", "superseded", **found, notes=notes
            )
        when = doc.issued_at.strftime("%Y-%m-%d %H:%M") if doc.issued_at else "?"
        return Verification(True, f"{number} 是本库签发的原件，未被改动（签发于 {when}）", "ok", **found, notes=notes)


def _not_found(session: object, claimed: tuple[str, str] | None) -> Verification:
    if claimed is None:
        return Verification(False, "不是 hazdesk 签发的文书：文件中没有文书标识", "not_hazdesk")
    document_id = uuid.UUID(claimed[0])
    doc = session.get(Document, document_id)  # type: ignore[attr-defined]
    if doc is None or doc.deleted:
        return Verification(False, f"未知文书：文书ID {document_id} 不在本数据库中", "unknown", document_id)
    return Verification(
        False,
        f"文件已被改动：内容与 {doc.number_text} 签发时记录的 SHA-256 不一致",
        "altered",
        document_id,
        doc.number_text,
    )
