"""The district laptop's half of the sync page: what waits to be sent (draft inspections stay on the
laptop until completed), export a bundle — what the office has not acknowledged yet, or everything again
as a full snapshot when the office lost data — encrypted to the office's key, import the office's
receipts and corrections. An export names the photos it could not find on disk. GUI thread only."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from hazdesk.errors import HazdeskError, ValidationError
from hazdesk.sync.exporter import ExportResult, export_bundle
from hazdesk.sync.keys import display_fingerprint, read_public_key
from hazdesk.sync.status import SyncStatus
from ui.i18n import tr
from ui.jobs import run_job
from ui.views.sync_support import (
    HeldBack,
    adapt_progress,
    describe_missing,
    drafts_held_back,
    hlc_time,
    missing_photos,
    status_label,
    table_label,
    when,
)
from ui.views.sync_widgets import SyncTable, confirm, fill_rejections, rejection_table

if TYPE_CHECKING:
    from ui.views.sync import SyncPage

OFFICE_KEY_SETTING = "sync/office_key"


class DistrictPanel(QWidget):
    def __init__(self, page: SyncPage) -> None:
        super().__init__()
        self._page = page
        ctx = page.ctx
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

        waiting = QGroupBox(tr("待发送给市局"))
        box = QVBoxLayout(waiting)
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setStyleSheet("font-size: 15px; font-weight: bold;")
        self.acked = QLabel()
        self.acked.setTextFormat(Qt.TextFormat.PlainText)
        self.acked.setWordWrap(True)
        self.drafts = QLabel()
        self.drafts.setTextFormat(Qt.TextFormat.PlainText)
        self.drafts.setWordWrap(True)
        self.drafts.setStyleSheet("color: #555;")
        self.pending = SyncTable([tr("数据"), tr("条数")], stretch=0)
        box.addWidget(self.summary)
        box.addWidget(self.acked)
        box.addWidget(self.drafts)
        box.addWidget(self.pending, 1)

        send = QGroupBox(tr("导出与导入"))
        grid = QVBoxLayout(send)
        key_row = QHBoxLayout()
        key_row.addWidget(QLabel(tr("市局公钥文件：")))
        self.office_key = QLineEdit(str(ctx.settings.value(OFFICE_KEY_SETTING, "") or ""))
        self.office_key.setReadOnly(True)
        self.office_key.setPlaceholderText(tr("可选：首次导出时选择市局公钥，数据包将加密给市局"))
        choose = QPushButton(tr("选择…"))
        choose.clicked.connect(self.choose_office_key)
        clear = QPushButton(tr("清除"))
        clear.clicked.connect(lambda: self.set_office_key(""))
        key_row.addWidget(self.office_key, 1)
        key_row.addWidget(choose)
        key_row.addWidget(clear)
        grid.addLayout(key_row)

        buttons = QHBoxLayout()
        self.export_button = QPushButton(tr("导出同步包…"))
        self.export_button.setStyleSheet("font-weight: bold;")
        self.export_button.setToolTip(tr("只含市局尚未确认的修改（增量），平时用这个"))
        self.export_button.clicked.connect(lambda: self.export_bundle())
        self.resend_button = QPushButton(tr("全部重新发送（完整快照）…"))
        self.resend_button.setToolTip(tr("市局丢失了数据或换用新数据库时使用：本机全部数据（检查草稿除外）重新打包"))
        self.resend_button.clicked.connect(lambda: self.resend_all())
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.resend_button)
        buttons.addStretch(1)
        grid.addLayout(buttons)
        receipts = QHBoxLayout()
        self.receipts_button = QPushButton(tr("导入回执/更正…"))
        self.receipts_button.clicked.connect(self.import_receipts)
        receipts.addWidget(self.receipts_button)
        receipts.addStretch(1)
        grid.addLayout(receipts)
        hint = QLabel(
            tr(
                "同步包交给市局（U 盘、邮件或共享文件夹）。「导出同步包」只含市局尚未确认的修改；"
                "导入市局的回执后，已确认的记录不再重复发送，市局的更正和检查计划一并写入本机。"
                "市局丢失数据时，用「全部重新发送」。"
            )
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555;")
        grid.addWidget(hint)
        grid.addStretch(1)

        top = QHBoxLayout()
        top.addWidget(waiting, 1)
        top.addWidget(send, 1)
        layout.addLayout(top, 3)

        self.tabs = QTabWidget()
        self.bundles = SyncTable([tr("时间"), tr("方向"), tr("文件"), tr("记录数"), tr("状态"), tr("说明")], stretch=2)
        self.rejected = rejection_table()
        self.tabs.addTab(self.bundles, tr("数据包记录"))
        self.tabs.addTab(self.rejected, tr("已拒绝"))
        layout.addWidget(self.tabs, 2)

    def refresh(self, status: SyncStatus) -> None:
        held = drafts_held_back(self._page.ctx.db) if status.drafts_held else HeldBack()
        pending = {name: count - held.pending.get(name, 0) for name, count in status.pending.items()}
        pending = {name: count for name, count in pending.items() if count > 0}  # drafts are not sent
        total = sum(pending.values())
        self.summary.setText(
            tr("共 {n} 条记录待发送").format(n=total) if total else tr("没有待发送的数据：市局已确认全部记录")
        )
        rows = [(name, [table_label(name), str(count)]) for name, count in sorted(pending.items())]
        self.pending.set_rows(rows)
        note = tr(
            "检查草稿（尚未完成的检查）连同其隐患、照片和文书留在本机，不随同步包发送；检查完成后，下一次导出自动带上。"
        )
        if held.inspections:
            parts = [tr("{n} 条隐患").format(n=held.findings)] if held.findings else []
            parts += [tr("{n} 张照片").format(n=held.photos)] if held.photos else []
            detail = tr("（含 {parts}）").format(parts=tr("、").join(parts)) if parts else ""
            note += "\n" + tr("目前有 {n} 份检查草稿暂不发送{detail}。").format(n=held.inspections, detail=detail)
        self.drafts.setText(note)
        # (set-up data may list the office without a key: only an office whose key we hold counts)
        offices = [p for p in status.peers if p.role == "office" and p.enrolled_at is not None and p.fingerprint]
        if offices:
            acked = max((hlc_time(p.acked_hlc) for p in offices if p.acked_hlc), default=None)
            names = "、".join(f"{p.name}（{display_fingerprint(p.fingerprint)[:14]}…）" for p in offices)
            text = tr("市局：{names}").format(names=names) + "\n"
            text += tr("市局已确认 {when} 之前的修改").format(when=when(acked)) if acked else tr("市局尚未发来回执")
        else:
            text = tr("尚未与市局交换过数据包：导出时选择市局公钥文件即可加密给市局")
        self.acked.setText(text)
        arrows = {"out": tr("导出"), "in": tr("导入")}
        self.bundles.set_rows(
            [
                (
                    str(b.bundle_id),
                    [
                        when(b.processed_at),
                        arrows.get(b.direction, b.direction),
                        b.file_name,
                        str(b.record_count),
                        status_label(b.status),
                        b.note,
                    ],
                )
                for b in status.bundles
            ]
        )
        fill_rejections(self.rejected, status.rejections)
        self.tabs.setTabText(1, tr("已拒绝（{n}）").format(n=len(status.rejections)))

    # --- actions -------------------------------------------------------------------------------
    def set_office_key(self, path: str) -> None:
        self.office_key.setText(path)
        self._page.ctx.settings.setValue(OFFICE_KEY_SETTING, path)

    def choose_office_key(self) -> None:
        start = str(Path(self.office_key.text()).parent) if self.office_key.text() else ""
        path, _ = QFileDialog.getOpenFileName(
            self, tr("选择市局公钥文件"), start, tr("公钥文件 (*.pub.json *.json);;所有文件 (*)")
        )
        if not path:
            return
        try:
            office = read_public_key(Path(path))
        except HazdeskError as exc:  # the key file's own message says what is wrong
            self._page.ctx.show_error(self, exc)
            return
        if office.role != "office":
            message = tr("这不是市局的公钥文件（角色：{role}）").format(role=office.role)
            self._page.ctx.show_error(self, ValidationError(message, field="office_key"))
            return
        self.set_office_key(path)
        self._page.report(
            [tr("已选择市局公钥，指纹 {fp}：请与市局电话核对").format(fp=display_fingerprint(office.fingerprint))]
        )

    def export_bundle(self) -> None:
        """What the office has not acknowledged yet (the everyday export)."""
        self._export(full=False)

    def resend_all(self) -> None:
        """Everything again (a full snapshot), after a person confirmed it is what the office needs."""
        text = (
            tr("「全部重新发送」把本机的全部数据（检查草稿除外）重新打包成一个完整快照，数据包会比平时大得多。")
            + "\n\n"
            + tr("只在以下情况使用：")
            + "\n"
            + tr("· 市局丢失了数据（例如恢复了旧的备份）；")
            + "\n"
            + tr("· 市局换用了新的数据库。")
            + "\n\n"
            + tr(
                "平时请用「导出同步包」，只发送市局尚未确认的修改。市局导入已有的记录不会重复，也不会覆盖市局更新的修改。"
            )
            + "\n\n"
            + tr("导出完整快照吗？")
        )
        if confirm(self, tr("全部重新发送（完整快照）"), text):
            self._export(full=True)

    def _export(self, *, full: bool) -> None:
        folder = self._page.choose_folder("export_dir", tr("同步包保存到（U 盘或共享文件夹）"))
        if folder is None or not self._page.unlock():
            return
        ctx = self._page.ctx
        db, root, secret = ctx.db, ctx.data_root, self._page.passphrase()
        key_file = self.office_key.text().strip()

        def work(progress: Callable[[int, int, str], None], cancelled: Callable[[], bool]) -> Any:
            to = read_public_key(Path(key_file)) if key_file else None
            result = export_bundle(
                db,
                folder,
                data_root=root,
                to=to,
                full=full,
                passphrase=secret,
                progress=adapt_progress(progress),
                cancel=cancelled,
            )
            return result, missing_photos(db, root, since=result.since, destination=result.destination)

        def done(outcome: tuple[ExportResult, list[Any]]) -> None:
            result, missing = outcome
            kind = tr("完整快照") if result.full else tr("增量")
            sealed = tr("已加密给市局") if result.encrypted else tr("未加密（未指定市局公钥）")
            lines = [
                tr("已导出{kind}同步包（{sealed}）：{n} 条记录，{files} 张照片").format(
                    kind=kind, sealed=sealed, n=result.records, files=result.files
                )
            ]
            lines += [f"    {path}" for path in result.paths]
            lines += describe_missing(missing)
            self._page.report(lines)
            self._page.refresh()

        label = tr("正在导出完整快照…") if full else tr("正在导出同步包…")
        run_job(self, label, work, done, self._page.failed)

    def import_receipts(self) -> None:
        paths = self._page.choose_bundles(tr("选择市局的回执/更正数据包"))
        if paths:
            self._page.import_paths(paths, tr("正在导入回执…"))
