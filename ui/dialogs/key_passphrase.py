"""设置/修改私钥口令: protect this device's private keys (signing and decryption) with a passphrase,
change it, or remove it. Calls :func:`hazdesk.sync.keys.change_passphrase` itself, so a wrong current
passphrase keeps the dialog open with what was typed. The passphrase is never stored anywhere but in
the key files' encryption and, for this run, in the page's :class:`~ui.views.sync_support.KeyLock`.
GUI thread only.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from hazdesk.errors import HazdeskError
from hazdesk.sync.keys import PassphraseError, change_passphrase
from ui.context import AppContext
from ui.i18n import tr
from ui.views.sync_support import KeyLock
from ui.widgets.dialog_buttons import ok_cancel
from ui.widgets.finding_form import ERROR_STYLE

MIN_LENGTH = 8


def _secret_field() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setMinimumWidth(260)
    return field


class PassphraseDialog(QDialog):
    def __init__(self, ctx: AppContext, lock: KeyLock, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx, self._lock = ctx, lock
        self.protected = lock.protected
        self.new_passphrase: bytes | None = None  # set when accepted
        self.setWindowTitle(tr("修改私钥口令") if self.protected else tr("设置私钥口令"))
        self.setMinimumWidth(520)

        intro = QLabel(
            tr(
                "口令保护本机的私钥（用于签名同步包、解密市局发来的数据包）。设置后，每次启动程序第一次导出"
                "或导入时输入一次，只在本次运行期间记住。"
            )
            + "\n"
            + tr("忘记口令将无法再导出同步包：只能重新生成密钥，并请市局重新登记本机。")
        )
        intro.setWordWrap(True)

        self.current = _secret_field()
        self.new = _secret_field()
        self.repeat = _secret_field()
        self.remove = QCheckBox(tr("取消口令保护（私钥不再加密）"))
        self.remove.toggled.connect(self._remove_toggled)
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()

        form = QFormLayout()
        if self.protected:
            form.addRow(tr("当前口令："), self.current)
        else:
            self.current.hide()
            self.remove.hide()
        form.addRow(tr("新口令："), self.new)
        form.addRow(tr("再次输入新口令："), self.repeat)

        buttons, _ok = ok_cancel(tr("确定"), self.accept, self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.remove)  # its own row: a check box does not wrap
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        (self.current if self.protected else self.new).setFocus()

    def _remove_toggled(self, on: bool) -> None:
        self.new.setEnabled(not on)
        self.repeat.setEnabled(not on)

    def _problem(self) -> str | None:
        if self.protected and not self.current.text():
            return tr("请输入当前口令")
        if self.remove.isChecked():
            return None
        if not self.new.text():
            return tr("请输入新口令")
        if len(self.new.text()) < MIN_LENGTH:
            return tr("新口令至少 {n} 个字符").format(n=MIN_LENGTH)
        if self.new.text() != self.repeat.text():
            return tr("两次输入的新口令不一致")
        if self.protected and self.new.text() == self.current.text():
            return tr("新口令与当前口令相同")
        return None

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def accept(self) -> None:
        problem = self._problem()
        if problem:
            self._show_error(problem)
            return
        old = self.current.text().encode("utf-8") if self.protected else None
        new = None if self.remove.isChecked() else self.new.text().encode("utf-8")
        try:
            change_passphrase(self._lock.data_root, self._lock.device_id, old, new)
        except PassphraseError:
            self._show_error(tr("当前口令不正确，私钥未改动"))
            self.current.clear()
            self.current.setFocus()
            return
        except (HazdeskError, OSError) as exc:
            self._ctx.show_error(self, exc)
            return
        self.new_passphrase = new
        super().accept()
