"""同步 (数据同步): sync bundles between district laptops and the municipal office (市安委会办公室).

The header says who this device is (role, key fingerprint) and exports its public key file. Below it a
district laptop sees what waits to be sent, exports bundles and imports the office's receipts; the
office imports bundles, enrols laptops, reviews quarantined and rejected bundles and the conflict
list, and writes receipts. Every import and export runs through ``run_job`` (progress, cancel); what
happened is written to the result box at the bottom, errors go through ``ctx.show_error``.

GUI thread only; the work itself is :mod:`hazdesk.sync`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent, QTextOption
from PySide6.QtWidgets import (
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from hazdesk.errors import HazdeskError
from hazdesk.services import Changes
from hazdesk.sync.importer import ImportResult, import_files
from hazdesk.sync.keys import display_fingerprint, public_key_file_name, sync_role, write_public_key
from hazdesk.sync.status import SyncStatus, sync_status
from ui.context import AppContext
from ui.i18n import tr
from ui.jobs import run_job
from ui.views.sync_district import DistrictPanel
from ui.views.sync_office import OfficePanel
from ui.views.sync_support import ROLE_LABELS, adapt_progress, changes_of, describe_result, identity, passphrase

RECENT = 200  # bundles and refusals listed


class SyncPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._stale = False
        self.status: SyncStatus | None = None
        layout = QVBoxLayout(self)

        title = QLabel(tr("数据同步"))
        title.setStyleSheet("font-size: 18px; font-weight: bold;")
        layout.addWidget(title)

        header = QGroupBox(tr("本机"))
        row = QHBoxLayout(header)
        self.role_label = QLabel()
        self.role_label.setTextFormat(Qt.TextFormat.PlainText)
        self.fingerprint_label = QLabel()
        self.fingerprint_label.setTextFormat(Qt.TextFormat.PlainText)
        self.fingerprint_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.fingerprint_label.setStyleSheet("font-family: monospace; font-size: 14px;")
        self.key_button = QPushButton(tr("导出本机公钥…"))
        self.key_button.clicked.connect(self.export_public_key)
        row.addWidget(self.role_label)
        row.addSpacing(24)
        row.addWidget(QLabel(tr("密钥指纹：")))
        row.addWidget(self.fingerprint_label, 1)
        row.addWidget(self.key_button)
        layout.addWidget(header)

        self.district = DistrictPanel(self)
        self.office = OfficePanel(self)
        self.panels = QStackedWidget()
        self.panels.addWidget(self.district)
        self.panels.addWidget(self.office)

        results = QGroupBox(tr("操作结果"))
        inner = QVBoxLayout(results)
        self.results = QPlainTextEdit()
        self.results.setReadOnly(True)
        self.results.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.results.setMinimumHeight(90)
        self.results.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)  # long paths
        self.results.setPlaceholderText(tr("导入、导出的结果显示在这里。"))
        inner.addWidget(self.results)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.panels)
        splitter.addWidget(results)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([520, 170])
        layout.addWidget(splitter, 1)

        QShortcut(QKeySequence(QKeySequence.StandardKey.Refresh), self, activated=self.refresh)
        ctx.changed.connect(self._on_changed)
        self._make_identity()
        self.refresh()

    # --- state ---------------------------------------------------------------------------------
    @property
    def role(self) -> str:
        return sync_role(self.ctx.db)

    def _make_identity(self) -> None:
        try:
            identity(self.ctx.db, self.ctx.data_root, self.ctx.district_code())
        except HazdeskError as exc:  # a passphrase-protected key without the passphrase: say so, go on
            self.report([tr("本机密钥不可用：{error}").format(error=exc)])

    def refresh(self) -> None:
        self._stale = False
        status = sync_status(self.ctx.db, recent=RECENT)
        self.status = status
        role = status.role
        district = self.ctx.district_code() or ""
        label = tr(ROLE_LABELS.get(role, role))
        self.role_label.setText(tr("角色：{role}").format(role=label) + (f"（{district}）" if district else ""))
        self.fingerprint_label.setText(
            display_fingerprint(status.fingerprint) if status.fingerprint else tr("（尚未生成密钥）")
        )
        self.key_button.setToolTip(
            tr("写出市局公钥文件，发给各区县（导出同步包时用它加密）")
            if role == "office"
            else tr("写出本机公钥文件，交市局登记本机")
        )
        if role == "office":
            self.panels.setCurrentWidget(self.office)
            self.office.refresh(status)
        else:
            self.panels.setCurrentWidget(self.district)
            self.district.refresh(status)

    def _on_changed(self, _changes: Changes) -> None:
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    # --- shared actions --------------------------------------------------------------------------
    def report(self, lines: list[str]) -> None:
        """Put what just happened at the top of the result box (older results stay below)."""
        old = self.results.toPlainText()
        self.results.setPlainText("\n".join(lines) + (f"\n\n{old}" if old else ""))

    def failed(self, error: BaseException) -> None:
        self.report([tr("未完成：{error}").format(error=error)])
        self.ctx.show_error(self, error)
        self.refresh()

    def choose_folder(self, key: str, title: str) -> Path | None:
        last = str(self.ctx.settings.value(f"sync/{key}", "") or "")
        chosen = QFileDialog.getExistingDirectory(self, title, last)
        if not chosen:
            return None
        self.ctx.settings.setValue(f"sync/{key}", chosen)
        return Path(chosen)

    def choose_bundles(self, title: str) -> list[Path]:
        last = str(self.ctx.settings.value("sync/import_dir", "") or "")
        paths, _ = QFileDialog.getOpenFileNames(self, title, last, tr("hazdesk 同步包 (*.hzb);;所有文件 (*)"))
        if paths:
            self.ctx.settings.setValue("sync/import_dir", str(Path(paths[0]).parent))
        return [Path(p) for p in paths]

    def export_public_key(self) -> None:
        folder = self.choose_folder("key_dir", tr("公钥文件保存到"))
        if folder is None:
            return
        try:
            keys, me = identity(self.ctx.db, self.ctx.data_root, self.ctx.district_code())
            path = write_public_key(keys, me, folder / public_key_file_name(me))
        except (HazdeskError, OSError) as exc:
            self.ctx.show_error(self, exc)
            return
        self.report(
            [
                tr("公钥已写入 {path}").format(path=path),
                tr("指纹：{fp}（请对方核对）").format(fp=display_fingerprint(me.fingerprint)),
            ]
        )
        self.refresh()

    def import_paths(self, paths: list[Path], label: str) -> None:
        """Import bundle files off the GUI thread; each bundle's outcome goes to the result box."""
        db, root, secret = self.ctx.db, self.ctx.data_root, passphrase()

        def work(progress: Callable[[int, int, str], None], cancelled: Callable[[], bool]) -> Any:
            return import_files(
                db, paths, data_root=root, passphrase=secret, progress=adapt_progress(progress), cancel=cancelled
            )

        def done(results: list[ImportResult]) -> None:
            self.report([describe_result(r) for r in results] or [tr("没有选择文件")])
            self.ctx.publish(changes_of(results))
            self.refresh()

        run_job(self, label, work, done, self.failed)
