"""The conditions and columns the statements are built of, for SQLite and PostgreSQL, and the values of
their parameters.

A condition and the values it takes are written side by side here: their parameter names must agree (those
of a word's in a statement of several words are prefixed, "w0_", "w1_" …). On SQLite, GLOB rather than
instr() or LIKE wherever a pattern does (case-sensitive like instr(), scans faster, and builds no string per
row), a range rather than LIKE for a USCC prefix (SQLite's LIKE is case-insensitive and would not use the
index), and the condition of the partial index ix_enterprise_search_mixed written out literally, which is
how SQLite knows it may use that index. On PostgreSQL, strpos(), translate() and LIKE.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, and_, bindparam, func, literal_column, or_, select
from sqlalchemy.orm import aliased

from hazdesk.store.models import MIXED_SCRIPT_PATTERN, Enterprise
from hazdesk.store.search.query import QueryKind, _Word

Part = tuple[Select[tuple[object, ...]], dict[str, object]]  # a statement and its parameters


def _base(with_district: bool, *extra: ColumnElement[object]) -> Select[tuple[object, ...]]:
    columns = (Enterprise.id, Enterprise.name, Enterprise.uscc, Enterprise.district_code, Enterprise.address)
    base = select(*columns, *extra).where(Enterprise.deleted.is_(False))
    if with_district:
        base = base.where(Enterprise.district_code == bindparam("district"))
    return base


def _tails_column(tails: Select[tuple[object, ...]] | None) -> tuple[ColumnElement[object], ...]:
    """Whether ``tails`` finds a row, as a column (the database runs it once per statement)."""
    return () if tails is None else (tails.exists().label("tails"),)


_MIXED = aliased(Enterprise, name="mixed")  # the subquery's enterprise in pinyin-first


def _mixed(name: ColumnElement[str]) -> ColumnElement[bool]:
    """The condition of the partial index ix_enterprise_search_mixed, written out as SQLite must see it."""
    return _glob(name, literal_column(f"'{MIXED_SCRIPT_PATTERN}'"))


def _mixed_name(sqlite: bool) -> ColumnElement[bool]:
    if sqlite:
        return _mixed(Enterprise.name)
    return Enterprise.name.regexp_match(MIXED_SCRIPT_PATTERN[1:-1])  # the GLOB's class is a regex's too


def _glob(column: ColumnElement[str], pattern: ColumnElement[str]) -> ColumnElement[bool]:
    return column.op("GLOB", is_comparison=True)(pattern)


def _uscc_prefix(sqlite: bool, prefix: str) -> ColumnElement[bool]:
    if sqlite:
        return and_(Enterprise.uscc >= bindparam(f"{prefix}low"), Enterprise.uscc < bindparam(f"{prefix}high"))
    return Enterprise.uscc.like(bindparam(f"{prefix}pattern"), escape="\\")


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _pinyin_tests(
    sqlite: bool, prefix: str
) -> tuple[Callable[[ColumnElement[str]], ColumnElement[bool]], Callable[[ColumnElement[str]], ColumnElement[bool]]]:
    """(contains, starts) for a pinyin key: the key holds the needle, a reading of it starts with it."""
    if sqlite:  # GLOB is case-sensitive like instr() and scans faster

        def contains(column: ColumnElement[str]) -> ColumnElement[bool]:
            return _glob(column, bindparam(f"{prefix}in"))

        def starts(column: ColumnElement[str]) -> ColumnElement[bool]:
            return _glob(column, bindparam(f"{prefix}at")) | _glob(column, bindparam(f"{prefix}after"))
    else:

        def contains(column: ColumnElement[str]) -> ColumnElement[bool]:
            return func.strpos(column, bindparam(f"{prefix}in")) > 0

        def starts(column: ColumnElement[str]) -> ColumnElement[bool]:
            return (func.strpos(column, bindparam(f"{prefix}in")) == 1) | (
                func.strpos(column, bindparam(f"{prefix}after")) > 0
            )

    return contains, starts


def _pinyin_values(dialect: str, prefix: str, needle: str) -> dict[str, object]:
    if dialect == "sqlite":
        return {f"{prefix}in": f"*{needle}*", f"{prefix}at": f"{needle}*", f"{prefix}after": f"* {needle}*"}
    return {f"{prefix}in": needle, f"{prefix}after": " " + needle}


def _folded(dialect: str, column: ColumnElement[str], prefix: str, folding: tuple[int, bool]) -> ColumnElement[str]:
    """``column`` with the plain variants of the word's characters folded (the word's parameters)."""
    pairs, lower = folding
    if not pairs and not lower:
        return column
    if dialect != "sqlite":
        return func.translate(column, bindparam(f"{prefix}variants"), bindparam(f"{prefix}folded"))
    if lower:  # SQLite's lower() folds ASCII letters only
        column = func.lower(column)
    for index in range(pairs):
        column = func.replace(column, bindparam(f"{prefix}v{index}"), bindparam(f"{prefix}f{index}"))
    return column


@dataclass(frozen=True)
class _TextMatch:
    """A word's text comparisons: position in the (folded) name, whether the name is the word, starts with
    it, holds it, whether the address holds it."""

    position: ColumnElement[int]
    name_equal: ColumnElement[bool]
    starts: ColumnElement[bool]
    in_name: ColumnElement[bool]
    in_address: ColumnElement[bool]


def _text_match(dialect: str, prefix: str, folding: tuple[int, bool], anchor: bool, alt: bool) -> _TextMatch:
    """Without variants to fold, instr() (strpos()) of the word. With them, SQLite matches a GLOB of each
    character's forms and PostgreSQL translate()s them, each only on rows holding the word's anchor; the
    position (which only orders rows found) comes from the name folded by replace()."""
    sqlite = dialect == "sqlite"
    position = func.instr if sqlite else func.strpos
    name = _folded(dialect, Enterprise.name, prefix, folding)
    address = _folded(dialect, Enterprise.address, prefix, folding)
    query = bindparam(f"{prefix}query")
    at = position(name, query)
    if sqlite and any(folding):

        def glob(column: ColumnElement[str], pattern: str) -> ColumnElement[bool]:
            return _glob(column, bindparam(f"{prefix}t_{pattern}"))

        equal, starts, in_name, also = (
            glob(Enterprise.name, "eq"),
            glob(Enterprise.name, "at"),
            glob(Enterprise.name, "in"),
            glob(Enterprise.address, "alt"),
        )
        in_address = glob(Enterprise.address, "in")
    else:
        equal, starts, in_name, in_address = name == query, at == 1, at > 0, position(address, query) > 0
        also = position(address, bindparam(f"{prefix}alt")) > 0
    if anchor:
        in_name = and_(position(Enterprise.name, bindparam(f"{prefix}anchor")) > 0, in_name)
        in_address = and_(position(Enterprise.address, bindparam(f"{prefix}anchor")) > 0, in_address)
    if alt:
        in_address = or_(in_address, also)
    return _TextMatch(at, equal, starts, in_name, in_address)


def _text_values(dialect: str, prefix: str, word: _Word) -> dict[str, object]:
    values: dict[str, object] = {f"{prefix}query": word.text}
    if word.anchor:
        values[f"{prefix}anchor"] = word.anchor
    if dialect == "sqlite" and (word.pairs or word.lower):  # GLOB each character's forms: no string built per row
        folded = _glob_folded(word.text, word.pairs)
        values |= {f"{prefix}t_in": f"*{folded}*", f"{prefix}t_at": f"{folded}*", f"{prefix}t_eq": folded}
        if word.alt:
            values[f"{prefix}t_alt"] = f"*{_glob_folded(word.alt, word.pairs)}*"
    if word.alt:
        values[f"{prefix}alt"] = word.alt
    if dialect == "sqlite":
        for index, (variant, folded) in enumerate(word.pairs):
            values[f"{prefix}v{index}"], values[f"{prefix}f{index}"] = variant, folded
    elif word.pairs or word.lower:  # translate(): capitals too, not lower() (PostgreSQL's follows the locale)
        capitals = [(ch.upper(), ch) for ch in dict.fromkeys(word.text) if "a" <= ch <= "z"]
        values[f"{prefix}variants"] = "".join(variant for variant, _ in (*word.pairs, *capitals))
        values[f"{prefix}folded"] = "".join(folded for _, folded in (*word.pairs, *capitals))
    return values


def _glob_folded(text: str, pairs: Sequence[tuple[str, str]]) -> str:
    """A GLOB pattern (without stars) of text that folds to ``text`` by the word's ``pairs`` and capitals:
    each character a class of its forms. It matches where instr() on the folded text would."""
    forms: dict[str, list[str]] = {}
    for variant, folded in pairs:
        forms.setdefault(folded, []).append(variant)
    capital = {ch: [ch.upper()] for ch in text if "a" <= ch <= "z"}
    return "".join(_glob_one_of([ch, *forms.get(ch, ()), *capital.get(ch, ())]) for ch in text)


def _glob_one_of(chars: Iterable[str]) -> str:
    """One character of ``chars`` in a GLOB pattern: in a class "]" must come first, "^" not first and "-"
    last; all else is literal. Outside a class, only "*", "?" and "[" are special."""
    chars = "".join(dict.fromkeys(chars))
    if len(chars) == 1 and chars not in "*?[":
        return chars
    ordered = ("]" if "]" in chars else "") + "".join(ch for ch in chars if ch not in "]^-")
    if not ordered and "^" in chars:  # "^" and "-" alone: "-" first is literal too
        return "[-^]"
    return f"[{ordered}{'^' if '^' in chars else ''}{'-' if '-' in chars else ''}]"


def _contains_any(sqlite: bool, column: ColumnElement[str], prefix: str, slots: int) -> ColumnElement[bool]:
    """``column`` holds one of the word's look-alikes. Not a GLOB class: SQLite prepares a statement again
    whenever a GLOB's pattern parameter changes, and this one rides along with the ranked statement."""
    if sqlite:
        return or_(*(func.instr(column, bindparam(f"{prefix}tail{index}")) > 0 for index in range(slots)))
    return func.translate(column, bindparam(f"{prefix}tail"), "") != column


def _tail_values(dialect: str, prefix: str, word: _Word) -> dict[str, object]:
    """The look-alikes to look for: one per slot on SQLite (the last repeated), all at once on PostgreSQL."""
    if not word.tail_slots:
        return {}
    if dialect != "sqlite":
        return {f"{prefix}tail": word.tail}
    return {f"{prefix}tail{index}": word.tail[min(index, len(word.tail) - 1)] for index in range(word.tail_slots)}


def _word_values(dialect: str, prefix: str, word: _Word) -> dict[str, object]:
    values = _text_values(dialect, prefix, word)
    if word.pinyin:
        values |= _pinyin_values(dialect, prefix, word.text)
    if word.kind is QueryKind.USCC:
        upper = word.text.upper()
        if dialect == "sqlite":
            values |= {f"{prefix}low": upper, f"{prefix}high": upper + "\x7f"}
        else:
            values[f"{prefix}pattern"] = _escape_like(upper) + "%"
    values |= _tail_values(dialect, prefix, word)
    return values
