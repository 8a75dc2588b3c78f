"""``hazdesk sync export|import|status|key``: sync bundles between district laptops and the office.

Keys live under the data directory (``HAZDESK_DATA_DIR`` overrides it); a passphrase-protected key is
opened with ``HAZDESK_KEY_PASSPHRASE``.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from hazdesk.paths import data_dir, default_database_path
from hazdesk.store.database import open_database
from hazdesk.sync.keys import display_fingerprint, ensure_identity, public_key_file_name, read_public_key
from hazdesk.sync.keys import write_public_key as write_key_file

_UNITS = {"k": 1024, "m": 1024**2, "g": 1024**3}


def passphrase() -> bytes | None:
    value = os.environ.get("HAZDESK_KEY_PASSPHRASE")
    return value.encode("utf-8") if value else None


def _size(text: str) -> int:
    text = text.strip().lower().removesuffix("ib").removesuffix("b")
    factor = _UNITS.get(text[-1:], 1)
    number = text[:-1] if text[-1:] in _UNITS else text
    try:
        return int(float(number) * factor)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"无法识别的大小 {text!r}（例：2G、700M）") from exc


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("sync", help="同步数据包：导出、导入、状态")
    actions = parser.add_subparsers(dest="sync_action", metavar="ACTION", required=True)

    export = actions.add_parser("export", help="导出数据包（默认只含对方尚未确认的变更）")
    export.add_argument("--db", dest="db_target", help="数据库路径或 URL（默认：用户数据目录）")
    export.add_argument("--out", required=True, type=Path, help="输出目录（U 盘、共享文件夹）")
    export.add_argument("--to", type=Path, help="收件方公钥文件：市局公钥（区县导出）或区县设备公钥（市局回执）")
    export.add_argument("--full", action="store_true", help="导出全部数据（快照），而非增量")
    export.add_argument("--all-devices", action="store_true", help="市局：给每台已登记的区县设备各导出一份回执")
    export.add_argument("--max-part-size", type=_size, default="2G", help="超过此大小分卷（默认 2G）")
    export.set_defaults(handler=_export)

    take = actions.add_parser("import", help="导入数据包（分卷文件一并给出）")
    take.add_argument("--db", dest="db_target", help="数据库路径或 URL")
    take.add_argument("files", nargs="+", type=Path, metavar="FILE")
    take.set_defaults(handler=_import)

    status = actions.add_parser("status", help="同步状态：待发送、已导入、隔离、拒绝、冲突")
    status.add_argument("--db", dest="db_target", help="数据库路径或 URL")
    status.set_defaults(handler=_status)

    key = actions.add_parser("key", help="本机密钥")
    key_actions = key.add_subparsers(dest="key_action", metavar="ACTION", required=True)
    key_export = key_actions.add_parser("export", help="导出本机公钥文件（交市局登记）")
    key_export.add_argument("--db", dest="db_target", help="数据库路径或 URL")
    key_export.add_argument("--out", type=Path, default=Path("."), help="输出目录（默认当前目录）")
    key_export.set_defaults(handler=_key_export)


def _target(args: argparse.Namespace) -> str:
    return args.db_target or str(default_database_path())


def _progress(stage: str, done: int, total: int) -> None:
    if sys.stderr.isatty() and total:
        print(f"\r{stage} {done * 100 // total:3d}%", end="", file=sys.stderr, flush=True)


def _export(args: argparse.Namespace) -> int:
    from hazdesk.errors import ValidationError
    from hazdesk.sync.exporter import export_bundle, export_receipts
    from hazdesk.sync.keys import sync_role

    to = read_public_key(args.to) if args.to else None
    db = open_database(_target(args))
    try:
        if args.all_devices:
            results = export_receipts(db, args.out, data_root=data_dir(), passphrase=passphrase(), progress=_progress)
        else:
            if to is None and sync_role(db) == "office":
                raise ValidationError("市局导出须用 --to 指定区县设备公钥文件，或用 --all-devices", field="to")
            results = [
                export_bundle(
                    db, args.out, data_root=data_dir(), to=to, full=args.full, passphrase=passphrase(),
                    max_part_size=args.max_part_size, progress=_progress,
                )
            ]  # fmt: skip
    finally:
        db.close()
    if sys.stderr.isatty():
        print(file=sys.stderr)
    for result in results:
        kind = "全量" if result.full else "增量"
        sealed = "已加密" if result.encrypted else "未加密（未指定收件方）"
        print(f"已导出{kind}数据包（{sealed}）：{result.records} 条记录，{result.files} 张照片，{result.size} 字节")
        for path in result.paths:
            print(f"  {path}")
    if results and results[0].public_key_file is not None:
        print(f"本机公钥：{results[0].public_key_file}")
    return 0


def _import(args: argparse.Namespace) -> int:
    from hazdesk.sync.importer import import_files

    db = open_database(_target(args))
    try:
        results = import_files(db, args.files, data_root=data_dir(), passphrase=passphrase(), progress=_progress)
    finally:
        db.close()
    if sys.stderr.isatty():
        print(file=sys.stderr)
    labels = {"applied": "已导入", "already": "已导入过", "quarantined": "已隔离", "rejected": "已拒绝"}
    failed = 0
    for result in results:
        stream = sys.stdout if result.ok else sys.stderr
        print(f"{labels[result.status]}：{result.message}", file=stream)
        failed += not result.ok
    return 1 if failed else 0


def _status(args: argparse.Namespace) -> int:
    from hazdesk.sync.status import sync_status

    db = open_database(_target(args))
    try:
        status = sync_status(db)
    finally:
        db.close()
    role = "市局" if status.role == "office" else "区县"
    fp = display_fingerprint(status.fingerprint) if status.fingerprint else "（尚未生成密钥）"
    print(f"本机：{status.device_id}（{role}）指纹 {fp}")
    for peer in status.peers:
        print(f"  对方 {peer.name}（{peer.role} {peer.district_code}）指纹 {display_fingerprint(peer.fingerprint)}")
    if status.pending:
        details = "，".join(f"{t} {n}" for t, n in status.pending.items())
        print(f"待发送：{status.pending_total} 条（{details}）")
    else:
        print("待发送：无")
    if status.drafts_held:
        print(f"未完成的检查草稿 {status.drafts_held} 份：完成后才会随数据包发送")
    for bundle in status.bundles:
        arrow = "→" if bundle.direction == "out" else "←"
        when = f"{bundle.processed_at:%Y-%m-%d %H:%M}"
        print(f"  {arrow} {when} {bundle.status} {bundle.file_name} {bundle.record_count} 条")
    for bundle in status.quarantined:
        print(f"隔离中：{bundle.file_name}（签名者未登记）")
    for rejection in status.rejections:
        print(f"已拒绝：{rejection.at:%Y-%m-%d %H:%M} {rejection.file_name}：{rejection.reason}")
    print(f"待复核冲突：{status.open_conflicts} 处")
    return 0


def _key_export(args: argparse.Namespace) -> int:
    db = open_database(_target(args))
    try:
        keys, identity = ensure_identity(db, data_dir(), passphrase())
    finally:
        db.close()
    path = write_key_file(keys, identity, args.out / public_key_file_name(identity))
    print(f"本机公钥已写入 {path}")
    print(f"指纹：{display_fingerprint(identity.fingerprint)}（登记时请市局核对）")
    return 0
