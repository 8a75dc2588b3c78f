"""The rankings of the statements, in Python: for the mixed names that match only once their look-alikes
(⼯, Ⅱ) are folded, which SQL does not fold, and for queries of more words than SQL tests. They rank as SQL
does, with the name folded fully, so that their rows merge into SQL's in one order.
"""

from __future__ import annotations

import heapq
import operator
from collections.abc import Callable, Sequence

from hazdesk.store.search.fold import _fold_mapped
from hazdesk.store.search.query import ADDRESS_ONLY, QueryKind, _Word


def _merge(rows: list, found: list, key: Callable) -> list:
    """The rows of SQL's ranking (in its order) and those found by folding look-alikes, ranked together."""
    ids = {row.id for _, row in found}
    ranked = sorted(found, key=operator.itemgetter(0))
    keyed = ((key(row), row) for row in rows if row.id not in ids)
    return [row for _, row in heapq.merge(keyed, ranked, key=operator.itemgetter(0))]


def _text_key(word: _Word, name: str, address: str) -> tuple[int, int, int, str] | None:
    """The text shape's ranking in Python, with the name folded fully: (rank, position, length, name)."""
    folded, where = _fold_mapped(name)
    at = folded.find(word.text)
    if at >= 0:
        position = where[at] + 1
        return (0 if folded == word.text else 1 if position == 1 else 2), position, len(name), name
    if _in_address(word, address):
        return 3, 0, len(name), name
    return None


def _in_address(word: _Word, address: str) -> bool:
    address = address.translate(word.table)
    return word.text in address or (bool(word.alt) and word.alt in address)


def _words_key(words: Sequence[_Word], row) -> tuple[int, int, str] | None:
    """The ranking of several words in Python: (the words' ranks added up, length, name), or None if a word
    does not match. As a word found in the address only ranks ADDRESS_ONLY, fewer such words rank first."""
    folded, where = _fold_mapped(row.name)
    total = 0
    for word in words:
        rank = _word_rank(word, row, folded, where)
        if rank is None:
            return None
        total += rank
    return total, len(row.name), row.name


def _word_rank(word: _Word, row, folded: str, where: list[int]) -> int | None:
    """0: the name (a reading of it, the USCC) starts with the word; 1: the name or a reading holds it;
    ADDRESS_ONLY: only the address does; None: nothing does. As _words_shape ranks."""
    starts = holds = False
    if word.kind is not QueryKind.PINYIN:
        at = folded.find(word.text)
        holds = at >= 0
        starts = holds and where[at] == 0
    if word.pinyin:
        keys = (row.name_initials, row.name_pinyin)
        starts = starts or any(reading.startswith(word.text) for key in keys for reading in key.split(" "))
        holds = holds or any(word.text in key for key in keys)
    if word.kind is QueryKind.USCC and row.uscc.startswith(word.text.upper()):
        starts = True
    if starts or holds:
        return 0 if starts else 1
    return ADDRESS_ONLY if word.kind is not QueryKind.PINYIN and _in_address(word, row.address) else None
