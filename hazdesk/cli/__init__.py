"""The ``hazdesk`` command.

Each sub-command lives in its own module with a ``register(subparsers)`` function that adds its
parser and sets ``handler`` (a function taking the parsed namespace and returning an exit code).
Errors a user can cause are :class:`hazdesk.errors.HazdeskError`; they are printed as one line on
stderr and the command exits non-zero. With no sub-command the desktop application starts.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from hazdesk.errors import HazdeskError

# Sub-command modules, in the order they appear in --help.
_COMMAND_MODULES = ("db", "demo", "uscc", "mhs", "search", "document", "sync", "office")


def _base_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hazdesk",
        description="危险化学品安全执法桌面系统 hazdesk — 不带子命令时启动桌面程序。",
    )
    parser.add_argument("--db", help="数据库路径或 URL（桌面程序使用）")
    parser.add_argument("--lang", choices=("zh", "en"), help="界面语言（默认简体中文）")
    return parser


def build_parser() -> argparse.ArgumentParser:
    import importlib

    parser = _base_parser()
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in _COMMAND_MODULES:
        importlib.import_module(f"hazdesk.cli.{name}").register(sub)
    return parser


def desktop_arguments(argv: Sequence[str]) -> argparse.Namespace | None:
    """The options when ``argv`` starts the desktop (no sub-command), else None.

    Building the whole parser imports every sub-command module and with them the store; the desktop
    shows its window before that, so it is parsed on its own."""
    if any(arg in ("-h", "--help") for arg in argv):
        return None
    args, rest = _base_parser().parse_known_args(list(argv))
    return None if rest else args


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    desktop = desktop_arguments(arguments)
    if desktop is not None:
        return _start_desktop(desktop)
    parser = build_parser()
    args = parser.parse_args(arguments)
    handler = getattr(args, "handler", None)
    try:
        if handler is None:
            return _start_desktop(args)
        return int(handler(args) or 0)
    except HazdeskError as exc:
        print(f"hazdesk: 错误：{exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("hazdesk: 已中断", file=sys.stderr)
        return 130


def _start_desktop(args: argparse.Namespace) -> int:
    try:
        from ui.app import run  # the desktop lives outside the core; imported only here
    except ImportError:
        print("hazdesk: 桌面界面尚未安装；可用子命令见 hazdesk --help", file=sys.stderr)
        return 2
    return int(run(db=args.db, lang=args.lang) or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
