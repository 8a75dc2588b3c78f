"""Findings table figures on the city database (600,000 findings): open the 隐患 page, scroll to the end.

The page runs in a fresh Python process so the resident memory is that of the desk alone (the
parent may hold other benchmarks' data). Reported: time from constructing the page until the first
rows are painted, time for ``scrollToBottom`` until the last rows are painted, a re-sort by 企业, and
the peak resident set (``ru_maxrss``) of that process — the target is ≤ 300 MB.

The database is ``HAZDESK_BENCH_CITY_DB`` or ``/work/bench-city.sqlite``, built once with
``hazdesk demo --scale city --seed 1`` and reused; a file still being written by another run (its
size growing) is waited for.

Run alone: ``.venv/bin/python tests/benchmarks/bench_ui_findings.py`` prints a markdown table.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CITY_DB = Path(os.environ.get("HAZDESK_BENCH_CITY_DB", "/work/bench-city.sqlite"))
TARGET_MB = 300
STABLE_SECONDS = 20  # a file whose size has not changed this long is taken as finished


def city_database() -> Path:
    hazdesk = Path(sys.executable).with_name("hazdesk")
    if not CITY_DB.exists():
        subprocess.run(
            [str(hazdesk), "demo", "--db", str(CITY_DB), "--scale", "city", "--seed", "1", "--quiet"], check=True
        )
    _wait_until_written(CITY_DB)
    return CITY_DB


def _wait_until_written(path: Path, limit_s: float = 1800) -> None:
    """Another benchmark may be building the same file: wait while it (or its WAL) keeps growing."""
    start = time.monotonic()
    last, still_since = -1, time.monotonic()
    while time.monotonic() - start < limit_s:
        size = sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())
        if size != last:
            last, still_since = size, time.monotonic()
        elif time.monotonic() - still_since >= STABLE_SECONDS or not Path(f"{path}-wal").exists():
            return
        time.sleep(2)


def _child(db_path: str) -> dict[str, float]:
    """In the fresh process: open the page, wait for the rows, scroll to the end. GUI thread."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtWidgets import QApplication

    from hazdesk.store.database import open_database
    from ui.context import AppContext
    from ui.models.findings import COL_ENTERPRISE
    from ui.views.findings import FindingsPage

    app = QApplication([])
    work = Path(tempfile.mkdtemp(prefix="bench-ui-findings-"))
    db = open_database(db_path)
    settings = QSettings(str(work / "settings.ini"), QSettings.Format.IniFormat)
    ctx = AppContext(db, work, settings)  # no inspector: the office's view of every district

    def wait_loaded(model: object, before: int) -> None:
        while model.page_fetches == before or model.rowCount() == 0:  # type: ignore[attr-defined]
            app.processEvents()
            time.sleep(0.002)

    start = time.perf_counter()
    page = FindingsPage(ctx)
    page.resize(1400, 900)
    page.show()
    wait_loaded(page.model, 0)  # id query done and the first page fetched for painting
    page.repaint()
    opened = time.perf_counter() - start

    start = time.perf_counter()
    fetched = page.model.page_fetches
    page.table.scrollToBottom()
    app.processEvents()
    page.table.viewport().repaint()
    last_row = page.model.rowCount() - 1
    page.model.data(page.model.index(last_row, 0))  # painted above; cached, this only confirms it
    to_end = time.perf_counter() - start
    assert page.model.page_fetches > fetched

    start = time.perf_counter()
    fetched = page.model.page_fetches
    page.table.horizontalHeader().setSortIndicator(COL_ENTERPRISE, Qt.SortOrder.AscendingOrder)
    wait_loaded(page.model, fetched)
    page.table.viewport().repaint()
    resorted = time.perf_counter() - start

    rows = page.model.rowCount()
    peak_mb = _peak_rss_mb()
    page.close()
    db.close()
    shutil.rmtree(work, ignore_errors=True)
    return {"open_s": opened, "end_s": to_end, "sort_s": resorted, "peak_mb": peak_mb, "rows": rows}


def _peak_rss_mb() -> float:
    """This process's peak resident memory since exec.

    Not ``ru_maxrss``: Linux carries the parent's high-water mark over a fork+exec, so a child of a
    benchmark runner that had built the city database reported the runner's 680 MB. ``VmHWM`` belongs
    to the new address space only.
    """
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run() -> list[dict[str, object]]:
    path = city_database()
    repo = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=repo,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    rows = f"{figures['rows']:,} 条"
    return [
        {
            "name": "隐患表打开并滚动到底（城市库）",
            "value": round(figures["peak_mb"], 1),
            "unit": "MB",
            "target": f"≤ {TARGET_MB} MB",
            "ok": figures["peak_mb"] <= TARGET_MB,
            "detail": f"峰值常驻内存，{rows}",
        },
        {"name": "隐患表打开到首屏（城市库）", "value": round(figures["open_s"] * 1000), "unit": "ms", "detail": rows},
        {"name": "隐患表滚动到底（城市库）", "value": round(figures["end_s"] * 1000), "unit": "ms", "detail": rows},
        {
            "name": "隐患表按企业重新排序（城市库）",
            "value": round(figures["sort_s"] * 1000),
            "unit": "ms",
            "detail": rows,
        },
    ]


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        print(json.dumps(_child(sys.argv[2])))
        return
    print("| 指标 | 数值 | 单位 | 目标 | 说明 |")
    print("|---|---|---|---|---|")
    for row in run():
        print(f"| {row['name']} | {row['value']} | {row['unit']} | {row.get('target', '')} | {row.get('detail', '')} |")


if __name__ == "__main__":
    main()
