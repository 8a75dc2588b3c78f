"""``hazdesk uscc`` and ``hazdesk mhs grade`` through the real entry point."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hazdesk.cli import main

REPO = Path(__file__).resolve().parents[2]
VALID = "91350100M000100Y43"
UNIT = {
    "unit": "storage",
    "people_within_500m": 45,
    "chemicals": [
        {"name": "氯", "tonnes": 20},
        {"cas": "7664-41-7", "tonnes": 8},
        {"hazard_class": "W2", "tonnes": 15},
    ],
}


def _write(tmp_path: Path, content: object, name: str = "unit.json") -> Path:
    path = tmp_path / name
    text = content if isinstance(content, str) else json.dumps(content, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    return path


def test_uscc_valid(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["uscc", VALID.lower()]) == 0
    assert capsys.readouterr().out == f"有效：{VALID}（工商/市场监管登记·企业；行政区划码 350100）\n"


def test_uscc_invalid_prints_reason_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["uscc", "91350100M000100Y4Z"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip() == "hazdesk: 错误：校验码应为 3，实际为 Z"


def test_mhs_grade_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["mhs", "grade", str(_write(tmp_path, UNIT)), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["S"], data["R"], data["alpha"], data["is_major"], data["level"]) == (
        6.3,
        23.82,
        1.2,
        True,
        "三级",
    )
    assert [c["name"] for c in data["chemicals"]] == ["氯", "氨", "W2 类物质"]
    assert data["unit"] == "storage" and data["people_within_500m"] == 45


def test_mhs_grade_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    unit = {**UNIT, "name": "1号液氯库"}
    path = tmp_path / "unit.json"
    path.write_text("\ufeff" + json.dumps(unit, ensure_ascii=False), encoding="utf-8")  # Notepad's BOM
    assert main(["mhs", "grade", str(path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "单元：1号液氯库"
    assert lines[-1] == "级别：三级（表6：50 > R ≥ 10）"
    assert "R = α × Σβ·q/Q = 1.2 × (16 + 1.6 + 2.25) = 1.2 × 19.85 = 23.82" in lines


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "unit.json：不是有效的 JSON（第1行第2列"),
        ([1, 2], "unit.json：内容应为一个 JSON 对象 {…}，实际为 列表"),
        ({"unit": "storage", "chemicals": []}, "unit.json：缺少 people_within_500m"),
        ({**UNIT, "chemicals": {"name": "氯"}}, "unit.json：chemicals 应为列表 […]，实际为 对象"),
        (
            {**UNIT, "chemicals": [{"name": "氯", "tonnes": 1}, {"name": "苯"}]},
            "unit.json：第2个化学品缺少 tonnes",
        ),
        ({**UNIT, "chemicals": ["氯"]}, "unit.json：第1个化学品应为 JSON 对象 {…}，实际为 文字"),
        ({**UNIT, "chemicals": [{"name": "氯", "tonne": 1}]}, "unit.json：第1个化学品有未知的字段 tonne"),
        (
            {**UNIT, "chemicals": [{"name": "氯", "tonnes": "20"}]},
            "unit.json：第1个化学品（氯）：tonnes 应为数字",
        ),
        (
            {**UNIT, "chemicals": [{"name": "氯", "tonnes": 1, "hazard_classes": "W2"}]},
            "hazard_classes 应为列表",
        ),
        ({**UNIT, "people_within_500m": -3}, "unit.json：people_within_500m 不能为负数（-3）"),
        (
            {**UNIT, "unit": "仓库"},
            "unit.json：单元类型 unit 应为 production（生产单元）或 storage（储存单元）",
        ),
        ({**UNIT, "chemicals": []}, "unit.json：单元内没有化学品"),
    ],
    ids=[
        "not-json",
        "array",
        "no-people",
        "chemicals-object",
        "no-tonnes",
        "chemical-text",
        "unknown-key",
        "tonnes-text",
        "classes-text",
        "people-negative",
        "unit-kind",
        "no-chemicals",
    ],
)
def test_mhs_bad_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: object, message: str
) -> None:
    assert main(["mhs", "grade", str(_write(tmp_path, content))]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("hazdesk: 错误：")
    assert message in captured.err


def test_mhs_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope.json"
    assert main(["mhs", "grade", str(missing)]) == 1
    assert f"{missing}：文件不存在" in capsys.readouterr().err


def test_real_process(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "PYTHONUTF8": "1"}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "hazdesk", *args],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=120,
        )

    done = run("uscc", VALID)
    assert (done.returncode, done.stdout.strip()) == (
        0,
        f"有效：{VALID}（工商/市场监管登记·企业；行政区划码 350100）",
    )
    done = run("uscc", "91350100M000100Y4Z")
    assert done.returncode == 1 and "校验码应为 3，实际为 Z" in done.stderr
    done = run("mhs", "grade", str(_write(tmp_path, UNIT)), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["level"] == "三级"
