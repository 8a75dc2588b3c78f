"""Finding an enterprise by what an inspector types: a piece of the name or address in Chinese (one
character is enough), its pinyin or pinyin initials (``hlhg`` → 华联化工), or the start of its USCC.

Why plain substring scans and not SQLite FTS5: the trigram tokenizer cannot match queries of one or
two characters (the common case in Chinese), the office database may be PostgreSQL, and a scan of a
narrow covering index over 20,000 enterprises stays within the 15 ms budget (see docs/benchmarks.md).
Pinyin keys are computed once per name with pypinyin and stored beside it; initials keep every
reading of heteronyms (单 → d/s/c) because pypinyin's first guess is often wrong for names.

Most of a pinyin search's time goes into scanning the long full-pinyin key (every reading, ~150
characters on average). The pinyin of a name written in Chinese characters only is a run of syllables,
and no run of syllables begins with ``hlhg`` or ``gf`` (nor holds the pair "hl" anywhere): for such a
query — what typed initials look like — SQLite first takes the matches of the first three ranks from the
short initials key, looking at full pinyin only for names with other characters (Latin letters,
full-width letters, symbols), which the partial index ix_enterprise_search_mixed (revision 0005) lists;
the full pinyin of every name is scanned only when those matches do not fill the page and the query
could occur inside pinyin at all. The results are those of the single ranked scan, which PostgreSQL and
queries that look like full pinyin (``hualian``) still use.

What counts as the same character (:func:`fold`): names are stored as typed, with full-width or
half-width brackets, digits and letters, any middle dot or dash. A query and a name are compared as
their NFKC forms with Latin letters in lower case, every middle dot as "·" and every dash as "-", so
"(南京)" finds "（南京）", "ＡＢＣ" finds "abc" and either finds the other. The query is folded here. The
stored side is folded only for the "plain" variants of the query's own characters (full-width forms,
capitals, dots, dashes: what a name typed in Chinese holds): SQLite matches a GLOB of each character's
forms ("*[(（﹙]南京[)）﹚]*") and PostgreSQL translate()s them, only on rows holding the rest of the word
unchanged (its "anchor"; replace() folds the name for the position of the rows found). A query in
Chinese characters alone runs the very statement it ran before. Rarer look-alikes (Kangxi radicals
such as ⼯ from PDF copies, Ⅱ, ①, compatibility ideographs) occur only in mixed names: the statement
tells in a column whether the partial index holds a mixed name with one of the query's look-alikes,
and only then are those names read, folded and ranked here, in Python. Addresses are folded for the
plain variants only.

Several words ("南京 化工"): every word must match, each in any of the usual ways: in the name or the
address, or for what looks like a USCC also its start; a word of Latin letters alone by the pinyin or
initials, as when typed alone. Names holding every word come first, then the words' ranks added up (the
name, a reading of it or the USCC starts with the word: 0; holds it: 1; only the address does: 2), then
shorter names. A single word is matched and ranked as before (by its folded form).
"""

from __future__ import annotations

import functools
import heapq
import itertools
import operator
import re
import unicodedata
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    bindparam,
    case,
    func,
    literal_column,
    not_,
    or_,
    select,
    true,
)
from sqlalchemy.orm import Session, aliased

from hazdesk.store.models import MIXED_SCRIPT_PATTERN, Enterprise

