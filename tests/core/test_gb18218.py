"""GB 18218-2018 identification and grading: worked checks, band edges, lookup, bad input, data integrity."""

from __future__ import annotations

import json
import math
import re
import shutil
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hazdesk.domain import gb18218
from hazdesk.domain.gb18218 import ChemicalInput, assess_unit
from hazdesk.errors import HazdeskError, ValidationError
from hazdesk.paths import resource_path

DATA = resource_path("gb18218")


def chem(name: str | None = None, tonnes: float = 1, **kwargs: object) -> ChemicalInput:
    return ChemicalInput(name=name, tonnes=tonnes, **kwargs)  # type: ignore[arg-type]


# ───────────── the worked checks of domain.md §1.6 ─────────────


def test_worked_check_1_liquid_chlorine() -> None:
    result = assess_unit("storage", 40, [chem("液氯", 20)])
    assert result.S_exact == 4 and result.S == 4.0
    assert result.alpha == 1.2
    assert result.R_exact == Fraction("19.2") and result.R == 19.2
    assert result.is_major and result.level == "三级"
    (chlorine,) = result.chemicals
    assert (chlorine.name, chlorine.Q, chlorine.beta, chlorine.ratio, chlorine.weighted) == (
        "氯",
        5,
        4,
        4,
        16,
    )
    assert chlorine.basis == "Q 取表1第12行；β 取表3（氯）"


def test_worked_check_2_ammonia_and_methanol() -> None:
    result = assess_unit("storage", 150, [chem("液氨", 8), chem("甲醇", 300)])
    assert result.S_exact == Fraction("1.4")
    assert result.alpha == 2.0
    assert result.R_exact == Fraction("4.4")
    assert result.is_major and result.level == "四级"
    ammonia, methanol = result.chemicals
    assert (ammonia.Q, ammonia.beta) == (10, 2)
    assert (methanol.Q, methanol.beta) == (500, 1)
    assert methanol.basis == "Q 取表1第65行；β 取表4 W5.3（该物质的表2类别）"


def test_worked_check_3_lpg_nobody_around() -> None:
    result = assess_unit("production", 0, [chem("液化石油气", 60)])
    assert result.S_exact == Fraction("1.2")
    assert result.alpha == 0.5
    assert result.R_exact == Fraction("0.9")
    assert result.is_major and result.level == "四级"
    assert result.chemicals[0].beta == 1.5


def test_exact_sum_reaches_one_where_floats_do_not() -> None:
    assert 0.4 / 5 + 4.6 / 5 < 1  # why the module does not use floats
    result = assess_unit("storage", 10, [chem("氯", 0.4), chem("苯", 0), chem("液氯", 4.6)])
    assert result.S_exact == 1 and result.S == 1.0 and result.is_major


def test_just_under_one_is_not_shown_as_one() -> None:
    result = assess_unit("storage", 10, [chem("氯", 4.99999)])
    assert not result.is_major and result.level is None
    assert result.S < 1
    assert result.to_dict()["S"] == 0.999998
    assert any(line.startswith("S = Σq/Q = 0.999998 < 1") for line in result.explain())


def test_r_just_under_an_edge_is_not_shown_as_the_edge() -> None:
    result = assess_unit("storage", 5, [chem("氯", 12.4999875)])  # R = 0.8 × q = 9.99999
    assert result.level == "四级" and result.R < 10
    assert result.to_dict()["R"] == 9.99999
    assert result.explain()[-2].endswith("= 9.99999")


# ───────────── α and level edges ─────────────


@pytest.mark.parametrize(
    ("people", "alpha"),
    [(0, 0.5), (1, 1.0), (29, 1.0), (30, 1.2), (49, 1.2), (50, 1.5), (99, 1.5), (100, 2.0), (100000, 2.0)],
)
def test_alpha_band_edges(people: int, alpha: float) -> None:
    assert gb18218.alpha_for(people) == alpha


@pytest.mark.parametrize(
    ("r_value", "level"),
    [
        (0, "四级"),
        (9.99, "四级"),
        (10, "三级"),
        (49.99, "三级"),
        (50, "二级"),
        (99.99, "二级"),
        (100, "一级"),
        (Fraction(99999, 1000), "二级"),
        (1e6, "一级"),
    ],
)
def test_level_edges(r_value: float, level: str) -> None:
    assert gb18218.level_for(r_value) == level


@pytest.mark.parametrize("bad", [math.nan, math.inf, "10", None])
def test_level_for_rejects_non_numbers(bad: object) -> None:
    with pytest.raises(ValidationError):
        gb18218.level_for(bad)  # type: ignore[arg-type]


