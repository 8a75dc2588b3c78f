"""First run: where the data lives, whether to start with demo data, and who is at the keyboard.

Shown when the database file does not exist yet (``needs_database``) or when it has no inspector
profile chosen on this machine. The database is built in a background job by ``ui.app``; this dialog
only collects and checks the answers. GUI thread only.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from hazdesk.store.reference_data import districts
from ui.i18n import tr
from ui.widgets.dialog_buttons import ok_cancel

_CERT = re.compile(r"^[0-9A-Za-z-]{6,32}$")


@dataclass(frozen=True)
class Person:
    name: str
    cert_no: str


@dataclass(frozen=True)
class FirstRunAnswers:
    database_path: Path
    with_demo: bool
    existing_inspector: uuid.UUID | None  # chosen from the database, or None to add ``me``
    me: Person | None
    colleague: Person | None
    district_code: str
    bureau: str


class FirstRunDialog(QDialog):
    def __init__(
        self,
        database_path: Path,
        *,
        needs_database: bool,
        inspectors: list[tuple[uuid.UUID, str]] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("首次使用设置"))
        self.setMinimumWidth(560)
        self._needs_database = needs_database
        layout = QVBoxLayout(self)
        intro = QLabel(
            tr("欢迎使用危化品安全执法系统。请设置数据存放位置和执法人员信息。")
            if needs_database
            else tr("请选择在本机使用本系统的执法人员。")
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)

        self.path_edit = QLineEdit(str(database_path))
        self.demo_radio = QRadioButton(tr("生成演示数据（一个区县的企业、检查和隐患）"))
        self.empty_radio = QRadioButton(tr("空白数据库"))
        self.empty_radio.setChecked(True)
        if needs_database:
            data_box = QGroupBox(tr("数据"))
            form = QFormLayout(data_box)
            row = QHBoxLayout()
            row.addWidget(self.path_edit, 1)
            browse = QPushButton(tr("浏览…"))
            browse.clicked.connect(self._browse)
            row.addWidget(browse)
            form.addRow(tr("数据文件"), row)
            group = QButtonGroup(self)
            for radio in (self.empty_radio, self.demo_radio):
                group.addButton(radio)
                form.addRow("", radio)
            layout.addWidget(data_box)

        people = QGroupBox(tr("执法人员"))
        form = QFormLayout(people)
        self.existing = QComboBox()
        self.existing.addItem(tr("新增执法人员（填写下方信息）"), None)
        for inspector_id, label in inspectors or []:
            self.existing.addItem(label, str(inspector_id))
        if inspectors:
            form.addRow(tr("我是"), self.existing)
        self.name_edit = QLineEdit()
        self.cert_edit = QLineEdit()
        self.cert_edit.setPlaceholderText(tr("行政执法证号，例如 32011520230017"))
        self.district = QComboBox()
        for info in districts():
            self.district.addItem(f"{info.city}{info.name}", info.code)
        self.bureau_edit = QLineEdit()
        self.district.currentIndexChanged.connect(self._suggest_bureau)
        self._suggest_bureau()
        self.colleague_name = QLineEdit()
        self.colleague_cert = QLineEdit()
        form.addRow(tr("姓名"), self.name_edit)
        form.addRow(tr("执法证号"), self.cert_edit)
        form.addRow(tr("所在区县"), self.district)
        form.addRow(tr("执法机关"), self.bureau_edit)
        form.addRow(tr("同组执法人员姓名（可选）"), self.colleague_name)
        form.addRow(tr("同组执法人员证号"), self.colleague_cert)
        layout.addWidget(people)
        self.existing.currentIndexChanged.connect(self._toggle_new_person)

        self.error = QLabel()
        self.error.setStyleSheet("color: #c62828;")
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        buttons, _ok = ok_cancel(tr("开始使用"), self._accept, self.reject, cancel_text=tr("退出"))
        layout.addWidget(buttons)
        self.answers: FirstRunAnswers | None = None

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            tr("数据文件"),
            self.path_edit.text(),
            tr("hazdesk 数据库 (*.sqlite)"),
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        if path:
            self.path_edit.setText(path)

    def _suggest_bureau(self) -> None:
        info = districts()[max(self.district.currentIndex(), 0)]
        self.bureau_edit.setText(f"{info.city}{info.name}应急管理局")

    def _toggle_new_person(self) -> None:
        new = self.existing.currentData() is None
        for widget in (self.name_edit, self.cert_edit, self.district, self.bureau_edit):
            widget.setEnabled(new)

    def _person(self, name: QLineEdit, cert: QLineEdit, who: str, *, required: bool) -> Person | None:
        name_text, cert_text = name.text().strip(), cert.text().strip()
        if not name_text and not cert_text and not required:
            return None
        if not name_text:
            name.setFocus()
            raise ValueError(tr("请填写{who}的姓名").format(who=who))
        if len(name_text) > 64:
            name.setFocus()
            raise ValueError(tr("{who}的姓名过长").format(who=who))
        if not _CERT.match(cert_text):
            cert.setFocus()
            raise ValueError(tr("{who}的执法证号应为 6–32 位数字或字母").format(who=who))
        return Person(name_text, cert_text)

    def _accept(self) -> None:
        try:
            path = Path(self.path_edit.text().strip()).expanduser()
            if self._needs_database and not path.name:
                raise ValueError(tr("请选择数据文件"))
            existing = self.existing.currentData()
            me = None if existing else self._person(self.name_edit, self.cert_edit, tr("本人"), required=True)
            colleague = self._person(self.colleague_name, self.colleague_cert, tr("同组执法人员"), required=False)
        except ValueError as exc:
            self.error.setText(str(exc))
            return
        self.answers = FirstRunAnswers(
            database_path=path,
            with_demo=self.demo_radio.isChecked(),
            existing_inspector=uuid.UUID(existing) if existing else None,
            me=me,
            colleague=colleague,
            district_code=self.district.currentData(),
            bureau=self.bureau_edit.text().strip(),
        )
        self.accept()
