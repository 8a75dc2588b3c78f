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
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
import uuid
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import ColumnElement, Select, and_, bindparam, case, func, literal_column, not_, or_, select
from sqlalchemy.orm import Session, aliased

from hazdesk.store.models import MIXED_SCRIPT_PATTERN, Enterprise

MAX_READINGS = 16  # combinations of heteronym readings kept per name; beyond that only the first ones
PINYIN_CHARS = 800  # Enterprise.name_pinyin's length
INITIALS_CHARS = 400  # Enterprise.name_initials' length
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
    """Best matches first: exact name, name prefix, name substring (earlier is better), address."""
    query = normalize_query(text)
    if not query:
        return []
    dialect = session.get_bind().dialect.name
    hits: list[SearchHit] = []
    for statement, values in _parts(dialect, query, with_district=bool(district_code)):
        if len(hits) >= limit:  # each part ranks after the one before: a full page needs no more
            break
        values = {**values, "district": district_code, "limit": limit - len(hits)}
        hits += [SearchHit(*row) for row in session.execute(statement, values)]
    return hits


Part = tuple[Select[tuple[object, ...]], dict[str, object]]  # a statement and its parameters


def _parts(dialect: str, query: str, *, with_district: bool) -> list[Part]:
    """The query in parts to run in turn, each sorted, the rows of one ranking before the next's.

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
        return [(_shape(dialect, "text", with_district), {"query": query})]

    needle = query.lower()  # [a-z]+: nothing in it is special to GLOB
    if dialect == "sqlite":
        values: dict[str, object] = {"in": f"*{needle}*", "at": f"{needle}*", "after": f"* {needle}*"}
    else:
        values = {"in": needle, "after": " " + needle}
    if dialect != "sqlite" or could_start_pinyin(needle):
        return [(_shape(dialect, "pinyin", with_district), values)]
    rest = "pinyin-rest" if could_be_pinyin(needle) else "pinyin-rest-mixed"
    return [(_shape(dialect, "pinyin-first", with_district), values), (_shape(dialect, rest, with_district), values)]


_MIXED = aliased(Enterprise, name="mixed")  # the subquery's enterprise in pinyin-first


@functools.cache
def _shape(dialect: str, name: str, with_district: bool) -> Select[tuple[object, ...]]:
    """The statement of one part; parameters: district, limit, and the query's values (see _parts)."""
    base = select(Enterprise.id, Enterprise.name, Enterprise.uscc, Enterprise.district_code, Enterprise.address)
    base = base.where(Enterprise.deleted.is_(False))
    if with_district:
        base = base.where(Enterprise.district_code == bindparam("district"))
    shorter = (func.length(Enterprise.name), Enterprise.name)
    sqlite = dialect == "sqlite"

    if name == "uscc":
        if sqlite:
            condition = and_(Enterprise.uscc >= bindparam("low"), Enterprise.uscc < bindparam("high"))
        else:
            condition = Enterprise.uscc.like(bindparam("pattern"), escape="\\")
        return base.where(condition).order_by(Enterprise.uscc).limit(bindparam("limit"))

    if name == "text":
        position = func.instr if sqlite else func.strpos
        in_name = position(Enterprise.name, bindparam("query"))
        rank = case((Enterprise.name == bindparam("query"), 0), (in_name == 1, 1), (in_name > 0, 2), else_=3)
        condition = or_(in_name > 0, position(Enterprise.address, bindparam("query")) > 0)
        return base.where(condition).order_by(rank, in_name, *shorter).limit(bindparam("limit"))

    # Pinyin ranks: an initials reading starts with the needle (0), a full reading does (1), the initials
    # hold it (2), the full pinyin holds it (3). Readings are space-separated: one starts with the needle at
    # the start of the key or after a space (only the needle gets the space, never the column: that would
    # build a string per row).
    if sqlite:  # GLOB is case-sensitive like instr() and scans faster

        def contains(column: ColumnElement[str]) -> ColumnElement[bool]:
            return _glob(column, bindparam("in"))

        def starts(column: ColumnElement[str]) -> ColumnElement[bool]:
            return _glob(column, bindparam("at")) | _glob(column, bindparam("after"))
    else:

        def contains(column: ColumnElement[str]) -> ColumnElement[bool]:
            return func.strpos(column, bindparam("in")) > 0

        def starts(column: ColumnElement[str]) -> ColumnElement[bool]:
            return (func.strpos(column, bindparam("in")) == 1) | (func.strpos(column, bindparam("after")) > 0)

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
