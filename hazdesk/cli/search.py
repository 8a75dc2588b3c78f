"""``hazdesk search --db PATH TEXT``: find enterprises by name, address, pinyin, initials or USCC prefix."""

from __future__ import annotations

import argparse

from hazdesk.errors import ValidationError
from hazdesk.paths import default_database_path
from hazdesk.store.database import open_database
from hazdesk.store.search import search_enterprises


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("search", help="查找企业（中文、拼音、首字母、统一社会信用代码前缀）")
    parser.add_argument("--db", dest="db_target", help="数据库文件路径或 URL（默认：用户数据目录）")
    parser.add_argument("--limit", type=int, default=20, help="最多显示多少条（默认 20）")
    parser.add_argument("--district", help="只在该区县代码内查找")
    parser.add_argument("text", help="查询内容，例如 华联、hlhg、913201")
    parser.set_defaults(handler=_search)


def _search(args: argparse.Namespace) -> int:
    if args.limit < 1:
        raise ValidationError(f"--limit 必须是正整数，收到 {args.limit}", field="limit")
    database = open_database(args.db_target or str(default_database_path()), create=False)
    try:
        with database.session() as session:
            hits = search_enterprises(session, args.text, limit=args.limit, district_code=args.district)
    finally:
        database.close()
    if not hits:
        print(f"没有找到与「{args.text}」匹配的企业")
        return 0
    for hit in hits:
        print(f"{hit.uscc}\t{hit.name}\t{hit.district_code}\t{hit.address}")
    return 0
