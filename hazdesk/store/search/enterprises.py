"""Searching enterprises: the statements run in turn, and the look-alikes' rows merged into SQL's.

A single word that is not text runs the parts of its ranking one after the other, until the page is full.
Otherwise one ranked statement runs, with a column telling whether mixed names may match by their look-alikes
(⼯, Ⅱ); only then are those read and ranked in Python (:mod:`.ranking`), and the page read again with room
for them.
"""

from __future__ import annotations

import operator
import uuid
from dataclasses import dataclass

from sqlalchemy.orm import Session

from hazdesk.store.search.clauses import _text_values
from hazdesk.store.search.multiword import _sql_order, _words_statement
from hazdesk.store.search.query import MAX_WORDS, QueryKind, _words
from hazdesk.store.search.ranking import _merge, _text_key, _words_key
from hazdesk.store.search.statements import _parts, _tail_statement, _text_shape


@dataclass(frozen=True)
class SearchHit:
    id: uuid.UUID
    name: str
    uscc: str
    district_code: str
    address: str


def search_enterprises(
    session: Session,
    text: str,
    *,
    limit: int = 50,
    district_code: str | None = None,
) -> list[SearchHit]:
    """Best matches first: exact name, name prefix, name substring (earlier is better), address.
    Several words: see :mod:`hazdesk.store.search.multiword`."""
    words = _words(text)
    if not words or limit <= 0 or any(not word.matchable for word in words):
        return []
    dialect = session.get_bind().dialect.name
    with_district = bool(district_code)
    if len(words) == 1 and words[0].kind is not QueryKind.TEXT:
        hits: list[SearchHit] = []
        for statement, values in _parts(dialect, words[0].text, with_district=with_district):
            if len(hits) >= limit:  # each part ranks after the one before: a full page needs no more
                break
            values = {**values, "district": district_code, "limit": limit - len(hits)}
            hits += [SearchHit(*row) for row in session.execute(statement, values)]
        return hits
    # Mixed names that may match only once look-alikes (⼯, Ⅱ) are folded: SQL tells whether there are any
    # (a column of the ranked statement), Python checks and ranks them.
    tail = _tail_statement(dialect, words, with_district)
    tail_values = {**(tail[1] if tail else {}), "district": district_code}
    if len(words) > MAX_WORDS:  # the first MAX_WORDS words (the most selective) in SQL, all checked here
        statement, values = _words_statement(dialect, _sql_order(words)[:MAX_WORDS], with_district, None)
        candidates = {row.id: row for row in session.execute(statement, {**values, "district": district_code})}
        if tail:
            candidates.update((row.id, row) for row in session.execute(tail[0], tail_values))
        found = [(key, row) for row in candidates.values() if (key := _words_key(words, row)) is not None]
        return [SearchHit(*row[:5]) for _, row in sorted(found, key=operator.itemgetter(0))[:limit]]
    if len(words) == 1:
        word = words[0]
        statement = _text_shape(
            dialect, with_district, word.folding, bool(word.anchor), bool(word.alt), tail[0] if tail else None
        )
        values = _text_values(dialect, "", word)

        def key(row) -> tuple[int, int, int, str] | None:
            return _text_key(word, row.name, row.address)

        sql_key = key
    else:
        statement, values = _words_statement(dialect, words, with_district, tail[0] if tail else None)

        def key(row) -> tuple[int, int, str] | None:
            return _words_key(words, row)

        def sql_key(row) -> tuple[int, int, str] | None:
            return row.words_rank, len(row.name), row.name

    values = {**values, **tail_values}
    rows = list(session.execute(statement, {**values, "limit": limit}))
    if tail and (rows[0].tails if rows else True):
        found = [(rank, row) for row in session.execute(tail[0], tail_values) if (rank := key(row)) is not None]
        if found:
            rows = list(session.execute(statement, {**values, "limit": limit + len(found)}))
            rows = _merge(rows, found, sql_key)
    return [SearchHit(*row[:5]) for row in rows[:limit]]
