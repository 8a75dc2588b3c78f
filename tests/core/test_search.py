"""Enterprise search on a real database: Chinese substrings of any length, pinyin, initials, USCC."""

from __future__ import annotations

import itertools
import re
import unicodedata

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


def _filled_pg(pg_url: str, fill):
    """The test PostgreSQL database with ``fill``'s rows, closed after the test."""
    from hazdesk.store.database import open_database

    database = open_database(pg_url)
    fill(database)
    yield database
    database.close()


@pytest.fixture
def named_pg(pg_url: str):
    yield from _filled_pg(pg_url, _add_named)


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
    from hazdesk.store.search.statements import _parts

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


# --- names as users write them: bracket widths, full-width letters, dots, dashes, look-alikes ----------------------

# (name, address, USCC, tombstoned). Addresses hold plain variants only (full-width digits, dashes): look-alikes
# such as ⼯ are folded in names alone (see hazdesk.store.search), and the reference below folds both fully.
SINO = "Sino Global Fine Chemical Trading Company Limited Nanjing Branch Office"
WIDE = [
    ("宝佳化工科技（南京）有限公司", "南京市江宁区丽水大街1-3号", "91320115MA1WIDE001", False),
    ("宝佳新材料(南京)有限公司", "南京市六合区雄州街道８号", "91320116MA1WIDE002", False),
    ("ＡＢＣ化工（南京）有限公司", "南京市栖霞区华联路Ａ座", "91320113MA1WIDE003", False),
    ("阿里·巴巴化工有限公司", "江宁区汤山街道", "91320115MA1WIDE004", False),
    ("阿里・巴巴物流有限公司", "江宁区秣陵街道", "91320115MA1WIDE005", False),
    ("南京⼯业气体有限公司", "六合区化工园", "91320116MA1WIDE006", False),  # ⼯: a Kangxi radical, from a PDF
    ("南京Ⅱ号化工有限公司", "浦口区", "91320111MA1WIDE007", False),
    ("江苏化工（集团）股份有限公司", "南京市鼓楼区中山北路１２号", "91320106MA1WIDE008", False),
    ("南京华联化工有限公司", "江宁区滨江开发区", "91320115MA1WIDE009", False),
    ("华联物流（南京）有限公司", "南京市江宁区华联路8—1号", "91320115MA1WIDE010", False),
    ("南京石化仓储有限公司", "栖霞区化工大道２６－１号", "91320113MA1WIDE011", False),
    ("化工南京贸易有限公司", "", "91320115MA1WIDE012", False),
    ("南京3号仓储有限公司", "溧水区", "91320117MA1WIDE013", False),
    ("㈱南京化成", "江宁区", "91320115MA1WIDE014", False),  # ㈱ folds to "(株)"
    (SINO, "江宁区 B座 12楼", "91320115MA1WIDE015", False),
    ("已注销华联（南京）有限公司", "江宁区", "91320115MA1WIDE016", True),
]


def _add_wide(database) -> None:
    with database.transaction() as session:
        for name, address, uscc, deleted in WIDE:
            pinyin, initials = search_keys(name)
            district = "3201" + uscc[6:8]
            session.add(
                Enterprise(
                    uscc=uscc,
                    name=name,
                    district_code=district,
                    address=address,
                    name_pinyin=pinyin,
                    name_initials=initials,
                    deleted=deleted,
                )
            )


@pytest.fixture
def wide(database):
    _add_wide(database)
    return database


@pytest.fixture
def wide_pg(pg_url: str):
    yield from _filled_pg(pg_url, _add_wide)


