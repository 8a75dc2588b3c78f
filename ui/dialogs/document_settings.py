"""文书设置: the bureau's name, 简称 (in every number), remedy bodies and court, and this laptop's number
series. Saved through hazdesk.documents.settings; bad input is refused with the service's message.
GUI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from hazdesk.documents.settings import (
    BureauSettings,
    bureau_settings,
    device_series,
    save_bureau_settings,
    set_device_series,
)
from ui.context import AppContext
from ui.i18n import tr


class DocumentSettingsDialog(QDialog):
    def __init__(self, ctx: AppContext, district_code: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx, self._district = ctx, district_code
        self.setWindowTitle(tr("文书设置"))
        self.setMinimumWidth(560)
        with ctx.db.session() as session:
            current = bureau_settings(session, district_code)
            series = device_series(session, current.short_name, ctx.db.device_id) or ""
        self.name = QLineEdit(current.name)
        self.short = QLineEdit(current.short_name)
        self.short.setToolTip(tr("文号中的机关简称，例如（宁江）应急责改〔2026〕A12号中的“宁江”"))
        self.government = QLineEdit(current.review_government)
        self.department = QLineEdit(current.review_department)
        self.court = QLineEdit(current.court)
        self.series = QLineEdit(series)
        self.series.setPlaceholderText(tr("由区县管理员分配，例如 A"))
        self.series.setToolTip(tr("本机签发文书时文号中的序列；每台电脑不同，离线时文号也不会重复"))
        form = QFormLayout()
        form.addRow(tr("执法机关名称"), self.name)
        form.addRow(tr("机关简称"), self.short)
        form.addRow(tr("行政复议机关（人民政府）"), self.government)
        form.addRow(tr("行政复议机关（部门，可空）"), self.department)
        form.addRow(tr("行政诉讼法院"), self.court)
        form.addRow(tr("本机编号序列"), self.series)
        self.error = QLabel()
        self.error.setStyleSheet("color: #c62828;")
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def save(self) -> None:
        settings = BureauSettings(
            district_code=self._district,
            name=self.name.text().strip(),
            short_name=self.short.text().strip(),
            review_government=self.government.text().strip(),
            review_department=self.department.text().strip(),
            court=self.court.text().strip(),
        )
        try:
            save_bureau_settings(self._ctx.db, settings)
            if self.series.text().strip():
                set_device_series(self._ctx.db, self._district, self.series.text().strip().upper())
        except Exception as exc:  # the service names the bad field; nothing typed is lost
            self.error.setText(str(exc))
            return
        self.accept()
