"""Enterprise search on a real database: Chinese substrings of any length, pinyin, initials, USCC."""

from __future__ import annotations

import pytest

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
