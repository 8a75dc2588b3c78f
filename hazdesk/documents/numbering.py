"""Document numbers: （简称）应急责改〔年〕<series><serial>号.

Numbering choice (see docs/documents.md): every device numbers in its own **series** (A, B, …,
assigned once per laptop), printed in the number. Laptops issuing offline at the same moment can
therefore never produce the same number, and no laptop ever runs out of numbers away from the office
(number blocks would). Within a series the serials are consecutive per kind and year; a number once
given out is never given again — a voided number stays in the ``document`` table as ``voided``.
"""

from __future__ import annotations

from sqlalchemy import false, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from hazdesk.store.models import Document, DocumentCounter

# 代字 and full title of each kind (domain.md §4.2; 应急 era prefix).
TITLES = {
    "检记": "现场检查记录",
    "责改": "责令限期整改指令书",
    "复查": "整改复查意见书",
    "现决": "现场处理措施决定书",
}
KINDS = tuple(TITLES)


def number_text(short_name: str, kind: str, year: int, series_code: str, serial: int | None) -> str:
    """The number line; ``serial=None`` gives the blank form a preview prints (（宁江）应急责改〔2026〕　号)."""
    tail = f"{series_code}{serial}" if serial is not None else "\u3000\u3000"
    return f"（{short_name}）应急{kind}〔{year}〕{tail}号"


def series_key(short_name: str, series_code: str) -> str:
    """What ``Document.series`` stores: unique across bureaus, so the office's store holding several
    districts' documents keeps UNIQUE(kind, year, series, serial) meaningful."""
    return f"{short_name}{series_code}"


def take_write_lock(session: Session) -> None:
    """Start the transaction with a write.

    SQLite begins transactions deferred: a transaction that reads first and writes later fails at
    once (SQLITE_BUSY, no waiting) when another connection wrote in between. An UPDATE takes the write
    lock even when it matches no row, so after this the whole issue runs alone and other writers
    wait (busy_timeout). PostgreSQL needs nothing here: the counter row lock below serialises.
    """
    if session.get_bind().dialect.name == "sqlite":
        session.execute(update(DocumentCounter).where(false()).values(last_serial=DocumentCounter.last_serial))


def next_serial(session: Session, kind: str, year: int, series: str) -> int:
    """The next serial of (kind, year, series), inside the caller's transaction.

    The counter row is the lock; the highest serial already in ``document`` (drafts, issued and
    voided alike) is the floor, so a counter lost with a restored file can never hand out a number
    that exists.
    """
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(
        insert(DocumentCounter)
        .values(kind=kind, year=year, series=series, last_serial=0)
        .on_conflict_do_nothing(index_elements=["kind", "year", "series"])
    )
    key = (DocumentCounter.kind == kind, DocumentCounter.year == year, DocumentCounter.series == series)
    value = session.execute(
        update(DocumentCounter)
        .where(*key)
        .values(last_serial=DocumentCounter.last_serial + 1)
        .returning(DocumentCounter.last_serial)
    ).scalar_one()
    highest = session.scalar(
        select(func.max(Document.serial)).where(Document.kind == kind, Document.year == year, Document.series == series)
    )
    if highest is not None and highest >= value:
        value = highest + 1
        session.execute(update(DocumentCounter).where(*key).values(last_serial=value))
    return value