def test_fold() -> None:
    from hazdesk.store.search import fold

    assert fold("宝佳化工科技（南京）有限公司") == "宝佳化工科技(南京)有限公司"
    assert fold("ＡＢＣ１２３") == "abc123"
    assert fold("阿里・巴巴") == fold("阿里•巴巴") == fold("阿里･巴巴") == "阿里·巴巴"
    assert fold("8－1") == fold("8—1") == fold("8‐1") == "8-1"
    assert fold("南京\u200b化工") == "南京化工"  # a zero-width space pasted along
    assert fold("南京　化工").split() == ["南京", "化工"]  # the full-width space separates words
    assert fold("⼯业") == "工业" and fold("Ⅱ号") == "ii号"


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_brackets_match_whatever_their_width(backend, request) -> None:
    db = request.getfixturevalue("wide" if backend == "sqlite" else "wide_pg")
    for typed in ("宝佳化工科技（南京）有限公司", "宝佳化工科技(南京)有限公司", "宝佳化工科技（南京)有限公司"):
        assert names(db, typed) == ["宝佳化工科技（南京）有限公司"]
    for typed in ("宝佳新材料(南京)有限公司", "宝佳新材料（南京）有限公司"):
        assert names(db, typed) == ["宝佳新材料(南京)有限公司"]
    both = ["宝佳新材料(南京)有限公司", "宝佳化工科技（南京）有限公司"]
    assert names(db, "(南京)") == names(db, "（南京）") == names(db, "﹙南京﹚") == names(db, "（南京)")
    assert set(both) <= set(names(db, "(南京)"))
    assert names(db, "(集团)") == names(db, "（集团）") == ["江苏化工（集团）股份有限公司"]
    assert names(db, "(株)") == ["㈱南京化成"]  # one character that folds to three


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_full_width_letters_digits_dots_and_dashes(backend, request) -> None:
    db = request.getfixturevalue("wide" if backend == "sqlite" else "wide_pg")
    abc = ["ＡＢＣ化工（南京）有限公司"]
    assert names(db, "ABC化工(南京)有限公司") == names(db, "abc化工") == names(db, "ＡＢＣ化工") == abc
    assert names(db, "a座") == names(db, "Ａ座") == abc  # in the address
    assert names(db, "8号") == ["宝佳新材料(南京)有限公司"]  # ８号 in the address
    assert names(db, "１２号") == names(db, "12号") == ["江苏化工（集团）股份有限公司"]
    assert names(db, "３号仓储") == ["南京3号仓储有限公司"]
    assert names(db, "1－3号") == names(db, "1—3号") == names(db, "1-3号") == ["宝佳化工科技（南京）有限公司"]
    assert names(db, "26-1") == ["南京石化仓储有限公司"] and names(db, "8-1号") == ["华联物流（南京）有限公司"]
    dots = ["阿里·巴巴化工有限公司", "阿里・巴巴物流有限公司"]
    for typed in ("阿里·巴巴", "阿里・巴巴", "阿里•巴巴", "阿里･巴巴"):
        assert names(db, typed) == dots


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_look_alikes_in_names(backend, request) -> None:
    db = request.getfixturevalue("wide" if backend == "sqlite" else "wide_pg")
    assert names(db, "工业气体") == names(db, "⼯业气体") == ["南京⼯业气体有限公司"]
    assert names(db, "南京⼯业气体有限公司") == names(db, "南京工业气体有限公司") == ["南京⼯业气体有限公司"]
    assert names(db, "Ⅱ号化工") == names(db, "II号化工") == names(db, "ii号") == ["南京Ⅱ号化工有限公司"]
    # Mixed names rank among the others: same rank, position and length, then by name.
    assert names(db, "南京")[:3] == ["南京3号仓储有限公司", "南京Ⅱ号化工有限公司", "南京⼯业气体有限公司"]
    assert "南京⼯业气体有限公司" in names(db, "工") and names(db, "工") == names(db, "⼯")
    assert names(db, "工业", district_code="320116") == ["南京⼯业气体有限公司"]
    assert names(db, "工业", district_code="320115") == [] and names(db, "工业 六合", district_code="320115") == []
    assert names(db, "工业 六合", district_code="320116") == ["南京⼯业气体有限公司"]
    assert names(db, "工", limit=1) == names(db, "工")[:1]


def test_cli_finds_a_pasted_name_with_other_brackets(wide, db_path, capsys) -> None:
    from hazdesk.cli import main

    assert main(["search", "--db", str(db_path), "宝佳化工科技(南京)有限公司"]) == 0
    assert "宝佳化工科技（南京）有限公司" in capsys.readouterr().out
    assert main(["search", "--db", str(db_path), "南京 化工 江宁"]) == 0
    assert "南京华联化工有限公司" in capsys.readouterr().out


