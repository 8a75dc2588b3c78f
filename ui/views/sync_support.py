"""What the sync page needs beyond the core, kept free of Qt: labels for tables and statuses, the key
passphrase for this session, one line per import result, the enrolled devices a receipt can go to, the
draft inspections held back from export and the photos an export could not find on disk.

Nothing here writes to the database except through :mod:`hazdesk.sync` functions.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, and_, false, func, select

from hazdesk.services import Changes
from hazdesk.store.attachments import attachment_path
from hazdesk.store.database import Database
from hazdesk.sync import peers, scope
from hazdesk.sync.clock import unpack
from hazdesk.sync.importer import ImportResult
from hazdesk.sync.keys import (
    DeviceKeys,
    PassphraseError,
    PublicIdentity,
    ensure_identity,
    has_keys,
    keys_protected,
    load_keys,
)
from hazdesk.sync.records import specs
from hazdesk.sync.rowsql import STAMPS
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
    """The passphrase from ``HAZDESK_KEY_PASSPHRASE`` (what the CLI uses), if set."""
    value = os.environ.get(PASSPHRASE_ENV)
    return value.encode("utf-8") if value else None


class KeyLock:
    """The passphrase of this device's private keys for one run of the program.

    It comes from ``HAZDESK_KEY_PASSPHRASE`` or from the person (the sync page asks), and is kept in
    this object only: never written to settings, the database or a file. :meth:`passphrase` is what to
    hand to the core: ``None`` for unprotected keys even when the variable is set (the variable only
    protects keys made while it is set).
    """

    def __init__(self, data_root: Path, device_id: uuid.UUID) -> None:
        self.data_root = data_root
        self.device_id = device_id
        self._typed: bytes | None = None

    @property
    def exists(self) -> bool:
        return has_keys(self.data_root, self.device_id)

    @property
    def protected(self) -> bool:
        return keys_protected(self.data_root, self.device_id)

    def passphrase(self) -> bytes | None:
        if not self.exists:
            return passphrase()  # new keys are made now, protected as the CLI would protect them
        if not self.protected:
            return None
        return self._typed or passphrase()

    def opens(self, candidate: bytes | None) -> bool:
        """Whether ``candidate`` opens the keys (other key-file problems raise :class:`KeyFileError`)."""
        try:
            load_keys(self.data_root, self.device_id, candidate)
        except PassphraseError:
            return False
        return True

    def ready(self) -> bool:
        """True when the keys can be used without asking: not made yet, unprotected, or the passphrase
        typed this session / in the environment opens them."""
        if not self.exists or not self.protected:
            return True
        for candidate in (self._typed, passphrase()):
            if candidate and self.opens(candidate):
                self._typed = candidate
                return True
        return False

    def try_passphrase(self, candidate: bytes) -> bool:
        """Remember ``candidate`` for this session if it opens the keys."""
        if candidate and self.opens(candidate):
            self._typed = candidate
            return True
        return False

    def remember(self, candidate: bytes | None) -> None:
        """After the passphrase was changed on the page: the new one (``None``: protection removed)."""
        self._typed = candidate or None


def identity(
    db: Database, data_root: Path, district_code: str | None, secret: bytes | None = None
) -> tuple[DeviceKeys, PublicIdentity]:
    """This device's keys and public identity (made on first use)."""
    return ensure_identity(db, data_root, secret, district_code=district_code)


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


# --- drafts held back ------------------------------------------------------------------------
@dataclass
class HeldBack:
    """Draft inspections (and what hangs from them) that an export leaves on this laptop.

    ``pending``: of the rows ``sync_status`` counts as waiting, those that belong to a draft (per table),
    so the page can say how many will really be sent."""

    inspections: int = 0
    findings: int = 0
    photos: int = 0
    pending: dict[str, int] = field(default_factory=dict)


def _count_ids(connection: Connection, table: str, ids: set[uuid.UUID], since: int) -> int:
    t = specs()[table].table
    values, total = list(ids), 0
    for start in range(0, len(values), 500):
        chunk = values[start : start + 500]
        total += int(connection.scalar(select(func.count()).where(t.c.id.in_(chunk), t.c.hlc > since)) or 0)
    return total


