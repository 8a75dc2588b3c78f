"""Asking before a destructive action (deleting a chemical row, a 重大危险源).

Callers use ``confirm.ask_destructive(...)`` through the module, so tests can replace it. User text
is shown as plain text: a name like ``<b>华联</b>`` must appear literally. GUI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from ui.i18n import tr


def ask_destructive(parent: QWidget | None, title: str, text: str, action: str | None = None) -> bool:
    """True when the user confirms; the safe button (取消) is the default, so Enter does not delete."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(text)
    yes = box.addButton(action or tr("删除"), QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton(tr("取消"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(cancel)
    box.exec()
    return box.clickedButton() is yes
