"""The pinyin search keys stored beside each name, and what a run of pinyin syllables can hold.

Pinyin keys are computed once per name with pypinyin and stored beside it; initials keep every reading of
heteronyms (单 → d/s/c) because pypinyin's first guess is often wrong for names. pypinyin is imported by
:func:`search_keys` alone, when it first runs: loading its dictionaries costs ~250 ms, which only writers
of names pay, not every start of the desk or every search.

The pinyin of a name written in Chinese characters only is a run of syllables, and no run of syllables
begins with ``hlhg`` or ``gf`` (nor holds the pair "hl" anywhere): :func:`could_be_pinyin` and
:func:`could_start_pinyin` tell, from the syllables alone, when the long full-pinyin key of such names
need not be scanned (see :mod:`.statements`).
"""

from __future__ import annotations

import itertools

from hazdesk.store.search.fold import normalize_query

MAX_READINGS = 16  # combinations of heteronym readings kept per name; beyond that only the first ones
PINYIN_CHARS = 800  # Enterprise.name_pinyin's length
INITIALS_CHARS = 400  # Enterprise.name_initials' length
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
