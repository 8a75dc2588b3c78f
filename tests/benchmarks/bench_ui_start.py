"""Start-up figure (issue 3): from launching the process to a painted main window on the district demo
database, beside a bare PySide6 window measured the same way in the same run.

Each sample is a fresh process (offscreen platform); the parent takes the wall clock before spawning
and the child reports the wall clock at the first paint event of its main window, so interpreter
start-up and every import count, as they do for a user.

Run alone: ``.venv/bin/python -m tests.benchmarks.bench_ui_start``.
"""

from __future__ import annotations

import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPEATS = 7

_PAINT_PROBE = """
from PySide6.QtCore import QEvent, QObject, QTimer
class _FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            print(repr(time.time()), flush=True)
            QTimer.singleShot(0, QApplication.instance().quit)
        return False
"""

_BARE = (
    "import time\n"
    "from PySide6.QtWidgets import QApplication, QLabel, QMainWindow\n" + _PAINT_PROBE + "app = QApplication([])\n"
    "window = QMainWindow(); window.setCentralWidget(QLabel('hazdesk')); window.resize(1280, 800)\n"
    "probe = _FirstPaint(); window.installEventFilter(probe); window.show(); app.exec()\n"
)

_HAZDESK = (
    "import sys, time\n"
    "from PySide6.QtWidgets import QApplication\n"
    + _PAINT_PROBE
    + "from ui.app import ensure_cjk_font, prepare, settings_for\n"
    "from pathlib import Path\n"
    "app = QApplication([])\n"
    "ensure_cjk_font(app)\n"
    "ctx = prepare(sys.argv[1], settings_for(Path(sys.argv[2])))\n"
    "from ui.main_window import MainWindow\n"
    "window = MainWindow(ctx)\n"
    "probe = _FirstPaint(); window.installEventFilter(probe); window.show(); app.exec()\n"
)


def _sample(code: str, *args: str) -> float:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    started = time.time()
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, check=True)
    painted = float(out.stdout.strip().splitlines()[-1])
    return (painted - started) * 1000


def district_database(workdir: Path) -> Path:
    from hazdesk.demo import build_demo

    path = workdir / "district.sqlite"
    if not path.exists():
        build_demo(path, "district", seed=1)
    return path


def _settings_with_profile(database: Path, directory: Path) -> None:
    with sqlite3.connect(database) as raw:
        inspector = raw.execute("SELECT id FROM inspector WHERE deleted = 0 ORDER BY name LIMIT 1").fetchone()[0]
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "settings.ini").write_text(f"[profile]\ninspector_id={uuid.UUID(hex=inspector)}\n", encoding="utf-8")


def run() -> list[dict]:
    workdir = Path(tempfile.mkdtemp(prefix="hazdesk-start-"))
    database = district_database(workdir)
    settings_dir = workdir / "settings"
    _settings_with_profile(database, settings_dir)
    _sample(_HAZDESK, str(database), str(settings_dir))  # warm the OS file cache once
    bare = [_sample(_BARE) for _ in range(REPEATS)]
    ours = [_sample(_HAZDESK, str(database), str(settings_dir)) for _ in range(REPEATS)]
    bare_median, ours_median = statistics.median(bare), statistics.median(ours)
    ratio = ours_median / bare_median
    return [
        {
            "name": "启动到主窗口绘制完成（区县演示库，新进程）",
            "median_ms": ours_median,
            "p95_ms": max(ours),
            "target": "中位 ≤ 1.5 s 且 ≤ 2.5× 裸窗口",
            "ok": ours_median <= 1500 and ratio <= 2.5,
            "baseline": f"裸 PySide6 窗口：中位 {bare_median:.0f} ms；比值 {ratio:.2f}×",
        }
    ]


if __name__ == "__main__":
    from tests.benchmarks.report import markdown_table

    print(markdown_table(run()))
