"""What the sync page needs beyond the core, kept free of Qt: labels for tables and statuses, the key
passphrase, one line per import result, the enrolled devices a receipt can go to.

Nothing here writes to the database except through :mod:`hazdesk.sync` functions.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hazdesk.services import Changes
from hazdesk.store.database import Database
from hazdesk.sync import peers
from hazdesk.sync.clock import unpack
from hazdesk.sync.importer import ImportResult
from hazdesk.sync.keys import DeviceKeys, PublicIdentity, ensure_identity
from ui.i18n import tr

PASSPHRASE_ENV = "HAZDESK_KEY_PASSPHRASE"  # the same variable the CLI reads

# Table names of the bundle format → what an inspector calls them.
TABLE_LABELS = {
    "bureau_setting": "机关设置",
    "checklist_template": "检查表",
    "checklist_item": "检查项",
    "document_series": "文书编号序列",
    "document": "执法文书",
    "enterprise": "企业",
    "enterprise_chemical": "企业化学品",
    "inspector": "执法人员",
    "inspection": "现场检查",
    "inspection_plan": "检查计划",
    "inspection_answer": "检查项结论",
    "inspection_inspector": "检查人员",
    "major_hazard_source": "重大危险源",
    "hazard_source_chemical": "危险源化学品",
    "finding": "隐患",
    "reinspection": "复查",
    "attachment": "照片",
    "audit_event": "操作记录",
    "device": "设备",
}

# Fields people edit that a conflict can name (others show their column name).
FIELD_LABELS = {
    "name": "名称",
    "uscc": "统一社会信用代码",
    "address": "地址",
    "industry": "行业",
    "legal_representative": "法定代表人",
    "safety_contact": "安全负责人",
    "phone": "电话",
    "notes": "备注",
    "risk_colour": "风险等级",
    "standardization_grade": "标准化等级",
    "blacklisted": "黑名单",
    "blacklist_reason": "列入黑名单原因",
    "description": "隐患描述",
    "location": "位置",
    "severity": "隐患等级",
    "legal_basis": "依据",
    "measure": "整改措施",
    "deadline": "整改期限",
    "status": "状态",
    "place": "检查场所",
    "summary": "检查小结",
    "state": "状态",
    "title": "标题",
    "due_on": "计划日期",
    "note": "说明",
}

BUNDLE_STATUS = {
    "applied": "已导入",
    "already": "已导入过",
    "quarantined": "已隔离",
    "rejected": "已拒绝",
    "exported": "已导出，待确认",
    "acknowledged": "已确认",
}

ROLE_LABELS = {"district": "区县执法终端", "office": "市安委会办公室"}


def table_label(name: str) -> str:
    return tr(TABLE_LABELS.get(name, name))


def field_label(name: str) -> str:
    return tr(FIELD_LABELS[name]) if name in FIELD_LABELS else name


def status_label(status: str) -> str:
    return tr(BUNDLE_STATUS.get(status, status))


def passphrase() -> bytes | None:
    value = os.environ.get(PASSPHRASE_ENV)
    return value.encode("utf-8") if value else None


def identity(db: Database, data_root: Path, district_code: str | None) -> tuple[DeviceKeys, PublicIdentity]:
    """This device's keys and public identity (made on first use)."""
    return ensure_identity(db, data_root, passphrase(), district_code=district_code)


def hlc_time(stamp: int) -> dt.datetime | None:
    """The wall time of a hybrid-logical-clock stamp (None for 0: nothing acknowledged yet)."""
    if not stamp:
        return None
    millis, _ = unpack(stamp)
    return dt.datetime.fromtimestamp(millis / 1000).replace(microsecond=0)


def when(value: dt.datetime | None) -> str:
    return f"{value:%Y-%m-%d %H:%M}" if value is not None else "—"


def describe_result(result: ImportResult) -> str:
    """One paragraph for a person: what happened to the bundle and, if applied, how many rows per table."""
    files = "、".join(p.name for p in result.files) or "—"
    lines = [f"【{status_label(result.status)}】{files}：{result.message}"]
    changed = {name: c for name, c in result.counts.items() if c.inserted or c.updated}
    if changed:
        parts = [
            tr("{table} 新增 {a}、更新 {b}").format(table=table_label(name), a=counts.inserted, b=counts.updated)
            for name, counts in sorted(changed.items(), key=lambda item: table_label(item[0]))
        ]
        lines.append("    " + "；".join(parts))
    unchanged = sum(c.unchanged for c in result.counts.values())
    if unchanged:
        lines.append("    " + tr("另有 {n} 条与本机相同，未改动").format(n=unchanged))
    if result.conflicts:
        lines.append("    " + tr("{n} 处并发修改待复核（见「冲突」）").format(n=result.conflicts))
    if result.acknowledged:
        lines.append("    " + tr("对方确认了本机 {n} 个数据包").format(n=result.acknowledged))
    return "\n".join(lines)


def changes_of(results: list[ImportResult]) -> Changes:
    """Tell the other pages which kinds of records an import touched (ids are not reported by the
    core, so a placeholder id marks the table; views reload rather than patch single rows)."""
    changes = Changes()
    for result in results:
        for name, counts in result.counts.items():
            if counts.inserted or counts.updated:
                changes.add(name, uuid.UUID(int=0))
    return changes


def enrolled_districts(db: Database) -> list[PublicIdentity]:
    """Enrolled district laptops whose encryption key is known: where a receipt can be sent."""
    with db.session() as session:
        return peers.enrolled_devices(session, role="district")


def device_names(db_peers: list[Any], me: uuid.UUID) -> dict[str, str]:
    """Device id (text) → "name（district）" for the peers of ``sync_status``, this device as 本机."""
    names = {str(p.device_id): f"{p.name}（{p.district_code}）" if p.district_code else p.name for p in db_peers}
    names[str(me)] = tr("本机")
    return names


def adapt_progress(progress: Callable[[int, int, str], None]) -> Callable[[str, int, int], None]:
    """The core reports (stage, done, total); ``run_job`` wants (done, total, text)."""
    return lambda stage, done, total: progress(done, total, stage)
