"""「两重点一重大」 matching and the catalogs behind it."""

from __future__ import annotations

import json
import re
from dataclasses import FrozenInstanceError

import pytest

from hazdesk.domain import key_supervision as ks
from hazdesk.domain.key_supervision import (
    assess,
    key_chemicals,
    key_processes,
    match_chemical,
    match_process,
    normalize_cas,
    parse_level,
)
from hazdesk.errors import ValidationError
from hazdesk.paths import resource_path

EIGHTEEN = [
    "光气及光气化工艺", "电解工艺（氯碱）", "氯化工艺", "硝化工艺", "合成氨工艺", "裂解（裂化）工艺",
    "氟化工艺", "加氢工艺", "重氮化工艺", "氧化工艺", "过氧化工艺", "胺基化工艺", "磺化工艺",
    "聚合工艺", "烷基化工艺", "新型煤化工工艺", "电石生产工艺", "偶氮化工艺",
]  # fmt: skip


def cas_check_digit_ok(cas: str) -> bool:
    """CAS check digit: digits before it, from the right, weighted 1, 2, 3 …, sum mod 10."""
    match = re.fullmatch(r"(\d{2,7})-(\d{2})-(\d)", cas)
    if not match:
        return False
    body = match.group(1) + match.group(2)
    total = sum(weight * int(d) for weight, d in enumerate(reversed(body), start=1))
    return total % 10 == int(match.group(3))


def test_cas_checksum_helper() -> None:
    assert cas_check_digit_ok("7732-18-5")  # water
    assert not cas_check_digit_ok("7732-18-4")


# --- catalogs ---


def test_processes_in_order() -> None:
    procs = key_processes()
    assert [p.name for p in procs] == EIGHTEEN
    assert [p.seq for p in procs] == list(range(1, 19))
    assert {p.batch for p in procs[:15]} == {1} and {p.batch for p in procs[15:]} == {2}
    assert procs[0].document == "安监总管三〔2009〕116号" and procs[17].document == "安监总管三〔2013〕3号"
    assert len({p.code for p in procs}) == 18


def test_process_file_has_source() -> None:
    data = json.loads(resource_path("catalogs", "key_processes.json").read_text(encoding="utf-8"))
    assert data["source"]


def test_chemicals_counts_and_order() -> None:
    chems = key_chemicals()
    first = [c for c in chems if c.batch == 1]
    second = [c for c in chems if c.batch == 2]
    assert len(first) == 60 and len(second) == 14
    assert [c.seq for c in first] == list(range(1, 61)) and [c.seq for c in second] == list(range(1, 15))
    assert (first[0].name, first[1].name, first[59].name) == ("氯", "氨", "氯甲酸三氯甲酯")
    assert (second[0].name, second[1].name, second[13].name) == ("氯酸钠", "氯酸钾", "乙醚")


def test_unverified_flags_follow_domain_reference() -> None:
    # domain.md §2.3: only 氯酸钠 and 氯酸钾 of the second batch were seen in a source
    assert all(c.verified for c in key_chemicals() if c.batch == 1)
    assert [c.verified for c in key_chemicals() if c.batch == 2] == [True, True] + [False] * 12


def test_every_cas_passes_checksum() -> None:
    all_cas = [cas for c in key_chemicals() for cas in c.cas]
    assert len(all_cas) >= 72
    bad = [cas for cas in all_cas if not cas_check_digit_ok(cas)]
    assert bad == []


def test_raw_json_cas_checksum() -> None:
    """Same check on the file itself, so a loader bug cannot hide a bad number."""
    data = json.loads(resource_path("catalogs", "key_chemicals.json").read_text(encoding="utf-8"))
    assert data["source"]
    for entry in data["items"]:
        assert isinstance(entry["verified"], bool)
        for cas in entry["cas"]:
            assert cas_check_digit_ok(cas), (entry["name"], cas)


def test_catalog_is_cached() -> None:
    assert key_chemicals() is key_chemicals()
    assert key_processes() is key_processes()


# --- matching ---


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("氯化工艺", "氯化工艺"),
        ("氨基化工艺", "胺基化工艺"),
        ("胺基化", "胺基化工艺"),
        ("电解工艺(氯碱)", "电解工艺（氯碱）"),
        (" 电解工艺 （ 氯碱 ） ", "电解工艺（氯碱）"),
        ("裂化工艺", "裂解（裂化）工艺"),
        ("裂解(裂化)工艺", "裂解（裂化）工艺"),
        ("氯化工艺（氯苯生产）", "氯化工艺"),
        ("过氧化工艺", "过氧化工艺"),
        ("合成氯工艺", "合成氨工艺"),
    ],
)
def test_match_process(text: str, expected: str) -> None:
    assert match_process(text) == expected


@pytest.mark.parametrize("text", ["精馏工艺", "氧化铝", "工艺", "", "化工艺"])
def test_no_substring_process_match(text: str) -> None:
    assert match_process(text) is None


