"""Editing an enterprise's licences (证照): kind, number, issuer, valid until.

Rows are plain dicts as the store keeps them; keys the table does not show (``issued_on`` from an
import, say) are carried through unchanged. GUI thread only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.i18n import tr
from ui.widgets.coded_values import LICENCE_KINDS

_KEYS = ("kind", "number", "issuer", "valid_until")
_HEADERS = ("证照种类", "编号", "发证机关", "有效期至（年-月-日）")
EXTRA_ROLE = Qt.ItemDataRole.UserRole


class _KindDelegate(QStyledItemDelegate):
    """An editable combo: the usual licence kinds, or anything typed."""

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QWidget:
        combo = QComboBox(parent)
        combo.setEditable(True)
        combo.addItems(list(LICENCE_KINDS))
        return combo

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        assert isinstance(editor, QComboBox)
        editor.setCurrentText(str(index.data() or ""))

    def setModelData(
        self, editor: QWidget, model: QAbstractItemModel, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentText().strip())


class LicenceTable(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, len(_KEYS))
        self.table.setHorizontalHeaderLabels([tr(h) for h in _HEADERS])
        self.table.verticalHeader().hide()
        self.table.setItemDelegateForColumn(0, _KindDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((180, 210, 160, 130)):
            header.resizeSection(column, max(width, header.sectionSizeHint(column)))  # fit the title
        header.setStretchLastSection(True)
        self.table.itemChanged.connect(lambda _item: self.changed.emit())
        add = QPushButton(tr("添加证照"))
        remove = QPushButton(tr("删除所选证照"))
        add.clicked.connect(self.add_row)
        remove.clicked.connect(self.remove_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    def set_licences(self, licences: list[dict[str, Any]] | tuple[dict[str, Any], ...]) -> None:
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        for licence in licences:
            self._append(licence)
        self.table.blockSignals(False)
        self.changed.emit()

    def add_row(self) -> None:
        self._append({"kind": LICENCE_KINDS[0]})
        self.table.setCurrentCell(self.table.rowCount() - 1, 1)
        self.table.editItem(self.table.item(self.table.rowCount() - 1, 1))
        self.changed.emit()

    def remove_selected(self) -> None:
        # Not asked first: nothing is stored until the form is saved, and 取消 discards the removal.
        for row in sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True):
            self.table.removeRow(row)
        self.changed.emit()

    def _append(self, licence: dict[str, Any]) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        for column, key in enumerate(_KEYS):
            self.table.setItem(row, column, QTableWidgetItem(str(licence.get(key) or "")))
        extra = {k: v for k, v in licence.items() if k not in _KEYS}
        self.table.item(row, 0).setData(EXTRA_ROLE, extra)

    def licences(self) -> tuple[dict[str, str], ...]:
        out = []
        for row in range(self.table.rowCount()):
            values = {key: self._text(row, column) for column, key in enumerate(_KEYS)}
            if not any(values.values()):
                continue  # an empty row added and left blank is not a licence
            extra = self.table.item(row, 0).data(EXTRA_ROLE) or {}
            out.append({**extra, **{k: v for k, v in values.items() if v}})
        return tuple(out)

    def problem(self) -> str | None:
        """The first thing wrong with the rows, said the way the field messages are."""
        for index, licence in enumerate(self.licences(), start=1):
            if not licence.get("kind"):
                return tr("第{n}个证照缺少种类").format(n=index)
            until = licence.get("valid_until", "")
            if until:
                try:
                    dt.date.fromisoformat(until)
                except ValueError:
                    return tr("第{n}个证照的有效期“{value}”应写成 2027-06-30 的格式").format(n=index, value=until)
        return None

    def _text(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text().strip() if item is not None else ""
