"""``hazdesk mhs grade UNIT.json [--json]``: GB 18218-2018 identification and grading of one unit.

The unit file::

    {"unit": "storage", "people_within_500m": 45,
     "chemicals": [{"name": "氯", "tonnes": 20}, {"cas": "7664-41-7", "tonnes": 8},
                   {"hazard_class": "W2", "tonnes": 15}]}

This module checks the file's shape (what is missing, what is not an object or a list); the values
themselves are checked by :func:`hazdesk.domain.gb18218.assess_unit`, and its messages get the file name.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from hazdesk.domain import gb18218
from hazdesk.errors import HazdeskError, ValidationError

_UNIT_KEYS = {"unit", "people_within_500m", "chemicals", "name", "note"}
_CHEMICAL_KEYS = {"name", "cas", "hazard_class", "hazard_classes", "tonnes", "note"}


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("mhs", help="危险化学品重大危险源辨识与分级（GB 18218-2018）")
    actions = parser.add_subparsers(dest="mhs_action", metavar="ACTION", required=True)
    grade = actions.add_parser("grade", help="按单元文件计算 S、R 与级别")
    grade.add_argument("unit_file", metavar="UNIT.json", help="单元文件（JSON，UTF-8）")
    grade.add_argument("--json", action="store_true", help="以 JSON 输出结果")
    grade.set_defaults(handler=_grade)


def _grade(args: argparse.Namespace) -> int:
    label = args.unit_file
    data = _read_unit_file(Path(args.unit_file), label)
    chemicals = _chemicals(data, label)
    try:
        result = gb18218.assess_unit(data["unit"], data["people_within_500m"], chemicals)
    except ValidationError as exc:  # the domain's message names the chemical and field; add the file
        raise ValidationError(f"{label}：{exc}", field=exc.field) from exc
    if args.json:
        output = result.to_dict()
        if data.get("name"):
            output = {"name": data["name"], **output}
        print(json.dumps(output, ensure_ascii=False, indent=2))
    else:
        if data.get("name"):
            print(f"单元：{data['name']}")
        print("\n".join(result.explain()))
    return 0


def _read_unit_file(path: Path, label: str) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8-sig")  # -sig: files saved by Windows Notepad start with a BOM
    except FileNotFoundError as exc:
        raise HazdeskError(f"{label}：文件不存在") from exc
    except IsADirectoryError as exc:
        raise HazdeskError(f"{label}：是文件夹，不是单元文件") from exc
    except UnicodeDecodeError as exc:
        raise HazdeskError(f"{label}：不是 UTF-8 编码的文本") from exc
    except OSError as exc:
        raise HazdeskError(f"{label}：无法读取（{exc.strerror}）") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError(
            f"{label}：不是有效的 JSON（第{exc.lineno}行第{exc.colno}列：{exc.msg}）"
        ) from exc
    if not isinstance(data, dict):
        raise ValidationError(f"{label}：内容应为一个 JSON 对象 {{…}}，实际为 {_kind(data)}")
    _no_unknown_keys(data, _UNIT_KEYS, label, "")
    for key in ("unit", "people_within_500m", "chemicals"):
        if key not in data:
            raise ValidationError(f"{label}：缺少 {key}", field=key)
    return data


def _chemicals(data: dict[str, Any], label: str) -> list[gb18218.ChemicalInput]:
    items = data["chemicals"]
    if not isinstance(items, list):
        raise ValidationError(f"{label}：chemicals 应为列表 […]，实际为 {_kind(items)}", field="chemicals")
    chemicals = []
    for position, item in enumerate(items, start=1):
        where = f"第{position}个化学品"
        if not isinstance(item, dict):
            raise ValidationError(
                f"{label}：{where}应为 JSON 对象 {{…}}，实际为 {_kind(item)}",
                field=f"chemicals[{position - 1}]",
            )
        _no_unknown_keys(item, _CHEMICAL_KEYS, label, where)
        if "tonnes" not in item:
            raise ValidationError(f"{label}：{where}缺少 tonnes", field=f"chemicals[{position - 1}].tonnes")
        classes = item.get("hazard_classes", [])
        if not isinstance(classes, list):
            raise ValidationError(
                f'{label}：{where}的 hazard_classes 应为列表，如 ["W2", "J3"]',
                field=f"chemicals[{position - 1}].hazard_classes",
            )
        chemicals.append(
            gb18218.ChemicalInput(
                name=item.get("name"),
                cas=item.get("cas"),
                hazard_class=item.get("hazard_class"),
                tonnes=item["tonnes"],
                hazard_classes=tuple(classes),
            )
        )
    return chemicals


def _no_unknown_keys(obj: dict[str, Any], allowed: set[str], label: str, where: str) -> None:
    # a misspelt key ("tonne", "hazardclass") would otherwise be ignored without a word
    if unknown := sorted(set(obj) - allowed):
        raise ValidationError(
            f"{label}：{where}有未知的字段 {'、'.join(unknown)}（可用：{'、'.join(sorted(allowed))}）",
            field=unknown[0],
        )


def _kind(value: Any) -> str:
    names = {dict: "对象", list: "列表", str: "文字", bool: "true/false", int: "数字", float: "数字"}
    return "null" if value is None else names.get(type(value), type(value).__name__)
