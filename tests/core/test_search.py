"""Enterprise search on a real database: Chinese substrings of any length, pinyin, initials, USCC."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from hazdesk.store.models import Enterprise
from hazdesk.store.search import QueryKind, classify, search_enterprises, search_keys

ROWS = [
    ("91320115MA1W8K6X2B", "南京华联化工有限公司", "320115", "江宁区滨江开发区丽水大街1号"),
    ("91320116MA1XY0PQ3F", "华联", "320116", "六合区雄州街道"),
    ("91320113MA1Z00A01K", "江苏扬子石化仓储有限公司", "320113", "栖霞区华联路8号"),
    ("91320115MA20001234", "<b>单</b>&氏精细化学品（南京）有限公司", "320115", "江宁区汤山街道𠮷祥路8号"),
    ("91320117MA0000000X", "南京联华物流有限公司", "320117", "溧水区永阳街道"),
    ("91320118MA1111111Y", "已注销化工有限公司", "320118", "高淳区"),
]


@pytest.fixture
def populated(database):
    with database.transaction() as session:
        for uscc, name, district, address in ROWS:
            pinyin, initials = search_keys(name)
            session.add(
                Enterprise(
                    uscc=uscc,
                    name=name,
                    district_code=district,
                    address=address,
                    name_pinyin=pinyin,
                    name_initials=initials,
                    deleted=name.startswith("已注销"),
                )
            )
    return database


def names(database, text: str, **kw) -> list[str]:
    with database.session() as session:
        return [hit.name for hit in search_enterprises(session, text, **kw)]


def test_classify() -> None:
    assert classify("华联") is QueryKind.TEXT
    assert classify("hlhg") is QueryKind.PINYIN
    assert classify("913201") is QueryKind.USCC
    assert classify("3号") is QueryKind.TEXT


def test_one_and_two_characters_find_substrings_exact_match_first(populated) -> None:
    assert names(populated, "华联") == ["华联", "南京华联化工有限公司", "江苏扬子石化仓储有限公司"]
    found = names(populated, "联")
    # Name matches first (by position, then length), the address-only match (华联路) last.
    assert found == ["华联", "南京联华物流有限公司", "南京华联化工有限公司", "江苏扬子石化仓储有限公司"]


def test_three_characters_and_address_matches_rank_after_name_matches(populated) -> None:
    assert names(populated, "华联化") == ["南京华联化工有限公司"]
    assert names(populated, "华联路") == ["江苏扬子石化仓储有限公司"]


def test_pinyin_initials_and_full_pinyin(populated) -> None:
    assert names(populated, "hlhg") == ["南京华联化工有限公司"]
    assert names(populated, "HLHG") == ["南京华联化工有限公司"]
    assert names(populated, "ＨＬＨＧ") == ["南京华联化工有限公司"]  # full-width from an input method
    assert names(populated, "hualian")[0] == "华联"
    assert "南京华联化工有限公司" in names(populated, "hualian")


def test_heteronym_initials_find_the_uncommon_reading(populated) -> None:
    # 单 as a surname reads shan; pypinyin's first guess is dan. Both work.
    assert "<b>单</b>&氏精细化学品（南京）有限公司" in names(populated, "bsbs")
    assert "<b>单</b>&氏精细化学品（南京）有限公司" in names(populated, "bdbs")


def test_uscc_prefix(populated) -> None:
    assert names(populated, "91320115") == ["南京华联化工有限公司", "<b>单</b>&氏精细化学品（南京）有限公司"]
    assert names(populated, "91320115ma1w") == ["南京华联化工有限公司"]
    assert names(populated, "9132011999") == []


def test_hostile_and_rare_text_is_matched_literally(populated) -> None:
    assert names(populated, "<b>") == ["<b>单</b>&氏精细化学品（南京）有限公司"]
    assert names(populated, "&氏") == ["<b>单</b>&氏精细化学品（南京）有限公司"]
    assert names(populated, "𠮷") == ["<b>单</b>&氏精细化学品（南京）有限公司"]
    assert names(populated, "%") == []
    assert names(populated, "'; DROP TABLE enterprise; --") == []
    assert names(populated, "   ") == []


def test_tombstoned_enterprises_are_not_found_and_district_filter(populated) -> None:
    assert names(populated, "已注销") == []
    assert names(populated, "华联", district_code="320116") == ["华联"]


def test_limit(populated) -> None:
    assert len(names(populated, "有限公司", limit=2)) == 2


def test_keys_of_long_names_with_many_readings_fit_their_columns() -> None:
    from hazdesk.store.models import Enterprise

    name = "重庆长乐单行朝阳了解" * 8 + "化工有限公司"  # every character has several readings
    full, initials = search_keys(name)
    assert 0 < len(full) <= Enterprise.__table__.c.name_pinyin.type.length
    assert 0 < len(initials) <= Enterprise.__table__.c.name_initials.type.length
    assert full.split()[0].startswith("zhongqing") or full.split()[0].startswith("chongqing")


# --- pinyin queries that look like initials: the split plan gives exactly the single ranked scan's results ----

MIXED = [  # names whose full pinyin holds Latin letters (or other symbols) next to syllables
    "ABC化工有限公司",
    "ＸＹ精细化学品有限公司",  # full-width letters, NFKC-folded in the keys
    "BASF巴斯夫（南京）化工",
    "3M中国有限公司",
    "南京Ⅱ号化工有限公司",  # Ⅱ folds to "II"
    "HG华工贸易有限公司",
]
PURE = [
    "重庆长安化工有限公司",
    "厦门银行大厦物业管理有限公司",
    "单县长乐化工厂",
    "阿哦化学试剂有限公司",  # one-letter syllables a, o
    "嗯呣科技有限公司",  # n, m
    "南京钢防股份有限公司",
    "东方红化工（南京）有限公司",
    "江苏中丰化肥有限公司",
    "南京2号仓储有限公司",
]


def _add_named(database) -> None:
    with database.transaction() as session:
        for index, name in enumerate(MIXED + PURE):
            pinyin, initials = search_keys(name)
            session.add(
                Enterprise(
                    uscc=f"9132011{index:02d}MA000000X"[:18],
                    name=name,
                    district_code="320115",
                    address="",
                    name_pinyin=pinyin,
                    name_initials=initials,
                )
            )


@pytest.fixture
def named(database):
    _add_named(database)
    return database


@pytest.fixture
def named_pg(pg_url: str):
    from hazdesk.store.database import open_database

    database = open_database(pg_url)
    _add_named(database)
    yield database
    database.close()


def _expected(rows: list[tuple[str, str, str]], needle: str, limit: int) -> list[str]:
    """The ranking in plain Python: an initials reading starts with the needle, a full reading does,
    the initials hold it, the full pinyin holds it; then shorter names, then by name."""

    def starts(key: str) -> bool:
        return any(reading.startswith(needle) for reading in key.split(" "))

    ranked = []
    for name, full, initials in rows:
        if needle in initials or needle in full:
            rank = 0 if starts(initials) else 1 if starts(full) else 2 if needle in initials else 3
            ranked.append((rank, len(name), name))
    return [name for *_, name in sorted(ranked)][:limit]


def _check_ranking(database) -> None:
    with database.session() as session:
        rows = list(session.execute(select(Enterprise.name, Enterprise.name_pinyin, Enterprise.name_initials)))
        needles = {"hlhg", "gf", "bchu", "yjx", "iih", "mhua", "xyj", "zzz", "q"}
        for _, full, initials in rows:
            for reading in initials.split(" "):
                needles |= {reading[i : i + n] for n in range(1, 6) for i in range(len(reading) - n + 1)}
            for reading in full.split(" ")[:3]:
                needles |= {reading[i : i + n] for n in (2, 3, 5) for i in range(len(reading) - n + 1)}
        needles = {n for n in needles if n.isascii() and n.isalpha()}
        assert len(needles) > 500
        for needle in sorted(needles):
            for limit in (50, 2):  # 2: the first part fills the page, or not
                found = [hit.name for hit in search_enterprises(session, needle, limit=limit)]
                assert found == _expected(rows, needle, limit), (needle, limit)


def test_pinyin_results_match_the_ranking_for_every_piece_of_every_key(named) -> None:
    _check_ranking(named)


@pytest.mark.postgres
def test_pinyin_ranking_on_postgres(named_pg) -> None:
    _check_ranking(named_pg)


def test_latin_letters_are_found_across_into_the_pinyin(named) -> None:
    # "bc" never occurs in pinyin: only the mixed names' full pinyin is scanned for it, and this is one.
    assert names(named, "bchu") == ["ABC化工有限公司"]
    assert names(named, "yjing") == ["ＸＹ精细化学品有限公司"]
    assert names(named, "fbasi") == ["BASF巴斯夫（南京）化工"]  # basF + BAsi: the initials are basfbsf…
    assert names(named, "iihao") == ["南京Ⅱ号化工有限公司"]


def test_pinyin_shapes() -> None:
    from hazdesk.store.search import could_be_pinyin, could_start_pinyin

    assert not could_be_pinyin("hlhg") and not could_start_pinyin("hlhg")  # typed initials
    assert could_be_pinyin("gf") and not could_start_pinyin("gf")  # dong|fang, but no syllable starts "gf"
    assert could_be_pinyin("hualian") and could_start_pinyin("hualian")
    assert could_start_pinyin("huali")  # ends inside a syllable
    assert could_start_pinyin("nj") and could_start_pinyin("a")  # 嗯 n, then j…; 阿 a
    assert not could_be_pinyin("bc") and could_start_pinyin("x")


def test_syllables_cover_every_reading_pypinyin_writes() -> None:
    """A syllable missing from the list could hide a match: check it against pypinyin's dictionaries."""
    from pypinyin import Style, phrases_dict, pinyin_dict
    from pypinyin.style import convert

    from hazdesk.store.search import SYLLABLES

    readings = {r for value in pinyin_dict.pinyin_dict.values() for r in value.split(",")}
    readings |= {r for value in phrases_dict.phrases_dict.values() for alternatives in value for r in alternatives}
    spelled = {convert(r, Style.NORMAL, strict=True).lower() for r in readings}
    ascii_only = {s for s in spelled if s.isascii()}
    assert ascii_only - SYLLABLES == set()
    assert all(not any(ch.isascii() for ch in s) for s in spelled - ascii_only)  # ê: no Latin letter in it


