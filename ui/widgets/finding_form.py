"""The editable fields of a finding (隐患), shared by the inline editor of an inspection and the
finding dialog. Validation stays in the service: a refused field gets the service's message beside
it (``show_error``) and keeps what the inspector typed. GUI thread only.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from hazdesk.domain.lifecycle import Severity, label
from hazdesk.errors import ValidationError
from hazdesk.services.findings import FindingInput
from hazdesk.store.models import Finding
from ui.i18n import tr
from ui.widgets.deadline_picker import DeadlinePicker

ERROR_STYLE = "color: #b3261e;"


def severity_text(code: str) -> str:
    return tr(label(Severity(code)))


def _text_box(lines: int) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)  # Tab moves on to the next field instead of typing a tab
    height = box.fontMetrics().lineSpacing() * lines + 14
    box.setFixedHeight(height)
    return box


class FindingForm(QWidget):
    """``compact`` shows only what the inspector edits on site: description, measure and deadline."""

    edited = Signal()

    def __init__(self, today: dt.date, parent: QWidget | None = None, *, compact: bool = False) -> None:
        super().__init__(parent)
        self.description = _text_box(3)
        self.severity = QComboBox()
        for severity in Severity:
            self.severity.addItem(severity_text(severity.value), severity.value)
        self.legal_basis = _text_box(2)
        self.location = QLineEdit()
        self.location.setPlaceholderText(tr("如：液氯储罐区 2 号罐"))
        self.measure = _text_box(3)
        self.deadline = DeadlinePicker(today)
        self._errors: dict[str, QLabel] = {}
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        rows: list[tuple[str, str, QWidget]] = [("description", tr("隐患描述"), self.description)]
        if not compact:
            rows += [
                ("severity", tr("隐患等级"), self.severity),
                ("legal_basis", tr("法律依据"), self.legal_basis),
                ("location", tr("隐患部位"), self.location),
            ]
        rows += [("measure", tr("整改措施"), self.measure), ("deadline", tr("整改期限"), self.deadline)]
        for field, caption, widget in rows:
            error = QLabel()
            error.setStyleSheet(ERROR_STYLE)
            error.setWordWrap(True)
            error.hide()
            self._errors[field] = error
            form.addRow(caption, widget)
            form.addRow("", error)
        for box in (self.description, self.legal_basis, self.measure):
            box.textChanged.connect(self.edited)
        self.location.textEdited.connect(self.edited)
        self.severity.currentIndexChanged.connect(self.edited)
        self.deadline.changed.connect(self.edited)
        self.edited.connect(self.clear_errors)

    def load(self, finding: Finding) -> None:
        widgets = (self.description, self.legal_basis, self.measure, self.location, self.severity, self.deadline)
        for widget in widgets:
            widget.blockSignals(True)
        self.description.setPlainText(finding.description)
        self.legal_basis.setPlainText(finding.legal_basis)
        self.measure.setPlainText(finding.measure)
        self.location.setText(finding.location)
        self.severity.setCurrentIndex(max(self.severity.findData(finding.severity), 0))
        self.deadline.set_base(finding.found_on)  # presets count from the day the order was given
        self.deadline.set_deadline(finding.deadline)
        for widget in widgets:
            widget.blockSignals(False)
        self.clear_errors()

    def value(self) -> FindingInput:
        return FindingInput(
            description=self.description.toPlainText(),
            severity=self.severity.currentData(),
            legal_basis=self.legal_basis.toPlainText(),
            measure=self.measure.toPlainText(),
            location=self.location.text(),
        )

    def set_read_only(self, read_only: bool) -> None:
        for box in (self.description, self.legal_basis, self.measure):
            box.setReadOnly(read_only)
        self.location.setReadOnly(read_only)
        self.severity.setEnabled(not read_only)
        self.deadline.setEnabled(not read_only)

    def show_error(self, error: ValidationError) -> bool:
        """Put the message beside its field; False when the error names no field shown here."""
        target = self._errors.get(error.field or "")
        if target is None:
            return False
        target.setText(str(error))
        target.show()
        return True

    def clear_errors(self) -> None:
        for error in self._errors.values():
            error.hide()
