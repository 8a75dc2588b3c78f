"""Guards against Qt bindings that break the interpreter (PySide6 6.12.0 leaked references to None on
Python 3.11 until the process aborted after a few thousand calls)."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QLabel


def test_qt_calls_do_not_drain_references_to_none(qtbot) -> None:
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for i in range(2000):
        label.setText(str(i))
        label.update()
    assert sys.getrefcount(None) - before > -100
