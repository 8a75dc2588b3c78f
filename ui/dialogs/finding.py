"""The finding dialog (隐患): edit the order, photos, history, and move the finding along its life.

Actions are enabled from :func:`hazdesk.domain.lifecycle.allowed_targets` — 企业已整改 (Ctrl+R),
复查… (Ctrl+E), 设定新的整改期限… for 复查不合格, 删除 (Delete; only an untouched 待整改 finding,
confirmed). Refusals from the services are shown with their own message and nothing typed is lost.
With no ``finding_id`` the dialog records a new finding (for an enterprise, optionally within an
inspection). GUI thread only.
"""

from __future__ import annotations

import html
import uuid

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hazdesk.domain.lifecycle import FindingStatus, allowed_targets, days_overdue, label
from hazdesk.errors import ValidationError
from hazdesk.services import Changes
from hazdesk.services.findings import add_finding, attach_photo, delete_finding, report_rectified, update_finding
from hazdesk.store.models import Enterprise, Finding
from ui.context import AppContext
from ui.dialogs.finding_history import FindingHistory, NewDeadlineDialog
from ui.dialogs.reinspection import ReinspectionDialog
from ui.i18n import tr
from ui.widgets import confirm
from ui.widgets.finding_form import FindingForm
from ui.widgets.photo_strip import PhotoStrip

STATUS_COLOURS = {"pending": "#c5221f", "rectified": "#b06000", "closed": "#1e8e3e", "failed": "#c5221f"}


