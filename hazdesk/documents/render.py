"""Snapshot → PDF bytes: A4 pages, page numbers, continuation headers, QR code, deterministic output.

The same snapshot and the same font always give the same bytes: reportlab runs with ``invariant=1``
(fixed document id derived from the content), the creation date is the issue time, and the registered
font name comes from the font file's hash. That is what lets a reprint be byte-identical and lets
``verify`` re-render a stored snapshot and compare hashes.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import SimpleDocTemplate

from hazdesk.documents.fonts import FontSet
from hazdesk.documents.text import Markup, MissingGlyph
from hazdesk.documents.wording import build_story

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_LEFT = 26 * mm
MARGIN_RIGHT = 24 * mm
MARGIN_TOP = 22 * mm
MARGIN_BOTTOM = 34 * mm  # room for the QR code and the page number
QR_SIZE = 22 * mm
QR_PREFIX = "HZDOC1"
QR_PATTERN = re.compile(rb"HZDOC1:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}):([0-9a-f]{64})")
CHINA_UTC_OFFSET_HOURS = 8


def qr_payload(document_id: str, snapshot_hash: str) -> str:
    """What the QR code (and the PDF's Subject) carries: the document id and the snapshot's hash."""
    return f"{QR_PREFIX}:{document_id}:{snapshot_hash}"


@dataclass(frozen=True)
class RenderResult:
    pdf: bytes
    pages: int
    missing: list[MissingGlyph] = field(default_factory=list)


@dataclass(frozen=True)
class _Decor:
    """What every page carries besides the story."""

    font: str
    title: str
    number: str
    payload: str | None  # None for a preview: a draft has no identity to check
    issued_at: dt.datetime | None
    preview: bool


class _FixedStamp:
    """reportlab's TimeStamp, fixed at the issue time (China time), so the PDF dates never vary."""

    def __init__(self, when: dt.datetime) -> None:
        self.YMDhms = (when.year, when.month, when.day, when.hour, when.minute, when.second)
        self.dhh, self.dmm = CHINA_UTC_OFFSET_HOURS, 0
        self.t = when.replace(tzinfo=dt.timezone(dt.timedelta(hours=CHINA_UTC_OFFSET_HOURS))).timestamp()
        self.tzname = "CST"


class _PagedCanvas(Canvas):
    """Holds pages back until the end so each can say "第 x 页 共 y 页" (the total is known only then)."""

    def __init__(self, *args: Any, decor: _Decor, **kwargs: Any) -> None:
        kwargs["initialFontName"] = decor.font  # no stray Helvetica (not embedded) in the page streams
        super().__init__(*args, **kwargs)
        self._decor = decor
        self._pages: list[dict[str, Any]] = []
        self.forms_drawn: set[str] = set()
        if decor.issued_at is not None:
            self._doc._timeStamp = _FixedStamp(decor.issued_at)

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            _draw_page_decor(self, self._decor, number, total)
            super().showPage()
        super().save()


def _draw_page_decor(canvas: _PagedCanvas, decor: _Decor, number: int, total: int) -> None:
    canvas.saveState()
    canvas.setFont(decor.font, 10.5)
    canvas.drawCentredString(PAGE_WIDTH / 2, 16 * mm, f"第 {number} 页 共 {total} 页")
    if number > 1:
        # A continuation page names its document, so a loose sheet can be put back where it belongs.
        top = PAGE_HEIGHT - 14 * mm
        canvas.setFont(decor.font, 9)
        canvas.drawString(MARGIN_LEFT, top, f"{decor.title}（续页）")
        canvas.drawRightString(PAGE_WIDTH - MARGIN_RIGHT, top, decor.number)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN_LEFT, top - 2 * mm, PAGE_WIDTH - MARGIN_RIGHT, top - 2 * mm)
    if decor.payload is not None:
        x = PAGE_WIDTH - MARGIN_RIGHT - QR_SIZE
        y = 7 * mm
        _draw_qr(canvas, decor.payload, x, y)
        canvas.setFont(decor.font, 7)
        document_id = decor.payload.split(":")[1]
        canvas.drawString(MARGIN_LEFT, 12 * mm, f"文书ID {document_id}")
        canvas.drawString(
            MARGIN_LEFT, 8.5 * mm, "二维码含文书ID与内容校验值；电子文件可用 hazdesk document verify 核验"
        )
    if decor.preview:
        canvas.setFont(decor.font, 46)
        canvas.setFillColorRGB(0.8, 0.1, 0.1)
        canvas.setFillAlpha(0.28)
        canvas.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
        canvas.rotate(35)
        canvas.drawCentredString(0, 0, "草稿 · 仅供预览")
        canvas.setFont(decor.font, 16)
        canvas.drawCentredString(0, -24 * mm, "未编号，不作为执法文书使用")
    canvas.restoreState()


