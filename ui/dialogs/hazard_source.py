"""Adding and editing a 重大危险源 (one production or storage unit) with live GB 18218-2018 grading.

Every edit of a chemical row, the unit kind or the number of people re-grades the unit through
``hazdesk.services.enterprises.grade`` (exact arithmetic in the core; a unit of a few chemicals grades
in well under a millisecond), so S, α, R, the level and the written-out calculation follow the typing.
Each row is first graded on its own, so a wrong row is marked with its own message and left out of the
total instead of hiding the result of the others. Saving goes through ``save_hazard_source``; on any
error the dialog stays open with what was typed. GUI thread only.
"""

from __future__ import annotations

import re
import uuid

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hazdesk.domain import gb18218
from hazdesk.domain.gb18218 import ChemicalInput, UnitAssessment
from hazdesk.errors import ValidationError
from hazdesk.services import Changes
from hazdesk.services.enterprises import HazardSourceInput, grade, save_hazard_source
from hazdesk.store.models import MajorHazardSource
from ui.context import AppContext
from ui.i18n import tr
from ui.widgets import confirm
from ui.widgets.chemical_completer import CompletingDelegate, hazard_class_choices
from ui.widgets.coded_values import unit_kind_labels
from ui.widgets.field_message import INVALID_STYLE, FieldMessage, mark
from ui.widgets.grading_panel import GradingPanel

HEADERS = (
    "化学品名称或 CAS",
    "CAS 号",
    "危险性类别（表1未列入时）",
    "数量 q（吨）",
    "临界量 Q（吨）",
    "β",
    "q/Q",
    "依据 / 提示",
)
COL_NAME, COL_CAS, COL_CLASS, COL_TONNES, COL_Q, COL_BETA, COL_RATIO, COL_NOTE = range(8)
EDITABLE = (COL_NAME, COL_CAS, COL_CLASS, COL_TONNES)
PERSONS = ("主要负责人", "技术负责人", "操作负责人")  # 包保责任人
_CAS = re.compile(r"^\d{2,7}-\d{2}-\d$")
_ROW_PREFIX = re.compile(r"^第\d+个化学品(（[^）]*）)?：")
_BAD_ROW = QBrush(QColor("#fce8e6"))
_ERROR_TEXT = QBrush(QColor("#c5221f"))


def source_input(ctx: AppContext, source_id: uuid.UUID) -> HazardSourceInput | None:
    """A stored unit as the dialog (and an undo) edits it."""
    with ctx.db.session() as session:
        source = session.get(MajorHazardSource, source_id)
        if source is None or source.deleted:
            return None
        chemicals = []
        for c in sorted((c for c in source.chemicals if not c.deleted), key=lambda c: c.name):
            # Table 1 substances were graded by Table 1; their recorded class would only add a note.
            listed = gb18218.catalog().matches(c.name) or (c.cas and gb18218.catalog().matches(c.cas))
            chemicals.append(
                ChemicalInput(
                    name=c.name,
                    cas=c.cas or None,
                    hazard_class=None if listed else c.hazard_class or None,
                    tonnes=c.tonnes,
                )
            )
        return HazardSourceInput(
            name=source.name,
            unit_kind=source.unit_kind,
            people_within_500m=source.people_within_500m,
            chemicals=tuple(chemicals),
            location=source.location,
            record_no=source.record_no,
            responsible_persons=dict(source.responsible_persons or {}),
        )


