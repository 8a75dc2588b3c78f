"""工艺与化学品: an enterprise's key processes (read here, edited in the enterprise form) and its list of
hazardous chemicals, edited in place and saved as a whole through ``set_chemicals``.

Removing rows asks first; a saved list can be undone from the undo bar (the old list is saved back).
Each row says whether the chemical is a 重点监管危险化学品. GUI thread only.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hazdesk.domain import key_supervision
from hazdesk.errors import ValidationError
from hazdesk.services.enterprises import set_chemicals
from ui.context import AppContext
from ui.i18n import tr
from ui.widgets import confirm
from ui.widgets.chemical_completer import CompletingDelegate
from ui.widgets.coded_values import role_labels
from ui.widgets.field_message import FieldMessage
from ui.widgets.undo_bar import UndoBar

ChemicalLine = tuple[str, str, str, float | None]  # name, CAS, usage code, maximum tonnes
HEADERS = ("化学品名称", "CAS 号", "用途", "最大量（吨）", "重点监管危险化学品")
COL_NAME, COL_CAS, COL_USAGE, COL_TONNES, COL_KEY = range(5)
CODE_ROLE = Qt.ItemDataRole.UserRole
_BAD_ROW = QBrush(QColor("#fce8e6"))


class _UsageDelegate(QStyledItemDelegate):
    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QWidget:
        combo = QComboBox(parent)
        for code, label in role_labels().items():
            combo.addItem(label, code)
        return combo

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        assert isinstance(editor, QComboBox)
        editor.setCurrentIndex(max(editor.findData(index.data(CODE_ROLE)), 0))

    def setModelData(
        self, editor: QWidget, model: QAbstractItemModel, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), CODE_ROLE)
        model.setData(index, editor.currentText(), Qt.ItemDataRole.DisplayRole)


class ChemicalListEditor(QWidget):
    def __init__(self, ctx: AppContext, undo_bar: UndoBar, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.undo_bar = undo_bar
        self.enterprise_id: uuid.UUID | None = None
        self._stored: list[ChemicalLine] = []

        processes = QGroupBox(tr("重点监管危险化工工艺"))
        self.processes_label = QLabel()
        self.processes_label.setTextFormat(Qt.TextFormat.PlainText)
        self.processes_label.setWordWrap(True)
        box = QVBoxLayout(processes)
        box.addWidget(self.processes_label)
        hint = QLabel(tr("工艺在“编辑”企业信息中修改。"))
        hint.setStyleSheet("color: #5f6368;")
        box.addWidget(hint)

        chemicals = QGroupBox(tr("危险化学品清单"))
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels([tr(h) for h in HEADERS])
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setItemDelegateForColumn(COL_NAME, CompletingDelegate(self.table))
        self.table.setItemDelegateForColumn(COL_USAGE, _UsageDelegate(self.table))
        header = self.table.horizontalHeader()
        for column, width in enumerate((240, 130, 110, 120, 160)):
            header.resizeSection(column, max(width, header.sectionSizeHint(column)))  # fit the title
        header.setSectionResizeMode(COL_KEY, QHeaderView.ResizeMode.Stretch)
        self.table.itemChanged.connect(self._edited)
        self.add_button = QPushButton(tr("添加化学品"))
        self.remove_button = QPushButton(tr("删除所选"))
        self.save_button = QPushButton(tr("保存清单"))
        self.revert_button = QPushButton(tr("放弃修改"))
        self.add_button.clicked.connect(self.add_row)
        self.remove_button.clicked.connect(self.remove_selected)
        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(lambda: self._fill(self._stored))
        buttons = QHBoxLayout()
        for button in (self.add_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        for button in (self.revert_button, self.save_button):
            buttons.addWidget(button)
        self.message = FieldMessage()
        column = QVBoxLayout(chemicals)
        column.addWidget(self.table, 1)
        column.addWidget(self.message)
        column.addLayout(buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(processes)
        layout.addWidget(chemicals, 1)

    def load(self, enterprise_id: uuid.UUID, processes: list[str], chemicals: list[ChemicalLine]) -> None:
        """Show an enterprise's list. A refresh of the same enterprise keeps rows being edited (another
        window's change must not wipe what is typed here); leaving for another one is asked first by
        the detail view (``can_leave``)."""
        keep_edits = enterprise_id == self.enterprise_id and self.is_dirty()
        self.enterprise_id = enterprise_id
        self.processes_label.setText(tr("、").join(processes) if processes else tr("不涉及重点监管危险化工工艺"))
        self._stored = list(chemicals)
        if keep_edits:
            self._edited()
        else:
            self._fill(self._stored)

    def lines(self) -> list[ChemicalLine]:
        """The rows as typed (blank rows left out); tonnes that are not numbers raise ValidationError."""
        out: list[ChemicalLine] = []
        for row in range(self.table.rowCount()):
            name, cas, tonnes_text = (self._text(row, c) for c in (COL_NAME, COL_CAS, COL_TONNES))
            usage = self.table.item(row, COL_USAGE).data(CODE_ROLE) or "storage"
            if not (name or cas or tonnes_text):
                continue
            try:
                tonnes = float(tonnes_text) if tonnes_text else None
            except ValueError:
                raise ValidationError(
                    tr("第{n}个化学品的最大量应为数字（吨），收到「{text}」").format(n=len(out) + 1, text=tonnes_text)
                ) from None
            out.append((name, cas, usage, tonnes))
        return out

    def is_dirty(self) -> bool:
        try:
            return self.lines() != self._stored
        except ValidationError:
            return True

    def add_row(self) -> None:
        self._append(("", "", "storage", None))
        row = self.table.rowCount() - 1
        self.table.setCurrentCell(row, COL_NAME)
        self.table.editItem(self.table.item(row, COL_NAME))

    def remove_selected(self) -> None:
        rows = sorted({index.row() for index in self.table.selectedIndexes()}, reverse=True)
        if not rows:
            return
        names = "、".join(self._text(r, COL_NAME) or tr("（空行）") for r in sorted(rows))
        text = tr("从清单中删除：{names}？\n（点“保存清单”后才写入档案）").format(names=names)
        if confirm.ask_destructive(self, tr("删除化学品"), text):
            for row in rows:
                self.table.removeRow(row)
            self._edited()

    def save(self) -> None:
        if self.enterprise_id is None:
            return
        enterprise_id, old = self.enterprise_id, list(self._stored)
        try:
            new = self.lines()
            changes = set_chemicals(self.ctx.db, enterprise_id, new)
        except ValidationError as exc:
            self._show_problem(str(exc))
            return
        except Exception as exc:
            self.ctx.show_error(self, exc)
            return
        self._stored = new
        self.ctx.publish(changes)

        def undo() -> None:
            try:
                self.ctx.publish(set_chemicals(self.ctx.db, enterprise_id, old))
            except Exception as exc:
                self.ctx.show_error(self, exc)

        self.undo_bar.show_message(tr("已保存化学品清单（{n} 种）").format(n=len(new)), undo)

    # --- internals --------------------------------------------------------------------------------
    def _fill(self, chemicals: list[ChemicalLine]) -> None:
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        for line in chemicals:
            self._append(line)
        self.table.blockSignals(False)
        self._edited()

    def _append(self, line: ChemicalLine) -> None:
        name, cas, usage, tonnes = line
        row = self.table.rowCount()
        self.table.blockSignals(True)
        self.table.insertRow(row)
        texts = (name, cas, role_labels().get(usage, usage), "" if tonnes is None else f"{tonnes:g}", "")
        for column, text in enumerate(texts):
            item = QTableWidgetItem(text)
            if column == COL_KEY:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            if column == COL_TONNES:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(row, column, item)
        self.table.item(row, COL_USAGE).setData(CODE_ROLE, usage)
        self.table.blockSignals(False)

    def _text(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text().strip() if item is not None else ""

    def _edited(self, *_: Any) -> None:
        self.table.blockSignals(True)
        for row in range(self.table.rowCount()):
            name, cas = self._text(row, COL_NAME), self._text(row, COL_CAS)
            matched = key_supervision.match_chemical(name or None, cas or None) if (name or cas) else None
            self.table.item(row, COL_KEY).setText(tr("是（{name}）").format(name=matched) if matched else "")
            for column in range(len(HEADERS)):
                self.table.item(row, column).setBackground(QBrush())
        self.table.blockSignals(False)
        dirty = self.is_dirty()
        self.save_button.setEnabled(dirty)
        self.revert_button.setEnabled(dirty)
        self.message.show_message(tr("有未保存的修改") if dirty else None)
        self.message.setStyleSheet("color: #b06000;" if dirty else "color: #c5221f;")

    def _show_problem(self, message: str) -> None:
        self.message.setStyleSheet("color: #c5221f;")
        self.message.show_message(message)
        match = re.search(r"第(\d+)个化学品", message)
        if match:  # the service counts the rows that are not blank, in table order
            wanted, seen = int(match.group(1)), 0
            for row in range(self.table.rowCount()):
                if any(self._text(row, c) for c in (COL_NAME, COL_CAS, COL_TONNES)):
                    seen += 1
                    if seen == wanted:
                        for column in range(len(HEADERS)):
                            self.table.item(row, column).setBackground(_BAD_ROW)
                        self.table.setCurrentCell(row, COL_NAME)
                        break
