"""The statements of a single word, and the one reading the mixed names a query's look-alikes may match.

Most of a pinyin search's time goes into scanning the long full-pinyin key (every reading, ~150 characters
on average). The pinyin of a name written in Chinese characters only is a run of syllables, and no run of
syllables begins with ``hlhg`` or ``gf`` (nor holds the pair "hl" anywhere): for such a query — what typed
initials look like — SQLite first takes the matches of the first three ranks from the short initials key,
looking at full pinyin only for names with other characters (Latin letters, full-width letters, symbols),
which the partial index ix_enterprise_search_mixed (revision 0005) lists; the full pinyin of every name is
scanned only when those matches do not fill the page and the query could occur inside pinyin at all. The
results are those of the single ranked scan, which PostgreSQL and queries that look like full pinyin
(``hualian``) still use.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from sqlalchemy import Select, bindparam, case, func, not_, or_, select

from hazdesk.store.models import Enterprise
from hazdesk.store.search.clauses import (
    _MIXED,
    Part,
    _base,
    _contains_any,
    _escape_like,
    _mixed,
    _mixed_name,
    _pinyin_tests,
    _pinyin_values,
    _tail_values,
    _tails_column,
    _text_match,
    _text_values,
    _uscc_prefix,
    _word_values,
)
from hazdesk.store.search.keys import PINYIN_CHARS, could_be_pinyin, could_start_pinyin
from hazdesk.store.search.multiword import _signature, _sql_order, _words_shape
from hazdesk.store.search.query import MAX_WORDS, QueryKind, _Word, _words, classify


def _parts(dialect: str, query: str, *, with_district: bool) -> list[Part]:
    """The query (one folded word) in parts to run in turn, each sorted, the rows of one ranking before the
    next's.

    The statements are built once per shape (building costs as much as a search's own SQL) and take
    the query's values as parameters; the district and the row limit are parameters too.
    """
    kind = classify(query)
    if kind is QueryKind.USCC:
        prefix = query.upper()
        if dialect == "sqlite":  # a range, not LIKE: SQLite's LIKE is case-insensitive and would not use the index
            return [(_shape(dialect, "uscc", with_district), {"low": prefix, "high": prefix + "\x7f"})]
        return [(_shape(dialect, "uscc", with_district), {"pattern": _escape_like(prefix) + "%"})]
    if kind is QueryKind.TEXT:
        word = _words(query)[0]
        shape = _text_shape(dialect, with_district, word.folding, bool(word.anchor), bool(word.alt))
        return [(shape, _text_values(dialect, "", word))]

    needle = query.lower()  # [a-z]+: nothing in it is special to GLOB
    if len(needle) > PINYIN_CHARS:
        return []  # longer than any key
    values = _pinyin_values(dialect, "", needle)
    if dialect != "sqlite" or could_start_pinyin(needle):
        return [(_shape(dialect, "pinyin", with_district), values)]
    rest = "pinyin-rest" if could_be_pinyin(needle) else "pinyin-rest-mixed"
    return [(_shape(dialect, "pinyin-first", with_district), values), (_shape(dialect, rest, with_district), values)]


@functools.cache
def _shape(dialect: str, name: str, with_district: bool) -> Select[tuple[object, ...]]:
    """The statement of one part; parameters: district, limit, and the query's values (see _parts)."""
    base = _base(with_district)
    shorter = (func.length(Enterprise.name), Enterprise.name)
    sqlite = dialect == "sqlite"
    if name == "uscc":
        return base.where(_uscc_prefix(sqlite, "")).order_by(Enterprise.uscc).limit(bindparam("limit"))

    # Pinyin ranks: an initials reading starts with the needle (0), a full reading does (1), the initials
    # hold it (2), the full pinyin holds it (3). Readings are space-separated: one starts with the needle at
    # the start of the key or after a space (only the needle gets the space, never the column: that would
    # build a string per row).
    contains, starts = _pinyin_tests(sqlite, "")
    initials, full = Enterprise.name_initials, Enterprise.name_pinyin
    if name == "pinyin":  # one scan of both keys, ranked
        rank = case((starts(initials), 0), (starts(full), 1), (contains(initials), 2), else_=3)
        statement = base.where(or_(contains(initials), contains(full))).order_by(rank, *shorter)
    elif name == "pinyin-first":
        # Ranks 0-2 when no reading of an all-Chinese name can start with the needle: from the initials,
        # and from the full pinyin of the mixed names alone (through their partial index).
        mixed_start = Enterprise.id.in_(
            select(_MIXED.id).where(_MIXED.deleted.is_(False), _mixed(_MIXED.name), starts(_MIXED.name_pinyin))
        )
        rank = case((starts(initials), 0), (starts(full), 1), else_=2)
        statement = base.where(or_(contains(initials), mixed_start)).order_by(rank, *shorter)
    else:  # rank 3: from the full pinyin of every name, or only of the mixed names if it cannot be pinyin
        statement = base.where(contains(full), not_(contains(initials)), not_(starts(full))).order_by(*shorter)
        if name == "pinyin-rest-mixed":
            statement = statement.where(_mixed(Enterprise.name))
    return statement.limit(bindparam("limit"))


@functools.cache
def _text_shape(
    dialect: str,
    with_district: bool,
    folding: tuple[int, bool],
    anchor: bool,
    alt: bool,
    tails: Select[tuple[object, ...]] | None = None,
) -> Select[tuple[object, ...]]:
    """One word in Chinese (or mixed): name matches by rank, position, length; address matches last.
    Without variants to fold, the statement of a plain substring scan; with ``tails``, a column telling
    whether that statement finds anything."""
    match = _text_match(dialect, "", folding, anchor, alt)
    rank = case((match.name_equal, 0), (match.starts, 1), (match.in_name, 2), else_=3)
    condition = or_(match.in_name, match.in_address)
    shorter = (func.length(Enterprise.name), Enterprise.name)
    statement = _base(with_district, *_tails_column(tails)).where(condition)
    return statement.order_by(rank, match.position, *shorter).limit(bindparam("limit"))


def _tail_statement(dialect: str, words: Sequence[_Word], with_district: bool) -> Part | None:
    """The mixed names that may match a word only once look-alikes (⼯, Ⅱ) are folded: for Python to check.
    None when no word has look-alikes."""
    if not any(_look(word) for word in words):
        return None
    if len(words) == 1:
        word = words[0]
        statement = _tail_shape(dialect, with_district, word.tail_slots, bool(word.tail_anchor))
        return statement, {**_tail_values(dialect, "", word), "tail_anchor": word.tail_anchor}
    ordered = _sql_order(words)[:MAX_WORDS]
    statement = _words_shape(dialect, tuple((*_signature(word), _look(word)) for word in ordered), with_district, True)
    values: dict[str, object] = {}
    for index, word in enumerate(ordered):
        values |= _word_values(dialect, f"w{index}_", word)
    return statement, values


def _look(word: _Word) -> int:
    """How the tail statement looks for a word's look-alikes: 0 none to look for, -1 too many, else slots."""
    if not word.tail or word.kind is QueryKind.PINYIN:
        return 0
    return word.tail_slots or -1


@functools.cache
def _tail_shape(dialect: str, with_district: bool, slots: int, anchor: bool) -> Select[tuple[object, ...]]:
    sqlite = dialect == "sqlite"
    position = func.instr if sqlite else func.strpos
    statement = _base(with_district, Enterprise.name_pinyin, Enterprise.name_initials).where(_mixed_name(sqlite))
    if anchor:
        statement = statement.where(position(Enterprise.name, bindparam("tail_anchor")) > 0)
    if slots:
        statement = statement.where(_contains_any(sqlite, Enterprise.name, "", slots))
    return statement
