"""Runs every benchmark and writes docs/benchmarks.md.

    .venv/bin/python -m tests.benchmarks.run            # city scale (builds a fresh city database, ~2 min)
    .venv/bin/python -m tests.benchmarks.run --quick    # district scale only, for a fast look

The city database built for the core figures is handed to the other benchmark modules (UI, documents,
sync) through HAZDESK_BENCH_CITY_DB so every figure in one run comes from the same data. Benchmarks
are not tests: they report numbers against the targets, they do not fail the build.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback
from pathlib import Path

from tests.benchmarks.report import machine, markdown_table

OTHER_MODULES = ("bench_ui_start", "bench_ui_enterprises", "bench_ui_findings", "bench_documents", "bench_sync")
DOC = Path(__file__).resolve().parents[2] / "docs" / "benchmarks.md"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="district scale only")
    parser.add_argument("--only", nargs="*", help="module names to run (default: all)")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sections: list[tuple[str, list[dict]]] = []

    from tests.benchmarks import bench_core

    scale = "district" if args.quick else "city"
    if not args.only or "bench_core" in args.only:
        rows, path = bench_core.run(scale)
        sections.append((f"核心（{'区县' if args.quick else '城市'}规模演示数据）", rows))
        if scale == "city":
            os.environ["HAZDESK_BENCH_CITY_DB"] = str(path)
    for name in OTHER_MODULES:
        if args.only and name not in args.only:
            continue
        try:
            module = importlib.import_module(f"tests.benchmarks.{name}")
        except ImportError:
            continue
        try:
            sections.append((name, module.run()))
        except Exception:  # a broken benchmark is reported, the others still run
            sections.append(
                (name, [{"name": f"运行失败：{traceback.format_exc(limit=1).splitlines()[-1]}", "ok": False}])
            )

    text = [
        "# 性能基准 (benchmarks)",
        "",
        "由 `python -m tests.benchmarks.run` 生成；每项与同一次运行中测得的基线并列。",
        "",
        "## 机器",
        "",
        machine(),
        "",
    ]
    for title, rows in sections:
        text += [f"## {title}", "", markdown_table(rows), ""]
    DOC.write_text("\n".join(text), encoding="utf-8")
    print("\n".join(text))
    print(f"\nwritten to {DOC}", file=sys.stderr)


if __name__ == "__main__":
    main()