def test_r_of_exactly_ten_grades_three() -> None:
    # 氯 Q=5 β=4 → β·q/Q = 0.8·q; with α = 1 (1–29 people) q = 12.5 t gives R = 10 exactly
    result = assess_unit("storage", 5, [chem("氯", 12.5)])
    assert result.R_exact == 10 and result.level == "三级"


# ───────────── lookup ─────────────


@pytest.mark.parametrize(
    ("query", "seq"),
    [
        ("液氯", 12),
        ("光气", 6),
        ("ＴＮＴ", 35),
        ("tdi", 23),
        (" 液 氨 ", 1),
        ("氯化氢（无水）", 11),
        ("氯化氢", 11),
        ("硝化纤维素（含乙醇≥25%）", 39),
        ("硝化纤维素(干的或含水(或乙醇)<25%)", 37),  # ( ) typed for the standard's [ ]
        ("天然气", 49),
        ("7664-41-7", 1),
        ("７６６４－４１－７", 1),
        ("8006-14-2", 49),
        ("584-84-9", 23),  # 2,4-TDI, the 重点监管名录's CAS
        ("8006-61-9", 66),  # 汽油 as in the 重点监管名录
        ("630-08-0", 13),  # 一氧化碳 → 煤气
    ],
)
def test_find_chemical(query: str, seq: int) -> None:
    row = gb18218.find_chemical(query)
    assert row is not None and row.seq == seq


def test_find_chemical_unknown_and_ambiguous() -> None:
    assert gb18218.find_chemical("某种溶剂") is None
    assert gb18218.find_chemical("硝酸") is None  # ≤70% nitric acid is not a Table 1 chemical
    with pytest.raises(ValidationError, match=r"第37行.*第41行"):
        gb18218.find_chemical("硝化棉")
    with pytest.raises(ValidationError, match="第43行"):
        gb18218.find_chemical("6484-52-2")


def test_lookup_by_cas_in_assessment() -> None:
    result = assess_unit("storage", 45, [ChemicalInput(cas="7664-41-7", tonnes=8)])
    assert result.chemicals[0].name == "氨" and result.chemicals[0].beta == 2


def test_unknown_name_matched_by_cas_says_so() -> None:
    result = assess_unit("storage", 45, [ChemicalInput(name="液氨储罐物料", cas="7664-41-7", tonnes=8)])
    assert result.chemicals[0].table1_seq == 1
    assert "按 CAS 7664-41-7 匹配" in result.chemicals[0].basis


# ───────────── unknown chemicals, several classes, adding up ─────────────


def test_unknown_chemical_graded_by_class() -> None:
    result = assess_unit("storage", 45, [chem("某溶剂", 2500, hazard_class="w5.4")])
    (c,) = result.chemicals
    assert (c.Q, c.beta, c.ratio, c.hazard_class) == (5000, 1, 0.5, "W5.4")
    assert c.basis.startswith("Q 取表2 W5.4") and c.basis.endswith("β 取表4 W5.4")


def test_class_only_entry() -> None:
    result = assess_unit("storage", 45, [ChemicalInput(hazard_class="Ｊ１", tonnes=5)])
    (c,) = result.chemicals
    assert (c.name, c.Q, c.beta) == ("J1 类物质", 5, 4)


def test_several_classes_take_lowest_q_and_its_beta() -> None:
    result = assess_unit("storage", 45, [chem("某毒性易燃气体", 20, hazard_classes=("J3", "W2"))])
    (c,) = result.chemicals
    assert (c.Q, c.beta, c.hazard_class) == (10, 1.5, "W2")
    assert "J3、W2 中临界量最小" in c.basis


def test_equal_q_takes_larger_beta() -> None:
    # J3 and W4 both have Q = 50; J3's β = 2 beats W4's β = 1
    result = assess_unit("storage", 45, [chem("某氧化性毒气", 20, hazard_class="W4", hazard_classes=("J3",))])
    assert (result.chemicals[0].Q, result.chemicals[0].beta) == (50, 2)


def test_table1_wins_over_a_given_class() -> None:
    result = assess_unit("storage", 45, [chem("甲醇", 300, hazard_class="W5.1")])
    (c,) = result.chemicals
    assert (c.Q, c.beta) == (500, 1)
    assert "已填写的类别 W5.1 不采用" in c.basis


def test_rows_of_the_same_chemical_add_up() -> None:
    result = assess_unit(
        "storage", 45, [chem("液氯", 3), chem("苯", 10), ChemicalInput(cas="7782-50-5", tonnes=2)]
    )
    chlorine, benzene = result.chemicals
    assert chlorine.tonnes == 5 and chlorine.positions == (1, 3)
    assert "由第1、3个化学品合计（3 + 2 = 5 t）" in chlorine.basis
    assert benzene.positions == (2,)