class FindingDialog(QDialog):
    saved = Signal(object)  # finding id

    def __init__(
        self,
        ctx: AppContext,
        finding_id: uuid.UUID | None,
        *,
        enterprise_id: uuid.UUID | None = None,
        inspection_id: uuid.UUID | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.finding_id = finding_id
        self._enterprise_id, self._inspection_id = enterprise_id, inspection_id
        self.status = FindingStatus.PENDING
        self.reinspection_dialog: ReinspectionDialog | None = None
        self.setMinimumSize(720, 640)

        self.heading = QLabel()
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.heading.setWordWrap(True)
        self.form = FindingForm(ctx.today())
        self.photos = PhotoStrip(ctx, "finding", finding_id)
        self.history = FindingHistory(ctx)

        self.save_button = self._button(
            tr("保存修改"), tr("保存隐患内容和整改期限（Ctrl+S）"), self.save, QKeySequence.StandardKey.Save
        )
        self.rectified_button = self._button(
            tr("企业已整改"), tr("企业报告隐患已整改完毕，等待复查（Ctrl+R）"), self.report_rectified, "Ctrl+R"
        )
        self.reinspect_button = self._button(
            tr("复查…"), tr("记录复查结果：合格销号，不合格重新限期（Ctrl+E）"), self.reinspect, "Ctrl+E"
        )
        self.deadline_button = self._button(
            tr("设定新的整改期限…"), tr("复查不合格后重新限期整改（Ctrl+D）"), self.new_deadline, "Ctrl+D"
        )
        self.delete_button = self._button(tr("删除"), tr("删除误登记的隐患（Delete；会先确认）"), self.delete, "Delete")
        self.delete_button.setStyleSheet("QPushButton { color: #b3261e; } QPushButton:disabled { color: #9aa0a6; }")
        self.close_button = self._button(tr("关闭"), tr("关闭窗口（Esc）"), self.reject, None)
        self.documents_button = self._button(
            tr("执法文书…"), tr("预览、签发并打印该隐患所在检查的执法文书（Ctrl+P）"), self.open_documents, "Ctrl+P"
        )
        self._documents_inspection: uuid.UUID | None = None
        self.documents_button.setEnabled(False)  # until a saved finding of an inspection is loaded

        photos_box = QGroupBox(tr("照片"))
        QVBoxLayout(photos_box).addWidget(self.photos)
        history_box = QGroupBox(tr("整改与复查记录"))
        QVBoxLayout(history_box).addWidget(self.history)
        actions = QHBoxLayout()
        for button in (self.rectified_button, self.reinspect_button, self.deadline_button, self.delete_button):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.documents_button)
        actions.addWidget(self.save_button)
        actions.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.form)
        layout.addWidget(photos_box)
        layout.addWidget(history_box)
        layout.addLayout(actions)
        self.form.edited.connect(lambda: self.save_button.setEnabled(self._editable()))
        self.reload()

    def _button(self, text: str, tip: str, slot: object, shortcut: object) -> QPushButton:
        button = QPushButton(text)
        button.setToolTip(tip)
        button.setAutoDefault(False)
        if shortcut is not None:
            button.setShortcut(QKeySequence(shortcut))  # type: ignore[arg-type]
        button.clicked.connect(slot)  # type: ignore[arg-type]
        return button

    # --- state ---------------------------------------------------------------------------------
    def reload(self) -> None:
        if self.finding_id is None:
            with self._ctx.db.session() as session:
                enterprise = session.get(Enterprise, self._enterprise_id)
                name = html.escape(enterprise.name) if enterprise else ""  # shown as rich text
            self.setWindowTitle(tr("登记隐患") + f" — {html.unescape(name)}")
            self.heading.setText(f"<b>{name}</b>　" + tr("新隐患：保存后可复查"))
            self.form.deadline.set_base(self._ctx.today())
            self.history.hide()
            self._enable(FindingStatus.PENDING, untouched=False)
            self.save_button.setText(tr("登记隐患"))
            self.save_button.setEnabled(True)
            return
        with self._ctx.db.session() as session:
            finding = session.get(Finding, self.finding_id)
            if finding is None or finding.deleted:
                self.heading.setText(tr("隐患不存在或已删除"))
                self._enable(FindingStatus.CLOSED, untouched=False)
                return
            self.status = FindingStatus(finding.status)
            name = html.escape(finding.enterprise.name)  # shown as rich text
            self.form.load(finding)
            self.history.load(finding)
            untouched = not finding.reinspections
            late = days_overdue(self.status, finding.deadline, self._ctx.today())
            found_on, deadline = finding.found_on, finding.deadline
            self._documents_inspection = finding.inspection_id
        self.documents_button.setEnabled(self._documents_inspection is not None)
        self.setWindowTitle(tr("隐患", context="one") + f" — {html.unescape(name)}")
        colour = STATUS_COLOURS[self.status.value]
        overdue = (
            f'　<span style="color:#c5221f"><b>{tr("已逾期 {n} 天").replace("{n}", str(late))}</b></span>'
            if late
            else ""
        )
        self.heading.setText(
            f"<b>{name}</b>　<span style='color:{colour}'><b>{tr(label(self.status))}</b></span>　"
            f"{tr('发现日期')} {found_on.isoformat()}　{tr('整改期限')} {deadline.isoformat()}{overdue}"
        )
        self._enable(self.status, untouched=untouched)

    def _editable(self) -> bool:
        return self.finding_id is None or self.status is FindingStatus.PENDING

    def _enable(self, status: FindingStatus, *, untouched: bool) -> None:
        exists = self.finding_id is not None
        targets = allowed_targets(status) if exists else frozenset()
        self.rectified_button.setEnabled(FindingStatus.RECTIFIED in targets)
        self.reinspect_button.setEnabled(bool(targets & {FindingStatus.CLOSED, FindingStatus.FAILED}))
        self.deadline_button.setVisible(status is FindingStatus.FAILED)
        self.deadline_button.setEnabled(FindingStatus.PENDING in targets)
        self.delete_button.setEnabled(exists and status is FindingStatus.PENDING and untouched)
        self.form.set_read_only(not self._editable())
        self.save_button.setEnabled(False)
        self.photos.set_editable(status is not FindingStatus.CLOSED or not exists)

    def _done(self, changes: Changes) -> None:
        self._ctx.publish(changes)
        self.reload()

    # --- actions -------------------------------------------------------------------------------
    def save(self) -> bool:
        try:
            if self.finding_id is None:
                self.finding_id, changes = add_finding(
                    self._ctx.db,
                    enterprise_id=self._enterprise_id,  # type: ignore[arg-type]
                    data=self.form.value(),
                    deadline=self.form.deadline.choice(),
                    today=self._ctx.today(),
                    inspection_id=self._inspection_id,
                )
                for source in self.photos.pending_files():  # chosen before the finding existed
                    changes.merge(
                        attach_photo(
                            self._ctx.db,
                            self._ctx.data_root,
                            owner_kind="finding",
                            owner_id=self.finding_id,
                            source=source,
                        )[1]
                    )
                self.photos.set_owner(self.finding_id)
            else:
                changes = update_finding(
                    self._ctx.db, self.finding_id, self.form.value(), deadline=self.form.deadline.deadline()
                )
        except ValidationError as exc:
            if not self.form.show_error(exc):
                self._ctx.show_error(self, exc)
            return False
        except Exception as exc:
            self._ctx.show_error(self, exc)
            return False
        self.saved.emit(self.finding_id)
        self._done(changes)
        return True

    def report_rectified(self) -> None:
        if self.finding_id is None or not self.rectified_button.isEnabled():
            return
        reply = QMessageBox.question(
            self,
            tr("企业已整改"),
            tr("确认企业已报告整改完毕（{d}）？之后需复查判定合格或不合格。").replace(
                "{d}", self._ctx.today().isoformat()
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes,
        )
        if reply != QMessageBox.StandardButton.Yes:
            return
        try:
            changes = report_rectified(self._ctx.db, self.finding_id, on=self._ctx.today())
        except Exception as exc:
            self._ctx.show_error(self, exc)
            return
        self._done(changes)

    def reinspect(self) -> None:
        if self.finding_id is None or not self.reinspect_button.isEnabled():
            return
        dialog = ReinspectionDialog(self._ctx, self.finding_id, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.recorded.connect(lambda _id: self.reload())
        self.reinspection_dialog = dialog
        dialog.open()

    def new_deadline(self) -> None:
        if self.finding_id is None or not self.deadline_button.isEnabled():
            return
        with self._ctx.db.session() as session:
            old = session.get(Finding, self.finding_id).deadline  # type: ignore[union-attr]
        dialog = NewDeadlineDialog(self._ctx, self.finding_id, old, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.deadline_set.connect(lambda _c: self.reload())
        dialog.open()

    def delete(self) -> None:
        if self.finding_id is None or not self.delete_button.isEnabled():
            return
        question = tr("删除这条隐患？只应删除误登记的隐患，删除后不能恢复。")
        if not confirm.ask_destructive(self, tr("删除隐患"), question):
            return
        try:
            changes = delete_finding(self._ctx.db, self.finding_id)
        except Exception as exc:
            self._ctx.show_error(self, exc)
            return
        self._ctx.publish(changes)
        self.accept()

    def open_documents(self) -> None:
        """The 执法文书 of the inspection this finding was recorded in (责改, 复查 … list it)."""
        if self._documents_inspection is None:
            return
        from ui.dialogs.documents import open_documents  # QtPdf is loaded only when documents are used

        open_documents(self._ctx, self._documents_inspection, self)