@pytest.mark.parametrize(
    ("name", "cas", "expected"),
    [
        ("液氯", None, "氯"),
        ("氯气", None, "氯"),
        (None, "7664-41-7", "氨"),
        ("7664-41-7", None, "氨"),
        ("７６６４－４１－７", None, "氨"),
        ("7664417", None, "氨"),
        ("汽油", None, "汽油（含甲醇汽油、乙醇汽油）、石脑油"),
        (None, "8006-61-9", "汽油（含甲醇汽油、乙醇汽油）、石脑油"),
        (None, "86290-81-5", "汽油（含甲醇汽油、乙醇汽油）、石脑油"),  # GB 18218 CAS for 汽油
        ("乙醇汽油", None, "汽油（含甲醇汽油、乙醇汽油）、石脑油"),
        ("TDI", None, "甲苯二异氰酸酯"),
        ("tdi", None, "甲苯二异氰酸酯"),
        (None, "584-84-9", "甲苯二异氰酸酯"),
        (None, "26471-62-5", "甲苯二异氰酸酯"),  # GB 18218 CAS for TDI
        ("苯", None, "苯（含粗苯）"),
        ("苯(含粗苯)", None, "苯（含粗苯）"),
        ("天然气", None, "甲烷、天然气"),
        ("硝酸铵（含可燃物≤0.2%）", None, "硝酸铵"),
        ("过氧化(二)苯甲酰", None, "过氧化（二）苯甲酰"),
        ("2,2′-偶氮二异丁腈", None, "2,2'-偶氮二异丁腈"),
        ("2，2'-偶氮二异丁腈", None, "2,2'-偶氮二异丁腈"),
        ("不知名溶剂", "7782-50-5", "氯"),  # CAS wins over a free-typed name
        ("氯", "0000-00-0", "氯"),  # an unknown CAS falls back to the name
    ],
)
def test_match_chemical(name: str | None, cas: str | None, expected: str) -> None:
    assert match_chemical(name, cas) == expected


@pytest.mark.parametrize("text", ["丙烷", "丙烯酸甲酯", "氯化钠", "氨水溶液", "64-17-5", "甲醛"])
def test_non_key_chemicals(text: str) -> None:
    assert match_chemical(text) is None


def test_substring_names_stay_apart() -> None:
    assert match_chemical("丙烯") == "1-丙烯、丙烯"
    assert match_chemical("丙烯腈") == "丙烯腈"
    assert match_chemical("丙烯醛") == "丙烯醛、2-丙烯醛"
    assert match_chemical("丙烯酸") == "丙烯酸"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("7782-50-5", "7782-50-5"), (" 7782 50 5 ", "7782-50-5"), ("7782–50–5", "7782-50-5")],
)
def test_normalize_cas(text: str, expected: str) -> None:
    assert normalize_cas(text) == expected


@pytest.mark.parametrize("text", ["氯", "12-34", "1234", "7782-5-05"])
def test_normalize_cas_rejects(text: str) -> None:
    assert normalize_cas(text) is None


# --- assessment ---


def test_assess_example_summary() -> None:
    result = assess(
        processes=["硝化工艺", "氯化工艺", "精馏"],
        chemicals=["液氨", ("液氯", "7782-50-5"), "乙醇"],
        major_hazard_levels=["二级"],
    )
    assert result.key_processes == ("氯化工艺", "硝化工艺")  # catalog order, not input order
    assert result.key_chemicals == ("氯", "氨")
    assert result.major_hazard_levels == (2,)
    assert result.involves_key_process and result.involves_key_chemical and result.has_major_hazard
    assert result.any
    assert result.summary() == "重点工艺：氯化工艺、硝化工艺；重点化学品：氯、氨；重大危险源：二级×1"


def test_assess_nothing() -> None:
    result = assess(["精馏工艺"], ["乙醇", (None, "64-17-5")], [])
    assert not result.any
    assert not (result.involves_key_process or result.involves_key_chemical or result.has_major_hazard)
    assert result.summary() == "不涉及“两重点一重大”"
    assert assess().summary() == "不涉及“两重点一重大”"


def test_assess_partial_and_level_counts() -> None:
    result = assess([], ["TDI", "甲苯二异氰酸酯", (None, "26471-62-5")], [3, "一级", "3", "三"])
    assert result.key_chemicals == ("甲苯二异氰酸酯",)  # duplicates collapse
    assert result.major_hazard_levels == (1, 3, 3, 3)
    assert result.summary() == "重点工艺：无；重点化学品：甲苯二异氰酸酯；重大危险源：一级×1、三级×3"


def test_result_is_frozen() -> None:
    result = assess(["氯化工艺"])
    with pytest.raises(FrozenInstanceError):
        result.key_processes = ()  # type: ignore[misc]


@pytest.mark.parametrize("level", [0, 5, "五级", "", True, 2.0])
def test_bad_level(level: object) -> None:
    with pytest.raises(ValidationError, match="一级至四级"):
        parse_level(level)  # type: ignore[arg-type]


def test_catalog_validation_names_the_file(tmp_path, monkeypatch) -> None:
    (tmp_path / "catalogs").mkdir()
    bad = {"source": "x", "items": [{"seq": 1, "name": "氯化工艺", "code": "c", "short": "氯化", "batch": 1}]}
    (tmp_path / "catalogs" / "key_processes.json").write_text(json.dumps(bad), encoding="utf-8")
    monkeypatch.setattr(ks, "resource_path", lambda *parts: tmp_path.joinpath(*parts))
    ks.key_processes.cache_clear()
    try:
        with pytest.raises(ValidationError, match=r"key_processes\.json"):
            ks.key_processes()
    finally:
        ks.key_processes.cache_clear()


def test_catalog_rejects_ambiguous_alias(tmp_path, monkeypatch) -> None:
    data = json.loads(resource_path("catalogs", "key_chemicals.json").read_text(encoding="utf-8"))
    data["items"][1]["aliases"].append("液氯")  # 氨 claiming an alias of 氯
    (tmp_path / "catalogs").mkdir()
    (tmp_path / "catalogs" / "key_chemicals.json").write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setattr(ks, "resource_path", lambda *parts: tmp_path.joinpath(*parts))
    for fn in (ks.key_chemicals, ks._chemical_indexes):
        fn.cache_clear()
    try:
        with pytest.raises(ValidationError, match="液氯"):
            ks._chemical_indexes()
    finally:
        for fn in (ks.key_chemicals, ks._chemical_indexes):
            fn.cache_clear()
