"""The sync commands as a person types them: one line of success or one clear error line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from hazdesk.cli import main
from tests.core.test_sync_support import TODAY


@pytest.fixture
def district_file(tmp_path: Path) -> Path:
    from hazdesk.demo.build import build_demo

    path = tmp_path / "jiangning.sqlite"
    build_demo(path, "tiny", seed=1, today=TODAY, district="320115")
    return path


def _run(monkeypatch: pytest.MonkeyPatch, data: Path, *argv: str) -> int:
    monkeypatch.setenv("HAZDESK_DATA_DIR", str(data))
    return main(list(argv))


def test_district_to_office_and_back_by_command(
    district_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    office_db, office_data, district_data = tmp_path / "office.sqlite", tmp_path / "o", tmp_path / "d"
    stick = tmp_path / "stick"
    assert (
        _run(monkeypatch, office_data, "office", "key", "export", "--db", str(office_db), "--out", str(tmp_path)) == 0
    )
    office_key = next(tmp_path.glob("hazdesk-office-*.pub.json"))
    out = capsys.readouterr().out
    assert "指纹" in out

    code = _run(monkeypatch, district_data, "sync", "export", "--db", str(district_file), "--out", str(stick),
                "--to", str(office_key))  # fmt: skip
    assert code == 0
    assert "已导出增量数据包（已加密）" in capsys.readouterr().out
    bundle = next(stick.glob("*.hzb"))
    device_key = next(stick.glob("hazdesk-district-*.pub.json"))

    assert _run(monkeypatch, office_data, "sync", "import", "--db", str(office_db), str(bundle)) == 0
    assert "已隔离" in capsys.readouterr().out
    assert _run(monkeypatch, office_data, "office", "enroll", "--db", str(office_db), str(device_key),
                "--fingerprint", "0000 0000 0000 0000") == 1  # fmt: skip
    assert "指纹不符" in capsys.readouterr().err
    assert _run(monkeypatch, office_data, "office", "enroll", "--db", str(office_db), str(device_key)) == 0
    assert "隔离区数据包已导入" in capsys.readouterr().out
    assert _run(monkeypatch, office_data, "sync", "import", "--db", str(office_db), str(bundle)) == 0
    assert "已导入过" in capsys.readouterr().out

    receipts = tmp_path / "receipts"
    assert _run(monkeypatch, office_data, "sync", "export", "--db", str(office_db), "--out", str(receipts)) == 1
    assert "--to" in capsys.readouterr().err
    assert _run(monkeypatch, office_data, "sync", "export", "--db", str(office_db), "--out", str(receipts),
                "--all-devices") == 0  # fmt: skip
    capsys.readouterr()
    receipt = next(receipts.glob("*.hzb"))
    assert _run(monkeypatch, district_data, "sync", "import", "--db", str(district_file), str(receipt)) == 0
    assert _run(monkeypatch, district_data, "sync", "status", "--db", str(district_file)) == 0
    status = capsys.readouterr().out
    assert "acknowledged" in status and "待复核冲突：0 处" in status


def test_a_damaged_bundle_is_one_error_line(
    district_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stick = tmp_path / "stick"
    assert _run(monkeypatch, tmp_path / "d", "sync", "export", "--db", str(district_file), "--out", str(stick)) == 0
    bundle = next(stick.glob("*.hzb"))
    broken = tmp_path / "broken.hzb"
    shutil.copy(bundle, broken)
    with broken.open("r+b") as handle:
        handle.truncate(broken.stat().st_size // 2)
    capsys.readouterr()
    assert _run(monkeypatch, tmp_path / "o", "sync", "import", "--db", str(tmp_path / "o.sqlite"), str(broken)) == 1
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and "截断" in captured.err
    assert _run(monkeypatch, tmp_path / "o", "sync", "export", "--db", str(district_file), "--out", str(stick),
                "--to", str(tmp_path / "missing.pub.json")) == 1  # fmt: skip
    err = capsys.readouterr().err
    assert err.startswith("hazdesk: 错误：") and err.count("\n") == 1
