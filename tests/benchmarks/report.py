"""Formatting benchmark rows and the machine they ran on into docs/benchmarks.md."""

from __future__ import annotations

import datetime as dt
import os
import platform
import sqlite3
import subprocess
import sys


def _fmt(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        if value >= 10_000:
            return f"{value / 1000:.1f} s"
        return f"{value:.2f} ms" if value < 100 else f"{value:.0f} ms"
    return str(value)


def markdown_table(rows: list[dict]) -> str:
    lines = ["| 项目 | 中位数 | p95 | 目标 | 达标 | 同次基线 |", "|---|---|---|---|---|---|"]
    for row in rows:
        if "value" in row:
            median, p95 = str(row["value"]), "—"
        else:
            median, p95 = _fmt(row.get("median_ms")), _fmt(row.get("p95_ms"))
        ok = {True: "✅", False: "❌", None: ""}[row.get("ok")]
        lines.append(
            f"| {row['name']} | {median} | {p95} | {row.get('target', '')} | {ok} | {row.get('baseline', '')} |"
        )
    return "\n".join(lines)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            cpu = next(line.split(":", 1)[1].strip() for line in handle if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    memory = ""
    try:
        with open("/proc/meminfo", encoding="utf-8") as handle:
            kib = int(next(line for line in handle if line.startswith("MemTotal")).split()[1])
            memory = f"{kib / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration):
        pass
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    return (
        f"- 时间：{dt.datetime.now():%Y-%m-%d %H:%M}，提交 {commit or '未知'}\n"
        f"- CPU：{cpu}，{os.cpu_count()} 核；内存 {memory}\n"
        f"- {platform.platform()}；Python {sys.version.split()[0]}；SQLite {sqlite3.sqlite_version}"
    )
