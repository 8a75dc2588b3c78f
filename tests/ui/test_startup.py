"""Starting the program as a user does: the window's shell first, the database right after; a first
run that sets everything up; a file that is not a database refused with its name."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import uuid
from contextlib import closing
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox

from ui.dialogs.first_run import FirstRunDialog
from ui.main_window import MainWindow

REPO = Path(__file__).resolve().parents[2]


def _python(code_or_args: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *code_or_args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", **(env or {})},
        timeout=120,
    )


def test_the_window_shell_needs_no_store() -> None:
    """What runs before the window is painted must not import SQLAlchemy or the store."""
    out = _python(
        [
            "-c",
            "import sys, hazdesk.cli, ui.app, ui.main_window\n"
            "print(sorted(m for m in sys.modules if m.startswith(('sqlalchemy', 'hazdesk.store', 'ui.views'))))",
        ]
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_hazdesk_paints_its_window_then_opens_the_database(tmp_path: Path) -> None:
    from hazdesk.demo import build_demo

    database = tmp_path / "data" / "hazdesk.sqlite"
    build_demo(database, "tiny", seed=3)
    with closing(sqlite3.connect(database)) as raw:
        inspector = raw.execute("SELECT id FROM inspector WHERE deleted = 0 ORDER BY name LIMIT 1").fetchone()[0]
    settings = tmp_path / "settings"
    settings.mkdir()
    (settings / "settings.ini").write_text(f"[profile]\ninspector_id={uuid.UUID(hex=inspector)}\n", encoding="utf-8")

    out = _python(
        ["-m", "hazdesk", "--db", str(database)],
        env={"HAZDESK_STARTUP_PROBE": "1", "HAZDESK_DATA_DIR": str(settings)},
    )
    assert out.returncode == 0, out.stderr
    labels = [line.split()[0] for line in out.stdout.splitlines()]
    assert labels[0] == "shell" and labels[-1] == "ready", out.stdout
    stamps = {line.split()[0]: float(line.split()[1]) for line in reversed(out.stdout.splitlines())}
    assert stamps["shell"] < stamps["ready"]
    # The laptop's signing key is made after the window is ready, before the program ends.
    assert any((database.parent / "keys").glob("*")), "no sync keys were made"


def test_first_run_sets_up_a_new_database_and_opens_the_window(qapp, tmp_path: Path, monkeypatch) -> None:
    from ui.app import run

    monkeypatch.setenv("HAZDESK_DATA_DIR", str(tmp_path / "settings"))
    database = tmp_path / "新建 数据" / "hazdesk.sqlite"
    seen: dict[str, object] = {}

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, FirstRunDialog):
            QTimer.singleShot(20, answer)
            return
        dialog.empty_radio.setChecked(True)
        ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
        ok.click()  # no name yet: the dialog says so and stays open
        seen["error"] = dialog.error.text()
        dialog.name_edit.setText("王建国")
        dialog.cert_edit.setText("32011520230017")
        ok.click()
        QTimer.singleShot(20, close_window)

    def close_window() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        if not windows:
            QTimer.singleShot(20, close_window)
            return
        seen["attached"] = windows[0].attached
        seen["status"] = windows[0].statusBar().findChildren(type(windows[0]._status))[0].text()
        windows[0].close()

    QTimer.singleShot(0, answer)
    assert run(db=str(database)) == 0
    assert seen["error"] == "请填写本人的姓名"
    assert seen["attached"] is True and "王建国" in str(seen["status"])
    with closing(sqlite3.connect(database)) as raw:
        assert raw.execute("SELECT name, cert_no FROM inspector").fetchall() == [("王建国", "32011520230017")]
        assert raw.execute("SELECT count(*) FROM checklist_template").fetchone()[0] >= 2
    assert any((database.parent / "keys").glob("*"))


@pytest.mark.parametrize("content", [b"just some notes\n", b"SQLite format 3\x00" + b"\xff" * 200])
def test_a_file_that_is_not_a_database_is_refused_and_left_alone(
    qapp, tmp_path: Path, monkeypatch, content: bytes
) -> None:
    from ui.app import run

    monkeypatch.setenv("HAZDESK_DATA_DIR", str(tmp_path / "settings"))
    path = tmp_path / "笔记.sqlite"
    path.write_bytes(content)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _parent, title, text, *a, **k: shown.append(f"{title}|{text}"))
    assert run(db=str(path)) == 1
    assert len(shown) == 1 and str(path) in shown[0], shown
    assert path.read_bytes() == content
