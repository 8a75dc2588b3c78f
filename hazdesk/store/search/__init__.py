"""Finding an enterprise by what an inspector types: a piece of the name or address in Chinese (one
character is enough), its pinyin or pinyin initials (``hlhg`` → 华联化工), or the start of its USCC.

Why plain substring scans and not SQLite FTS5: the trigram tokenizer cannot match queries of one or
two characters (the common case in Chinese), the office database may be PostgreSQL, and a scan of a
narrow covering index over 20,000 enterprises stays within the 15 ms budget (see docs/benchmarks.md).

The package by concern, each module's docstring saying why it works as it does:

- ``keys``: the pinyin keys stored beside each name (pypinyin, imported only when keys are written), and
  what a run of pinyin syllables can hold.
- ``fold``: what counts as the same character (bracket widths, capitals, dots, dashes, look-alikes).
- ``query``: a query's words, classified and folded, with what SQL needs to compare each.
- ``clauses``: the conditions and parameter values the statements are built of, for SQLite and PostgreSQL.
- ``statements``: the statements of a single word (pinyin-first on SQLite), and the one reading look-alikes.
- ``multiword``: the statement of several words, every one matched, their ranks added up.
- ``ranking``: the same rankings in Python, for what SQL does not fold, merged into SQL's order.
- ``enterprises``: :func:`search_enterprises`, which runs them.

Callers import from here. Names with a leading underscore belong to the package: its modules share them.
"""

from hazdesk.store.search.clauses import Part
from hazdesk.store.search.enterprises import SearchHit, search_enterprises
from hazdesk.store.search.fold import fold, normalize_query
from hazdesk.store.search.keys import (
    INITIALS_CHARS,
    MAX_READINGS,
    PINYIN_CHARS,
    PINYIN_PAIRS,
    SYLLABLES,
    could_be_pinyin,
    could_start_pinyin,
    search_keys,
)
from hazdesk.store.search.query import (
    ADDRESS_ONLY,
    MAX_REPLACES,
    MAX_WORD_CHARS,
    MAX_WORDS,
    TAIL_CLASS_CHARS,
    QueryKind,
    classify,
)

__all__ = [
    "ADDRESS_ONLY",
    "INITIALS_CHARS",
    "MAX_READINGS",
    "MAX_REPLACES",
    "MAX_WORDS",
    "MAX_WORD_CHARS",
    "PINYIN_CHARS",
    "PINYIN_PAIRS",
    "SYLLABLES",
    "TAIL_CLASS_CHARS",
    "Part",
    "QueryKind",
    "SearchHit",
    "classify",
    "could_be_pinyin",
    "could_start_pinyin",
    "fold",
    "normalize_query",
    "search_enterprises",
    "search_keys",
]