MAX_READINGS = 16  # combinations of heteronym readings kept per name; beyond that only the first ones
PINYIN_CHARS = 800  # Enterprise.name_pinyin's length
INITIALS_CHARS = 400  # Enterprise.name_initials' length
MAX_WORDS = 16  # words of a query matched in SQL; any further ones are checked here, on the rows found
ADDRESS_ONLY = 2 * MAX_WORDS + 3  # a word's rank when only the address holds it: more than all others add up to
TAIL_CLASS_CHARS = 64  # the most look-alikes SQL looks for in mixed names; with more, every mixed name is read
MAX_WORD_CHARS = 1000  # longer words match nothing (and their GLOB patterns could pass SQLite's 50,000 bytes)
MAX_REPLACES = 16  # replace() calls nested per word (SQLite's parser stack overflows near 25); more go to Python
_USCC_ALPHABET = set("0123456789ABCDEFGHJKLMNPQRTUWXY")
_ASCII_WORD = re.compile(r"^[a-z]+$")
# Every syllable pypinyin writes in Style.NORMAL (ü as v), as the full-pinyin key holds them;
# tests/core/test_search.py checks the list against pypinyin's dictionaries.
_SYLLABLE_TEXT = """
a ai an ang ao ba bai ban bang bao bei ben beng bi bian biang biao bie bin bing bo bong bu ca cai can cang
cao ce cei cen ceng cha chai chan chang chao che chen cheng chi chong chou chu chua chuai chuan chuang chui
chun chuo ci cong cou cu cuan cui cun cuo da dai dan dang dao de dei den deng di dia dian diao die din ding
diu dong dou du duan dui dun duo e ei en eng er fa fan fang fei fen feng fiao fo fou fu ga gai gan gang gao
ge gei gen geng gong gou gu gua guai guan guang gui gun guo ha hai han hang hao he hei hen heng hm hng hong
hou hu hua huai huan huang hui hun huo ji jia jian jiang jiao jie jin jing jiong jiu ju juan jue jun ka kai
kan kang kao ke kei ken keng kong kou ku kua kuai kuan kuang kui kun kuo la lai lan lang lao le lei len leng
li lia lian liang liao lie lin ling liu lo long lou lu luan lun luo lv lve m ma mai man mang mao me mei men
meng mi mian miao mie min ming miu mo mou mu n na nai nan nang nao ne nei nen neng ng ni nia nian niang niao
nie nin ning niu nong nou nu nuan nun nuo nv nve o ou pa pai pan pang pao pei pen peng pi pian piao pie pin
ping po pou pu qi qia qian qiang qiao qie qin qing qiong qiu qu quan que qun ran rang rao re ren reng ri
rong rou ru rua ruan rui run ruo sa sai san sang sao se sen seng sha shai shan shang shao she shei shen
sheng shi shou shu shua shuai shuan shuang shui shun shuo si song sou su suan sui sun suo ta tai tan tang
tao te tei teng ti tian tiao tie ting tong tou tu tuan tui tun tuo wa wai wan wang wei wen weng wo wong wu
xi xia xian xiang xiao xie xin xing xiong xiu xu xuan xue xun ya yan yang yao ye yi yin ying yo yong you yu
yuan yue yun za zai zan zang zao ze zei zen zeng zha zhai zhan zhang zhao zhe zhei zhen zheng zhi zhong zhou
zhu zhua zhuai zhuan zhuang zhui zhun zhuo zi zong zou zu zuan zui zun zuo
"""
SYLLABLES = frozenset(_SYLLABLE_TEXT.split())
# Letter pairs a run of syllables can hold: inside one syllable, or where one ends and the next begins.
PINYIN_PAIRS = frozenset(
    {s[i : i + 2] for s in SYLLABLES for i in range(len(s) - 1)}
    | {end + start for end in {s[-1] for s in SYLLABLES} for start in {s[0] for s in SYLLABLES}}
)
_SYLLABLE_PREFIXES = frozenset(s[:i] for s in SYLLABLES for i in range(1, len(s) + 1))
_LONGEST_SYLLABLE = max(map(len, SYLLABLES))


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


def _glob_folded(text: str, pairs: Sequence[tuple[str, str]]) -> str:
    """A GLOB pattern (without stars) of text that folds to ``text`` by the word's ``pairs`` and capitals:
    each character a class of its forms. It matches where instr() on the folded text would."""
    forms: dict[str, list[str]] = {}
    for variant, folded in pairs:
        forms.setdefault(folded, []).append(variant)
    capital = {ch: [ch.upper()] for ch in text if "a" <= ch <= "z"}
    return "".join(_glob_one_of([ch, *forms.get(ch, ()), *capital.get(ch, ())]) for ch in text)


def _letter(pair: tuple[str, str]) -> bool:
    return pair[1].isalpha()


def _longest_run(text: str, keep: Callable[[str], bool]) -> str:
    runs = ("".join(run) for kept, run in itertools.groupby(text, keep) if kept)
    return max(runs, key=len, default="")


