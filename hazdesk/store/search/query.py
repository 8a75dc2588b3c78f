"""A query as SQL and Python compare it: its words, each classified (text, pinyin, USCC) and folded, with
what SQL needs to compare it (the plain variants it folds, the anchor, the look-alikes left to Python).

The limits below keep the statements within what SQLite accepts and plans well; what they leave out is
checked in Python.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from hazdesk.store.search.fold import _CLASSES_LOWER, _variants, fold
from hazdesk.store.search.keys import PINYIN_CHARS

MAX_WORDS = 16  # words of a query matched in SQL; any further ones are checked in Python, on the rows found
ADDRESS_ONLY = 2 * MAX_WORDS + 3  # a word's rank when only the address holds it: more than all others add up to
TAIL_CLASS_CHARS = 64  # the most look-alikes SQL looks for in mixed names; with more, every mixed name is read
MAX_WORD_CHARS = 1000  # longer words match nothing (and their GLOB patterns could pass SQLite's 50,000 bytes)
MAX_REPLACES = 16  # replace() calls nested per word (SQLite's parser stack overflows near 25); more go to Python
_USCC_ALPHABET = set("0123456789ABCDEFGHJKLMNPQRTUWXY")
_ASCII_WORD = re.compile(r"^[a-z]+$")


class QueryKind(StrEnum):
    TEXT = "text"  # Chinese (or mixed) substring of name or address
    PINYIN = "pinyin"  # latin letters: full pinyin or initials
    USCC = "uscc"  # starts like a 统一社会信用代码


def classify(query: str) -> QueryKind:
    upper = query.upper()
    if any(ch.isdigit() for ch in query) and all(ch in _USCC_ALPHABET for ch in upper):
        return QueryKind.USCC
    if _ASCII_WORD.match(query.lower()):
        return QueryKind.PINYIN
    return QueryKind.TEXT


@dataclass(frozen=True)
class _Word:
    """One whitespace-separated word of a query, folded, with what SQL needs to compare it."""

    text: str
    kind: QueryKind
    alt: str  # as typed with only plain variants folded, if that differs (addresses keep ⼯ or Ⅱ as they are)
    pairs: tuple[tuple[str, str], ...]  # (variant, folded): the plain variants of text's characters SQL folds
    lower: bool  # text holds Latin letters: SQL folds capitals too (lower() on SQLite)
    anchor: str  # when SQL folds: the longest run of text no plain variant folds to, found unchanged in a match
    tail: str  # the look-alikes whose fold holds one of text's characters (and plain variants beyond MAX_REPLACES)
    tail_anchor: str  # with tail: the longest run of text nothing else folds to

    @property
    def folding(self) -> tuple[int, bool]:
        """What SQL folds, as the statements' shapes see it."""
        return len(self.pairs), self.lower

    @property
    def table(self) -> dict[int, str]:
        """str.translate table folding what SQL folds."""
        return {ord(variant): folded for variant, folded in self.pairs} | _CLASSES_LOWER

    @property
    def matchable(self) -> bool:
        """Short enough to be found: no name or address (200, 300 characters) folds to anything as long as
        MAX_WORD_CHARS, and no pinyin key is longer than PINYIN_CHARS."""
        return len(self.text) <= (PINYIN_CHARS if self.kind is QueryKind.PINYIN else MAX_WORD_CHARS)

    @property
    def pinyin(self) -> bool:
        """Matched by the pinyin keys (no key is longer than PINYIN_CHARS)."""
        return self.kind is QueryKind.PINYIN and len(self.text) <= PINYIN_CHARS

    @property
    def tail_slots(self) -> int:
        """How many look-alikes SQL looks for, in a power of two of instr() slots (a statement shape for a
        few counts); 0 when there are none, or too many (TAIL_CLASS_CHARS) to look for."""
        if not self.tail or len(self.tail) > TAIL_CLASS_CHARS:
            return 0
        return 1 << (len(self.tail) - 1).bit_length()


def _words(text: str) -> list[_Word]:
    """The query's words, each once."""
    folded = fold(text).split()
    typed = text.split()
    variants = _variants()
    words: dict[str, _Word] = {}
    for index, word in enumerate(folded):
        if word in words:
            continue
        alt = ""
        if len(typed) == len(folded):
            plain = "".join(ch for ch in typed[index] if unicodedata.category(ch) != "Cf")
            alt = unicodedata.normalize("NFC", plain).translate(variants.plain_table)
            alt = "" if alt == word else alt
        chars = dict.fromkeys(word)
        lower = any("a" <= ch <= "z" for ch in chars)
        # Brackets, digits and signs before full-width letters: beyond MAX_REPLACES, variants are folded in
        # Python, for the mixed names that hold them (as for look-alikes), and not in addresses.
        pairs = sorted(((v, x) for x in chars for v in variants.plain.get(x, "") if not "A" <= v <= "Z"), key=_letter)
        anchor = _longest_run(word, lambda ch: ch not in variants.plain) if pairs or lower else ""
        tail = [v for x in chars for v in variants.tail.get(x, "")] + [v for v, _ in pairs[MAX_REPLACES:]]
        tail_anchor = _longest_run(word, lambda ch: ch not in variants.plain and ch not in variants.tail)
        words[word] = _Word(
            word,
            classify(word),
            alt,
            tuple(pairs[:MAX_REPLACES]),
            lower,
            anchor,
            "".join(dict.fromkeys(tail)),
            tail_anchor if tail else "",
        )
    return list(words.values())


def _letter(pair: tuple[str, str]) -> bool:
    return pair[1].isalpha()


def _longest_run(text: str, keep: Callable[[str], bool]) -> str:
    runs = ("".join(run) for kept, run in itertools.groupby(text, keep) if kept)
    return max(runs, key=len, default="")