def test_unknown_rows_with_same_name_add_up_but_unnamed_do_not() -> None:
    result = assess_unit(
        "storage",
        45,
        [
            chem("某溶剂", 100, hazard_class="W5.3"),
            ChemicalInput(hazard_class="W2", tonnes=1),
            chem(" 某溶剂", 50, hazard_class="W5.3"),
            ChemicalInput(hazard_class="W2", tonnes=1),
        ],
    )
    assert [c.positions for c in result.chemicals] == [(1, 3), (2,), (4,)]


def test_zero_tonnes_is_allowed_and_contributes_nothing() -> None:
    result = assess_unit("storage", 45, [chem("氯", 0)])
    assert result.S_exact == 0 and result.R_exact == 0 and not result.is_major


# ───────────── bad input ─────────────


def _error(
    unit: str = "storage", people: object = 45, chemicals: list[ChemicalInput] | None = None
) -> ValidationError:
    if chemicals is None:
        chemicals = [chem("氯", 1)]
    with pytest.raises(ValidationError) as info:
        assess_unit(unit, people, chemicals)  # type: ignore[arg-type]
    return info.value


def _third(bad: ChemicalInput) -> list[ChemicalInput]:
    return [chem("氯", 1), chem("苯", 1), bad]


@pytest.mark.parametrize(
    ("bad", "message", "field"),
    [
        (chem("甲苯", -1), "第3个化学品（甲苯）：tonnes 不能为负数（-1 t）", "chemicals[2].tonnes"),
        (chem("甲苯", math.nan), "第3个化学品（甲苯）：tonnes 不是有限数值（nan）", "chemicals[2].tonnes"),
        (chem("甲苯", math.inf), "第3个化学品（甲苯）：tonnes 不是有限数值（inf）", "chemicals[2].tonnes"),
        (
            chem("甲苯", 2_000_000),
            "第3个化学品（甲苯）：tonnes = 2000000 t 超过 1000000 t",
            "chemicals[2].tonnes",
        ),
        (
            chem("甲苯", "20"),
            "第3个化学品（甲苯）：tonnes 应为数字（吨），实际为 '20'",
            "chemicals[2].tonnes",
        ),
        (chem("甲苯", True), "第3个化学品（甲苯）：tonnes 应为数字", "chemicals[2].tonnes"),
        (chem("甲苯", None), "第3个化学品（甲苯）：缺少 tonnes", "chemicals[2].tonnes"),
        (
            chem("某溶剂", 1),
            "第3个化学品（某溶剂）：未列入 GB 18218 表1，须给出 hazard_class",
            "chemicals[2].hazard_class",
        ),
        (
            chem("某溶剂", 1, hazard_class="W12"),
            "第3个化学品（某溶剂）：hazard_class“W12”不是表2中的类别符号",
            "chemicals[2].hazard_class",
        ),
        (
            chem("某溶剂", 1, hazard_classes=("W2", "X")),
            "hazard_class“X”不是表2中的类别符号",
            "chemicals[2].hazard_class",
        ),
        (
            chem(None, 1),
            "第3个化学品：未给出名称、CAS 或危险性类别 hazard_class",
            "chemicals[2].hazard_class",
        ),
        (chem(42, 1), "第3个化学品：name 应为文字，实际为 42", "chemicals[2].name"),
        (
            ChemicalInput(cas="7664-41-8", tonnes=1),
            "第3个化学品（CAS 7664-41-8）：CAS 号“7664-41-8”格式或校验位不对",
            "chemicals[2].cas",
        ),
        (
            chem("氨", 1, cas="1336-21-6"),
            "名称对应表1第1行（氨，CAS 7664-41-7），但填写的 CAS 为 1336-21-6，请核对",
            "chemicals[2].cas",
        ),
        (chem("硝化棉", 1), "第3个化学品（硝化棉）：“硝化棉”对应表1多行（第37行", "chemicals[2].name"),
    ],
)
def test_bad_chemical_names_position_name_and_field(bad: ChemicalInput, message: str, field: str) -> None:
    error = _error(chemicals=_third(bad))
    assert message in str(error)
    assert error.field == field


def test_same_unknown_chemical_with_two_classes_is_refused() -> None:
    error = _error(chemicals=[chem("某溶剂", 1, hazard_class="W5.3"), chem("某溶剂", 1, hazard_class="W5.4")])
    assert "第1个和第2个化学品是同一物质（某溶剂）" in str(error)