def could_be_pinyin(needle: str) -> bool:
    """Could ``needle`` (lower-case letters) occur in a run of pinyin syllables, i.e. in the full-pinyin
    key of a name written in Chinese characters only? Not if one of its letter pairs never does."""
    return all(needle[i : i + 2] in PINYIN_PAIRS for i in range(len(needle) - 1))


def could_start_pinyin(needle: str) -> bool:
    """Could a run of pinyin syllables begin with ``needle``: whole syllables, then the start of one?"""
    starts = {0}  # where a syllable may begin
    for i in range(len(needle)):
        if i not in starts:
            continue
        for j in range(i + 1, min(len(needle), i + _LONGEST_SYLLABLE) + 1):
            if j == len(needle) and needle[i:j] in _SYLLABLE_PREFIXES:
                return True
            if needle[i:j] in SYLLABLES:
                starts.add(j)
    return False


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
    """Best matches first: exact name, name prefix, name substring (earlier is better), address.
    Several words: see the module's docstring."""
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


Part = tuple[Select[tuple[object, ...]], dict[str, object]]  # a statement and its parameters


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


def _pinyin_values(dialect: str, prefix: str, needle: str) -> dict[str, object]:
    if dialect == "sqlite":
        return {f"{prefix}in": f"*{needle}*", f"{prefix}at": f"{needle}*", f"{prefix}after": f"* {needle}*"}
    return {f"{prefix}in": needle, f"{prefix}after": " " + needle}


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


def _base(with_district: bool, *extra: ColumnElement[object]) -> Select[tuple[object, ...]]:
    columns = (Enterprise.id, Enterprise.name, Enterprise.uscc, Enterprise.district_code, Enterprise.address)
    base = select(*columns, *extra).where(Enterprise.deleted.is_(False))
    if with_district:
        base = base.where(Enterprise.district_code == bindparam("district"))
    return base


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


def _tails_column(tails: Select[tuple[object, ...]] | None) -> tuple[ColumnElement[object], ...]:
    """Whether ``tails`` finds a row, as a column (the database runs it once per statement)."""
    return () if tails is None else (tails.exists().label("tails"),)


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


def _tail_values(dialect: str, prefix: str, word: _Word) -> dict[str, object]:
    """The look-alikes to look for: one per slot on SQLite (the last repeated), all at once on PostgreSQL."""
    if not word.tail_slots:
        return {}
    if dialect != "sqlite":
        return {f"{prefix}tail": word.tail}
    return {f"{prefix}tail{index}": word.tail[min(index, len(word.tail) - 1)] for index in range(word.tail_slots)}


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


def _contains_any(sqlite: bool, column: ColumnElement[str], prefix: str, slots: int) -> ColumnElement[bool]:
    """``column`` holds one of the word's look-alikes. Not a GLOB class: SQLite prepares a statement again
    whenever a GLOB's pattern parameter changes, and this one rides along with the ranked statement."""
    if sqlite:
        return or_(*(func.instr(column, bindparam(f"{prefix}tail{index}")) > 0 for index in range(slots)))
    return func.translate(column, bindparam(f"{prefix}tail"), "") != column


def _mixed_name(sqlite: bool) -> ColumnElement[bool]:
    if sqlite:
        return _mixed(Enterprise.name)
    return Enterprise.name.regexp_match(MIXED_SCRIPT_PATTERN[1:-1])  # the GLOB's class is a regex's too


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


def _uscc_prefix(sqlite: bool, prefix: str) -> ColumnElement[bool]:
    if sqlite:
        return and_(Enterprise.uscc >= bindparam(f"{prefix}low"), Enterprise.uscc < bindparam(f"{prefix}high"))
    return Enterprise.uscc.like(bindparam(f"{prefix}pattern"), escape="\\")


_MIXED = aliased(Enterprise, name="mixed")  # the subquery's enterprise in pinyin-first


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


def _glob(column: ColumnElement[str], pattern: ColumnElement[str]) -> ColumnElement[bool]:
    return column.op("GLOB", is_comparison=True)(pattern)


def _mixed(name: ColumnElement[str]) -> ColumnElement[bool]:
    """The condition of the partial index ix_enterprise_search_mixed, written out as SQLite must see it."""
    return _glob(name, literal_column(f"'{MIXED_SCRIPT_PATTERN}'"))


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
