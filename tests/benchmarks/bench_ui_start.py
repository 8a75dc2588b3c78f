"""Start-up figure (issue 3): from launching the process to a painted main window on the district demo
database, beside a bare PySide6 window measured the same way in the same run.

Each sample is a fresh process (offscreen platform) started exactly as a user starts the program,
``python -m hazdesk --db FILE``; the parent takes the wall clock before spawning and the child, with
HAZDESK_STARTUP_PROBE=1, prints the wall clock at the first paint of the main window (its shell:
navigation, menu, status bar) and at the first paint with the database open and the 今日 page
filled, then closes. Interpreter start-up and every import count, as they do for a user.

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
            print("bare", repr(time.time()), flush=True)
            QTimer.singleShot(0, QApplication.instance().quit)
        return False
"""

_BARE = (
    "import time\n"
    "from PySide6.QtWidgets import QApplication, QLabel, QMainWindow\n" + _PAINT_PROBE + "app = QApplication([])\n"
    "window = QMainWindow(); window.setCentralWidget(QLabel('hazdesk')); window.resize(1280, 800)\n"
    "probe = _FirstPaint(); window.installEventFilter(probe); window.show(); app.exec()\n"
)



def _sample(code: str | None, *args: str, env: dict[str, str] | None = None) -> dict[str, float]:
    """Milliseconds from spawning to each time stamp the child prints (``label epoch`` lines)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **(env or {})}
    command = [sys.executable, "-c", code] if code else [sys.executable, "-m", "hazdesk", *args]
    started = time.time()
    out = subprocess.run(command, capture_output=True, text=True, env=env, check=True, timeout=120)
    stamps: dict[str, float] = {}
    for line in out.stdout.splitlines():
        label, _, value = line.partition(" ")
        if label in ("bare", "shell", "ready") and label not in stamps:
            stamps[label] = (float(value) - started) * 1000
    return stamps


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
    env = {"HAZDESK_STARTUP_PROBE": "1", "HAZDESK_DATA_DIR": str(settings_dir)}
    hazdesk = ("--db", str(database))
    _sample(None, *hazdesk, env=env)  # warm the OS file cache once
    bare = [_sample(_BARE)["bare"] for _ in range(REPEATS)]
    ours = [_sample(None, *hazdesk, env=env) for _ in range(REPEATS)]
    bare_median = statistics.median(bare)
    shell = [sample["shell"] for sample in ours]
    ready = [sample["ready"] for sample in ours]
    shell_median, ready_median = statistics.median(shell), statistics.median(ready)
    ratio = shell_median / bare_median
    baseline = f"裸 PySide6 窗口（同一轮）：中位 {bare_median:.0f} ms"
    return [
        {
            "name": "启动到主窗口绘制（窗口框架：导航、菜单、状态栏；区县演示库，新进程）",
            "median_ms": shell_median,
            "p95_ms": max(shell),
            "target": "≤ 2.5× 裸窗口",
            "ok": ratio <= 2.5,
            "baseline": f"{baseline}；比值 {ratio:.2f}×",
        },
        {
            "name": "启动到数据库打开、今日页面内容绘制完成（同一进程）",
            "median_ms": ready_median,
            "p95_ms": max(ready),
            "target": "中位 ≤ 1.5 s",
            "ok": ready_median <= 1500,
            "baseline": f"{baseline}；比值 {ready_median / bare_median:.2f}×",
        },
    ]


if __name__ == "__main__":
    from tests.benchmarks.report import markdown_table

    print(markdown_table(run()))
