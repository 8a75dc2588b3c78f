"""Small widgets the sync page is built from: a read-only table of text rows that remembers a key per
row, and a yes/no question. GUI thread only."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMessageBox, QTableWidget, QTableWidgetItem, QWidget

from ui.i18n import tr
from ui.views.sync_support import when

KEY_ROLE = Qt.ItemDataRole.UserRole


class SyncTable(QTableWidget):
    """Rows of plain text; ``stretch`` is the column (or columns) that take the spare width (messages, file names)."""

    def __init__(self, headers: list[str], stretch: int | tuple[int, ...] = -1, parent: QWidget | None = None) -> None:
        super().__init__(0, len(headers), parent)
        self.setHorizontalHeaderLabels(headers)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.verticalHeader().setVisible(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        columns = stretch if isinstance(stretch, tuple) else (stretch if stretch >= 0 else len(headers) - 1,)
        for column in columns:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)

    def set_rows(self, rows: list[tuple[Any, list[str]]]) -> None:
        """``rows``: (key, texts). The full text is also the tooltip (long reasons are elided)."""
        self.setRowCount(0)
        self.setRowCount(len(rows))
        for index, (key, texts) in enumerate(rows):
            for column, text in enumerate(texts):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if column == 0:
                    item.setData(KEY_ROLE, key)
                self.setItem(index, column, item)

    def current_key(self) -> Any:
        row = self.currentRow()
        item = self.item(row, 0) if row >= 0 else None
        return item.data(KEY_ROLE) if item is not None else None

    def texts(self, row: int) -> list[str]:
        return [self.item(row, c).text() for c in range(self.columnCount())]


def confirm(parent: QWidget, title: str, text: str) -> bool:
    answer = QMessageBox.question(
        parent,
        title,
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


def rejection_table() -> SyncTable:
    return SyncTable([tr("时间"), tr("文件"), tr("原因类别"), tr("原因")], stretch=3)


def fill_rejections(table: SyncTable, rejections: list[Any]) -> None:
    """``rejections``: :class:`hazdesk.sync.status.RejectionStatus`, newest first."""
    table.set_rows([(None, [when(r.at), r.file_name, r.code, r.reason]) for r in rejections])