def drafts_held_back(db: Database) -> HeldBack:
    """What :func:`hazdesk.sync.scope.held_back` keeps out of the next export (reads only; cheap while
    drafts are few, which they are: a draft is an inspection in progress)."""
    with db.session() as session:
        since = min((peers.acked_hlc(session, o.id) for o in peers.office_peers(session)), default=0)
    with db.engine.connect() as connection:
        held = scope.held_back(connection)
        if not held:
            return HeldBack()
        attachments = specs()["attachment"].table
        photos = held.get("attachment", set())
        live_photos = 0
        if photos:
            live_photos = sum(
                int(
                    connection.scalar(
                        select(func.count()).where(attachments.c.id.in_(chunk), attachments.c.deleted.is_(false()))
                    )
                    or 0
                )
                for chunk in _chunks(list(photos))
            )
        return HeldBack(
            inspections=len(held.get("inspection", ())),
            findings=len(held.get("finding", ())),
            photos=live_photos,
            pending={
                table: count
                for table, ids in held.items()
                if ids and (count := _count_ids(connection, table, ids, since))
            },
        )


def _chunks(values: list[uuid.UUID], size: int = 500) -> list[list[uuid.UUID]]:
    return [values[start : start + size] for start in range(0, len(values), size)]


# --- photos an export could not find ---------------------------------------------------------------
@dataclass(frozen=True)
class MissingPhoto:
    sha256: str
    name: str  # the file name it was added under (or the start of its hash)
    owner_kind: str  # finding, reinspection, inspection, enterprise


def missing_photos(
    db: Database, data_root: Path, *, since: int, destination: uuid.UUID | None, district: str | None = None
) -> list[MissingPhoto]:
    """Photos whose rows an export with these parameters carries but whose files are not on this
    device: the exporter leaves such a file out of the bundle without saying so, and the receiver then
    holds a photo record without a picture. Same selection as :mod:`hazdesk.sync.collect` (drafts held
    back, completed inspections' photos pulled in, none the destination wrote last itself)."""
    t = specs()["attachment"].table
    joined = t.outerjoin(STAMPS, and_(STAMPS.c.table_name == "attachment", STAMPS.c.row_id == t.c.id))
    echo = ~and_(t.c.origin_device_id == destination, STAMPS.c.row_id.is_(None)) if destination is not None else None
    columns = (t.c.sha256, t.c.original_name, t.c.owner_kind)
    found: dict[str, MissingPhoto] = {}
    with db.engine.connect() as connection:
        held = scope.held_back(connection).get("attachment", set())
        pulled = scope.completed_since(connection, since).get("attachment", set()) - held
        clauses = [scope.selection("attachment", since, district), t.c.deleted.is_(false())]
        if held:
            clauses.append(t.c.id.not_in(held))
        if echo is not None:
            clauses.append(echo)
        rows = list(connection.execute(select(*columns).select_from(joined).where(*clauses)))
        for chunk in _chunks(list(pulled)):
            where = [t.c.id.in_(chunk), t.c.deleted.is_(false())] + ([echo] if echo is not None else [])
            rows += connection.execute(select(*columns).select_from(joined).where(*where))
    for sha, name, owner in rows:
        if sha in found:
            continue
        try:
            present = attachment_path(data_root, sha).is_file()
        except ValueError:  # not a hash at all: the exporter would fail on it anyway
            present = False
        if not present:
            found[sha] = MissingPhoto(sha, name or f"{sha[:12]}…", owner)
    return sorted(found.values(), key=lambda p: (p.name, p.sha256))


def describe_missing(missing: list[MissingPhoto], shown: int = 5) -> list[str]:
    """Lines for the result box (nothing when no photo is missing)."""
    if not missing:
        return []
    names = tr("、").join(p.name for p in missing[:shown])
    more = tr(" 等") if len(missing) > shown else ""
    return [
        tr("注意：{n} 张照片的文件在本机找不到，数据包中只有照片记录、没有图片：{names}{more}").format(
            n=len(missing), names=names, more=more
        ),
        "    " + tr("可在原记录（隐患、复查等）中重新添加照片，下次导出时会一并发送。"),
    ]
