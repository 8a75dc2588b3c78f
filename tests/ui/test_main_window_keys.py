"""The keyboard in the whole main window: Ctrl+1…5 change pages, Ctrl+F goes to the search, Ctrl+N
starts what the page is for — pressed as a user presses them, in an active window."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from ui.dialogs.enterprise_form import EnterpriseFormDialog
from ui.main_window import PAGES, MainWindow


def _activate(qtbot, window: MainWindow) -> None:
    # The offscreen platform does not hand activation back after a dialog closes; a desktop does.
    window.activateWindow()
    window.windowHandle().requestActivate()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)


def _active_window(qtbot, ctx) -> MainWindow:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    _activate(qtbot, window)
    return window


def _press(qtbot, key: Qt.Key) -> None:
    target = QApplication.focusWidget() or QApplication.activeWindow()
    assert target is not None, "no active window to type into"
    qtbot.keyClick(target, key, Qt.KeyboardModifier.ControlModifier)


def test_ctrl_digits_open_each_page_and_ctrl_f_goes_to_the_search(qtbot, ctx) -> None:
    window = _active_window(qtbot, ctx)
    for index, (key, _title) in reversed(list(enumerate(PAGES))):
        _press(qtbot, Qt.Key(Qt.Key.Key_1.value + index))
        assert window.nav.currentRow() == index
        expected = window.sync if key == "sync" else getattr(window, key)
        assert window.stack.currentWidget() in (expected, getattr(window, "sync_slot", None)), key
    _press(qtbot, Qt.Key.Key_2)
    _press(qtbot, Qt.Key.Key_F)
    assert QApplication.focusWidget() is window.enterprises.search_box


def test_ctrl_n_starts_what_the_page_is_for(qtbot, ctx) -> None:
    window = _active_window(qtbot, ctx)
    opened: list[str] = []

    def note_and_close() -> None:
        dialog = QApplication.activeModalWidget()
        opened.append(type(dialog).__name__)
        if dialog is not None:
            dialog.reject()

    _press(qtbot, Qt.Key.Key_2)
    window.enterprises.table.setFocus()
    QTimer.singleShot(50, note_and_close)
    _press(qtbot, Qt.Key.Key_N)
    qtbot.waitUntil(lambda: len(opened) == 1)
    assert opened == [EnterpriseFormDialog.__name__]

    _activate(qtbot, window)
    _press(qtbot, Qt.Key.Key_3)
    window.inspections.table.setFocus()
    _press(qtbot, Qt.Key.Key_N)
    qtbot.waitUntil(lambda: window.inspections.start_dialog is not None and window.inspections.start_dialog.isVisible())
    window.inspections.start_dialog.reject()
