"""Picking an enterprise's 重点监管危险化工工艺 from the 18 of the catalog (check boxes in a list).

GUI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from hazdesk.domain import key_supervision
from ui.i18n import tr


class KeyProcessPicker(QListWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        for process in key_supervision.key_processes():
            item = QListWidgetItem(process.name)
            item.setData(Qt.ItemDataRole.UserRole, process.name)
            item.setToolTip(tr("第{batch}批（{document}）").format(batch=process.batch, document=process.document))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.addItem(item)
        self.itemChanged.connect(lambda _item: self.changed.emit())

    def set_selected(self, names: tuple[str, ...] | list[str]) -> None:
        # Stored names are catalog names already; match_process also accepts the old spellings.
        wanted = {key_supervision.match_process(n) or n for n in names}
        self.blockSignals(True)
        for row in range(self.count()):
            item = self.item(row)
            checked = item.data(Qt.ItemDataRole.UserRole) in wanted
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.blockSignals(False)
        self.changed.emit()

    def selected(self) -> tuple[str, ...]:
        return tuple(
            self.item(row).data(Qt.ItemDataRole.UserRole)
            for row in range(self.count())
            if self.item(row).checkState() == Qt.CheckState.Checked
        )
