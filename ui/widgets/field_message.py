"""Validation messages shown AT the field: a red line of text under it and a red border around it.

A dialog sets ``INVALID_STYLE`` once; :func:`mark` toggles the ``invalid`` property on a widget and
re-polishes it so the border follows. Messages are plain text (they may quote what the user typed).
GUI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

INVALID_STYLE = (
    'QLineEdit[invalid="true"], QComboBox[invalid="true"], QPlainTextEdit[invalid="true"], '
    'QListWidget[invalid="true"], QTableWidget[invalid="true"] { border: 1px solid #d93025; }'
)


class FieldMessage(QLabel):
    """A red message line, hidden while empty."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        self.setStyleSheet("color: #c5221f;")
        self.hide()

    def show_message(self, message: str | None) -> None:
        self.setText(message or "")
        self.setVisible(bool(message))


def mark(widget: QWidget, invalid: bool) -> None:
    if bool(widget.property("invalid")) == invalid:
        return
    widget.setProperty("invalid", invalid)
    widget.style().unpolish(widget)
    widget.style().polish(widget)
    widget.update()
