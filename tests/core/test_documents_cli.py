"""``hazdesk document …`` end to end: one-line errors, nothing half-written, verify exit codes."""

from __future__ import annotations

import datetime as dt
import os
import re
import uuid
from pathlib import Path

import pytest

from hazdesk.cli import main
from hazdesk.store.database import open_database
from hazdesk.store.models import Document
from tests.core.test_documents_support import make_inspection, reinspect_all


@pytest.fixture
def store(tmp_path: Path) -> tuple[Path, uuid.UUID]:
    path = tmp_path / "store.sqlite"
    db = open_database(path)
    try:
        inspection = make_inspection(db, enterprise_name="<b>华联</b>&化工有限公司")
    finally:
        db.close()
    return path, inspection


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["document", *args])
    out, err = capsys.readouterr()
    return code, out, err


def count_documents(path: Path) -> int:
    db = open_database(path)
    try:
        with db.session() as session:
            return session.query(Document).count()
    finally:
        db.close()


def test_issue_verify_reprint_round_trip(store, tmp_path: Path, capsys) -> None:
    path, inspection = store
    pdf = tmp_path / "order.pdf"
    code, out, err = run(
        capsys, "issue", "--db", str(path), "--inspection", str(inspection), "--kind", "责改", "--out", str(pdf),
        "--series", "A",
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert re.search(r"已签发 （宁江）应急责改〔\d{4}〕A1号（\d 页）", out), out
    assert str(pdf) in out and pdf.read_bytes().startswith(b"%PDF")

    code, out, _ = run(capsys, "verify", str(pdf), "--db", str(path))
    assert code == 0 and out.startswith("通过：")

    db = open_database(path)
    with db.session() as session:
        doc_id = str(session.query(Document).one().id)
    db.close()
    again = tmp_path / "again.pdf"
    code, out, _ = run(capsys, "reprint", "--db", str(path), "--id", doc_id, "--out", str(again))
    assert code == 0 and again.read_bytes() == pdf.read_bytes()

    altered = bytearray(pdf.read_bytes())
    altered[len(altered) // 3] ^= 0xFF
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(bytes(altered))
    code, out, _ = run(capsys, "verify", str(bad), "--db", str(path))
    assert code == 1 and out.startswith("不通过：文件已被改动")

    code, out, _ = run(capsys, "void", "--db", str(path), "--id", doc_id, "--reason", "填错")
    assert code == 0
    code, out, _ = run(capsys, "verify", str(pdf), "--db", str(path))
    assert code == 1 and "已作废" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--inspection", str(uuid.UUID(int=7)), "--kind", "检记"], "不存在"),
        (["--inspection", "not-an-id", "--kind", "检记"], "不是有效的 ID"),
        (["--kind", "罚款"], "文书种类“罚款”无效"),
        (["--kind", "复查"], "须在该检查的责令限期整改指令书或现场处理措施决定书签发之后"),
    ],
)
def test_issue_errors_are_one_line_and_leave_nothing(store, tmp_path: Path, capsys, args, message) -> None:
    path, inspection = store
    pdf = tmp_path / "x.pdf"
    full = ["issue", "--db", str(path), "--inspection", str(inspection), "--out", str(pdf), "--series", "A"]
    # later options win in argparse: the parametrised ones override the defaults above
    code, out, err = run(capsys, *full, *args)
    assert code == 1 and out == ""
    assert len(err.strip().splitlines()) == 1 and message in err, err
    assert not pdf.exists() and count_documents(path) == 0


def test_lonely_inspector_and_unwritable_output(tmp_path: Path, capsys, monkeypatch) -> None:
    path = tmp_path / "store.sqlite"
    db = open_database(path)
    lonely = make_inspection(db, officers=1)
    good = make_inspection(db)
    reinspect_all(db, good, on=dt.date(2026, 3, 20))
    db.close()
    code, _, err = run(
        capsys, "issue", "--db", str(path), "--inspection", str(lonely), "--kind", "检记",
        "--out", str(tmp_path / "a.pdf"), "--series", "A",
    )  # fmt: skip
    assert code == 1 and "至少两名执法人员" in err and len(err.strip().splitlines()) == 1

    locked = tmp_path / "locked"
    locked.mkdir()
    # chmod does not stop root (CI runs as root): make the permission check see a read-only folder.
    real_access = os.access
    monkeypatch.setattr(
        "hazdesk.documents.service.os.access", lambda p, mode: False if Path(p) == locked else real_access(p, mode)
    )
    code, _, err = run(
        capsys, "issue", "--db", str(path), "--inspection", str(good), "--kind", "责改",
        "--out", str(locked / "d.pdf"),
    )  # fmt: skip
    assert code == 1 and "不可写" in err and len(err.strip().splitlines()) == 1
    assert count_documents(path) == 0 and list(locked.iterdir()) == []


def test_output_that_cannot_be_written_rolls_back(tmp_path: Path, capsys) -> None:
    path = tmp_path / "store.sqlite"
    db = open_database(path)
    inspection = make_inspection(db)
    db.close()
    target = tmp_path / "is-a-dir.pdf"
    target.mkdir()
    code, _, err = run(
        capsys, "issue", "--db", str(path), "--inspection", str(inspection), "--kind", "责改",
        "--out", str(target), "--series", "A",
    )  # fmt: skip
    assert code == 1 and "是一个目录" in err and count_documents(path) == 0
    code, _, err = run(
        capsys, "issue", "--db", str(path), "--inspection", str(inspection), "--kind", "责改",
        "--out", str(tmp_path / "nowhere" / "d.pdf"),
    )  # fmt: skip
    assert code == 1 and "输出目录" in err and count_documents(path) == 0


def test_settings_series_and_font_commands(tmp_path: Path, capsys) -> None:
    path = tmp_path / "store.sqlite"
    open_database(path).close()
    code, out, _ = run(capsys, "settings", "--db", str(path), "--district", "320115")
    assert code == 0 and "南京市江宁区应急管理局" in out and "宁江" in out and "南京铁路运输法院" in out
    code, out, _ = run(capsys, "settings", "--db", str(path), "--district", "320102")
    assert "南京市玄武区应急管理局" in out and "宁玄" in out
    code, out, _ = run(capsys, "settings", "--db", str(path), "--district", "320115", "--review-department", "")
    assert code == 0
    code, out, _ = run(capsys, "series", "--db", str(path), "--district", "320115")
    assert "尚未分配" in out
    code, out, _ = run(capsys, "series", "--db", str(path), "--district", "320115", "--set", "C")
    assert code == 0 and "编号序列：C" in out
    code, out, _ = run(capsys, "font", "--db", str(path))
    assert code == 0 and "文书字体" in out
    code, _, err = run(capsys, "font", "--db", str(path), "--set", str(tmp_path / "none.ttf"))
    assert code == 1 and "字体文件不存在" in err
