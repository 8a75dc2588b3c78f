"""A one-line bar that says what was just saved and offers to undo it ("已保存。撤销").

Undo is done by the caller calling the same service with the values from before (the services
return what they changed, so the page refreshes as after any edit). GUI thread only.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from ui.i18n import tr

SHOW_MS = 20_000


class UndoBar(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("undoBar")
        self.setStyleSheet("#undoBar { background: #e8f0fe; border: 1px solid #aecbfa; border-radius: 3px; }")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 3, 4, 3)
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.PlainText)  # carries enterprise names
        self.undo_button = QPushButton(tr("撤销"))
        self.undo_button.setToolTip(tr("撤销刚才的修改（Ctrl+Z）"))
        close = QPushButton("×")
        close.setFlat(True)
        close.setFixedWidth(24)
        close.setToolTip(tr("关闭"))
        layout.addWidget(self.label, 1)
        layout.addWidget(self.undo_button)
        layout.addWidget(close)
        self._undo: Callable[[], None] | None = None
        self._timer = QTimer(self, singleShot=True, interval=SHOW_MS)
        self._timer.timeout.connect(self.dismiss)
        self.undo_button.clicked.connect(self.undo)
        close.clicked.connect(self.dismiss)
        self.hide()

    def show_message(self, text: str, undo: Callable[[], None] | None = None) -> None:
        self.label.setText(text)
        self._undo = undo
        self.undo_button.setVisible(undo is not None)
        self.show()
        self._timer.start()

    def can_undo(self) -> bool:
        return self._undo is not None

    def undo(self) -> None:
        action, self._undo = self._undo, None
        self.dismiss()
        if action is not None:
            action()

    def dismiss(self) -> None:
        self._timer.stop()
        self._undo = None
        self.hide()
