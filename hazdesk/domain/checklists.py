"""Inspection checklist templates, kept as JSON data in ``resources/checklists/``.

A template is data, not code, so the office can add a local checklist without a new release. Every file is
validated when it is read; a bad file is refused as a whole with a message naming the file and the item,
because a half-loaded checklist would silently drop questions from an inspection.

File layout::

    {"code", "name", "version", "source", "items": [
        {"code", "section", "label", "text", "legal_basis", "severity_if_nonconforming": "general" | "major",
         "default_measure", "finding"?: statement used when the answer is 不符合 (defaults to text),
         "major_criterion"?: "MH-05" — the 121号 criterion this item is, when severity is "major"}]}
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from hazdesk.domain.lifecycle import Severity
from hazdesk.errors import ValidationError
from hazdesk.paths import resource_path

_CRITERION_RE = re.compile(r"^MH-\d{2}$")
_TEMPLATE_FIELDS = ("code", "name", "version", "source")
_ITEM_TEXT_FIELDS = {
    "code": "编号",
    "section": "分组",
    "label": "简称",
    "text": "检查内容",
    "legal_basis": "依据",
    "default_measure": "整改措施",
}


@dataclass(frozen=True)
class ChecklistItem:
    code: str
    section: str
    text: str  # what the inspector checks (a question, or the verbatim criterion for 121号)
    label: str  # short name for lists and the PDF margin
    legal_basis: str
    severity_if_nonconforming: Severity
    default_measure: str  # 整改措施 suggested on the 指令书; the inspector may edit it
    finding_text: str = ""  # hazard description when the answer is 不符合
    major_criterion: str | None = None  # e.g. "MH-05" when the item is one of the 20 major criteria


@dataclass(frozen=True)
class ChecklistTemplate:
    code: str
    name: str
    version: str
    source: str
    items: tuple[ChecklistItem, ...]

    def item(self, code: str) -> ChecklistItem:
        for it in self.items:
            if it.code == code:
                return it
        raise KeyError(code)

    @property
    def sections(self) -> tuple[str, ...]:
        """Section names in first-appearance order."""
        return tuple(dict.fromkeys(it.section for it in self.items))


def _fail(file: Path, where: str, problem: str) -> ValidationError:
    return ValidationError(f"检查表文件 {file.name}{where}：{problem}。")


def _item(raw: Any, index: int, file: Path) -> ChecklistItem:
    code = raw.get("code") if isinstance(raw, dict) else None
    where = f" 第{index}项" + (f"（{code}）" if isinstance(code, str) and code.strip() else "")
    if not isinstance(raw, dict):
        raise _fail(file, where, "条目必须是对象")
    values: dict[str, str] = {}
    for field, name in _ITEM_TEXT_FIELDS.items():
        value = raw.get(field)
        if not isinstance(value, str) or not value.strip():
            raise _fail(file, where, f"缺少{name} {field}")
        values[field] = value.strip()
    severity = raw.get("severity_if_nonconforming")
    if not isinstance(severity, str) or severity not in {s.value for s in Severity}:
        raise _fail(file, where, f"severity_if_nonconforming 只能是 general 或 major，而不是「{severity}」")
    finding = raw.get("finding", values["text"])
    if not isinstance(finding, str) or not finding.strip():
        raise _fail(file, where, "finding 不能为空")
    criterion = raw.get("major_criterion")
    if criterion is not None:
        if not isinstance(criterion, str) or not _CRITERION_RE.match(criterion):
            raise _fail(file, where, f"major_criterion 应形如 MH-05，而不是「{criterion}」")
        if severity != Severity.MAJOR:
            raise _fail(file, where, "引用了重大隐患判定标准的条目，不符合时必须判定为 major")
    return ChecklistItem(
        code=values["code"],
        section=values["section"],
        text=values["text"],
        label=values["label"],
        legal_basis=values["legal_basis"],
        severity_if_nonconforming=Severity(severity),
        default_measure=values["default_measure"],
        finding_text=finding.strip(),
        major_criterion=criterion,
    )


def load_template(file: Path) -> ChecklistTemplate:
    """Read and validate one checklist file."""
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValidationError(f"找不到检查表文件 {file}。") from None
    except UnicodeDecodeError:
        raise _fail(file, "", "不是 UTF-8 编码的文本") from None
    except json.JSONDecodeError as exc:
        raise _fail(file, "", f"不是有效的 JSON（第{exc.lineno}行第{exc.colno}列：{exc.msg}）") from None
    if not isinstance(data, dict):
        raise _fail(file, "", "顶层必须是对象")
    for field in _TEMPLATE_FIELDS:
        if not isinstance(data.get(field), str) or not data[field].strip():
            raise _fail(file, "", f"缺少 {field}")
    raw_items = data.get("items")
    if not isinstance(raw_items, list) or not raw_items:
        raise _fail(file, "", "没有检查项 items")
    items = tuple(_item(raw, i, file) for i, raw in enumerate(raw_items, 1))
    seen: set[str] = set()
    for i, it in enumerate(items, 1):
        if it.code in seen:
            raise _fail(file, f" 第{i}项（{it.code}）", "编号与前面的检查项重复")
        seen.add(it.code)
    return ChecklistTemplate(
        code=data["code"].strip(),
        name=data["name"].strip(),
        version=data["version"].strip(),
        source=data["source"].strip(),
        items=items,
    )


def load_templates(directory: Path) -> tuple[ChecklistTemplate, ...]:
    """Every ``*.json`` checklist in ``directory``, sorted by file name; template codes must be unique."""
    templates: list[ChecklistTemplate] = []
    by_code: dict[str, Path] = {}
    for file in sorted(directory.glob("*.json")):
        template = load_template(file)
        if template.code in by_code:
            raise _fail(file, "", f"模板编号 {template.code} 与 {by_code[template.code].name} 重复")
        by_code[template.code] = file
        templates.append(template)
    return tuple(templates)


@cache
def list_templates() -> tuple[ChecklistTemplate, ...]:
    """The templates shipped in ``resources/checklists`` (read once per process)."""
    return load_templates(resource_path("checklists"))


def get_template(code: str) -> ChecklistTemplate:
    for template in list_templates():
        if template.code == code:
            return template
    raise ValidationError(f"没有编号为 {code} 的检查表。")


def finding_prefill(item: ChecklistItem) -> dict[str, str]:
    """Fields of a new finding (隐患) when the answer to ``item`` is 不符合; the inspector may edit them."""
    return {
        "item_code": item.code,
        "description": item.finding_text or item.text,
        "severity": item.severity_if_nonconforming.value,
        "legal_basis": item.legal_basis,
        "measure": item.default_measure,
    }
