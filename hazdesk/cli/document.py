"""``hazdesk document …``: issue, preview, reprint, verify and void enforcement documents; settings.

hazdesk document issue --db PATH --inspection ID --kind 检记|责改|复查|现决 --out FILE.pdf
hazdesk document verify FILE.pdf --db PATH          (exit 0: unaltered issued original; 1: not)
hazdesk document reprint --db PATH --id DOC_ID --out FILE.pdf
"""

from __future__ import annotations

import argparse
import uuid
from collections.abc import Callable
from pathlib import Path

from hazdesk.errors import HazdeskError, ValidationError
from hazdesk.paths import default_database_path
from hazdesk.store.database import Database, open_database

KIND_HELP = (
    "文书种类：检记（现场检查记录）、责改（责令限期整改指令书）、复查（整改复查意见书）、现决（现场处理措施决定书）"
)


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("document", help="执法文书：签发、预览、重印、核验、作废、设置")
    actions = parser.add_subparsers(dest="document_action", metavar="ACTION", required=True)

    def action(name: str, help_text: str, handler: Callable[[argparse.Namespace], int]) -> argparse.ArgumentParser:
        p = actions.add_parser(name, help=help_text, description=help_text)
        p.add_argument("--db", dest="db_target", help="数据库文件路径或 URL（默认：用户数据目录）")
        p.set_defaults(handler=handler)
        return p

    issue = action("issue", "签发文书：编号、冻结并输出 PDF", _issue)
    issue.add_argument("--inspection", required=True, help="检查记录 ID")
    issue.add_argument("--kind", required=True, help=KIND_HELP)
    issue.add_argument("--out", required=True, help="输出 PDF 文件")
    issue.add_argument("--series", help="本机尚无编号序列时先分配此序列（如 A）")
    issue.add_argument("--supersedes", help="更正并取代的原文书 ID")

    preview = action("preview", "预览文书（不编号、不保存，带“草稿”水印）", _preview)
    preview.add_argument("--inspection", required=True, help="检查记录 ID")
    preview.add_argument("--kind", required=True, help=KIND_HELP)
    preview.add_argument("--out", required=True, help="输出 PDF 文件")

    reprint = action("reprint", "按签发时的快照重印文书（与原件逐字节相同）", _reprint)
    reprint.add_argument("--id", required=True, help="文书 ID")
    reprint.add_argument("--out", required=True, help="输出 PDF 文件")

    verify = action("verify", "核验 PDF 是否为本库签发且未被改动的文书", _verify)
    verify.add_argument("file", help="要核验的 PDF 文件")

    void = action("void", "作废文书（编号保留，不再使用）", _void)
    void.add_argument("--id", required=True, help="文书 ID")
    void.add_argument("--reason", required=True, help="作废原因")

    series = action("series", "查看或分配本机的文书编号序列", _series)
    series.add_argument("--district", required=True, help="区县代码，如 320115")
    series.add_argument("--set", dest="code", help="分配的序列（1–3 个大写字母，如 A）")

    settings = action("settings", "查看或修改区县执法机关的文书设置", _settings)
    settings.add_argument("--district", required=True, help="区县代码，如 320115")
    settings.add_argument("--name", help="机关名称，如 南京市江宁区应急管理局")
    settings.add_argument("--short", help="机关简称（编号用），如 宁江")
    settings.add_argument("--review-government", help="行政复议机关（人民政府）")
    settings.add_argument("--review-department", help="行政复议机关（上级部门，可为空）")
    settings.add_argument("--court", help="行政诉讼法院")

    font = action("font", "查看或设置文书使用的中文字体文件", _font)
    font.add_argument("--set", dest="path", help="TrueType 字体文件（.ttf/.ttc）")
    font.add_argument("--clear", action="store_true", help="清除设置，按默认顺序查找")


def _open(args: argparse.Namespace) -> Database:
    return open_database(args.db_target or str(default_database_path()), create=False)


def _uuid(text: str, what: str) -> uuid.UUID:
    try:
        return uuid.UUID(text.strip())
    except ValueError:
        raise ValidationError(f"{what}“{text}”不是有效的 ID") from None


