"""The OK / Cancel row every form dialog ends with, labelled for the task, with Ctrl+Enter for OK."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialogButtonBox, QPushButton

from ui.i18n import tr


def ok_cancel(
    ok_text: str,
    on_ok: Callable[[], object],
    on_cancel: Callable[[], object],
    *,
    cancel_text: str | None = None,
    ok_tip: str | None = None,
) -> tuple[QDialogButtonBox, QPushButton]:
    """The buttons and the OK button (texts already translated). Ctrl+Enter presses OK from any field,
    so a form can be finished without the mouse; Esc cancels as in every dialog."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
    ok.setText(ok_text)
    ok.setToolTip(ok_tip or tr("确定（Ctrl+Enter）"))
    ok.setShortcut("Ctrl+Return")
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(cancel_text or tr("取消"))
    buttons.accepted.connect(on_ok)
    buttons.rejected.connect(on_cancel)
    return buttons, ok
