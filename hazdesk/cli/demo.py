"""``hazdesk demo --db PATH --scale district|city [--seed N] [--today YYYY-MM-DD] [--district CODE]``.

Builds a demo database (see :mod:`hazdesk.demo`) into a new file. Progress goes to stderr every few
seconds (``--quiet`` turns it off); the summary — rows per table, time, file size — goes to stdout.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time

from hazdesk.demo import DEFAULT_DISTRICT, SCALES, BuildProgress, build_demo
from hazdesk.errors import HazdeskError

PROGRESS_EVERY = 3.0  # seconds between progress lines

_TABLE_LABELS = {
    "district": "区划",
    "device": "设备",
    "inspector": "执法人员",
    "enterprise": "企业",
    "enterprise_chemical": "企业化学品",
    "major_hazard_source": "重大危险源",
    "hazard_source_chemical": "危险源化学品",
    "inspection": "现场检查",
    "inspection_inspector": "检查人员",
    "finding": "隐患",
    "reinspection": "复查",
    "inspection_answer": "检查项结果",
    "索引": "索引",
}


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "demo",
        help="生成演示数据库（南京市，虚构企业与检查记录）",
        description="生成可重复的演示数据库：同一 --seed 和 --today 得到相同的数据。只写入新数据库文件。",
    )
    parser.add_argument("--db", dest="demo_db", required=True, metavar="PATH", help="新数据库文件路径")
    parser.add_argument(
        "--scale",
        choices=sorted(SCALES),
        default="district",
        metavar="{district,city}",
        help="district：一个区约 3,000 家企业；city：全市 11 个区约 20,000 家企业（默认 district）",
    )
    parser.add_argument("--seed", type=int, default=1, help="随机种子（默认 1）")
    parser.add_argument("--today", type=_date, help="以哪一天为“今天”（YYYY-MM-DD，默认系统日期）")
    parser.add_argument(
        "--district", metavar="CODE", help=f"district 规模时生成哪个区（区划代码，默认 {DEFAULT_DISTRICT} 江宁区）"
    )
    parser.add_argument("--quiet", action="store_true", help="不输出进度")
    parser.set_defaults(handler=_demo)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应为 YYYY-MM-DD，收到「{text}」") from None


class _Reporter:
    """Prints a progress line at most every few seconds, so a long build shows it is alive."""

    def __init__(self) -> None:
        self.last = time.monotonic()

    def __call__(self, step: BuildProgress) -> None:
        now = time.monotonic()
        if now - self.last < PROGRESS_EVERY:
            return
        self.last = now
        doing = (
            "正在重建索引"
            if step.table == "索引"
            else f"正在写入{_TABLE_LABELS.get(step.table, step.table)}（{step.rows:,} 行）"
        )
        print(
            f"hazdesk demo：{step.fraction:4.0%}  {doing}，已用 {step.elapsed:.0f} 秒",
            file=sys.stderr,
            flush=True,
        )


def _demo(args: argparse.Namespace) -> int:
    if args.scale == "city" and args.district:
        raise HazdeskError("全市规模（city）包含所有区，不能再指定 --district")
    report = build_demo(
        args.demo_db,
        args.scale,
        seed=args.seed,
        today=args.today,
        district=args.district,
        progress=None if args.quiet else _Reporter(),
    )
    print(f"演示数据已写入 {report.path}")
    print(
        f"规模 {report.scale}，种子 {report.seed}，今天 = {report.today.isoformat()}，区 {'、'.join(report.districts)}"
    )
    for table, rows in report.counts.items():
        print(f"  {_TABLE_LABELS.get(table, table)}（{table}）：{rows:,} 行")
    print(f"用时 {report.seconds:.1f} 秒，文件 {report.size_bytes / 1e6:.1f} MB")
    return 0
