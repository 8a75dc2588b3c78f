"""``hazdesk uscc CODE``: check a 统一社会信用代码 (GB 32100-2015)."""

from __future__ import annotations

import argparse

from hazdesk.domain import uscc


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("uscc", help="校验统一社会信用代码（GB 32100-2015）")
    parser.add_argument("code", metavar="CODE", help="18 位统一社会信用代码（全角、小写、空格均可）")
    parser.set_defaults(handler=_check)


def _check(args: argparse.Namespace) -> int:
    # an invalid code raises ValidationError; hazdesk.cli.main prints its reason on stderr and exits 1
    code = uscc.validate(args.code)
    print(f"有效：{code}（{uscc.describe(code)}）")
    return 0
