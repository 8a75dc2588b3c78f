"""批量签发: issue a day's documents for every completed inspection in one go, off the GUI thread, with
progress and cancel. Each PDF is written to the chosen folder named by its number. GUI thread only.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import func, select

from hazdesk.documents.batch import batch_issue
from hazdesk.store.models import Inspection
from ui.context import AppContext
from ui.i18n import tr
from ui.jobs import run_job


class BatchDocumentsDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.setWindowTitle(tr("批量签发文书"))
        self.setMinimumWidth(520)
        self.day = QDateEdit(QDate(ctx.today()))
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        self.record = QCheckBox(tr("现场检查记录"))
        self.record.setChecked(True)
        self.order = QCheckBox(tr("责令限期整改指令书（有隐患时）"))
        self.order.setChecked(True)
        self.folder = QLineEdit(str(ctx.data_root / "documents"))
        browse = QPushButton(tr("浏览…"))
        browse.clicked.connect(self._browse)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(browse)
        form = QFormLayout()
        form.addRow(tr("检查日期"), self.day)
        form.addRow(tr("文书"), self.record)
        form.addRow("", self.order)
        form.addRow(tr("保存到"), folder_row)
        self.result = QLabel()
        self.result.setTextFormat(Qt.TextFormat.PlainText)
        self.result.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.start = buttons.addButton(tr("开始签发"), QDialogButtonBox.ButtonRole.ActionRole)
        self.start.clicked.connect(self.run)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.result)
        layout.addWidget(buttons)

    def _browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, tr("保存到"), self.folder.text())
        if chosen:
            self.folder.setText(chosen)

    def inspections_of_day(self, day: dt.date) -> list:
        district = self._ctx.district_code()
        with self._ctx.db.session() as session:
            statement = select(Inspection.id).where(
                Inspection.deleted.is_(False),
                Inspection.state == "completed",
                func.date(Inspection.started_at) == day.isoformat(),
            )
            if district:
                statement = statement.where(Inspection.district_code == district)
            return list(session.scalars(statement.order_by(Inspection.started_at)))

    def run(self) -> None:
        day = self.day.date().toPython()
        kinds = [k for k, box in (("检记", self.record), ("责改", self.order)) if box.isChecked()]
        ids = self.inspections_of_day(day)
        if not ids or not kinds:
            self.result.setText(tr("{day} 没有已完成的检查，或未选择文书").format(day=day.isoformat()))
            return
        out_dir = Path(self.folder.text()).expanduser()
        out_dir.mkdir(parents=True, exist_ok=True)
        self.start.setEnabled(False)

        def work(progress, cancelled):
            return batch_issue(
                self._ctx.db,
                ids,
                kinds,
                out_dir=out_dir,
                issued_by=self._ctx.inspector_id,
                progress=progress,
                cancel=cancelled,
            )

        def done(outcome) -> None:
            self.start.setEnabled(True)
            # A 责改 for an inspection without findings is refused by the service: not an error here.
            failed = [m for _i, kind, m in outcome.failed if not (kind == "责改" and "隐患" in m)]
            lines = [tr("已签发 {n} 份，保存在 {folder}").format(n=len(outcome.issued), folder=out_dir)]
            if outcome.cancelled:
                lines.append(tr("已取消，其余未签发"))
            lines += failed[:10]
            self.result.setText("\n".join(lines))

        def failed(error: BaseException) -> None:
            self.start.setEnabled(True)
            self._ctx.show_error(self, error)

        run_job(self, tr("正在批量签发文书…"), work, done, failed)
