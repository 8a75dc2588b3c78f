"""``hazdesk office key export|enroll``: the municipal office's side of sync.

``key export`` writes the office's public key file that districts encrypt their bundles to (and
marks the database as the office's). ``enroll`` trusts a district laptop by its public key file,
after a person compared its fingerprint, and then imports the bundles that laptop had sent while
it was unknown (held in quarantine).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from hazdesk.cli.sync import passphrase
from hazdesk.paths import data_dir, default_database_path
from hazdesk.store.database import open_database
from hazdesk.sync.keys import (
    display_fingerprint,
    ensure_identity,
    public_key_file_name,
    read_public_key,
    set_sync_role,
    write_public_key,
)


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("office", help="市局：公钥、登记区县设备")
    actions = parser.add_subparsers(dest="office_action", metavar="ACTION", required=True)

    key = actions.add_parser("key", help="市局密钥")
    key_actions = key.add_subparsers(dest="key_action", metavar="ACTION", required=True)
    key_export = key_actions.add_parser("export", help="导出市局公钥文件（发给各区县）")
    key_export.add_argument("--db", dest="db_target", help="市局数据库路径或 URL（默认：用户数据目录）")
    key_export.add_argument("--out", type=Path, default=Path("."), help="输出目录（默认当前目录）")
    key_export.set_defaults(handler=_key_export)

    enroll = actions.add_parser("enroll", help="登记区县设备（核对指纹后）")
    enroll.add_argument("--db", dest="db_target", help="市局数据库路径或 URL")
    enroll.add_argument("device_key", type=Path, metavar="DEVICE_KEY", help="区县设备的公钥文件")
    enroll.add_argument("--fingerprint", help="对方屏幕上显示的指纹（至少前 16 位），核对后才登记")
    enroll.set_defaults(handler=_enroll)


def _target(args: argparse.Namespace) -> str:
    return args.db_target or str(default_database_path())


def _key_export(args: argparse.Namespace) -> int:
    db = open_database(_target(args))
    try:
        set_sync_role(db, "office")
        keys, identity = ensure_identity(db, data_dir(), passphrase())
    finally:
        db.close()
    path = write_public_key(keys, identity, args.out / public_key_file_name(identity))
    print(f"市局公钥已写入 {path}")
    print(f"指纹：{display_fingerprint(identity.fingerprint)}（区县导入前请电话核对）")
    return 0


def _enroll(args: argparse.Namespace) -> int:
    from hazdesk.sync.peers import trust
    from hazdesk.sync.quarantine import release

    identity = read_public_key(args.device_key)
    db = open_database(_target(args))
    try:
        set_sync_role(db, "office")
        ensure_identity(db, data_dir(), passphrase())
        device = trust(db, identity, expected_fingerprint=args.fingerprint)
        print(f"已登记设备 {device.name}（{identity.district_code or '未注明区县'}）")
        print(f"指纹：{display_fingerprint(identity.fingerprint)}")
        results = release(db, data_dir(), passphrase=passphrase())
    finally:
        db.close()
    failed = 0
    for result in results:
        if result.status == "applied":
            print(f"隔离区数据包已导入：{result.message}")
        elif result.status == "rejected":
            print(f"隔离区数据包已拒绝：{result.message}")
            failed += 1
    return 1 if failed else 0