class _ClassDelegate(QStyledItemDelegate):
    """Table 2 symbols with their meaning; typing a symbol works too."""

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QWidget:
        combo = QComboBox(parent)
        combo.setEditable(True)
        for symbol, text in hazard_class_choices():
            combo.addItem(text, symbol)
        return combo

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        assert isinstance(editor, QComboBox)
        found = editor.findData(str(index.data() or ""))
        editor.setCurrentIndex(max(found, 0))

    def setModelData(
        self, editor: QWidget, model: QAbstractItemModel, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        assert isinstance(editor, QComboBox)
        text = editor.currentText().strip()
        model.setData(index, "" if text == "—" else text.split(" ")[0])


class HazardSourceDialog(QDialog):
    def __init__(
        self,
        ctx: AppContext,
        enterprise_id: uuid.UUID,
        source_id: uuid.UUID | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.enterprise_id = enterprise_id
        self.source_id = source_id
        self.changes = Changes()
        self.previous = source_input(ctx, source_id) if source_id is not None else None
        self.assessment: UnitAssessment | None = None
        self.row_errors: dict[int, str] = {}
        self.setWindowTitle(tr("新增重大危险源") if source_id is None else tr("编辑重大危险源"))
        self.setStyleSheet(INVALID_STYLE)
        self.resize(1180, 780)

        self.name_edit = QLineEdit()
        self.name_message = FieldMessage()
        self.kind_combo = QComboBox()
        for code, label in unit_kind_labels().items():
            self.kind_combo.addItem(label, code)
        self.location_edit = QLineEdit()
        self.record_edit = QLineEdit()
        self.people_spin = QSpinBox()
        self.people_spin.setRange(0, 10_000_000)
        self.people_spin.setSuffix(tr(" 人"))
        self.person_edits = {key: QLineEdit() for key in PERSONS}
        form = QGridLayout()
        form.addWidget(QLabel(tr("名称 *")), 0, 0)
        name_box = QVBoxLayout()
        name_box.addWidget(self.name_edit)
        name_box.addWidget(self.name_message)
        form.addLayout(name_box, 0, 1)
        form.addWidget(QLabel(tr("单元类型")), 0, 2)
        form.addWidget(self.kind_combo, 0, 3)
        form.addWidget(QLabel(tr("位置")), 1, 0)
        form.addWidget(self.location_edit, 1, 1)
        form.addWidget(QLabel(tr("备案编号")), 1, 2)
        form.addWidget(self.record_edit, 1, 3)
        form.addWidget(QLabel(tr("厂区边界外 500 m 内常住人口")), 2, 0)
        form.addWidget(self.people_spin, 2, 1)
        persons = QHBoxLayout()
        for key, edit in self.person_edits.items():
            edit.setPlaceholderText(tr(key))
            persons.addWidget(edit)
        form.addWidget(QLabel(tr("包保责任人")), 3, 0)
        form.addLayout(persons, 3, 1, 1, 3)
        form.setColumnStretch(1, 3)
        form.setColumnStretch(3, 2)

        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels([tr(h) for h in HEADERS])
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 12)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setItemDelegateForColumn(COL_NAME, CompletingDelegate(self.table))
        self.table.setItemDelegateForColumn(COL_CLASS, _ClassDelegate(self.table))
        header = self.table.horizontalHeader()
        for column, width in enumerate((190, 110, 190, 100, 100, 50, 70, 300)):
            header.resizeSection(column, max(width, header.sectionSizeHint(column)))  # fit the title
        header.setSectionResizeMode(COL_NOTE, QHeaderView.ResizeMode.Stretch)
        self.table.itemChanged.connect(self._item_changed)
        add = QPushButton(tr("添加化学品"))
        add.clicked.connect(self.add_row)
        remove = QPushButton(tr("删除所选化学品"))
        remove.clicked.connect(self.remove_selected)
        rows = QHBoxLayout()
        rows.addWidget(QLabel(tr("单元内危险化学品（名称可输入中文名、别名或 CAS 号，自动补全）")))
        rows.addStretch(1)
        rows.addWidget(add)
        rows.addWidget(remove)

        self.panel = GradingPanel()
        self.message = FieldMessage()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(tr("保存"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("取消"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(rows)
        layout.addWidget(self.table, 3)
        layout.addWidget(self.panel, 2)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

        if self.previous is not None:
            self.set_input(self.previous)
        else:
            self.add_row()
        self.kind_combo.currentIndexChanged.connect(self.recalculate)
        self.people_spin.valueChanged.connect(self.recalculate)
        self.name_edit.textChanged.connect(self._name_edited)
        self.recalculate()

    # --- rows -------------------------------------------------------------------------------------
    def set_input(self, data: HazardSourceInput) -> None:
        self.name_edit.setText(data.name)
        self.kind_combo.setCurrentIndex(max(self.kind_combo.findData(data.unit_kind), 0))
        self.location_edit.setText(data.location)
        self.record_edit.setText(data.record_no)
        self.people_spin.setValue(data.people_within_500m)
        for key, edit in self.person_edits.items():
            edit.setText(data.responsible_persons.get(key, ""))
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        for chem in data.chemicals:
            self._append((chem.name or "", chem.cas or "", chem.hazard_class or "", f"{chem.tonnes:g}"))
        self.table.blockSignals(False)
        self.recalculate()

    def add_row(self) -> None:
        self.table.blockSignals(True)
        self._append(("", "", "", ""))
        self.table.blockSignals(False)
        row = self.table.rowCount() - 1
        self.table.setCurrentCell(row, COL_NAME)
        self.table.editItem(self.table.item(row, COL_NAME))

    def _append(self, values: tuple[str, str, str, str]) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        for column in range(len(HEADERS)):
            item = QTableWidgetItem(values[column] if column < len(values) else "")
            if column not in EDITABLE:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            if column in (COL_TONNES, COL_Q, COL_BETA, COL_RATIO):
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(row, column, item)

    def remove_selected(self) -> None:
        rows = sorted({index.row() for index in self.table.selectedIndexes()}, reverse=True)
        if not rows:
            return
        names = "、".join(self._text(r, COL_NAME) or tr("（空行）") for r in sorted(rows))
        if not confirm.ask_destructive(self, tr("删除化学品"), tr("从本单元删除：{names}？").format(names=names)):
            return
        for row in rows:
            self.table.removeRow(row)
        self.recalculate()

    def _text(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text().strip() if item is not None else ""

    def _row_input(self, row: int) -> ChemicalInput | str | None:
        """The row as grader input, a message if it cannot be one, None if the row is blank."""
        name, cas, klass, tonnes_text = (self._text(row, c) for c in EDITABLE)
        if not (name or cas or klass or tonnes_text):
            return None
        if _CAS.match(name) and not cas:
            name, cas = "", name  # a CAS number typed (or completed) in the name column
        if not tonnes_text:
            return tr("请填写数量 q（吨）")
        try:
            tonnes = float(tonnes_text)
        except ValueError:
            return tr("数量应为数字（吨），收到「{text}」").format(text=tonnes_text)
        return ChemicalInput(name=name or None, cas=cas or None, hazard_class=klass or None, tonnes=tonnes)

    # --- grading ----------------------------------------------------------------------------------
    def _item_changed(self, item: QTableWidgetItem) -> None:
        if item.column() in EDITABLE:
            self.recalculate()

    def _data(self, chemicals: tuple[ChemicalInput, ...]) -> HazardSourceInput:
        return HazardSourceInput(
            name=self.name_edit.text(),
            unit_kind=str(self.kind_combo.currentData()),
            people_within_500m=self.people_spin.value(),
            chemicals=chemicals,
            location=self.location_edit.text(),
            record_no=self.record_edit.text(),
            responsible_persons={k: e.text().strip() for k, e in self.person_edits.items() if e.text().strip()},
        )

    def recalculate(self) -> None:
        """Grade each row alone (row messages), then the valid rows together (the unit's result)."""
        self.row_errors = {}
        valid: list[tuple[int, ChemicalInput]] = []
        for row in range(self.table.rowCount()):
            parsed = self._row_input(row)
            if parsed is None:
                continue
            if isinstance(parsed, str):
                self.row_errors[row] = parsed
                continue
            try:
                grade(self._data((parsed,)))
            except ValidationError as exc:
                self.row_errors[row] = _ROW_PREFIX.sub("", str(exc))
            else:
                valid.append((row, parsed))
        self.assessment = None
        if valid:
            try:
                self.assessment = grade(self._data(tuple(c for _, c in valid)))
            except ValidationError as exc:  # rows that clash with each other (one substance, two classes)
                match = re.search(r"chemicals\[(\d+)\]", exc.field or "")
                self.row_errors[valid[int(match.group(1))][0] if match else valid[-1][0]] = str(exc)
        self._show_rows(valid)
        warning = ""
        if self.row_errors:
            bad = "、".join(str(r + 1) for r in sorted(self.row_errors))
            warning = tr("第 {rows} 行有误，未计入计算（见该行提示）").format(rows=bad)
        self.panel.show_assessment(self.assessment, warning)

    def _show_rows(self, valid: list[tuple[int, ChemicalInput]]) -> None:
        results: dict[int, gb18218.ChemicalResult] = {}
        if self.assessment is not None:
            for result in self.assessment.chemicals:
                for position in result.positions:
                    results[valid[position - 1][0]] = result
        self.table.blockSignals(True)
        for row in range(self.table.rowCount()):
            result, error = results.get(row), self.row_errors.get(row)
            tonnes = valid_tonnes = None
            if result is not None:
                valid_tonnes = next(c.tonnes for r, c in valid if r == row)
                tonnes = valid_tonnes / result.Q
            cells = {
                COL_Q: f"{result.Q:g}" if result else "",
                COL_BETA: f"{result.beta:g}" if result else "",
                COL_RATIO: f"{tonnes:.4g}" if tonnes is not None else "",
                COL_NOTE: error or (result.basis if result else ""),
            }
            for column, text in cells.items():
                item = self.table.item(row, column)
                item.setText(text)
                item.setToolTip(text)
            self.table.item(row, COL_NOTE).setForeground(_ERROR_TEXT if error else QBrush())
            for column in range(len(HEADERS)):
                self.table.item(row, column).setBackground(_BAD_ROW if error else QBrush())
        self.table.blockSignals(False)

    # --- saving -----------------------------------------------------------------------------------
    def _name_edited(self) -> None:
        self.name_message.show_message(None)
        mark(self.name_edit, False)

    def save(self) -> None:
        self.recalculate()
        if self.row_errors:
            first = min(self.row_errors)
            self.message.show_message(
                tr("第 {row} 行：{message}").format(row=first + 1, message=self.row_errors[first])
            )
            self.table.setCurrentCell(first, COL_NAME)
            self.table.setFocus()
            return
        chemicals = tuple(c for r in range(self.table.rowCount()) if isinstance(c := self._row_input(r), ChemicalInput))
        try:
            self.source_id, self.changes = save_hazard_source(
                self.ctx.db, self.enterprise_id, self._data(chemicals), source_id=self.source_id
            )
        except ValidationError as exc:
            if exc.field == "name":
                self.name_message.show_message(str(exc))
                mark(self.name_edit, True)
                self.name_edit.setFocus()
            else:
                self.message.show_message(str(exc))
            return
        except Exception as exc:  # the dialog stays open with what was typed
            self.ctx.show_error(self, exc)
            return
        self.accept()
