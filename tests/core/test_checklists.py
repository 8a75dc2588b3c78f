"""Checklist templates: the 121号 criteria verbatim, the general checklist's coverage, and file validation."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from hazdesk.domain.checklists import (
    ChecklistItem,
    finding_prefill,
    get_template,
    list_templates,
    load_template,
    load_templates,
)
from hazdesk.domain.lifecycle import Severity
from hazdesk.errors import ValidationError
from hazdesk.paths import resource_path

MH = "MH-2017-121"
GENERAL = "HC-GENERAL"


def _all_items() -> list[tuple[str, ChecklistItem]]:
    return [(t.code, it) for t in list_templates() for it in t.items]


def test_both_templates_ship() -> None:
    codes = {t.code for t in list_templates()}
    assert {MH, GENERAL} <= codes
    for t in list_templates():
        assert t.name and t.version and t.source and t.items


# --- 121号: 20 criteria, verbatim ---


def test_major_hazard_has_20_items_in_order() -> None:
    template = get_template(MH)
    assert [it.code for it in template.items] == [f"MH-{i:02d}" for i in range(1, 21)]
    assert all(it.severity_if_nonconforming is Severity.MAJOR for it in template.items)
    assert "安监总管三〔2017〕121号" in template.source


@pytest.mark.parametrize(
    ("code", "text"),
    [
        ("MH-01", "危险化学品生产、经营单位主要负责人和安全生产管理人员未依法经考核合格。"),
        ("MH-02", "特种作业人员未持证上岗。"),
        (
            "MH-05",
            "构成一级、二级重大危险源的危险化学品罐区未实现紧急切断功能；涉及毒性气体、液化气体、剧毒液体的"
            "一级、二级重大危险源的危险化学品罐区未配备独立的安全仪表系统。",
        ),
        ("MH-07", "液化烃、液氨、液氯等易燃易爆、有毒有害液化气体的充装未使用万向管道充装系统。"),
        ("MH-15", "安全阀、爆破片等安全附件未正常投用。"),
        ("MH-17", "未制定操作规程和工艺控制指标。"),
        ("MH-18", "未按照国家标准制定动火、进入受限空间等特殊作业管理制度，或者制度未有效执行。"),
        (
            "MH-20",
            "未按国家标准分区分类储存危险化学品，超量、超品种储存危险化学品，相互禁配物质混放混存。",
        ),
    ],
)
def test_major_hazard_text_verbatim(code: str, text: str) -> None:
    assert get_template(MH).item(code).text == text


def test_major_hazard_legal_basis() -> None:
    template = get_template(MH)
    for it in template.items:
        assert it.legal_basis.startswith(
            "《化工和危险化学品生产经营单位重大生产安全事故隐患判定标准（试行）》第"
        )
    assert "《中华人民共和国安全生产法》第二十七条" in template.item("MH-01").legal_basis
    assert "《中华人民共和国安全生产法》第三十条" in template.item("MH-02").legal_basis
    assert template.item("MH-01").legal_basis.split("；")[0].endswith("第一项")
    assert template.item("MH-20").legal_basis.split("；")[0].endswith("第二十项")
    assert template.item("MH-12").legal_basis.split("；")[0].endswith("第十二项")


# --- every item of every template ---


@pytest.mark.parametrize(("template", "item"), _all_items(), ids=lambda v: getattr(v, "code", v))
def test_item_valid(template: str, item: ChecklistItem) -> None:
    assert re.fullmatch(r"[A-Z]{2}-\d{2}", item.code)
    for field in (
        item.section,
        item.text,
        item.label,
        item.legal_basis,
        item.default_measure,
        item.finding_text,
    ):
        assert field.strip() == field and field
    assert isinstance(item.severity_if_nonconforming, Severity)
    assert "《" in item.legal_basis or re.search(r"\b(GB|AQ)\b", item.legal_basis)


def test_codes_unique_per_template() -> None:
    for t in list_templates():
        assert len({it.code for it in t.items}) == len(t.items)


# --- general checklist ---


def test_general_size_and_sections() -> None:
    template = get_template(GENERAL)
    assert 35 <= len(template.items) <= 50
    assert len(template.sections) >= 8


def test_general_questions_are_questions() -> None:
    for it in get_template(GENERAL).items:
        assert it.text.endswith("？"), it.code
        assert not it.finding_text.endswith("？"), it.code


REQUIRED_TOPICS = {
    "一书一签": ["一书一签", "安全技术说明书", "安全标签"],
    "SIS": ["安全仪表系统"],
    "紧急切断": ["紧急切断"],
    "四个系统": ["四个系统"],
    "重大危险源监测监控": ["重大危险源", "监测"],
    "包保责任制": ["包保"],
    "动火": ["动火"],
    "受限空间": ["受限空间"],
    "老旧装置": ["老旧装置", "10年"],
    "环保设施": ["环保设施", "安全风险"],
    "储存": ["储存", "仓库"],
    "人员培训": ["培训"],
    "应急预案": ["应急", "预案"],
    "可燃有毒气体检测报警": ["检测报警"],
}


@pytest.mark.parametrize("topic", sorted(REQUIRED_TOPICS))
def test_general_covers_topic(topic: str) -> None:
    keywords = REQUIRED_TOPICS[topic]
    hits = [
        it.code
        for it in get_template(GENERAL).items
        if all(k in f"{it.section}{it.label}{it.text}" for k in keywords)
    ]
    assert hits, f"通用检查表缺少「{topic}」检查项"


def test_general_major_items_reference_real_criteria() -> None:
    criteria = {it.code: it for it in get_template(MH).items}
    general = get_template(GENERAL).items
    for it in general:
        if it.severity_if_nonconforming is Severity.MAJOR:
            assert it.major_criterion in criteria, it.code
            assert f"第{_cn(int(it.major_criterion[3:]))}项" in it.legal_basis, it.code
        else:
            assert it.major_criterion is None, it.code
    # every one of the 20 criteria can be reached from the general checklist
    assert {it.major_criterion for it in general if it.major_criterion} == set(criteria)


def _cn(n: int) -> str:
    digits = "一二三四五六七八九"
    if n <= 9:
        return digits[n - 1]
    if n == 10:
        return "十"
    if n < 20:
        return "十" + digits[n - 11]
    return "二十"


# --- prefill ---


def test_finding_prefill_major() -> None:
    item = get_template(MH).item("MH-02")
    prefill = finding_prefill(item)
    assert prefill["description"] == "特种作业人员未持证上岗。"
    assert prefill["severity"] == "major"
    assert "第三十条" in prefill["legal_basis"]
    assert prefill["measure"]


def test_finding_prefill_general_uses_statement() -> None:
    item = next(it for it in get_template(GENERAL).items if it.label == "一书一签")
    prefill = finding_prefill(item)
    assert set(prefill) >= {"description", "severity", "legal_basis", "measure"}
    assert prefill["severity"] == "general"
    assert not prefill["description"].endswith("？")
    assert "《危险化学品安全管理条例》" in prefill["legal_basis"]


# --- validation of files ---


def _write(tmp_path: Path, data: object, name: str = "local.json") -> Path:
    file = tmp_path / name
    file.write_text(
        json.dumps(data, ensure_ascii=False) if not isinstance(data, str) else data, encoding="utf-8"
    )
    return file


def _good() -> dict:
    return {
        "code": "LOCAL",
        "name": "本地检查表",
        "version": "1",
        "source": "测试",
        "items": [
            {
                "code": "LC-01",
                "section": "储存",
                "label": "仓库",
                "text": "是否专库专储？",
                "legal_basis": "《危险化学品安全管理条例》",
                "severity_if_nonconforming": "general",
                "default_measure": "整改。",
            },
            {
                "code": "LC-02",
                "section": "储存",
                "label": "禁配",
                "text": "是否混放？",
                "legal_basis": "GB 15603-2022",
                "severity_if_nonconforming": "major",
                "major_criterion": "MH-20",
                "default_measure": "分开。",
            },
        ],
    }


def test_good_local_file_loads(tmp_path: Path) -> None:
    template = load_template(_write(tmp_path, _good()))
    assert [it.code for it in template.items] == ["LC-01", "LC-02"]
    assert template.items[0].finding_text == "是否专库专储？"  # no "finding": falls back to the text


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["items"][1].update(code="LC-01"), r"local\.json 第2项（LC-01）：编号与前面的检查项重复"),
        (lambda d: d["items"][0].pop("text"), r"local\.json 第1项（LC-01）：缺少检查内容 text"),
        (lambda d: d["items"][1].update(text="  "), r"local\.json 第2项（LC-02）：缺少检查内容 text"),
        (
            lambda d: d["items"][0].update(severity_if_nonconforming="serious"),
            r"local\.json 第1项（LC-01）：severity_if_nonconforming 只能是 general 或 major",
        ),
        (lambda d: d["items"][0].pop("legal_basis"), r"local\.json 第1项（LC-01）：缺少依据"),
        (
            lambda d: d["items"][1].update(major_criterion="20"),
            r"local\.json 第2项（LC-02）：major_criterion",
        ),
        (
            lambda d: d["items"][1].update(severity_if_nonconforming="general"),
            r"local\.json 第2项（LC-02）：引用了重大隐患判定标准",
        ),
        (lambda d: d["items"][0].pop("code"), r"local\.json 第1项：缺少编号 code"),
        (lambda d: d.pop("version"), r"local\.json：缺少 version"),
        (lambda d: d.update(items=[]), r"local\.json：没有检查项"),
        (lambda d: d.update(items=["x"]), r"local\.json 第1项：条目必须是对象"),
    ],
)
def test_malformed_file_names_file_and_item(tmp_path: Path, mutate, message: str) -> None:
    data = _good()
    mutate(data)
    with pytest.raises(ValidationError, match=message):
        load_template(_write(tmp_path, data))


def test_broken_json_names_file(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match=r"检查表文件 broken\.json：不是有效的 JSON（第2行"):
        load_template(_write(tmp_path, '{\n  "code": ,\n}', name="broken.json"))


def test_duplicate_template_codes_across_files(tmp_path: Path) -> None:
    _write(tmp_path, _good(), "a.json")
    _write(tmp_path, _good(), "b.json")
    with pytest.raises(ValidationError, match=r"b\.json.*LOCAL.*a\.json"):
        load_templates(tmp_path)


def test_bad_file_among_good_ones_is_named(tmp_path: Path) -> None:
    for file in resource_path("checklists").glob("*.json"):
        (tmp_path / file.name).write_text(file.read_text(encoding="utf-8"), encoding="utf-8")
    bad = _good()
    bad["items"][0]["default_measure"] = ""
    _write(tmp_path, bad, "zz-local.json")
    with pytest.raises(ValidationError, match=r"zz-local\.json 第1项（LC-01）：缺少整改措施"):
        load_templates(tmp_path)


def test_unknown_template() -> None:
    with pytest.raises(ValidationError, match="NOPE"):
        get_template("NOPE")