@pytest.mark.parametrize(
    ("people", "message"),
    [
        (-1, "people_within_500m 不能为负数（-1）"),
        (45.5, "people_within_500m 应为整数（人数），实际为 45.5"),
        ("45", "people_within_500m 应为人数（整数），实际为 '45'"),
        (True, "people_within_500m 应为人数（整数），实际为 True"),
        (math.nan, "people_within_500m 应为整数（人数），实际为 nan"),
    ],
)
def test_bad_people(people: object, message: str) -> None:
    error = _error(people=people)
    assert str(error) == message and error.field == "people_within_500m"


def test_integral_float_people_is_fine() -> None:
    assert assess_unit("storage", 45.0, [chem("氯", 1)]).people_within_500m == 45  # type: ignore[arg-type]


def test_bad_unit_kind_and_empty_list() -> None:
    error = _error(unit="warehouse")
    assert str(error) == "单元类型 unit 应为 production（生产单元）或 storage（储存单元），实际为“warehouse”"
    assert error.field == "unit"
    assert assess_unit("储存单元", 1, [chem("氯", 1)]).unit_kind == "storage"
    error = _error(chemicals=[])
    assert "chemicals 不能为空" in str(error) and error.field == "chemicals"


# ───────────── explain / to_dict ─────────────


def test_explain_and_to_dict() -> None:
    result = assess_unit(
        "storage",
        45,
        [
            chem("氯", 20),
            ChemicalInput(cas="7664-41-7", tonnes=8),
            ChemicalInput(hazard_class="W2", tonnes=15),
        ],
    )
    lines = result.explain()
    assert lines[0] == "GB 18218-2018 辨识与分级：储存单元，厂区边界外 500 m 内常住人口 45 人"
    assert lines[1].startswith("1. 氯（CAS 7782-50-5）：q = 20 t，Q = 5 t，q/Q = 4；β = 4，β·q/Q = 16。")
    assert lines[3].startswith("3. W2 类物质：q = 15 t，Q = 10 t")
    assert lines[4] == "S = Σq/Q = 4 + 0.8 + 1.5 = 6.3 ≥ 1，构成危险化学品重大危险源"
    assert lines[5] == "α = 1.2（表5：30～49人）"
    assert lines[6] == "R = α × Σβ·q/Q = 1.2 × (16 + 1.6 + 2.25) = 1.2 × 19.85 = 23.82"
    assert lines[7] == "级别：三级（表6：50 > R ≥ 10）"
    data = result.to_dict()
    assert {"S", "R", "alpha", "is_major", "level", "unit", "people_within_500m", "chemicals"} <= set(data)
    assert (data["S"], data["R"], data["level"], data["unit"]) == (6.3, 23.82, "三级", "storage")
    for item in data["chemicals"]:
        assert {"name", "cas", "tonnes", "Q", "beta", "ratio", "basis"} <= set(item)
    json.dumps(data, ensure_ascii=False)


def test_explain_when_not_major() -> None:
    lines = assess_unit("storage", 0, [chem("甲醇", 100)]).explain()
    assert "不构成危险化学品重大危险源，不分级" in lines[2]
    assert lines[-1] == "级别：不构成重大危险源，不定级（R 仅供参考）"


# ───────────── catalog integrity ─────────────


def _cas_ok(cas: str) -> bool:
    """Independent CAS check: the last digit is Σ i·dᵢ mod 10 over the other digits, right to left."""
    match = re.fullmatch(r"(\d{2,7})-(\d{2})-(\d)", cas)
    if not match:
        return False
    digits = (match[1] + match[2])[::-1]
    return sum((i + 1) * int(d) for i, d in enumerate(digits)) % 10 == int(match[3])


def test_cas_checker_itself() -> None:
    assert _cas_ok("7732-18-5") and _cas_ok("7664-41-7")
    assert not _cas_ok("7732-18-4") and not _cas_ok("773218-5")


def test_table1_integrity() -> None:
    raw = json.loads((DATA / "table1.json").read_text(encoding="utf-8"))
    rows = raw["rows"]
    assert len(rows) == 85 and [r["seq"] for r in rows] == list(range(1, 86))
    table4 = {c["symbol"] for c in json.loads((DATA / "table4.json").read_text(encoding="utf-8"))["classes"]}
    table3 = {g["name"] for g in json.loads((DATA / "table3.json").read_text(encoding="utf-8"))["gases"]}
    for row in rows:
        assert row["Q"] > 0, row["name"]
        assert row["hazard_class"] in table4, row["name"]
        assert row.get("table3_name") in table3 | {None}, row["name"]
        for cas in row["cas"] + row.get("search_cas", []):
            assert _cas_ok(cas), (row["seq"], cas)
    assert [r["seq"] for r in rows if not r["cas"]] == [13, 45, 74]  # no CAS in the standard
    assert {r.get("table3_name") for r in rows} - {None} == table3  # every toxic gas reachable


