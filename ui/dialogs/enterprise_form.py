"""Adding and editing an enterprise (一企一档 基本信息): every field of ``EnterpriseInput``.

Each field is checked as it is edited and the message appears under that field with a red border
(a wrong USCC check digit says "校验码应为 3，实际为 Z" while typing). Fields are checked one at a time
against an otherwise valid record, so every problem shows at once, not only the first. OK refuses while
anything is wrong and shows all messages; a refusal from the service (a USCC that belongs to another
enterprise) lands at its field too. The dialog never closes on an error, so nothing typed is lost.
GUI thread only.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import fields, replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from hazdesk.domain import uscc
from hazdesk.errors import ValidationError
from hazdesk.services import Changes
from hazdesk.services.enterprises import EnterpriseInput, create_enterprise, update_enterprise, validate_enterprise
from hazdesk.store.models import Enterprise
from ui.context import AppContext
from ui.i18n import tr
from ui.models.enterprises import district_names
from ui.widgets.coded_values import COLOURS, dot, grade_label, monitoring_label, risk_label, role_labels
from ui.widgets.dialog_buttons import ok_cancel
from ui.widgets.field_message import INVALID_STYLE, FieldMessage, mark
from ui.widgets.key_process_picker import KeyProcessPicker
from ui.widgets.licence_table import LicenceTable

_VALID_BODY = "91320115MA1W8K6X2"
# A record that passes validation; each field is checked by swapping it into this one.
_TEMPLATE = EnterpriseInput(uscc=_VALID_BODY + uscc.check_character(_VALID_BODY), name="样", district_code="320115")
_CODE = re.compile(r"(\d{6})")


def input_from(enterprise: Enterprise) -> EnterpriseInput:
    """What the form (and an undo) needs from a stored enterprise."""
    values = {f.name: getattr(enterprise, f.name) for f in fields(EnterpriseInput)}
    for name in ("roles", "key_processes", "licences"):
        values[name] = tuple(values[name] or ())
    return EnterpriseInput(**values)


def field_errors(data: EnterpriseInput, today: dt.date) -> dict[str, str]:
    """field → message for every field that is wrong on its own."""
    errors: dict[str, str] = {}
    for f in fields(EnterpriseInput):
        if f.name == "licences":
            continue  # the licence table checks its rows itself
        try:
            validate_enterprise(replace(_TEMPLATE, **{f.name: getattr(data, f.name)}), today=today)
        except ValidationError as exc:
            errors.setdefault(exc.field or f.name, str(exc))
    return errors


class EnterpriseFormDialog(QDialog):
    def __init__(self, ctx: AppContext, enterprise_id: uuid.UUID | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.enterprise_id = enterprise_id
        self.changes = Changes()
        self.saved_name = ""
        self.previous: EnterpriseInput | None = None  # the record before an edit, for undo
        self._touched: set[str] = set()
        self._show_all = False
        self._service_errors: dict[str, str] = {}
        self._fields: dict[str, tuple[QWidget, FieldMessage, int]] = {}
        self.setWindowTitle(tr("新增企业") if enterprise_id is None else tr("编辑企业"))
        self.setStyleSheet(INVALID_STYLE)
        self.resize(780, 640)

        self.tabs = QTabWidget()
        self._build_basic()
        self._build_grading()
        self._build_processes()
        self._build_licences()
        self.summary = FieldMessage()
        self.buttons, _ok = ok_cancel(tr("保存"), self.save, self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)

        if enterprise_id is not None:
            with ctx.db.session() as session:
                enterprise = session.get(Enterprise, enterprise_id)
                if enterprise is not None:
                    self.previous = input_from(enterprise)
            if self.previous is not None:
                self.set_input(self.previous)
            self._show_all = True  # a stored record: say at once if it no longer passes
        else:
            self._set_district(ctx.district_code() or "")
        self._touched.clear()  # filling the form is not editing it
        self.validate()

    # --- building ---------------------------------------------------------------------------------
    def _add(self, form: QFormLayout, label: str, field: str, widget: QWidget, extra: QWidget | None = None) -> None:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        if extra is not None:
            column.addWidget(extra)
        message = FieldMessage()
        column.addWidget(message)
        form.addRow(label, box)
        self._fields[field] = (widget, message, self.tabs.count())
        signal = getattr(widget, "textChanged", None) or getattr(widget, "changed", None)
        if isinstance(widget, QComboBox):
            signal = widget.currentTextChanged
        elif isinstance(widget, QCheckBox):
            signal = widget.toggled
        if signal is not None:
            signal.connect(lambda *_: self._edited(field))

    def _line(self, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit()
        edit.setPlaceholderText(placeholder)
        return edit

    def _build_basic(self) -> None:
        page, form = QWidget(), QFormLayout()
        page.setLayout(form)
        self.uscc_edit = self._line(tr("18 位，如 91320115MA1W8K6X2B"))
        self.uscc_edit.setMaxLength(24)  # pasted codes may carry spaces
        self.uscc_hint = QLabel()
        self.uscc_hint.setTextFormat(Qt.TextFormat.PlainText)
        self.uscc_hint.setStyleSheet("color: #5f6368;")
        self._add(form, tr("统一社会信用代码 *"), "uscc", self.uscc_edit, self.uscc_hint)
        self.name_edit = self._line()
        self._add(form, tr("企业名称 *"), "name", self.name_edit)
        self.district_combo = QComboBox()
        self.district_combo.setEditable(True)
        for code, name in district_names(self.ctx.db).items():
            self.district_combo.addItem(f"{name}（{code}）" if name != code else code, code)
        self.district_combo.lineEdit().setPlaceholderText(tr("选择区县或输入 6 位区划代码"))
        self._add(form, tr("所在区县 *"), "district_code", self.district_combo)
        self.address_edit = self._line()
        self._add(form, tr("地址"), "address", self.address_edit)
        self.longitude_edit = self._line(tr("如 118.8215（可不填）"))
        self._add(form, tr("经度"), "longitude", self.longitude_edit)
        self.latitude_edit = self._line(tr("如 31.9532（可不填）"))
        self._add(form, tr("纬度"), "latitude", self.latitude_edit)
        self.industry_edit = self._line()
        self._add(form, tr("行业"), "industry", self.industry_edit)
        self.legal_edit = self._line()
        self._add(form, tr("法定代表人"), "legal_representative", self.legal_edit)
        self.contact_edit = self._line()
        self._add(form, tr("安全负责人"), "safety_contact", self.contact_edit)
        self.phone_edit = self._line()
        self._add(form, tr("联系电话"), "phone", self.phone_edit)
        self.tabs.addTab(page, tr("基本信息"))

    def _build_grading(self) -> None:
        page, form = QWidget(), QFormLayout()
        page.setLayout(form)
        roles_box = QWidget()
        roles_row = QHBoxLayout(roles_box)
        roles_row.setContentsMargins(0, 0, 0, 0)
        self.role_checks: dict[str, QCheckBox] = {}
        for code, label in role_labels().items():
            check = QCheckBox(label)
            check.toggled.connect(lambda *_: self._edited("roles"))
            self.role_checks[code] = check
            roles_row.addWidget(check)
        roles_row.addStretch(1)
        self._add(form, tr("企业类型"), "roles", roles_box)
        self.park_check = QCheckBox(tr("位于化工园区"))
        self.park_edit = self._line(tr("化工园区名称"))
        self.park_check.toggled.connect(self.park_edit.setEnabled)
        self.park_check.toggled.connect(lambda *_: self._edited("chemical_park"))
        form.addRow(tr("化工园区"), self.park_check)
        self._add(form, tr("园区名称"), "chemical_park", self.park_edit)
        self.dense_check = QCheckBox(tr("位于人员密集区域"))
        form.addRow(tr("人员密集区"), self.dense_check)
        self.grade_combo = QComboBox()
        for grade in (None, 1, 2, 3):
            self.grade_combo.addItem(grade_label(grade), grade)
        self._add(form, tr("安全生产标准化"), "standardization_grade", self.grade_combo)
        self.risk_combo = QComboBox()
        self.risk_combo.addItem(risk_label(None), None)
        for code in ("red", "orange", "yellow", "blue"):
            self.risk_combo.addItem(dot(COLOURS[code]), risk_label(code), code)
        self._add(form, tr("安全风险等级"), "risk_colour", self.risk_combo)
        self.monitoring_combo = QComboBox()
        self.monitoring_combo.addItem(monitoring_label(None), None)
        for code in ("red", "yellow", "green"):
            self.monitoring_combo.addItem(dot(COLOURS[code]), monitoring_label(code), code)
        self._add(form, tr("监测预警等级"), "monitoring_level", self.monitoring_combo)
        self.year_edit = self._line(tr("如 2008（可不填）"))
        self._add(form, tr("装置投用年份"), "commissioned_year", self.year_edit)
        self.blacklist_check = QCheckBox(tr("列入黑名单"))
        self.blacklist_reason = self._line(tr("列入原因"))
        self.blacklist_check.toggled.connect(self.blacklist_reason.setEnabled)
        form.addRow(tr("黑名单"), self.blacklist_check)
        self._add(form, tr("黑名单原因"), "blacklist_reason", self.blacklist_reason)
        self.park_edit.setEnabled(False)
        self.blacklist_reason.setEnabled(False)
        self.tabs.addTab(page, tr("分类与分级"))

    def _build_processes(self) -> None:
        page, form = QWidget(), QFormLayout()
        page.setLayout(form)
        self.process_picker = KeyProcessPicker()
        self._add(form, tr("涉及的重点监管\n危险化工工艺"), "key_processes", self.process_picker)
        self.tabs.addTab(page, tr("重点监管工艺"))

    def _build_licences(self) -> None:
        page, form = QWidget(), QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)  # tables want the full width
        page.setLayout(form)
        self.licence_table = LicenceTable()
        self._add(form, tr("证照"), "licences", self.licence_table)
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setFixedHeight(100)
        self._add(form, tr("备注"), "notes", self.notes_edit)
        self.tabs.addTab(page, tr("证照与备注"))

    # --- reading and writing the fields -------------------------------------------------------------
    def set_input(self, data: EnterpriseInput) -> None:
        self.uscc_edit.setText(data.uscc)
        self.name_edit.setText(data.name)
        self._set_district(data.district_code)
        self.address_edit.setText(data.address)
        self.longitude_edit.setText("" if data.longitude is None else f"{data.longitude:g}")
        self.latitude_edit.setText("" if data.latitude is None else f"{data.latitude:g}")
        self.industry_edit.setText(data.industry)
        self.legal_edit.setText(data.legal_representative)
        self.contact_edit.setText(data.safety_contact)
        self.phone_edit.setText(data.phone)
        for code, check in self.role_checks.items():
            check.setChecked(code in data.roles)
        self.park_check.setChecked(data.in_chemical_park)
        self.park_edit.setText(data.chemical_park)
        self.dense_check.setChecked(data.population_dense_area)
        for combo, value in (
            (self.grade_combo, data.standardization_grade),
            (self.risk_combo, data.risk_colour),
            (self.monitoring_combo, data.monitoring_level),
        ):
            combo.setCurrentIndex(max(combo.findData(value), 0))
        self.year_edit.setText("" if data.commissioned_year is None else str(data.commissioned_year))
        self.blacklist_check.setChecked(data.blacklisted)
        self.blacklist_reason.setText(data.blacklist_reason)
        self.process_picker.set_selected(data.key_processes)
        self.licence_table.set_licences(data.licences)
        self.notes_edit.setPlainText(data.notes)
        self._touched.clear()

    def _set_district(self, code: str) -> None:
        index = self.district_combo.findData(code)
        if index >= 0:
            self.district_combo.setCurrentIndex(index)
        else:
            self.district_combo.setCurrentIndex(-1)
            self.district_combo.setEditText(code)

    def _district_code(self) -> str:
        text = self.district_combo.currentText().strip()
        index = self.district_combo.currentIndex()
        if index >= 0 and self.district_combo.itemText(index) == text:
            return str(self.district_combo.itemData(index))
        match = _CODE.search(text)
        return match.group(1) if match else text

    def read(self) -> tuple[EnterpriseInput, dict[str, str]]:
        """The form as an input record, and the fields that are not even numbers where numbers go."""
        problems: dict[str, str] = {}

        def number(edit: QLineEdit, field: str, label: str, kind: type[int] | type[float]) -> float | int | None:
            text = edit.text().strip()
            if not text:
                return None
            try:
                return kind(text)
            except ValueError:
                problems[field] = tr("{label}应为数字，收到「{text}」").format(label=label, text=text)
                return None

        data = EnterpriseInput(
            uscc=self.uscc_edit.text(),
            name=self.name_edit.text(),
            district_code=self._district_code(),
            address=self.address_edit.text(),
            industry=self.industry_edit.text(),
            legal_representative=self.legal_edit.text(),
            safety_contact=self.contact_edit.text(),
            phone=self.phone_edit.text(),
            roles=tuple(code for code, check in self.role_checks.items() if check.isChecked()),
            in_chemical_park=self.park_check.isChecked(),
            chemical_park=self.park_edit.text() if self.park_check.isChecked() else "",
            population_dense_area=self.dense_check.isChecked(),
            standardization_grade=self.grade_combo.currentData(),
            risk_colour=self.risk_combo.currentData(),
            monitoring_level=self.monitoring_combo.currentData(),
            blacklisted=self.blacklist_check.isChecked(),
            blacklist_reason=self.blacklist_reason.text() if self.blacklist_check.isChecked() else "",
            commissioned_year=number(self.year_edit, "commissioned_year", tr("投用年份"), int),  # type: ignore[arg-type]
            key_processes=self.process_picker.selected(),
            longitude=number(self.longitude_edit, "longitude", tr("经度"), float),
            latitude=number(self.latitude_edit, "latitude", tr("纬度"), float),
            notes=self.notes_edit.toPlainText(),
            licences=self.licence_table.licences(),
        )
        if problem := self.licence_table.problem():
            problems["licences"] = problem
        return data, problems

    # --- checking and saving ----------------------------------------------------------------------
    def _edited(self, field: str) -> None:
        self._touched.add(field)
        self._service_errors.pop(field, None)
        self._service_errors.pop("summary", None)
        self.validate()

    def validate(self) -> dict[str, str]:
        """Check every field; show the messages of the fields edited so far (all after a refused OK)."""
        data, problems = self.read()
        errors = {**field_errors(data, self.ctx.today()), **problems, **self._service_errors}
        if "district_code" in errors and not data.district_code:
            errors["district_code"] = tr("请选择所在区县")
        bad_tabs: set[int] = set()
        for name, (widget, message, tab) in self._fields.items():
            shown = errors.get(name) if self._show_all or name in self._touched else None
            message.show_message(shown)
            mark(widget, bool(shown))
            if shown:
                bad_tabs.add(tab)
        titles = (tr("基本信息"), tr("分类与分级"), tr("重点监管工艺"), tr("证照与备注"))
        for index, title in enumerate(titles):
            self.tabs.setTabText(index, title + (" ⚠" if index in bad_tabs else ""))
        self.uscc_hint.setText(uscc.describe(data.uscc) if "uscc" not in errors else "")
        self.uscc_hint.setVisible("uscc" not in errors)
        unknown = {k: v for k, v in errors.items() if k not in self._fields}
        if self._show_all and errors:
            extra = "；".join(unknown.values())
            self.summary.show_message(tr("还有 {n} 处需要修改").format(n=len(errors)) + (f"：{extra}" if extra else ""))
        else:
            self.summary.show_message(None)
        return errors

    def save(self) -> None:
        """OK: refused while anything is wrong; otherwise one service call, errors shown at the field."""
        self._show_all = True
        errors = self.validate()
        if errors:
            self._focus(next(iter(errors)))
            return
        data, _ = self.read()
        try:
            if self.enterprise_id is None:
                self.enterprise_id, self.changes = create_enterprise(self.ctx.db, data)
            else:
                self.changes = update_enterprise(self.ctx.db, self.enterprise_id, data)
        except ValidationError as exc:
            self._service_errors[exc.field or "summary"] = str(exc)
            self.validate()
            self._focus(exc.field or "")
            return
        except Exception as exc:  # the dialog stays open with what was typed
            self.ctx.show_error(self, exc)
            return
        self.saved_name = data.name.strip()
        self.accept()

    def _focus(self, field: str) -> None:
        if field in self._fields:
            widget, _message, tab = self._fields[field]
            self.tabs.setCurrentIndex(tab)
            widget.setFocus()