def _draw_qr(canvas: _PagedCanvas, payload: str, x: float, y: float) -> None:
    # Drawn on the page's canvas rather than through renderPDF, which resets the graphics state to
    # Helvetica and so adds an unembedded font. Encoded and drawn once per document as a form
    # (XObject) that every page reuses: the same code on each page costs neither time nor bytes again.
    name = "hazdeskQR"
    if name not in canvas.forms_drawn:
        canvas.beginForm(name, 0, 0, QR_SIZE, QR_SIZE)
        _qr_modules(canvas, payload)
        canvas.endForm()
        canvas.forms_drawn.add(name)
    canvas.saveState()
    canvas.translate(x, y)
    canvas.doForm(name)
    canvas.restoreState()


def _qr_modules(canvas: Canvas, payload: str) -> None:
    qr = QrCodeWidget(payload, barLevel="M").qr
    qr.make()
    modules = qr.modules
    count = len(modules)
    quiet = 2
    size = QR_SIZE / (count + 2 * quiet)
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(0, 0, QR_SIZE, QR_SIZE, stroke=0, fill=1)
    canvas.setFillColorRGB(0, 0, 0)
    path = canvas.beginPath()
    for r, row in enumerate(modules):
        top = QR_SIZE - (quiet + r + 1) * size
        c = 0
        while c < count:
            if not row[c]:
                c += 1
                continue
            start = c
            while c < count and row[c]:
                c += 1
            path.rect((quiet + start) * size, top, (c - start) * size, size)
    canvas.drawPath(path, stroke=0, fill=1)


def render_pdf(snapshot: dict[str, Any], fonts: FontSet, *, payload: str | None, preview: bool = False) -> RenderResult:
    """Lay out one document. Characters no font can print are returned in ``missing`` (the caller
    decides: an issue refuses, a preview shows them as boxes and warns)."""
    markup = Markup(fonts)
    story = build_story(snapshot, markup, fonts.main.name)
    issued_at = dt.datetime.fromisoformat(snapshot["issued_at"]) if snapshot.get("issued_at") else None
    buffer = io.BytesIO()
    title = snapshot["title"]
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN_LEFT,
        rightMargin=MARGIN_RIGHT,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        invariant=1,
        title=f"{title} {snapshot.get('number') or '（预览）'}",
        author=snapshot["bureau"]["name"],
        subject=payload or "preview",
        keywords=payload or "",
        creator="hazdesk",
        producer="hazdesk (reportlab)",
        initialFontName=fonts.main.name,
    )
    decor = _Decor(
        font=fonts.main.name,
        title=title,
        number=snapshot.get("number") or "",
        payload=payload,
        issued_at=issued_at,
        preview=preview,
    )
    doc.build(story, canvasmaker=partial(_PagedCanvas, decor=decor))
    return RenderResult(pdf=buffer.getvalue(), pages=doc.page, missing=list(markup.missing))


def payload_in_pdf(pdf: bytes) -> tuple[str, str] | None:
    """The (document id, snapshot hash) a hazdesk PDF names in its metadata, if any."""
    match = QR_PATTERN.search(pdf)
    if match is None:
        return None
    return match.group(1).decode("ascii"), match.group(2).decode("ascii")