# --- several words ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_several_words_must_all_match(backend, request) -> None:
    db = request.getfixturevalue("wide" if backend == "sqlite" else "wide_pg")
    found = names(db, "南京 化工")
    assert "南京华联化工有限公司" in found and "化工南京贸易有限公司" in found
    assert "华联物流（南京）有限公司" not in found and "阿里·巴巴化工有限公司" not in found
    assert names(db, "化工 南京") == found  # the order of the words does not matter
    assert names(db, "华联 物流") == ["华联物流（南京）有限公司"]
    assert names(db, "宝佳 丽水大街") == ["宝佳化工科技（南京）有限公司"]  # one word in the address
    assert names(db, "hlhg 江宁") == ["南京华联化工有限公司"]  # initials and the address
    # The start of the USCC, and 化工 in the name, or only in the address (化工大道)
    assert names(db, "化工 91320113") == ["ＡＢＣ化工（南京）有限公司", "南京石化仓储有限公司"]
    assert names(db, "abc 南京") == ["ＡＢＣ化工（南京）有限公司"]
    assert names(db, "南京 不存在") == []
    assert names(db, "华联 已注销") == []
    assert names(db, "南京　化工") == found  # a full-width space
    assert names(db, "南京 化工", district_code="320113") == ["ＡＢＣ化工（南京）有限公司", "南京石化仓储有限公司"]
    assert len(names(db, "南京 有限公司", limit=2)) == 2


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_several_words_rank_names_holding_every_word_first(backend, request) -> None:
    db = request.getfixturevalue("wide" if backend == "sqlite" else "wide_pg")
    found = names(db, "南京 化工")
    # Names that start with one word and hold the other, shorter first, then by name…
    assert found[:3] == ["化工南京贸易有限公司", "南京Ⅱ号化工有限公司", "南京华联化工有限公司"]
    # … and names holding every word before those with a word in the address only (fewer such words first).
    both = {"化工南京贸易有限公司", "南京Ⅱ号化工有限公司", "南京华联化工有限公司", "ＡＢＣ化工（南京）有限公司"}
    assert set(found[:5]) == both | {"宝佳化工科技（南京）有限公司"}
    assert found[5:] == ["南京⼯业气体有限公司", "南京石化仓储有限公司", "江苏化工（集团）股份有限公司"]


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_many_words(backend, request) -> None:
    db = request.getfixturevalue("wide" if backend == "sqlite" else "wide_pg")
    words = [*SINO.split(), "江宁区", "b座", "12楼", "91320115", "sinoglobal", "tradingcompany", "江宁", "座"]
    assert len(set(words)) > 16  # more than the words SQL matches: the rest are checked in Python
    assert names(db, " ".join(words)) == [SINO]
    assert names(db, " ".join([*words, "nowhere"])) == []
    assert names(db, " ".join(reversed(words)), district_code="320115") == [SINO]


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_hostile_input(backend, request) -> None:
    db = request.getfixturevalue("wide" if backend == "sqlite" else "wide_pg")
    for text in ("%", "_", "\\", "'", '"', "%_\\", "' OR 1=1 --", "😀", "🙂 南京", "[]*?^-", "　", " \t\n "):
        assert names(db, text) == [], text
    assert names(db, "南京 %") == [] and names(db, "% 南京") == []
    assert names(db, "化" * 10_000) == [] and names(db, "h" * 10_000) == [] and names(db, "9" * 10_000) == []
    assert names(db, "a" * 60_000) == []  # longer than SQLite's GLOB patterns may be
    assert names(db, " ".join(chr(0x4E00 + i) for i in range(3_000))) == []  # 3,000 words
    assert names(db, "南京 " * 5_000) == names(db, "南京")  # the same word 5,000 times
    letters = "abcdefghijklmnopqrstuvwxyz"  # more variants than SQL folds (the rest: Python, in mixed names)
    assert names(db, f"ＡＢＣ化工{letters}") == [] and names(db, f"{letters}南京 {letters}9") == []
    assert names(db, "ＡＢＣ化工（南京）有限公司 " + " ".join(f"{ch}座" for ch in letters)) == []
    assert names(db, "（" * 5_000) == [] and names(db, "⼯" * 5_000) == [] and names(db, "－" * 999) == []
    assert names(db, "-" * 999 + "南京") == []  # the longest GLOB pattern of a word


