"""完成检查: the end time (not before the start), a summary, and an explicit confirmation when
items are left unanswered. Calls :func:`complete_inspection` itself, so a refusal keeps what was
typed. GUI thread only.
"""

from __future__ import annotations

import datetime as dt
import uuid

from PySide6.QtCore import QDateTime, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDateTimeEdit,
    QDialog,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from hazdesk.errors import ValidationError
from hazdesk.services.inspections import complete_inspection
from ui.context import AppContext
from ui.i18n import tr
from ui.widgets.dialog_buttons import ok_cancel
from ui.widgets.finding_form import ERROR_STYLE


class InspectionCompleteDialog(QDialog):
    completed = Signal(object)  # inspection id

    def __init__(
        self,
        ctx: AppContext,
        inspection_id: uuid.UUID,
        started_at: dt.datetime,
        unanswered: list[str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx, self._inspection_id, self._started_at = ctx, inspection_id, started_at
        self.setWindowTitle(tr("完成检查"))
        self.setMinimumWidth(480)
        self.ended_at = QDateTimeEdit()
        self.ended_at.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.ended_at.setCalendarPopup(True)
        now = dt.datetime.combine(ctx.today(), dt.datetime.now().time().replace(second=0, microsecond=0))
        self.ended_at.setDateTime(QDateTime(max(now, started_at)))
        self.ended_error = QLabel()
        self.ended_error.setStyleSheet(ERROR_STYLE)
        self.ended_error.hide()
        self.summary = QPlainTextEdit()
        self.summary.setPlaceholderText(tr("检查情况（写入现场检查记录）"))
        self.summary.setFixedHeight(110)
        self.summary.setTabChangesFocus(True)
        self.confirm_unanswered = QCheckBox()
        self.unanswered_error = QLabel()
        self.unanswered_error.setStyleSheet(ERROR_STYLE)
        self.unanswered_error.hide()
        form = QFormLayout()
        form.addRow(tr("开始时间"), QLabel(started_at.strftime("%Y-%m-%d %H:%M")))
        form.addRow(tr("结束时间"), self.ended_at)
        form.addRow("", self.ended_error)
        form.addRow(tr("检查情况"), self.summary)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        if unanswered:
            shown = "、".join(unanswered[:12]) + (tr(" 等") if len(unanswered) > 12 else "")
            listing = QLabel(
                tr("还有 {n} 项未作答：{codes}").replace("{n}", str(len(unanswered))).replace("{codes}", shown)
            )
            listing.setWordWrap(True)
            self.confirm_unanswered.setText(tr("确认这些项本次不再检查"))
            layout.addWidget(listing)
            layout.addWidget(self.confirm_unanswered)
            layout.addWidget(self.unanswered_error)
        else:
            self.confirm_unanswered.hide()
        self._unanswered = unanswered
        buttons, self.ok_button = ok_cancel(tr("完成检查"), self.submit, self.reject)
        layout.addWidget(buttons)

    def submit(self) -> None:
        self.ended_error.hide()
        self.unanswered_error.hide()
        ended = self.ended_at.dateTime().toPython().replace(second=0, microsecond=0)
        if ended < self._started_at.replace(second=0):
            self.ended_error.setText(tr("结束时间不能早于开始时间"))
            self.ended_error.show()
            return
        if self._unanswered and not self.confirm_unanswered.isChecked():
            self.unanswered_error.setText(tr("请勾选确认，或返回把未作答的项答完"))
            self.unanswered_error.show()
            return
        try:
            changes = complete_inspection(
                self._ctx.db,
                self._inspection_id,
                ended_at=max(ended, self._started_at),
                summary=self.summary.toPlainText(),
                allow_unanswered=bool(self._unanswered),
            )
        except ValidationError as exc:
            target = self.ended_error if exc.field == "ended_at" else None
            if target is None:
                self._ctx.show_error(self, exc)
                return
            target.setText(str(exc))
            target.show()
            return
        except Exception as exc:
            self._ctx.show_error(self, exc)
            return
        self._ctx.publish(changes)
        self.completed.emit(self._inspection_id)
        self.accept()
