"""Issuing, previewing, reprinting and voiding documents — the API the desk and the CLI call.

Threading: every function opens its own sessions and may run on a worker thread (the desk calls them
off the GUI thread). Issuing is one transaction: number, snapshot, PDF hash and the output file either
all happen or none does (the file is written to a temporary name and renamed before the commit; if
the commit fails the file is removed).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import os
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import reportlab
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hazdesk.documents.content import build_content, check_kind, load_inspection, snapshot_sha256
from hazdesk.documents.fonts import FontSet, find_face_by_hash, find_fonts
from hazdesk.documents.numbering import TITLES, next_serial, number_text, series_key, take_write_lock
from hazdesk.documents.render import RenderResult, qr_payload, render_pdf
from hazdesk.documents.settings import bureau_settings, device_series, font_path
from hazdesk.errors import HazdeskError, ValidationError
from hazdesk.services import audit
from hazdesk.store.database import Database
from hazdesk.store.models import Document

LAYOUT_VERSION = "hazdesk-documents/1"
_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


@dataclass(frozen=True)
class IssuedDocument:
    id: uuid.UUID
    kind: str
    number_text: str
    sha256: str  # of the PDF bytes
    snapshot_sha256: str  # what the QR code carries
    pages: int
    pdf: bytes = field(repr=False)
    path: Path | None = None


@dataclass(frozen=True)
class Preview:
    pdf: bytes = field(repr=False)
    pages: int = 0
    warnings: list[str] = field(default_factory=list)  # characters no font can print, by field


class FrozenDocumentError(HazdeskError):
    """An issued (or voided) document was asked to change."""


def fonts_for(session: Session) -> FontSet:
    return find_fonts(font_path(session))


def preview_document(
    db: Database,
    inspection_id: uuid.UUID,
    kind: str,
    *,
    today: dt.date | None = None,
    finding_ids: list[uuid.UUID] | None = None,
) -> Preview:
    """A draft of the document, unnumbered and watermarked 草稿 · 仅供预览; nothing is stored."""
    with db.session() as session:
        inspection = load_inspection(session, inspection_id)
        bureau = bureau_settings(session, inspection.district_code)
        content = build_content(session, inspection_id, kind, bureau, finding_ids=finding_ids)
        fonts = fonts_for(session)
    content["preview_on"] = (today or dt.date.today()).isoformat()
    result = render_pdf(content, fonts, payload=None, preview=True)
    return Preview(pdf=result.pdf, pages=result.pages, warnings=[f"无法显示：{m}" for m in result.missing])


def issue_document(
    db: Database,
    inspection_id: uuid.UUID,
    kind: str,
    *,
    issued_by: uuid.UUID | None = None,
    now: dt.datetime | None = None,
    out: str | os.PathLike[str] | None = None,
    finding_ids: list[uuid.UUID] | None = None,
    supersedes: uuid.UUID | None = None,
    fonts: FontSet | None = None,
    out_dir: str | os.PathLike[str] | None = None,
) -> IssuedDocument:
    """Number, freeze and (optionally) write one document, to ``out`` or into ``out_dir`` named by its
    number.

    ``supersedes`` names an issued document of the same kind and inspection that this one corrects.
    Raises ValidationError (bad input, <2 inspectors, 复查 before any order, unprintable characters)
    or HazdeskError (no series, no font, unwritable output) and leaves nothing behind.
    """
    check_kind(kind)
    issued_at = (now or dt.datetime.now()).replace(microsecond=0, tzinfo=None)
    target = Path(out) if out is not None else None
    if target is not None:
        check_writable(target)
    elif out_dir is not None:
        check_writable(Path(out_dir) / "x.pdf")
    written: Path | None = None
    try:
        with db.transaction() as session:
            take_write_lock(session)
            issued = _issue_in(session, db, inspection_id, kind, issued_at, finding_ids, supersedes, fonts)
            audit.record(
                session, "document.issue", "document", issued.id, inspector_id=issued_by, number=issued.number_text
            )
            session.flush()
            if target is None and out_dir is not None:
                target = Path(out_dir) / file_name(issued.number_text)
            if target is not None:
                write_atomically(target, issued.pdf)
                written = target
    except IntegrityError as exc:  # the triggers or a unique number: never expected, never half-done
        _remove(written)
        raise HazdeskError(f"签发失败，数据库拒绝写入：{exc.orig}") from exc
    except BaseException:
        _remove(written)
        raise
    return dataclasses.replace(issued, path=written)


def _issue_in(
    session: Session,
    db: Database,
    inspection_id: uuid.UUID,
    kind: str,
    issued_at: dt.datetime,
    finding_ids: list[uuid.UUID] | None,
    supersedes: uuid.UUID | None,
    fonts: FontSet | None,
) -> IssuedDocument:
    inspection = load_inspection(session, inspection_id)
    bureau = bureau_settings(session, inspection.district_code)
    content = build_content(session, inspection_id, kind, bureau, finding_ids=finding_ids)
    old = _superseded(session, supersedes, kind, inspection_id) if supersedes is not None else None
    code = device_series(session, bureau.short_name, db.device_id)
    if code is None:
        raise HazdeskError(
            f"本机尚未分配“{bureau.short_name}”的文书编号序列，无法编号。请在 设置 › 文书设置 中填写区县分配给"
            f"本机的序列（命令行：hazdesk document series --db 数据库 --district {inspection.district_code} --set A）"
        )
    fonts = fonts or fonts_for(session)
    series = series_key(bureau.short_name, code)
    serial = next_serial(session, kind, issued_at.year, series)
    number = number_text(bureau.short_name, kind, issued_at.year, code, serial)
    document_id = uuid.uuid4()
    snapshot = content | {
        "document_id": str(document_id),
        "number": number,
        "issued_at": issued_at.isoformat(timespec="seconds"),
        "supersedes": {"id": str(old.id), "number": old.number_text} if old is not None else None,
        "render": {"layout": LAYOUT_VERSION, "reportlab": reportlab.Version, **fonts.identity()},
    }
    snap_hash = snapshot_sha256(snapshot)
    result = render_pdf(snapshot, fonts, payload=qr_payload(str(document_id), snap_hash))
    _refuse_missing(result)
    pdf_hash = hashlib.sha256(result.pdf).hexdigest()
    session.add(
        Document(
            id=document_id,
            kind=kind,
            inspection_id=inspection_id,
            enterprise_id=inspection.enterprise_id,
            state="issued",
            year=issued_at.year,
            series=series,
            serial=serial,
            number_text=number,
            snapshot=snapshot,
            pdf_sha256=pdf_hash,
            issued_at=issued_at,
            supersedes_id=old.id if old is not None else None,
        )
    )
    return IssuedDocument(document_id, kind, number, pdf_hash, snap_hash, result.pages, result.pdf)


def _refuse_missing(result: RenderResult) -> None:
    if result.missing:
        listed = "；".join(str(m) for m in dict.fromkeys(result.missing))
        raise ValidationError(
            f"当前字体无法打印{listed}。请在文书设置中指定含这些字的字体（如 Windows 的 SimSun-ExtB "
            "simsunb.ttf），或修改该字段后重试；文书未签发",
            field="font",
        )


def _superseded(session: Session, old_id: uuid.UUID, kind: str, inspection_id: uuid.UUID) -> Document:
    old = session.get(Document, old_id)
    if old is None or old.state != "issued" or old.kind != kind or old.inspection_id != inspection_id:
        raise ValidationError("只能更正同一检查、同一种类的已签发文书", field="supersedes")
    newer = superseded_by(session, old.id)
    if newer is not None:
        raise ValidationError(f"{old.number_text} 已被 {newer.number_text} 更正，请更正最新的文书", field="supersedes")
    return old


def superseded_by(session: Session, document_id: uuid.UUID) -> Document | None:
    """The issued document that corrects this one, if any (superseded is derived, never stored)."""
    return session.scalar(
        select(Document).where(Document.supersedes_id == document_id, Document.state == "issued").limit(1)
    )


def reprint(db: Database, document_id: uuid.UUID, *, out: str | os.PathLike[str] | None = None) -> IssuedDocument:
    """The issued PDF again, byte for byte, re-rendered from its snapshot with the font it was issued in."""
    with db.session() as session:
        doc = session.get(Document, document_id)
        if doc is None or doc.deleted:
            raise HazdeskError(f"文书 {document_id} 不存在")
        if doc.state != "issued" or doc.snapshot is None:
            raise HazdeskError(f"文书 {doc.number_text or document_id} 未签发或已作废，不能重印")
        result = render_issued(session, doc.snapshot)
    pdf_hash = hashlib.sha256(result.pdf).hexdigest()
    if pdf_hash != doc.pdf_sha256:
        raise HazdeskError(
            f"由快照重新生成的 {doc.number_text} 与签发时的 PDF 不一致（程序版本不同或记录被改动），未输出"
        )
    target = Path(out) if out is not None else None
    if target is not None:
        check_writable(target)
        write_atomically(target, result.pdf)
    snap_hash = snapshot_sha256(doc.snapshot)
    number = doc.number_text or ""
    return IssuedDocument(doc.id, doc.kind, number, pdf_hash, snap_hash, result.pages, result.pdf, target)


def render_issued(session: Session, snapshot: dict[str, Any]) -> RenderResult:
    """Render a stored snapshot with the fonts recorded in it (raises when they are not on this machine)."""
    identity = snapshot.get("render", {})
    configured = font_path(session)
    main = find_face_by_hash(identity.get("font_sha256", ""), configured)
    if main is None:
        raise HazdeskError(
            f"本机没有签发时使用的字体“{identity.get('font', '?')}”"
            f"（SHA-256 {identity.get('font_sha256', '?')[:16]}…），"
            "无法逐字节重现原文书；请安装该字体或在文书设置中指定其路径"
        )
    extension = None
    if identity.get("extension_font_sha256"):
        extension = find_face_by_hash(identity["extension_font_sha256"], configured)
        if extension is None:
            raise HazdeskError(f"本机没有签发时使用的扩展字体“{identity.get('extension_font')}”，无法重现原文书")
    payload = qr_payload(snapshot["document_id"], snapshot_sha256(snapshot))
    return render_pdf(snapshot, FontSet(main, extension), payload=payload)


def void_document(db: Database, document_id: uuid.UUID, *, reason: str, by: uuid.UUID | None = None) -> None:
    """作废: the number stays taken (the row is kept as ``voided``) and is never given out again."""
    if not reason.strip():
        raise ValidationError("作废文书须填写原因", field="reason")
    with db.transaction() as session:
        doc = session.get(Document, document_id)
        if doc is None or doc.deleted:
            raise HazdeskError(f"文书 {document_id} 不存在")
        if doc.state == "voided":
            raise FrozenDocumentError(f"文书 {doc.number_text or document_id} 已作废")
        doc.state = "voided"
        doc.void_reason = reason.strip()
        audit.record(session, "document.void", "document", doc.id, inspector_id=by, reason=reason.strip())


def ensure_editable(doc: Document) -> None:
    """The service-level guard: callers that change a document's content check this first."""
    if doc.state in ("issued", "voided"):
        raise FrozenDocumentError(
            f"文书 {doc.number_text} 已{'签发' if doc.state == 'issued' else '作废'}，不能修改；"
            "如需更正请签发新文书取代它"
        )


