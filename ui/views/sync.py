"""同步 (数据同步): sync bundles between district laptops and the municipal office (市安委会办公室).

The header says who this device is (role, key fingerprint, whether its private keys are protected by a
passphrase) and exports its public key file. Below it a district laptop sees what waits to be sent,
exports bundles (incremental, or everything again as a full snapshot) and imports the office's receipts;
the office imports bundles, enrols laptops, reviews quarantined and rejected bundles and the conflict
list, and writes receipts. Every import and export runs through ``run_job`` (progress, cancel); what
happened is written to the result box at the bottom, errors go through ``ctx.show_error``.

Passphrase-protected keys: before anything that needs the private keys, :meth:`SyncPage.unlock` asks
for the passphrase (unless ``HAZDESK_KEY_PASSPHRASE`` or an earlier answer opens them) and keeps it in
memory for this run only.

GUI thread only; the work itself is :mod:`hazdesk.sync`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent, QTextOption
from PySide6.QtWidgets import (
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
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
from hazdesk.sync.keys import (
    PassphraseError,
    display_fingerprint,
    public_key_file_name,
    sync_role,
    write_public_key,
)
from hazdesk.sync.status import SyncStatus, sync_status
from ui.context import AppContext
from ui.i18n import tr
from ui.jobs import run_job
from ui.views.sync_district import DistrictPanel
from ui.views.sync_office import OfficePanel
from ui.views.sync_support import (
    PASSPHRASE_ENV,
    ROLE_LABELS,
    KeyLock,
    adapt_progress,
    changes_of,
    describe_result,
    identity,
)

RECENT = 200  # bundles and refusals listed
PASSPHRASE_TRIES = 3  # wrong answers before the page gives up and says so


class SyncPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._stale = False
        self.status: SyncStatus | None = None
        self.lock = KeyLock(ctx.data_root, ctx.db.device_id)
        layout = QVBoxLayout(self)

        title = QLabel(tr("数据同步"))
        title.setStyleSheet("font-size: 18px; font-weight: bold;")
        layout.addWidget(title)

        header = QGroupBox(tr("本机"))
        rows = QVBoxLayout(header)
        row = QHBoxLayout()
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
        rows.addLayout(row)
        lock_row = QHBoxLayout()
        self.lock_label = QLabel()
        self.lock_label.setTextFormat(Qt.TextFormat.PlainText)
        self.lock_label.setWordWrap(True)
        self.passphrase_button = QPushButton()
        self.passphrase_button.clicked.connect(self.change_passphrase)
        lock_row.addWidget(self.lock_label, 1)
        lock_row.addWidget(self.passphrase_button)
        rows.addLayout(lock_row)
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
        """Make (or load) this device's keys and record its public key. A protected key whose
        passphrase is not known yet is left alone: the page asks when it is needed."""
        try:
            if self.lock.ready():
                identity(self.ctx.db, self.ctx.data_root, self.ctx.district_code(), self.lock.passphrase())
        except HazdeskError as exc:  # a damaged or unreadable key file: say so, go on
            self.report([tr("本机密钥不可用：{error}").format(error=exc)])

    def passphrase(self) -> bytes | None:
        """What to hand to the core for this device's keys (call :meth:`unlock` first)."""
        return self.lock.passphrase()

    def unlock(self) -> bool:
        """Make sure this device's private keys can be opened, asking for the passphrase if they are
        protected and neither an earlier answer nor ``HAZDESK_KEY_PASSPHRASE`` opens them. False when
        the person cancelled or gave up (then nothing should run)."""
        try:
            if self.lock.ready():
                return True
        except HazdeskError as exc:
            self.failed(exc)
            return False
        label = tr("本机私钥受口令保护，请输入口令（只在本次运行期间记住，不会保存）：")
        for attempt in range(1, PASSPHRASE_TRIES + 1):
            text, ok = QInputDialog.getText(self, tr("私钥口令"), label, QLineEdit.EchoMode.Password)
            if not ok:
                self.report([tr("已取消：没有输入私钥口令，未导出也未导入")])
                return False
            try:
                opened = self.lock.try_passphrase(text.encode("utf-8"))
            except HazdeskError as exc:
                self.failed(exc)
                return False
            if opened:
                self._make_identity()
                self.report([tr("私钥已解锁（口令只在本次运行期间记住）")])
                self.refresh()
                return True
            label = tr("口令不正确（第 {n} 次，共 {max} 次），请重新输入：").format(n=attempt, max=PASSPHRASE_TRIES)
        error = PassphraseError(
            tr(
                "私钥口令不正确（连续 {n} 次）。未导出也未导入。"
                "请确认口令后重试；忘记口令只能重新生成密钥，并请市局重新登记本机。"
            ).format(n=PASSPHRASE_TRIES),
            missing=False,
        )
        self.report([tr("未完成：{error}").format(error=error)])
        self.ctx.show_error(self, error)
        return False

    def change_passphrase(self) -> None:
        """Set, change or remove the passphrase on this device's private keys."""
        from ui.dialogs.key_passphrase import PassphraseDialog

        if not self.lock.exists:
            self._make_identity()
            if not self.lock.exists:
                return
        dialog = PassphraseDialog(self.ctx, self.lock, self)
        if dialog.exec() != PassphraseDialog.DialogCode.Accepted:
            return
        self.lock.remember(dialog.new_passphrase)
        lines = [tr("私钥口令已设置（本次运行期间已解锁）") if dialog.new_passphrase else tr("私钥口令保护已取消")]
        if os.environ.get(PASSPHRASE_ENV):
            lines.append("    " + tr("命令行使用的环境变量 HAZDESK_KEY_PASSPHRASE 仍是旧口令，请一并更新"))
        self.report(lines)
        self.refresh()

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
        self._show_lock()
        if role == "office":
            self.panels.setCurrentWidget(self.office)
            self.office.refresh(status)
        else:
            self.panels.setCurrentWidget(self.district)
            self.district.refresh(status)

    def _show_lock(self) -> None:
        try:
            exists, protected = self.lock.exists, self.lock.protected
            unlocked = protected and self.lock.ready()
        except HazdeskError:
            exists, protected, unlocked = True, True, False
        if not exists:
            text = tr("私钥：尚未生成")
        elif not protected:
            text = tr("私钥：未设口令（建议设置，以免他人用这台电脑以本机名义签名同步包）")
        elif unlocked:
            text = tr("私钥：受口令保护，本次运行已解锁")
        else:
            text = tr("私钥：受口令保护，导出或导入时会询问口令")
        self.lock_label.setText(text)
        self.passphrase_button.setText(tr("修改口令…") if protected else tr("设置口令…"))
        self.passphrase_button.setEnabled(exists)

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
        if folder is None or not self.unlock():
            return
        try:
            keys, me = identity(self.ctx.db, self.ctx.data_root, self.ctx.district_code(), self.passphrase())
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
        """Import bundle files off the GUI thread; each bundle's outcome goes to the result box.
        The keys are unlocked first: a bundle encrypted to this device needs them, and a locked key
        would otherwise record the bundle as refused."""
        if not self.unlock():
            return
        db, root, secret = self.ctx.db, self.ctx.data_root, self.passphrase()

        def work(progress: Callable[[int, int, str], None], cancelled: Callable[[], bool]) -> Any:
            return import_files(
                db, paths, data_root=root, passphrase=secret, progress=adapt_progress(progress), cancel=cancelled
            )

        def done(results: list[ImportResult]) -> None:
            self.report([describe_result(r) for r in results] or [tr("没有选择文件")])
            self.ctx.publish(changes_of(results))
            self.refresh()

        run_job(self, label, work, done, self.failed)
