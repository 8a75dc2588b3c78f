"""The office's half of the sync page (市安委会办公室): import bundles, the imported / quarantined /
rejected lists and why, enrolling district laptops by fingerprint, the conflict list (冲突复核) and
receipts back to the districts. GUI thread only."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from hazdesk.errors import HazdeskError
from hazdesk.services import Changes
from hazdesk.sync.conflicts import ConflictView, list_conflicts, resolve_conflict
from hazdesk.sync.exporter import ExportResult, export_bundle
from hazdesk.sync.keys import PublicIdentity, display_fingerprint, read_public_key
from hazdesk.sync.peers import trust
from hazdesk.sync.quarantine import held, release
from hazdesk.sync.status import SyncStatus
from ui.i18n import tr
from ui.jobs import run_job
from ui.views.sync_support import (
    ROLE_LABELS,
    adapt_progress,
    changes_of,
    describe_missing,
    describe_result,
    device_names,
    enrolled_districts,
    field_label,
    missing_photos,
    status_label,
    table_label,
    when,
)
from ui.views.sync_widgets import SyncTable, confirm, fill_rejections, rejection_table

if TYPE_CHECKING:
    from ui.views.sync import SyncPage

OPENABLE = {"enterprise": "enterprise", "finding": "finding", "inspection": "inspection"}


def _value(value: Any) -> str:
    return tr("（空）") if value is None or value == "" else str(value)


class OfficePanel(QWidget):
    def __init__(self, page: SyncPage) -> None:
        super().__init__()
        self._page = page
        self._receivers: list[PublicIdentity] = []
        self._conflicts: dict[int, ConflictView] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

        actions = QHBoxLayout()
        self.import_button = QPushButton(tr("导入同步包…"))
        self.import_button.setStyleSheet("font-weight: bold;")
        self.import_button.clicked.connect(self.import_bundles)
        self.enrol_button = QPushButton(tr("登记设备…"))
        self.enrol_button.setToolTip(tr("用区县设备的公钥文件登记该设备（须核对指纹）"))
        self.enrol_button.clicked.connect(lambda: self.enrol_device())
        self.receiver = QComboBox()
        self.receiver.setMinimumWidth(220)
        self.receipt_button = QPushButton(tr("生成回执…"))
        self.receipt_button.clicked.connect(self.export_receipts)
        actions.addWidget(self.import_button)
        actions.addWidget(self.enrol_button)
        actions.addStretch(1)
        actions.addWidget(QLabel(tr("回执发给：")))
        actions.addWidget(self.receiver)
        actions.addWidget(self.receipt_button)
        layout.addLayout(actions)

        self.tabs = QTabWidget()
        self.imported = SyncTable(
            [tr("导入时间"), tr("文件"), tr("来源设备"), tr("记录数"), tr("状态"), tr("说明")], stretch=1
        )
        self.quarantined = SyncTable([tr("收到时间"), tr("文件"), tr("签名者指纹"), tr("说明")], stretch=3)
        self.release_button = QPushButton(tr("登记设备并应用…"))
        self.release_button.clicked.connect(self.enrol_selected)
        self.rejected = rejection_table()
        self.conflicts = SyncTable(
            [
                tr("数据"),
                tr("记录"),
                tr("字段"),
                tr("当前值（胜出）"),
                tr("另一值（落选）"),
                tr("胜出方"),
                tr("发现时间"),
            ],
            stretch=(3, 4),
        )
        self.conflicts.itemActivated.connect(lambda _item: self._open_conflict_record())
        self.keep_button = QPushButton(tr("保留当前值"))
        self.keep_button.clicked.connect(lambda: self.resolve_selected(take_other=False))
        self.take_button = QPushButton(tr("改用另一值"))
        self.take_button.clicked.connect(lambda: self.resolve_selected(take_other=True))
        self.devices = SyncTable([tr("设备"), tr("角色"), tr("区县"), tr("指纹"), tr("登记时间")], stretch=3)

        self.tabs.addTab(self.imported, tr("已导入"))
        self.tabs.addTab(self._with_buttons(self.quarantined, [self.release_button]), tr("隔离"))
        self.tabs.addTab(self.rejected, tr("已拒绝"))
        self.tabs.addTab(self._with_buttons(self.conflicts, [self.keep_button, self.take_button]), tr("冲突"))
        self.tabs.addTab(self.devices, tr("设备"))
        layout.addWidget(self.tabs, 1)

    @staticmethod
    def _with_buttons(table: SyncTable, buttons: list[QPushButton]) -> QWidget:
        holder = QWidget()
        box = QVBoxLayout(holder)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(table, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        for button in buttons:
            row.addWidget(button)
        box.addLayout(row)
        return holder

    # --- showing ---------------------------------------------------------------------------------
    def refresh(self, status: SyncStatus) -> None:
        db = self._page.ctx.db
        names = device_names(status.peers, status.device_id)
        incoming = [b for b in status.bundles if b.direction == "in" and b.status != "quarantined"]
        self.imported.set_rows(
            [
                (
                    str(b.bundle_id),
                    [
                        when(b.processed_at),
                        b.file_name,
                        names.get(str(b.peer_device_id), str(b.peer_device_id)),
                        str(b.record_count),
                        status_label(b.status),
                        b.note,
                    ],
                )
                for b in incoming
            ]
        )
        waiting = held(db)
        self.quarantined.set_rows(
            [
                (
                    b.signer_fingerprint,
                    [when(b.processed_at), b.file_name, display_fingerprint(b.signer_fingerprint), b.note],
                )
                for b in waiting
            ]
        )
        fill_rejections(self.rejected, status.rejections)
        conflicts = list_conflicts(db)
        self._conflicts = {c.id: c for c in conflicts}
        self.conflicts.set_rows(
            [
                (
                    c.id,
                    [
                        table_label(c.table_name),
                        c.row_id[:8],
                        field_label(c.field),
                        _value(c.current_value),
                        _value(c.losing_value),
                        names.get(c.winner_device, c.winner_device[:8]),
                        when(c.detected_at),
                    ],
                )
                for c in conflicts
            ]
        )
        self.devices.set_rows(
            [
                (
                    str(p.device_id),
                    [
                        p.name,
                        tr(ROLE_LABELS.get(p.role, p.role)),
                        p.district_code,
                        display_fingerprint(p.fingerprint) if p.fingerprint else "—",
                        when(p.enrolled_at) if p.enrolled_at else tr("未登记"),
                    ],
                )
                for p in status.peers
            ]
        )
        counts = (len(incoming), len(waiting), len(status.rejections), len(conflicts), len(status.peers))
        titles = (tr("已导入"), tr("隔离"), tr("已拒绝"), tr("冲突"), tr("设备"))
        for index, (title, count) in enumerate(zip(titles, counts, strict=True)):
            self.tabs.setTabText(index, f"{title}（{count}）")
        self._fill_receivers()

    def _fill_receivers(self) -> None:
        self._receivers = enrolled_districts(self._page.ctx.db)
        current = self.receiver.currentIndex()
        self.receiver.clear()
        self.receiver.addItem(tr("全部已登记的区县设备"))
        for device in self._receivers:
            self.receiver.addItem(f"{device.name}（{device.district_code or tr('未注明区县')}）")
        self.receiver.setCurrentIndex(max(0, min(current, self.receiver.count() - 1)))
        self.receipt_button.setEnabled(bool(self._receivers))

    # --- importing and enrolling -----------------------------------------------------------------
    def import_bundles(self) -> None:
        paths = self._page.choose_bundles(tr("选择区县的同步包（分卷文件一并选择）"))
        if paths:
            self._page.import_paths(paths, tr("正在导入同步包…"))

    def enrol_selected(self) -> None:
        fingerprint = self.quarantined.current_key()
        if not fingerprint:
            self._page.report([tr("请先在「隔离」列表中选择一个数据包")])
            return
        self.enrol_device(expected=str(fingerprint))

    def enrol_device(self, expected: str | None = None) -> None:
        """Trust a laptop from its public key file, after a person compared the fingerprint; then
        apply whatever that laptop had sent while unknown."""
        ctx = self._page.ctx
        path, _ = QFileDialog.getOpenFileName(
            self, tr("选择区县设备的公钥文件"), "", tr("公钥文件 (*.pub.json *.json);;所有文件 (*)")
        )
        if not path:
            return
        try:
            device = read_public_key(Path(path))
        except HazdeskError as exc:
            ctx.show_error(self, exc)
            return
        text = tr(
            "设备：{name}\n区县：{district}\n角色：{role}\n\n指纹：{fp}\n\n请与该设备屏幕上显示的指纹逐组核对。指纹一致才能登记。登记吗？"
        ).format(
            name=device.name,
            district=device.district_code or tr("未注明区县"),
            role=tr(ROLE_LABELS.get(device.role, device.role)),
            fp=display_fingerprint(device.fingerprint),
        )
        if not confirm(self, tr("登记设备"), text):
            return
        try:
            trust(ctx.db, device, expected_fingerprint=expected)
        except HazdeskError as exc:
            ctx.show_error(self, exc)
            return
        self._page.report(
            [tr("已登记设备 {name}，指纹 {fp}").format(name=device.name, fp=display_fingerprint(device.fingerprint))]
        )
        self._page.refresh()
        self.release_quarantine()

    def release_quarantine(self) -> None:
        if not self._page.unlock():
            self._page.report([tr("隔离区中的数据包仍在等待：解锁私钥后再次登记该设备即可导入")])
            return
        ctx = self._page.ctx
        db, root, secret = ctx.db, ctx.data_root, self._page.passphrase()

        def work(_progress: Callable[[int, int, str], None], cancelled: Callable[[], bool]) -> Any:
            return release(db, root, passphrase=secret, cancel=cancelled)

        def done(results: list[Any]) -> None:
            applied = [r for r in results if r.status != "quarantined"]
            self._page.report([describe_result(r) for r in applied] or [tr("隔离区中没有该设备的数据包")])
            ctx.publish(changes_of(results))
            self._page.refresh()

        run_job(self, tr("正在导入隔离区的数据包…"), work, done, self._page.failed)

    # --- conflicts -------------------------------------------------------------------------------
    def _selected_conflict(self) -> ConflictView | None:
        key = self.conflicts.current_key()
        return self._conflicts.get(int(key)) if key is not None else None

    def _open_conflict_record(self) -> None:
        conflict = self._selected_conflict()
        if conflict is not None and conflict.table_name in OPENABLE:
            self._page.ctx.navigate(OPENABLE[conflict.table_name], uuid.UUID(conflict.row_id))

    def resolve_selected(self, *, take_other: bool) -> None:
        conflict = self._selected_conflict()
        if conflict is None:
            self._page.report([tr("请先在「冲突」列表中选择一行")])
            return
        where = f"{table_label(conflict.table_name)} {conflict.row_id[:8]} · {field_label(conflict.field)}"
        if take_other:
            text = tr("{where}\n\n把当前值「{now}」改为另一值「{other}」？此修改将随下一次回执发回区县。")
        else:
            text = tr("{where}\n\n保留当前值「{now}」，放弃另一值「{other}」？")
        text = text.format(where=where, now=_value(conflict.current_value), other=_value(conflict.losing_value))
        if not confirm(self, tr("处理冲突"), text):
            return
        try:
            resolve_conflict(self._page.ctx.db, conflict.id, take_losing_value=take_other)
        except HazdeskError as exc:
            self._page.ctx.show_error(self, exc)
            self._page.refresh()
            return
        self._page.report([tr("冲突已处理：{where}").format(where=where)])
        if take_other:
            self._page.ctx.publish(Changes().add(conflict.table_name, uuid.UUID(conflict.row_id)))
        self._page.refresh()

    # --- receipts --------------------------------------------------------------------------------
    def export_receipts(self) -> None:
        index = self.receiver.currentIndex()
        targets = list(self._receivers) if index <= 0 else [self._receivers[index - 1]]
        if not targets:
            return
        folder = self._page.choose_folder("receipt_dir", tr("回执保存到"))
        if folder is None or not self._page.unlock():
            return
        ctx = self._page.ctx
        db, root, secret = ctx.db, ctx.data_root, self._page.passphrase()

        def work(progress: Callable[[int, int, str], None], cancelled: Callable[[], bool]) -> Any:
            outcomes = []
            for device in targets:
                result = export_bundle(
                    db,
                    folder,
                    data_root=root,
                    to=device,
                    passphrase=secret,
                    progress=adapt_progress(progress),
                    cancel=cancelled,
                )
                missing = missing_photos(
                    db, root, since=result.since, destination=result.destination, district=device.district_code
                )
                outcomes.append((result, missing))
            return outcomes

        def done(outcomes: list[tuple[ExportResult, list[Any]]]) -> None:
            lines: list[str] = []
            for device, (result, missing) in zip(targets, outcomes, strict=True):
                lines.append(
                    tr("回执已生成：{name}（{district}），{n} 条记录").format(
                        name=device.name, district=device.district_code, n=result.records
                    )
                )
                lines += [f"    {path}" for path in result.paths]
                lines += describe_missing(missing)
            self._page.report(lines)
            self._page.refresh()

        run_job(self, tr("正在生成回执…"), work, done, self._page.failed)
