"""``hazdesk db upgrade --db PATH``: bring a database to this program's schema (a copy is kept first)."""

from __future__ import annotations

import argparse

from hazdesk.paths import default_database_path
from hazdesk.store.database import open_database


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("db", help="数据库维护")
    actions = parser.add_subparsers(dest="db_action", metavar="ACTION", required=True)
    upgrade = actions.add_parser("upgrade", help="升级数据库结构到本程序版本（升级前自动备份）")
    upgrade.add_argument("--db", dest="db_target", help="数据库文件路径或 URL（默认：用户数据目录）")
    upgrade.set_defaults(handler=_upgrade)


def _upgrade(args: argparse.Namespace) -> int:
    target = args.db_target or str(default_database_path())
    database = open_database(target)
    try:
        report = database.report
        if report.revision_before == report.revision_after:
            print(f"数据库已是最新版本 {report.revision_after}：{target}")
        else:
            before = report.revision_before or "（新建）"
            print(f"数据库已从 {before} 升级到 {report.revision_after}：{target}")
            if report.backup:
                print(f"升级前的副本：{report.backup}")
    finally:
        database.close()
    return 0