def _issue(args: argparse.Namespace) -> int:
    from hazdesk.documents import issue_document
    from hazdesk.documents.content import check_kind, load_inspection
    from hazdesk.documents.settings import bureau_settings, device_series, set_device_series

    kind = check_kind(args.kind.strip())
    inspection_id = _uuid(args.inspection, "检查记录")
    supersedes = _uuid(args.supersedes, "原文书") if args.supersedes else None
    db = _open(args)
    try:
        if args.series:
            with db.session() as session:
                district = load_inspection(session, inspection_id).district_code
                short = bureau_settings(session, district).short_name
                has_series = device_series(session, short, db.device_id) is not None
            if not has_series:
                set_device_series(db, district, args.series)
        issued = issue_document(db, inspection_id, kind, out=Path(args.out), supersedes=supersedes)
    finally:
        db.close()
    print(f"已签发 {issued.number_text}（{issued.pages} 页）：{issued.path}")
    print(f"文书ID {issued.id}  SHA-256 {issued.sha256}")
    return 0


def _preview(args: argparse.Namespace) -> int:
    from hazdesk.documents import preview_document
    from hazdesk.documents.content import check_kind
    from hazdesk.documents.service import check_writable, write_atomically

    kind = check_kind(args.kind.strip())
    inspection_id = _uuid(args.inspection, "检查记录")
    target = Path(args.out)
    check_writable(target)
    db = _open(args)
    try:
        preview = preview_document(db, inspection_id, kind)
    finally:
        db.close()
    write_atomically(target, preview.pdf)
    print(f"预览（未编号，{preview.pages} 页）：{target}")
    for warning in preview.warnings:
        print(f"注意：{warning}")
    return 0


def _reprint(args: argparse.Namespace) -> int:
    from hazdesk.documents import reprint

    document_id = _uuid(args.id, "文书")
    db = _open(args)
    try:
        issued = reprint(db, document_id, out=Path(args.out))
    finally:
        db.close()
    print(f"已重印 {issued.number_text}（与原件相同，SHA-256 {issued.sha256}）：{issued.path}")
    return 0


def _verify(args: argparse.Namespace) -> int:
    from hazdesk.documents import verify_pdf

    if not Path(args.file).is_file():
        raise HazdeskError(f"文件 {args.file} 不存在")
    db = _open(args)
    try:
        result = verify_pdf(db, args.file)
    finally:
        db.close()
    print(("通过：" if result.ok else "不通过：") + result.reason)
    for note in result.notes:
        print(f"说明：{note}")
    return 0 if result.ok else 1


def _void(args: argparse.Namespace) -> int:
    from hazdesk.documents import void_document

    document_id = _uuid(args.id, "文书")
    db = _open(args)
    try:
        void_document(db, document_id, reason=args.reason)
    finally:
        db.close()
    print(f"已作废文书 {document_id}；其编号保留，不再使用")
    return 0


def _series(args: argparse.Namespace) -> int:
    from hazdesk.documents.settings import bureau_settings, device_series, set_device_series

    db = _open(args)
    try:
        if args.code:
            set_device_series(db, args.district, args.code)
        with db.session() as session:
            short = bureau_settings(session, args.district).short_name
            code = device_series(session, short, db.device_id)
    finally:
        db.close()
    if code is None:
        print(f"本机在“{short}”尚未分配编号序列（设备 {db.device_id}）")
    else:
        print(f"本机在“{short}”的编号序列：{code}（编号形如（{short}）应急责改〔年〕{code}1号）")
    return 0


def _settings(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from hazdesk.documents.settings import bureau_settings, save_bureau_settings

    db = _open(args)
    try:
        with db.session() as session:
            current = bureau_settings(session, args.district)
        changes = {
            "name": args.name,
            "short_name": args.short,
            "review_government": args.review_government,
            "review_department": args.review_department,
            "court": args.court,
        }
        changes = {k: v for k, v in changes.items() if v is not None}
        if changes:
            current = replace(current, district_code=args.district, **changes)
            save_bureau_settings(db, current)
    finally:
        db.close()
    labels = ("区县代码", "机关名称", "机关简称", "复议机关（政府）", "复议机关（部门）", "法院")
    for label, value in zip(labels, current.as_dict().values(), strict=True):
        print(f"{label}：{value}")
    return 0


def _font(args: argparse.Namespace) -> int:
    from hazdesk.documents.fonts import find_fonts
    from hazdesk.documents.settings import font_path, set_font_path

    db = _open(args)
    try:
        if args.clear or args.path:
            if args.path:
                find_fonts(args.path)  # refuse a file that cannot be embedded before storing it
            set_font_path(db, None if args.clear else str(Path(args.path).expanduser().resolve()))
        with db.session() as session:
            configured = font_path(session)
    finally:
        db.close()
    fonts = find_fonts(configured)
    print(f"文书字体：{fonts.main.family}（{fonts.main.path}）" + ("，来自设置" if configured else ""))
    if fonts.extension is not None:
        print(f"扩展字体（生僻字）：{fonts.extension.family}（{fonts.extension.path}）")
    return 0
