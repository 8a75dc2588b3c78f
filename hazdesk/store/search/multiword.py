"""Several words ("南京 化工"): every word must match, each in any of the usual ways: in the name or the
address, or for what looks like a USCC also its start; a word of Latin letters alone by the pinyin or
initials, as when typed alone. Names holding every word come first, then the words' ranks added up (the
name, a reading of it or the USCC starts with the word: 0; holds it: 1; only the address does:
ADDRESS_ONLY, more than all the others add up to), then shorter names. A single word is matched and ranked
as before (by its folded form: see :mod:`.statements`).

One statement matches and ranks them all in SQL; the words' parameters are prefixed "w{i}_". Only the first
MAX_WORDS words (the most selective) are tested in SQL; Python checks the rest on the rows found.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Sequence

from sqlalchemy import Select, bindparam, case, func, or_, select, true

from hazdesk.store.models import Enterprise
from hazdesk.store.search.clauses import (
    _MIXED,
    Part,
    _base,
    _contains_any,
    _mixed,
    _mixed_name,
    _pinyin_tests,
    _tails_column,
    _text_match,
    _uscc_prefix,
    _word_values,
)
from hazdesk.store.search.keys import could_be_pinyin, could_start_pinyin
from hazdesk.store.search.query import ADDRESS_ONLY, QueryKind, _Word


def _sql_order(words: Sequence[_Word]) -> list[_Word]:
    """Words in the order SQL best tests them: text first (instr() is cheap), longest first, pinyin last."""
    order = {QueryKind.TEXT: 0, QueryKind.USCC: 1, QueryKind.PINYIN: 2}
    return sorted(words, key=lambda word: (order[word.kind], -len(word.text)))


def _signature(word: _Word) -> tuple[object, ...]:
    scan = (could_be_pinyin(word.text), could_start_pinyin(word.text)) if word.pinyin else (True, True)
    return word.kind, word.pinyin, scan, word.folding, bool(word.anchor), bool(word.alt)


def _words_statement(
    dialect: str, words: Sequence[_Word], with_district: bool, tails: Select[tuple[object, ...]] | None
) -> Part:
    """Every word matched, ranked in SQL (limit: a parameter, the largest page if none), with a column
    telling whether the ``tails`` statement finds anything."""
    words = _sql_order(words)
    statement = _words_shape(dialect, tuple(_signature(word) for word in words), with_district, False, tails)
    values: dict[str, object] = {"limit": 2**31 - 1}
    for index, word in enumerate(words):
        values |= _word_values(dialect, f"w{index}_", word)
    return statement, values


@functools.lru_cache(maxsize=512)
def _words_shape(
    dialect: str,
    signature: tuple[tuple[object, ...], ...],
    with_district: bool,
    tail: bool,
    tails: Select[tuple[object, ...]] | None = None,
) -> Select[tuple[object, ...]]:
    """Several words, each matched in any of its ways and ranked as _word_rank says; the parameters of
    word i are prefixed "w{i}_". With ``tail``: the mixed names that may match only once look-alikes are
    folded, a word's look-alikes standing in for it (the signature's last item: 0 none, 1 too many to look
    for, 2 a class of them), for Python to check."""
    sqlite = dialect == "sqlite"
    matches, ranks, looks = [], [], []
    for index, (kind, pinyin, scan, folding, anchor, alt, *rest) in enumerate(signature):
        prefix = f"w{index}_"
        starts, holds, address, uscc = [], [], [], []
        if kind is not QueryKind.PINYIN:  # letters alone are matched as a single word is: by pinyin
            text = _text_match(dialect, prefix, folding, anchor, alt)
            starts.append(text.starts)
            holds.append(text.in_name)
            address.append(text.in_address)
        if pinyin:
            contains, begins = _pinyin_tests(sqlite, prefix)
            initials, full = Enterprise.name_initials, Enterprise.name_pinyin
            # As in pinyin-first: where no run of syllables can hold (or start with) the needle, only the
            # full pinyin of mixed names is read, through their partial index.
            mixed = select(_MIXED.id).where(_MIXED.deleted.is_(False), _mixed(_MIXED.name))
            holds_full, starts_full = (
                test(full) if all_names or not sqlite else Enterprise.id.in_(mixed.where(test(_MIXED.name_pinyin)))
                for test, all_names in zip((contains, begins), scan, strict=True)
            )
            starts.append(or_(begins(initials), starts_full))
            holds.append(or_(contains(initials), holds_full))
        if kind is QueryKind.USCC:
            uscc.append(_uscc_prefix(sqlite, prefix))
        match = or_(*uscc, *holds, *address)  # starting with the word is holding it
        look = rest[0] if tail else 0
        if look > 0:
            looks.append(_contains_any(sqlite, Enterprise.name, prefix, look))
            match = or_(match, looks[-1])
        elif look < 0:
            looks.append(true())
            continue  # Python checks the word
        matches.append(match)
        if sqlite and kind is QueryKind.TEXT and not any(folding):  # one instr(): 1 starts, more holds, 0 not
            ranks.append(case({1: 0, 2: 1}, value=func.min(text.position, 2), else_=ADDRESS_ONLY))
        else:
            whens = [(or_(*uscc, *starts), 0)] if uscc or starts else []
            ranks.append(case(*whens, *([(or_(*holds), 1)] if holds else []), else_=ADDRESS_ONLY))
    keys = (Enterprise.name_pinyin, Enterprise.name_initials)
    if tail:
        statement = _base(with_district, *keys).where(_mixed_name(sqlite), *matches)
        if looks and not any(look is true() for look in looks):
            statement = statement.where(or_(*looks))
        return statement
    rank = functools.reduce(operator.add, ranks).label("words_rank")
    statement = _base(with_district, *keys, rank, *_tails_column(tails)).where(*matches)
    shorter = (func.length(Enterprise.name), Enterprise.name)
    return statement.order_by(rank, *shorter).limit(bindparam("limit"))