# --- the ranking of text and of several words, against plain Python ------------------------------------------

_DOT_CHARS, _DASH_CHARS = "·・･•‧⋅∙", "-‐‑‒–—―−﹘﹣－"


def _fold_chars(text: str) -> list[str]:
    """Each character as compared: NFKC, Latin letters in lower case, one middle dot, one dash."""
    out = []
    for ch in text:
        folded = unicodedata.normalize("NFKC", ch)
        folded = "".join(c.lower() if "A" <= c <= "Z" else c for c in folded)
        out.append("".join("·" if c in _DOT_CHARS else "-" if c in _DASH_CHARS else c for c in folded))
    return out


def _fold(text: str) -> str:
    return "".join(_fold_chars(text))


def _find(name: str, word: str) -> int | None:
    """The index in ``name`` (as stored) of the character where the folded word first starts."""
    chars = _fold_chars(name)
    at = "".join(chars).find(word)
    if at < 0:
        return None
    return next(i for i in range(len(chars)) if len("".join(chars[: i + 1])) > at)


def _expected_text(rows, word: str, limit: int) -> list[str]:
    ranked = []
    for name, address, *_ in rows:
        at = _find(name, word)
        if at is not None:
            rank = 0 if _fold(name) == word else 1 if at == 0 else 2
            ranked.append((rank, at + 1, len(name), name))
        elif word in _fold(address):
            ranked.append((3, 0, len(name), name))
    return [name for *_, name in sorted(ranked)][:limit]


def _expected_words(rows, words: list[str], limit: int) -> list[str]:
    ranked = []
    for name, address, uscc, full, initials in rows:
        ranks = []
        for word in words:
            kind = classify(word)
            starts = holds = False
            if kind is not QueryKind.PINYIN and (at := _find(name, word)) is not None:
                starts, holds = at == 0, True
            if kind is QueryKind.PINYIN:
                starts = starts or any(r.startswith(word) for key in (full, initials) for r in key.split(" "))
                holds = holds or word in full or word in initials
            if kind is QueryKind.USCC and uscc.startswith(word.upper()):
                starts = True
            in_address = kind is not QueryKind.PINYIN and word in _fold(address)  # letters alone: pinyin only
            ranks.append(0 if starts else 1 if holds else 2 if in_address else None)
        if None not in ranks:
            ranked.append((sum(r == 2 for r in ranks), sum(ranks), len(name), name))
    return [name for *_, name in sorted(ranked)][:limit]


VOCABULARY = [
    "南京",
    "化工",
    "华联",
    "(南京)",
    "（南京）",
    "江宁",
    "hg",
    "hlhg",
    "nj",
    "9132011",
    "91320115",
    "物流",
    "有限公司",
    "ABC",
    "abc化工",
    "Ａ座",
    "a座",
    "8号",
    "８号",
    "1-3",
    "1－3",
    "阿里·巴巴",
    "阿里・巴巴",
    "工业",
    "⼯业",
    "II号",
    "Ⅱ号",
    "仓储",
    "(株)",
    "sino",
    "b座",
    "集团",
    "不存在",
    "江",
    "号",
]


def _check_words(database) -> None:
    columns = (Enterprise.name, Enterprise.address, Enterprise.uscc, Enterprise.name_pinyin, Enterprise.name_initials)
    with database.session() as session:
        rows = list(session.execute(select(*columns).where(Enterprise.deleted.is_(False))))
        texts = {w for w in VOCABULARY if classify(_fold(w)) is QueryKind.TEXT}
        for name, *_ in rows:  # every piece of every name, bracket widths swapped
            folded = _fold(name)
            texts |= {folded[i : i + n] for n in (1, 2, 4) for i in range(len(folded) - n + 1)}
            texts |= {name.replace("（", "(").replace("）", ")"), name.replace("(", "（").replace(")", "）")}
        texts = {t for t in texts if t.strip() == t and " " not in t and classify(_fold(t)) is QueryKind.TEXT}
        assert len(texts) > 200
        for text in sorted(texts):
            for limit in (50, 2):
                found = [hit.name for hit in search_enterprises(session, text, limit=limit)]
                assert found == _expected_text(rows, _fold(text), limit), (text, limit)
        for first, second in itertools.combinations(VOCABULARY, 2):
            for limit in (50, 2):
                found = [hit.name for hit in search_enterprises(session, f"{first} {second}", limit=limit)]
                words = list(dict.fromkeys([_fold(first), _fold(second)]))
                assert found == _expected_words(rows, words, limit), (first, second, limit)
        for words in (["南京", "化工", "有限公司"], ["江宁", "hg", "91320115"], ["(南京)", "有限", "nj", "江"]):
            found = [hit.name for hit in search_enterprises(session, " ".join(words))]
            assert found == _expected_words(rows, [_fold(w) for w in words], 50), words