def update_draft(db: Database, document_id: uuid.UUID, **changes: Any) -> None:
    """Change fields of a document that is still a draft; an issued or voided one is refused here and,
    for anything that bypasses this, by the database triggers of revision 0003."""
    with db.transaction() as session:
        doc = session.get(Document, document_id)
        if doc is None:
            raise HazdeskError(f"文书 {document_id} 不存在")
        ensure_editable(doc)
        for name, value in changes.items():
            setattr(doc, name, value)


def file_name(number: str) -> str:
    """A file name from a document number, safe on Windows and Linux."""
    return _UNSAFE.sub("_", number) + ".pdf"


def check_writable(target: Path) -> None:
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise HazdeskError(f"输出目录 {folder} 不存在")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise HazdeskError(f"输出目录 {folder} 不可写")
    if target.is_dir():
        raise HazdeskError(f"{target} 是一个目录，请给出 PDF 文件名")


def write_atomically(target: Path, data: bytes) -> None:
    """Write to a temporary name beside the target, then rename: a reader never sees half a PDF."""
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.part")
    try:
        with temporary.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except OSError as exc:
        _remove(temporary)
        raise HazdeskError(f"无法写入 {target}：{exc.strerror or exc}") from exc


def _remove(path: Path | None) -> None:
    if path is not None:
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)


__all__ = [
    "TITLES",
    "FrozenDocumentError",
    "IssuedDocument",
    "Preview",
    "issue_document",
    "preview_document",
    "reprint",
    "void_document",
]
