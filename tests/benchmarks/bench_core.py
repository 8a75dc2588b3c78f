"""Core figures (issue 2) on demo databases, each beside a baseline measured in the same run.

* building the city dataset (≤ 90 s) — baseline: the same number of rows as bare sqlite3 inserts;
* enterprise search p95 ≤ 15 ms for 1/2/3-character Chinese, pinyin initials, USCC prefixes, several words
  and whole names pasted with half-width brackets — baseline: an unranked ``LIKE '%q%'`` through the raw
  sqlite3 module on the same file;
* "overdue findings of one district, first 200 rows" ≤ 50 ms — baseline: the same SQL through sqlite3;
* opening the database with the migration check ≤ 300 ms — baseline: ``sqlite3.connect`` + one query;
  measured in fresh processes (imports included: that is what a user waits for) and warm in-process.

Run alone: ``.venv/bin/python -m tests.benchmarks.bench_core [--scale district|city] [--db PATH]``
(``--db``: measure an existing demo database, e.g. the one a previous run printed, without building).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TODAY = dt.date(2026, 11, 22)
SEARCH_QUERIES = {
    "1 个汉字": ["化", "华", "江", "石", "联", "新", "宁", "苏"],
    "2 个汉字": ["化工", "华联", "江宁", "石化", "物流", "仓储", "燃气", "科技"],
    "3 个汉字": ["化工有", "南京华", "新材料", "江宁区", "有限公", "石化仓", "精细化", "六合区"],
    "拼音首字母": ["hg", "hlhg", "njhl", "yzsh", "jshg", "gf", "wl", "ccyx"],
    "统一社会信用代码前缀": ["91", "9132", "913201", "91320115", "91320116M", "913201136", "9132011", "91320"],
    "多个词": [
        "南京 化工",
        "江宁 物流",
        "化工 有限公司",
        "hg 南京",
        "石化 仓储",
        "六合区 科技",
        "新材料 江宁区",
        "9132 化工",
    ],
}


def search_queries(raw: sqlite3.Connection) -> dict[str, list[str]]:
    """SEARCH_QUERIES, and whole names of this database pasted with the other width of brackets."""
    rows = raw.execute("SELECT name FROM enterprise WHERE name LIKE '%（%' ORDER BY name LIMIT 8").fetchall()
    pasted = [name.replace("（", "(").replace("）", ")") for (name,) in rows]
    return {**SEARCH_QUERIES, "粘贴全名（半角括号）": pasted} if pasted else dict(SEARCH_QUERIES)


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def build(scale: str, path: Path) -> float:
    from hazdesk.demo import build_demo

    path.unlink(missing_ok=True)
    started = time.perf_counter()
    build_demo(path, scale, seed=1, today=TODAY)
    return time.perf_counter() - started


def _table_counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as raw:
        return {
            t: raw.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("enterprise", "finding", "inspection", "inspection_answer")
        }


def baseline_insert(rows: int) -> float:
    """Seconds for bare sqlite3 to insert ``rows`` rows of ~finding width with one index."""
    with tempfile.TemporaryDirectory() as tmp:
        raw = sqlite3.connect(Path(tmp) / "b.sqlite")
        raw.execute("PRAGMA journal_mode=WAL")
        raw.execute("CREATE TABLE t (id TEXT PRIMARY KEY, a TEXT, b TEXT, c TEXT, d TEXT, e INTEGER)")
        raw.execute("CREATE INDEX ix ON t (b, c, d)")
        data = (
            (
                f"{i:032x}",
                "南京某化工有限公司检查发现的隐患描述" * 2,
                "320115",
                "pending",
                f"2026-{i % 12 + 1:02d}-01",
                i,
            )
            for i in range(rows)
        )
        started = time.perf_counter()
        raw.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)", data)
        raw.commit()
        elapsed = time.perf_counter() - started
        raw.close()
    return elapsed


def search(path: Path, repeats: int = 5) -> list[dict]:
    from hazdesk.store.database import open_database
    from hazdesk.store.search import search_enterprises

    db = open_database(path)
    raw = sqlite3.connect(path)
    rows = []
    try:
        with db.session() as session:
            for query in ("化", "hg", "91"):  # warm the page cache as a running desk would be
                search_enterprises(session, query)
            for kind, queries in search_queries(raw).items():
                ours, base = [], []
                for _ in range(repeats):
                    for query in queries:
                        words = query.split()  # several words: one LIKE each
                        like = " AND ".join(["name LIKE ?"] * len(words))
                        started = time.perf_counter()
                        search_enterprises(session, query, limit=50)
                        ours.append((time.perf_counter() - started) * 1000)
                        started = time.perf_counter()
                        raw.execute(
                            f"SELECT id, name FROM enterprise WHERE {like} LIMIT 50", [f"%{word}%" for word in words]
                        ).fetchall()
                        base.append((time.perf_counter() - started) * 1000)
                median, p95 = _percentiles(ours)
                b_median, b_p95 = _percentiles(base)
                rows.append(
                    {
                        "name": f"企业搜索：{kind}",
                        "median_ms": median,
                        "p95_ms": p95,
                        "target": "p95 ≤ 15 ms",
                        "ok": p95 <= 15,
                        "baseline": f"未排序 LIKE：中位 {b_median:.2f} ms，p95 {b_p95:.2f} ms",
                    }
                )
    finally:
        raw.close()
        db.close()
    return rows


def overdue(path: Path, repeats: int = 30) -> dict:
    from hazdesk.store.database import open_database
    from hazdesk.store.queries import overdue_findings

    db = open_database(path)
    raw = sqlite3.connect(path)
    try:
        district = raw.execute(
            "SELECT district_code FROM finding GROUP BY district_code ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()[0]
        ours, base = [], []
        with db.session() as session:
            overdue_findings(session, today=TODAY, district_code=district)
            for _ in range(repeats):
                started = time.perf_counter()
                found = overdue_findings(session, today=TODAY, district_code=district, limit=200)
                ours.append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                raw.execute(
                    "SELECT f.id, e.name, f.description, f.deadline FROM finding f JOIN enterprise e ON e.id = f.enterprise_id"
                    " WHERE f.deleted = 0 AND f.district_code = ? AND f.status IN ('pending', 'failed') AND f.deadline < ?"
                    " ORDER BY f.deadline LIMIT 200",
                    (district, TODAY.isoformat()),
                ).fetchall()
                base.append((time.perf_counter() - started) * 1000)
        median, p95 = _percentiles(ours)
        b_median, b_p95 = _percentiles(base)
        return {
            "name": f"一个区县的逾期隐患前 200 条（{district}，返回 {len(found)} 条）",
            "median_ms": median,
            "p95_ms": p95,
            "target": "≤ 50 ms",
            "ok": p95 <= 50,
            "baseline": f"同一 SQL 经 sqlite3：中位 {b_median:.2f} ms，p95 {b_p95:.2f} ms",
        }
    finally:
        raw.close()
        db.close()


_OPEN_SNIPPET = """
import sys, time
started = time.perf_counter()
from hazdesk.store.database import open_database
db = open_database(sys.argv[1])
print((time.perf_counter() - started) * 1000)
"""
_BASELINE_SNIPPET = """
import sqlite3, sys, time
started = time.perf_counter()
c = sqlite3.connect(sys.argv[1]); c.execute("SELECT count(*) FROM alembic_version").fetchone()
print((time.perf_counter() - started) * 1000)
"""


def open_time(path: Path, repeats: int = 7) -> list[dict]:
    def fresh(snippet: str) -> list[float]:
        return [
            float(
                subprocess.run(
                    [sys.executable, "-c", snippet, str(path)], capture_output=True, text=True, check=True
                ).stdout
            )
            for _ in range(repeats)
        ]

    from hazdesk.store.database import open_database

    warm = []
    for _ in range(repeats):
        started = time.perf_counter()
        open_database(path).close()
        warm.append((time.perf_counter() - started) * 1000)
    cold_median, cold_p95 = _percentiles(fresh(_OPEN_SNIPPET))
    base_median, _ = _percentiles(fresh(_BASELINE_SNIPPET))
    warm_median, warm_p95 = _percentiles(warm)
    return [
        {
            "name": "打开数据库（含迁移检查，新进程，含模块导入）",
            "median_ms": cold_median,
            "p95_ms": cold_p95,
            "target": "≤ 300 ms",
            "ok": cold_p95 <= 300,
            "baseline": f"sqlite3.connect + 查询（新进程）：中位 {base_median:.1f} ms",
        },
        {
            "name": "打开数据库（含迁移检查，程序内再次打开）",
            "median_ms": warm_median,
            "p95_ms": warm_p95,
            "target": "≤ 300 ms",
            "ok": warm_p95 <= 300,
            "baseline": "",
        },
    ]


def run(scale: str = "city", workdir: Path | None = None, database: Path | None = None) -> tuple[list[dict], Path]:
    """Build the demo of ``scale`` and measure it, or measure an existing ``database`` (built with TODAY)."""
    if database is not None:
        return queries(database), database
    workdir = workdir or Path(tempfile.mkdtemp(prefix="hazdesk-bench-"))
    path = workdir / f"demo-{scale}.sqlite"
    seconds = build(scale, path)
    counts = _table_counts(path)
    base = baseline_insert(counts["finding"])
    limit = 90 if scale == "city" else None
    rows = [
        {
            "name": f"生成{'城市' if scale == 'city' else '区县'}演示数据（企业 {counts['enterprise']:,}，隐患 {counts['finding']:,}，"
            f"检查 {counts['inspection']:,}，检查项答案 {counts['inspection_answer']:,}）",
            "median_ms": seconds * 1000,
            "p95_ms": None,
            "target": "≤ 90 s" if limit else "",
            "ok": seconds <= limit if limit else None,
            "baseline": f"裸 sqlite3 插入同样行数的隐患表：{base:.1f} s",
        },
        {
            "name": "数据库文件大小",
            "value": f"{path.stat().st_size / 1024 / 1024:.0f} MB",
            "target": "",
            "ok": None,
            "baseline": "",
        },
    ]
    return rows + queries(path), path


def queries(path: Path) -> list[dict]:
    """The figures measured on a built database: search, the overdue list, opening it."""
    return [*search(path), overdue(path), *open_time(path)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="city", choices=("district", "city"))
    parser.add_argument(
        "--db", type=Path, help="measure this existing demo database (built for 2026-11-22) instead of building one"
    )
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    rows, path = run(args.scale, database=args.db)
    from tests.benchmarks.report import markdown_table

    print(markdown_table(rows))
    print(f"\n(database: {path})")


if __name__ == "__main__":
    main()
