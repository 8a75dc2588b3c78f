"""What counts as the same character.

Names are stored as typed, with full-width or half-width brackets, digits and letters, any middle dot or
dash. A query and a name are compared as their NFKC forms with Latin letters in lower case, every middle dot
as "·" and every dash as "-", so "(南京)" finds "（南京）", "ＡＢＣ" finds "abc" and either finds the other.
The query is folded in Python (:func:`fold`). The stored side is folded only for the "plain" variants of
the query's own characters (full-width forms, capitals, dots, dashes: what a name typed in Chinese holds):
SQLite matches a GLOB of each character's forms ("*[(（﹙]南京[)）﹚]*") and PostgreSQL translate()s them,
only on rows holding the rest of the word unchanged (its "anchor"; replace() folds the name for the
position of the rows found). A query in Chinese characters alone runs the very statement it ran before.
Rarer look-alikes (Kangxi radicals such as ⼯ from PDF copies, Ⅱ, ①, compatibility ideographs) occur only
in mixed names: the statement tells in a column whether the partial index holds a mixed name with one of
the query's look-alikes, and only then are those names read, folded and ranked in Python
(:mod:`.ranking`). Addresses are folded for the plain variants only.

The tables of variants are built from Unicode itself, on first use (:func:`_variants`).
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass

# --- What counts as the same character --------------------------------------------------------------------------
_DOTS = "·・･•‧⋅∙"  # middle dots of different input methods and fonts: all "·"
_DASHES = "-‐‑‒–—―−﹘﹣－"  # hyphens, dashes and minus signs: all "-"
_CLASSES = (
    {ord(ch): "·" for ch in _DOTS[1:]}
    | {ord(ch): "-" for ch in _DASHES[1:]}
    | {code: code + 32 for code in range(ord("A"), ord("Z") + 1)}
)
_CLASSES_LOWER = {code: chr(code + 32) for code in range(ord("A"), ord("Z") + 1)}
# Every character outside these ranges (CJK ideographs, Hangul syllables, surrogates, private use, the
# higher planes) folds to itself; tests/core/test_search.py checks it against the whole of Unicode.
_FOLDING_RANGES = ((0, 0x3400), (0xA000, 0xAC00), (0xD7B0, 0xD800), (0xF900, 0x20000), (0x2F800, 0x2FA20))


def normalize_query(text: str) -> str:
    """NFKC folds full-width letters and digits (common with Chinese input methods) to ASCII."""
    return unicodedata.normalize("NFKC", text).strip()


def fold(text: str) -> str:
    """``text`` as it is compared: NFKC (full-width letters, digits and brackets become ASCII, ⼯ becomes 工,
    Ⅱ becomes II), Latin letters in lower case, every middle dot "·" and every dash "-", and without
    invisible format characters (a zero-width space pasted along)."""
    text = unicodedata.normalize("NFKC", text)
    if not text.isascii():
        text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return text.translate(_CLASSES)


@functools.lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    """One stored character folded: how a name is compared, character by character as SQL does."""
    return unicodedata.normalize("NFKC", ch).translate(_CLASSES)


@dataclass(frozen=True)
class _Variants:
    """The characters other than ``x`` that fold to (or into) ``x``, for every folded character ``x``."""

    plain: dict[str, str]  # fold to x alone and are replaced in SQL: full-width forms, capitals, dots, dashes
    tail: dict[str, str]  # the rest (⼯ → 工, Ⅱ → ii, ① → 1…): folded in Python, for mixed names only
    plain_table: dict[int, str]  # str.translate table folding the plain variants


@functools.cache
def _variants() -> _Variants:
    """Built on first use (a few milliseconds) by folding every character that may change."""
    plain: dict[str, list[str]] = {}
    tail: dict[str, list[str]] = {}
    for low, high in _FOLDING_RANGES:
        for code in range(low, high):
            ch = chr(code)
            if code not in _CLASSES and unicodedata.is_normalized("NFKC", ch):
                continue
            folded = unicodedata.normalize("NFKC", ch).translate(_CLASSES)
            if folded == ch:
                continue
            if len(folded) == 1 and _is_plain(ch, folded):
                plain.setdefault(folded, []).append(ch)
            else:
                for part in dict.fromkeys(folded):
                    tail.setdefault(part, []).append(ch)
    table = {ord(v): x for x, variants in plain.items() for v in variants}
    return _Variants({x: "".join(v) for x, v in plain.items()}, {x: "".join(v) for x, v in tail.items()}, table)


def _is_plain(ch: str, folded: str) -> bool:
    code = ord(ch)
    typed = code < 0x80 or 0xFE50 <= code <= 0xFE6F or 0xFF00 <= code <= 0xFFEF or ch in _DOTS or ch in _DASHES
    return typed and (folded.isascii() or folded == "·")


def _fold_mapped(name: str) -> tuple[str, list[int]]:
    """A stored name folded, and for each folded character the index of the stored one it came from."""
    parts: list[str] = []
    where: list[int] = []
    for index, ch in enumerate(name):
        folded = _fold_char(ch)
        parts.append(folded)
        where.extend([index] * len(folded))
    return "".join(parts), where
