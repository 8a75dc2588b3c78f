"""Finding an enterprise by what an inspector types: a piece of the name or address in Chinese (one
character is enough), its pinyin or pinyin initials (``hlhg`` → 华联化工), or the start of its USCC.

Why plain substring scans and not SQLite FTS5: the trigram tokenizer cannot match queries of one or
two characters (the common case in Chinese), the office database may be PostgreSQL, and a scan of a
narrow covering index over 20,000 enterprises stays within the 15 ms budget (see docs/benchmarks.md).
Pinyin keys are computed once per name with pypinyin and stored beside it; initials keep every
reading of heteronyms (单 → d/s/c) because pypinyin's first guess is often wrong for names.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
import uuid
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select
from sqlalchemy.orm import Session

from hazdesk.store.models import Enterprise

MAX_READINGS = 16  # combinations of heteronym readings kept per name; beyond that only the first ones
PINYIN_CHARS = 800  # Enterprise.name_pinyin's length
INITIALS_CHARS = 400  # Enterprise.name_initials' length
_USCC_ALPHABET = set("0123456789ABCDEFGHJKLMNPQRTUWXY")
_ASCII_WORD = re.compile(r"^[a-z]+$")


class QueryKind(StrEnum):
    TEXT = "text"  # Chinese (or mixed) substring of name or address
    PINYIN = "pinyin"  # latin letters: full pinyin or initials
    USCC = "uscc"  # starts like a 统一社会信用代码


@dataclass(frozen=True)
class SearchHit:
    id: uuid.UUID
    name: str
    uscc: str
    district_code: str
    address: str


def normalize_query(text: str) -> str:
    """NFKC folds full-width letters and digits (common with Chinese input methods) to ASCII."""
    return unicodedata.normalize("NFKC", text).strip()


def classify(query: str) -> QueryKind:
    upper = query.upper()
    if any(ch.isdigit() for ch in query) and all(ch in _USCC_ALPHABET for ch in upper):
        return QueryKind.USCC
    if _ASCII_WORD.match(query.lower()):
        return QueryKind.PINYIN
    return QueryKind.TEXT


def search_keys(name: str) -> tuple[str, str]:
    """(full pinyin readings, initials readings) of a name, each a space-separated list of alternatives.

    Non-Chinese runs (Latin letters, digits) are kept lower-cased in both keys so that ``abc`` finds
    "ABC化工有限公司".
    """
    # pypinyin loads its phrase dictionaries on import (~250 ms): only writers of names pay for it,
    # not every start of the desk or every search.
    from pypinyin import Style, lazy_pinyin, pinyin

    name = normalize_query(name)
    full_readings = [r for r in pinyin(name, style=Style.NORMAL, heteronym=True, errors=_keep)]
    initial_readings = [r for r in pinyin(name, style=Style.FIRST_LETTER, heteronym=True, errors=_keep)]
    default_full = "".join(lazy_pinyin(name, errors=_keep)).lower()
    fulls = _combinations(full_readings, default_full)
    initials = _combinations(initial_readings, None)
    return _fit(fulls, PINYIN_CHARS), _fit(initials, INITIALS_CHARS)


def _keep(chars: str) -> list[str]:
    return [ch.lower() for ch in chars if ch.isalnum()]


def _fit(readings: list[str], limit: int) -> str:
    """Space-joined readings that fit the column (the first, most likely readings are kept whole;
    PostgreSQL enforces the length, and a 40-character name has long readings)."""
    kept: list[str] = []
    used = 0
    for reading in readings:
        cost = len(reading) + (1 if kept else 0)
        if used + cost > limit:
            break
        kept.append(reading)
        used += cost
    return " ".join(kept) if kept else readings[0][:limit] if readings else ""


def _combinations(readings: list[list[str]], first: str | None) -> list[str]:
    options = [[r.lower() for r in dict.fromkeys(alternatives) if r] for alternatives in readings]
    options = [o for o in options if o]
    out: list[str] = [first] if first else []
    for combo in itertools.islice(itertools.product(*options), MAX_READINGS):
        joined = "".join(combo)
        if joined not in out:
            out.append(joined)
    return out


def search_enterprises(
    session: Session,
    text: str,
    *,
    limit: int = 50,
    district_code: str | None = None,
) -> list[SearchHit]:
    """Best matches first: exact name, name prefix, name substring (earlier is better), address."""
    query = normalize_query(text)
    if not query:
        return []
    statement = _statement(session, query, district_code).limit(limit)
    return [SearchHit(*row) for row in session.execute(statement)]


def _columns() -> tuple[ColumnElement[object], ...]:
    return (Enterprise.id, Enterprise.name, Enterprise.uscc, Enterprise.district_code, Enterprise.address)


def _statement(session: Session, query: str, district_code: str | None) -> Select[tuple[object, ...]]:
    dialect = session.get_bind().dialect.name
    kind = classify(query)
    base = select(*_columns()).where(Enterprise.deleted.is_(False))
    if district_code:
        base = base.where(Enterprise.district_code == district_code)

    def position(column: ColumnElement[str], needle: str) -> ColumnElement[int]:
        if dialect == "sqlite":
            return func.instr(column, needle)
        return func.strpos(column, needle)

    if kind is QueryKind.USCC:
        prefix = query.upper()
        if dialect == "sqlite":
            # A range, not LIKE: SQLite's LIKE is case-insensitive and would not use the index.
            condition = and_(Enterprise.uscc >= prefix, Enterprise.uscc < prefix + "\x7f")
        else:
            condition = Enterprise.uscc.like(_escape_like(prefix) + "%", escape="\\")
        return base.where(condition).order_by(Enterprise.uscc)

    if kind is QueryKind.PINYIN:
        needle = query.lower()
        in_initials = position(Enterprise.name_initials, needle)
        in_full = position(Enterprise.name_pinyin, needle)
        # Readings are space-separated: a reading starts with the query at position 1 or after a space.
        # Only the needle is concatenated, never the column (that would build a string per row).
        rank = case(
            ((in_initials == 1) | (position(Enterprise.name_initials, " " + needle) > 0), 0),
            ((in_full == 1) | (position(Enterprise.name_pinyin, " " + needle) > 0), 1),
            (in_initials > 0, 2),
            else_=3,
        )
        return base.where(or_(in_initials > 0, in_full > 0)).order_by(
            rank, func.length(Enterprise.name), Enterprise.name
        )

    in_name = position(Enterprise.name, query)
    rank = case((Enterprise.name == query, 0), (in_name == 1, 1), (in_name > 0, 2), else_=3)
    return base.where(or_(in_name > 0, position(Enterprise.address, query) > 0)).order_by(
        rank, in_name, func.length(Enterprise.name), Enterprise.name
    )


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