def test_spot_values_against_domain_reference() -> None:
    rows = {r.seq: r for r in gb18218.catalog().rows}
    expected_q = {1: 10, 6: Fraction("0.3"), 12: 5, 30: Fraction("0.75"), 45: 200, 46: 1000, 56: 200, 65: 500}
    assert {seq: rows[seq].Q for seq in expected_q} == expected_q
    assert (
        rows[35].hazard_class == "W1.1" and rows[51].hazard_class == "W2" and rows[65].hazard_class == "W5.3"
    )
    assert rows[13].table3_name == "一氧化碳" and rows[11].table3_name == "氯化氢"


def test_tables_2_to_6() -> None:
    cat = gb18218.catalog()
    assert len(cat.classes) == 24
    assert (cat.classes["W2"].Q, cat.classes["W2"].beta) == (10, Fraction("1.5"))
    assert (cat.classes["J1"].Q, cat.classes["J1"].beta) == (5, 4)
    assert cat.classes["W5.4"].Q == 5000
    assert len(cat.table3) == 14 and cat.table3["碳酰氯"] == 20 and cat.table3["氯"] == 4
    assert [b.label for b in cat.level_bands] == ["R < 10", "50 > R ≥ 10", "100 > R ≥ 50", "R ≥ 100"]
    for name, table in [
        ("table1", "表1"),
        ("table2", "表2"),
        ("table3", "表3"),
        ("table4", "表4"),
        ("alpha", "表5"),
        ("levels", "表6"),
    ]:
        source = json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))["source"]
        assert "GB 18218-2018" in source and table in source


def test_broken_catalog_is_reported(tmp_path: Path) -> None:
    shutil.copytree(DATA, tmp_path, dirs_exist_ok=True)
    path = tmp_path / "table1.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["rows"][11]["hazard_class"] = "W99"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(HazdeskError, match="表1第12行 的 hazard_class 'W99'"):
        gb18218.load_catalog(tmp_path)
    data["rows"][11]["hazard_class"] = "J3"
    data["rows"][11]["Q"] = 0
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(HazdeskError, match="表1第12行 Q 应为正数"):
        gb18218.load_catalog(tmp_path)
    del data["rows"][11]["Q"]
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(gb18218.CatalogError, match="结构不对"):
        gb18218.load_catalog(tmp_path)
    data["rows"][11]["Q"] = 5
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert len(gb18218.load_catalog(tmp_path).rows) == 85
    (tmp_path / "levels.json").unlink()
    with pytest.raises(gb18218.CatalogError, match=r"levels\.json"):
        gb18218.load_catalog(tmp_path)


# ───────────── properties ─────────────

_NAMES = [row.name for row in gb18218.catalog().rows]
_CLASSES = list(gb18218.catalog().classes)
_milli_tonnes = st.integers(min_value=0, max_value=1_000_000)  # q in kg, so q/1000 t is an exact decimal
_items = st.lists(
    st.one_of(
        st.tuples(st.sampled_from(_NAMES), st.none(), _milli_tonnes),
        st.tuples(st.none(), st.sampled_from(_CLASSES), _milli_tonnes),
    ),
    min_size=1,
    max_size=6,
)


def _build(items: list[tuple[str | None, str | None, int]], factor: int = 1) -> list[ChemicalInput]:
    return [ChemicalInput(name=n, hazard_class=c, tonnes=factor * kg / 1000) for n, c, kg in items]


@settings(max_examples=150, deadline=None)
@given(_items, st.integers(min_value=1, max_value=50), st.integers(min_value=0, max_value=500))
def test_r_and_s_scale_linearly_with_quantities(items: list, factor: int, people: int) -> None:
    once = assess_unit("storage", people, _build(items))
    scaled = assess_unit("storage", people, _build(items, factor))
    assert scaled.S_exact == factor * once.S_exact
    assert scaled.R_exact == factor * once.R_exact
    assert pytest.approx(factor * once.R, rel=1e-12) == scaled.R


@settings(max_examples=150, deadline=None)
@given(_items, st.integers(min_value=0, max_value=500))
def test_major_exactly_when_s_reaches_one(items: list, people: int) -> None:
    result = assess_unit("production", people, _build(items))
    assert result.is_major == (result.S >= 1) == (result.S_exact >= 1)
    assert (result.level is None) == (not result.is_major)
    if result.is_major:
        assert result.level == gb18218.level_for(result.R_exact)