def test_initials_queries_use_the_partial_index_of_mixed_names(named) -> None:
    """SQLite uses a partial index only when the query repeats its condition: check that it does."""
    from hazdesk.store.search import _parts

    indexes = []
    with named.session() as session:
        raw = session.connection().connection.driver_connection
        for statement, values in _parts("sqlite", "hlhg", with_district=False):
            compiled = statement.compile(session.get_bind())
            parameters = compiled.construct_params({**values, "limit": 50})
            plan = " ".join(
                row[-1]
                for row in raw.execute(f"EXPLAIN QUERY PLAN {compiled}", [parameters[k] for k in compiled.positiontup])
            )
            indexes.append(re.findall(r"INDEX (\w+)", plan))
    # ranks 0-2: the initials of all, the full pinyin of mixed names; rank 3: mixed names only
    assert indexes == [["ix_enterprise_search", "ix_enterprise_search_mixed"], ["ix_enterprise_search_mixed"]]


def test_district_filter_and_limits_apply_to_every_part(named) -> None:
    for needle in ("hlhg", "gf", "hua", "bchu", "h"):
        with named.session() as session:
            everywhere = [hit.name for hit in search_enterprises(session, needle, limit=100)]
            assert [hit.name for hit in search_enterprises(session, needle, limit=1)] == everywhere[:1]
            assert search_enterprises(session, needle, limit=0) == []
            assert search_enterprises(session, needle, district_code="320116") == []
            assert [hit.name for hit in search_enterprises(session, needle, district_code="320115")] == everywhere