def test_text_and_words_match_the_ranking(wide) -> None:
    _check_words(wide)


@pytest.mark.postgres
def test_text_and_words_ranking_on_postgres(wide_pg) -> None:
    _check_words(wide_pg)


def test_look_alike_queries_use_the_partial_index_of_mixed_names(wide) -> None:
    """The look-alikes of a query are looked for in mixed names only, through their partial index: by the
    statement that reads them, and by the ranked statement's column telling whether there are any."""
    from hazdesk.store.search.multiword import _words_statement
    from hazdesk.store.search.query import _words
    from hazdesk.store.search.statements import _tail_statement, _text_shape

    def plan(session, statement) -> list[str]:
        raw = session.connection().connection.driver_connection
        compiled = statement.compile(session.get_bind())
        rows = raw.execute(f"EXPLAIN QUERY PLAN {compiled}", [None] * len(compiled.positiontup))
        return re.findall(r"INDEX (\w+)", " ".join(row[-1] for row in rows))

    assert _words("化工")[0].tail == "⼯"  # the Kangxi radical
    with wide.session() as session:
        for query in ("化工", "工业 气体", "(南京)", "Ⅱ号 化工"):
            words = _words(query)
            tail, _ = _tail_statement("sqlite", words, False)
            if len(words) == 1:
                word = words[0]
                ranked = _text_shape("sqlite", False, word.folding, bool(word.anchor), bool(word.alt), tail)
            else:
                ranked, _ = _words_statement("sqlite", words, False, tail)
            assert plan(session, tail) == ["ix_enterprise_search_mixed"], query
            assert plan(session, ranked) == ["ix_enterprise_search", "ix_enterprise_search_mixed"], query
        assert _tail_statement("sqlite", _words("南京 华联"), False) is None  # nothing to look for


def test_folding_tables_cover_unicode() -> None:
    """Characters outside the ranges scanned fold to themselves; look-alikes never occur in a name the
    partial index leaves out (all CJK ideographs, digits and brackets)."""
    from hazdesk.store.models import MIXED_SCRIPT_PATTERN
    from hazdesk.store.search.fold import _FOLDING_RANGES, _variants, fold

    scanned = set(itertools.chain.from_iterable(range(low, high) for low, high in _FOLDING_RANGES))
    for code in range(0x110000):
        if code not in scanned and not 0xD800 <= code < 0xE000:
            ch = chr(code)
            assert unicodedata.category(ch) == "Cf" or fold(ch) == ch, hex(code)
    pure = re.compile(r"[0-9()（）一-鿿]")
    assert MIXED_SCRIPT_PATTERN == "*[^0-9()（）一-鿿]*"
    variants = _variants()
    assert not any(pure.match(ch) for chars in variants.tail.values() for ch in chars)
    assert variants.plain["("] == "﹙（" and variants.plain["a"] == "AＡａ"


def test_glob_classes_match_exactly_their_characters() -> None:
    """The GLOB a folded word becomes: GLOB's own special characters stay literal, alone or in a class."""
    import sqlite3

    from hazdesk.store.search.clauses import _glob_one_of

    raw = sqlite3.connect(":memory:")
    specials = "]^-*?[a"
    for size in range(1, 4):
        for chars in itertools.permutations(specials, size):
            pattern = _glob_one_of(chars)
            for ch in specials + "b（":
                assert raw.execute("SELECT ? GLOB ?", (ch, pattern)).fetchone()[0] == (ch in chars), (chars, ch)
