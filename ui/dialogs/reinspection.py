"""复查: the result of re-inspecting one finding. 合格 closes it; 不合格 needs a new deadline (the
field says so before anything is saved); the re-inspection's own photos are attached to the
Reinspection row (owner_kind "reinspection") once it exists. GUI thread only; the photo intake
runs through :func:`ui.jobs.run_job`.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from hazdesk.errors import ValidationError
from hazdesk.services import Changes
from hazdesk.services.findings import attach_photo, reinspect
from hazdesk.services.people import MIN_INSPECTORS
from hazdesk.store.models import Finding, InspectionInspector, Inspector
from ui.context import AppContext
from ui.i18n import tr
from ui.jobs import run_job
from ui.widgets.deadline_picker import DeadlinePicker
from ui.widgets.dialog_buttons import ok_cancel
from ui.widgets.finding_form import ERROR_STYLE
from ui.widgets.photo_strip import PhotoStrip


class ReinspectionDialog(QDialog):
    recorded = Signal(object)  # reinspection id

    def __init__(self, ctx: AppContext, finding_id: uuid.UUID, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx, self._finding_id = ctx, finding_id
        self.reinspection_id: uuid.UUID | None = None
        self.setWindowTitle(tr("复查"))
        self.setMinimumWidth(620)
        today = ctx.today()
        with ctx.db.session() as session:
            finding = session.get(Finding, finding_id)
            assert finding is not None
            summary = f"{finding.enterprise.name}：{finding.description}"
            deadline = finding.deadline
            earliest = max(finding.found_on, finding.rectified_on or finding.found_on)
            # The officers of the inspection that found it are the usual 复查 pair: ticked by default.
            usual = set(
                session.scalars(
                    select(InspectionInspector.inspector_id).where(
                        InspectionInspector.inspection_id == finding.inspection_id
                    )
                )
            )
            officers = session.execute(
                select(Inspector.id, Inspector.name)
                .where(
                    Inspector.deleted.is_(False),
                    Inspector.active.is_(True),
                    Inspector.district_code == finding.district_code,
                )
                .order_by(Inspector.name)
            ).all()

        about = QLabel(summary)
        about.setWordWrap(True)
        self.passed = QRadioButton(tr("合格（销号）"))
        self.failed = QRadioButton(tr("不合格（重新限期整改）"))
        self.passed.setToolTip(tr("隐患已消除，复查合格后销号（Alt+1）"))
        self.failed.setToolTip(tr("隐患未消除，须给出新的整改期限（Alt+2）"))
        self.passed.setShortcut("Alt+1")
        self.failed.setShortcut("Alt+2")
        group = QButtonGroup(self)
        group.addButton(self.passed)
        group.addButton(self.failed)
        self.passed.setChecked(True)
        result_row = QHBoxLayout()
        result_row.addWidget(self.passed)
        result_row.addWidget(self.failed)
        result_row.addStretch(1)
        self.on = QDateEdit(QDate(today.year, today.month, today.day))
        self.on.setDisplayFormat("yyyy-MM-dd")
        self.on.setCalendarPopup(True)
        self.on.setMaximumWidth(160)
        self.on.setMaximumDate(QDate(today.year, today.month, today.day))  # a 复查 is not recorded ahead
        self.on.setMinimumDate(QDate(earliest.year, earliest.month, earliest.day))  # nor before the finding
        self.new_deadline = DeadlinePicker(today, allow_immediate=False)
        # "7 天" counts from the 复查, but a 复查 entered days later must not set a deadline already past.
        self.on.dateChanged.connect(lambda d: self.new_deadline.set_base(max(d.toPython(), today)))
        self.deadline_error = QLabel()
        self.deadline_error.setStyleSheet(ERROR_STYLE)
        self.deadline_error.setWordWrap(True)
        self.deadline_error.hide()
        self.note = QPlainTextEdit()
        self.note.setPlaceholderText(tr("复查意见"))
        self.note.setFixedHeight(70)
        self.note.setTabChangesFocus(True)
        self.inspectors = QListWidget()
        self.inspectors.setFixedHeight(min(max(len(officers), 2), 4) * 24 + 8)
        me = ctx.inspector_id
        for oid, name in officers:
            item = QListWidgetItem(name)
            item.setData(Qt.ItemDataRole.UserRole, oid)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            ticked = oid == me or (me in usual and oid in usual)
            item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
            self.inspectors.addItem(item)
        self.photos = PhotoStrip(ctx, "reinspection", None)  # pending: attached after the 复查 is saved

        form = QFormLayout()
        form.addRow(tr("隐患", context="one"), about)
        form.addRow(tr("原整改期限"), QLabel(deadline.isoformat()))
        form.addRow(tr("复查结果"), result_row)
        form.addRow(tr("复查日期"), self.on)
        form.addRow(tr("新的整改期限"), self.new_deadline)
        form.addRow("", self.deadline_error)
        form.addRow(tr("复查意见"), self.note)
        form.addRow(tr("复查人员"), self.inspectors)
        self.inspectors_error = QLabel(tr("复查须有至少两名执法人员：请勾选同去复查的执法人员"))
        self.inspectors_error.setStyleSheet(ERROR_STYLE)
        self.inspectors_error.hide()
        form.addRow("", self.inspectors_error)
        form.addRow(tr("复查照片"), self.photos)
        buttons, self.ok_button = ok_cancel(
            tr("保存复查结果"), self.submit, self.reject, ok_tip=tr("保存（Ctrl+Enter）")
        )
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        # failed.toggled, not passed.toggled: when 不合格 is clicked, passed reports its change first,
        # while failed.isChecked() is still False.
        self.failed.toggled.connect(self._result_changed)
        self.new_deadline.changed.connect(self.deadline_error.hide)
        self._result_changed()

    def _result_changed(self) -> None:
        self.new_deadline.setEnabled(self.failed.isChecked())
        self.deadline_error.hide()
        if self.failed.isChecked():
            # No preset until the inspector picks one: 不合格 without a deadline must be a conscious gap.
            self.new_deadline.clear_choice()

    def deadline_error_text(self) -> str:
        return "" if self.deadline_error.isHidden() else self.deadline_error.text()

    def _field_error(self, message: str) -> None:
        self.deadline_error.setText(message)
        self.deadline_error.show()
        self.new_deadline.setFocus()

    def submit(self) -> None:
        passed = self.passed.isChecked()
        new_deadline = None
        if not passed:
            if self.new_deadline.combo.currentIndex() < 0:
                self._field_error(tr("复查不合格须设定新的整改期限"))
                return
            try:
                new_deadline = self.new_deadline.deadline()
            except ValidationError as exc:
                self._field_error(str(exc))
                return
        inspector_ids = [
            self.inspectors.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.inspectors.count())
            if self.inspectors.item(i).checkState() == Qt.CheckState.Checked
        ]
        self.inspectors_error.setVisible(len(inspector_ids) < MIN_INSPECTORS)  # said here, not in a box
        if len(inspector_ids) < MIN_INSPECTORS:
            self.inspectors.setFocus()
            return
        try:
            self.reinspection_id, changes = reinspect(
                self._ctx.db,
                self._finding_id,
                passed=passed,
                on=self.on.date().toPython(),
                new_deadline=new_deadline,
                note=self.note.toPlainText(),
                inspector_ids=inspector_ids,
                today=self._ctx.today(),
            )
        except ValidationError as exc:
            if exc.field == "new_deadline":
                self._field_error(str(exc))
            else:
                self._ctx.show_error(self, exc)
            return
        except Exception as exc:  # e.g. 不合格 before the deadline: the dialog stays as it was
            self._ctx.show_error(self, exc)
            return
        self._ctx.publish(changes)
        files = self.photos.pending_files()
        if files:
            self._attach(self.reinspection_id, files)
        else:
            self._finish()

    def _attach(self, reinspection_id: uuid.UUID, files: list[Path]) -> None:
        ctx = self._ctx

        def work(progress, cancelled) -> Changes:  # worker thread
            changes = Changes()
            for done, source in enumerate(files):
                progress(done, len(files), source.name)
                changes.merge(
                    attach_photo(
                        ctx.db, ctx.data_root, owner_kind="reinspection", owner_id=reinspection_id, source=source
                    )[1]
                )
            return changes

        def failed(error: BaseException) -> None:
            ctx.show_error(self, error, tr("复查结果已保存，但有照片未能保存"))
            self._finish()

        self.ok_button.setEnabled(False)
        run_job(self, tr("正在保存复查照片…"), work, lambda changes: (ctx.publish(changes), self._finish()), failed)

    def _finish(self) -> None:
        self.recorded.emit(self.reinspection_id)
        self.accept()
