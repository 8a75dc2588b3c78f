"""One checklist item of an inspection being answered (检查项), and the finding its 不符合 makes.

Each answer is committed by :func:`answer_item` the moment it is given (so a draft survives a crash);
a 不符合 answer shows the finding the service created right inside the item, where the inspector
edits the description, measure and deadline and adds photos. Edits to that finding are saved a
moment after typing stops (and by 保存, Ctrl+S). GUI thread only.

Keyboard, with the item selected (clicked or reached by arrows): 1 符合, 2 不符合, 3 不适用,
↑/↓ previous/next item.
"""

from __future__ import annotations

import html
import uuid
from dataclasses import dataclass

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QMouseEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hazdesk.domain.lifecycle import FindingStatus, label
from hazdesk.errors import ValidationError
from hazdesk.services.findings import update_finding
from hazdesk.services.inspections import answer_item
from hazdesk.store.models import Finding
from ui.context import AppContext
from ui.i18n import tr
from ui.widgets.finding_form import FindingForm, severity_text
from ui.widgets.photo_strip import PhotoStrip

RESULTS = ("conform", "nonconform", "na")
RESULT_LABELS = {"conform": "符合", "nonconform": "不符合", "na": "不适用"}
AUTOSAVE_MS = 1200
KEYS = {Qt.Key.Key_1: "conform", Qt.Key.Key_2: "nonconform", Qt.Key.Key_3: "na"}

CARD_STYLE = """
ItemCard { background: palette(base); border: 1px solid #d0d4da; border-radius: 6px; }
ItemCard[current="true"] { border: 2px solid #1a73e8; }
ItemCard[answer="nonconform"] { background: #fff6f5; }
QPushButton[segment="true"] { padding: 3px 14px; border: 1px solid #9aa0a6; background: #f6f7f9; }
QPushButton[segment="true"]:checked[result="conform"] { background: #1e8e3e; color: white; }
QPushButton[segment="true"]:checked[result="nonconform"] { background: #c5221f; color: white; }
QPushButton[segment="true"]:checked[result="na"] { background: #5f6368; color: white; }
QLabel#major { background: #c5221f; color: white; border-radius: 3px; padding: 1px 6px; }
QLabel#basis { color: #5f6368; }
QFrame#finding { border: 1px solid #f1b0ab; border-radius: 4px; background: #ffffff; }
QLabel#findingMajor { background: #c5221f; color: white; padding: 2px 8px; font-weight: bold; }
QLabel#findingGeneral { background: #f9ab00; color: black; padding: 2px 8px; font-weight: bold; }
"""


@dataclass(frozen=True)
class ItemInfo:
    id: uuid.UUID
    code: str
    section: str
    label: str
    text: str
    legal_basis: str
    severity: str  # of a 不符合 answer: general | major


class InlineFinding(QFrame):
    """The finding made by a 不符合 answer, editable where it was found."""

    open_requested = Signal(object)  # finding id

    def __init__(self, ctx: AppContext, finding_id: uuid.UUID, editable: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("finding")
        self._ctx, self.finding_id = ctx, finding_id
        self._dirty = False
        self._timer = QTimer(self, singleShot=True, interval=AUTOSAVE_MS)
        self._timer.timeout.connect(self.save)
        self.badge = QLabel()
        self.saved_label = QLabel()
        self.saved_label.setStyleSheet("color: #5f6368;")
        self.form = FindingForm(ctx.today(), compact=True)
        self.photos = PhotoStrip(ctx, "finding", finding_id)
        self.save_button = QPushButton(tr("保存隐患"))
        self.save_button.setToolTip(tr("保存隐患描述、整改措施和期限（Ctrl+S；停止输入后也会自动保存）"))
        self.save_button.clicked.connect(self.save)
        self.open_button = QPushButton(tr("详情…"))
        self.open_button.setToolTip(tr("在隐患窗口中打开：等级、依据、部位、整改与复查"))
        self.open_button.clicked.connect(lambda: self.open_requested.emit(self.finding_id))
        top = QHBoxLayout()
        top.addWidget(self.badge)
        top.addWidget(self.saved_label, 1)
        top.addWidget(self.save_button)
        top.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.form)
        layout.addWidget(self.photos)
        self._editable = editable
        self.reload()
        self.form.edited.connect(self._edited)
        self.form.set_read_only(not editable)
        self.photos.set_editable(editable)
        self.photos.setVisible(editable or self.photos.list.count() > 0)  # no empty box on a record
        self.save_button.setVisible(editable)

    def reload(self) -> None:
        with self._ctx.db.session() as session:
            finding = session.get(Finding, self.finding_id)
            if finding is None:
                return
            self.form.load(finding)
            major = finding.severity == "major"
            status = tr(label(FindingStatus(finding.status)))
        self.badge.setObjectName("findingMajor" if major else "findingGeneral")
        self.badge.setText(tr("隐患", context="one") + "：" + severity_text("major" if major else "general"))
        self.badge.style().unpolish(self.badge)
        self.badge.style().polish(self.badge)
        self._dirty = False
        if self._editable:
            self.saved_label.setText(tr("已登记，可在此修改"))
        else:  # a completed inspection: the finding lives on in its own dialog
            self.saved_label.setText(tr("状态：{s}（整改与复查请点「详情」）").replace("{s}", status))

    def dirty(self) -> bool:
        return self._dirty

    def external_change(self) -> None:
        """The finding changed elsewhere (its dialog): show it, unless the form already says so —
        reloading identical text would throw the cursor out of a field being typed in."""
        if self._dirty:
            return
        with self._ctx.db.session() as session:
            finding = session.get(Finding, self.finding_id)
            same = finding is not None and (
                finding.description == self.form.description.toPlainText().strip()
                and finding.measure == self.form.measure.toPlainText().strip()
                and finding.severity == self.form.severity.currentData()
                and finding.deadline == self.form.deadline.date.date().toPython()
            )
        if not same:
            self.reload()

    def _edited(self) -> None:
        self._dirty = True
        self.saved_label.setText(tr("有未保存的修改"))
        self._timer.start()

    def save(self) -> bool:
        """Write the form to the finding; a refusal stays beside its field. True when saved."""
        self._timer.stop()
        if not self._dirty:
            return True
        try:
            changes = update_finding(
                self._ctx.db, self.finding_id, self.form.value(), deadline=self.form.deadline.deadline()
            )
        except ValidationError as exc:
            if not self.form.show_error(exc):
                self._ctx.show_error(self, exc)
            self.saved_label.setText(tr("未保存：请按提示修改"))
            return False
        except Exception as exc:  # shown; the form keeps the text
            self._ctx.show_error(self, exc)
            return False
        self._dirty = False
        self.saved_label.setText(tr("已保存"))
        self._ctx.publish(changes)
        return True


class ItemCard(QFrame):
    """One checklist item: 符合 / 不符合 / 不适用, a note, and the finding of a 不符合."""

    answered = Signal(object, str)  # card, result
    move_requested = Signal(object, int)  # card, -1 | +1
    open_finding = Signal(object)  # finding id
    selected = Signal(object)  # card: clicked or focused

    def __init__(
        self,
        ctx: AppContext,
        inspection_id: uuid.UUID,
        item: ItemInfo,
        answer: str | None,
        note: str,
        finding_id: uuid.UUID | None,
        editable: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx, self._inspection_id, self.item = ctx, inspection_id, item
        self.answer, self._saved_note, self._editable = answer, note, editable
        self.finding: InlineFinding | None = None
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setToolTip(tr("快捷键：1 符合，2 不符合，3 不适用；↑/↓ 上一项/下一项"))
        self.setProperty("current", False)

        code, label = html.escape(item.code), html.escape(item.label or "")  # checklists are editable data
        title = QLabel(f"<b>{code}</b>  {label}" if label else f"<b>{code}</b>")
        title.setTextFormat(Qt.TextFormat.RichText)
        header = QHBoxLayout()
        header.addWidget(title)
        if item.severity == "major":
            tag = QLabel(tr("重大"))
            tag.setObjectName("major")
            tag.setToolTip(tr("此项不符合即判定为重大事故隐患"))
            header.addWidget(tag)
        header.addStretch(1)
        self.group = QButtonGroup(self)
        self.group.setExclusive(False)  # lets "no answer yet" show all three unchecked
        self.buttons: dict[str, QPushButton] = {}
        for number, result in enumerate(RESULTS, start=1):
            button = QPushButton(tr(RESULT_LABELS[result]))
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys stay with the card
            button.setProperty("segment", True)
            button.setProperty("result", result)
            button.setToolTip(tr(RESULT_LABELS[result]) + f"（{number}）")
            button.setEnabled(editable)
            button.clicked.connect(lambda _c=False, r=result: self.set_answer(r))
            self.group.addButton(button)
            self.buttons[result] = button
            header.addWidget(button)
        header.setSpacing(4)

        text = QLabel(item.text)
        text.setWordWrap(True)
        basis = QLabel(tr("依据：") + (item.legal_basis or tr("（未注明）")))
        basis.setObjectName("basis")
        basis.setWordWrap(True)
        self.note = QLineEdit(note)
        self.note.setPlaceholderText(tr("现场情况 / 备注（回车保存）") if editable else "")
        self.note.setReadOnly(not editable)
        self.note.editingFinished.connect(self._note_finished)
        self._layout = QVBoxLayout(self)
        self._layout.addLayout(header)
        self._layout.addWidget(text)
        self._layout.addWidget(basis)
        self._layout.addWidget(self.note)
        self._show_answer()
        if finding_id is not None:
            self._show_finding(finding_id)

    # --- answering -----------------------------------------------------------------------------
    def set_answer(self, result: str) -> None:
        """Save ``result`` for this item now; a 不符合 brings up its finding."""
        if not self._editable:
            return
        if result == self.answer:
            self._show_answer()  # a click on the checked button must not uncheck it
            return
        if self.answer == "nonconform" and self.finding is not None:
            reply = QMessageBox.question(
                self,
                tr("撤销隐患"),
                tr("改为「{r}」将撤销由此项登记的隐患（含填写的整改要求和照片关联），确定吗？").replace(
                    "{r}", tr(RESULT_LABELS[result])
                ),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if reply != QMessageBox.StandardButton.Yes:
                self._show_answer()
                return
        try:
            created, changes = answer_item(
                self._ctx.db, self._inspection_id, self.item.id, result, note=self.note.text(), today=self._ctx.today()
            )
        except Exception as exc:  # the previous answer is still the saved one
            self._show_answer()
            self._ctx.show_error(self, exc)
            return
        self.answer, self._saved_note = result, self.note.text().strip()
        if result != "nonconform" and self.finding is not None:
            self.finding.deleteLater()
            self.finding = None
        if created is not None:
            self._show_finding(created)
        self._show_answer()
        self._ctx.publish(changes)
        self.answered.emit(self, result)

    def _note_finished(self) -> None:
        if self.answer is None or self.note.text().strip() == self._saved_note:
            return  # a note without an answer is sent with the answer
        try:
            _, changes = answer_item(
                self._ctx.db,
                self._inspection_id,
                self.item.id,
                self.answer,
                note=self.note.text(),
                today=self._ctx.today(),
            )
        except Exception as exc:
            self._ctx.show_error(self, exc)
            return
        self._saved_note = self.note.text().strip()
        self._ctx.publish(changes)

    def _show_answer(self) -> None:
        for result, button in self.buttons.items():
            button.setChecked(result == self.answer)
        self.setProperty("answer", self.answer or "")
        self.style().unpolish(self)
        self.style().polish(self)

    def _show_finding(self, finding_id: uuid.UUID) -> None:
        self.finding = InlineFinding(self._ctx, finding_id, self._editable, self)
        self.finding.open_requested.connect(self.open_finding)
        self._layout.addWidget(self.finding)

    def save_pending(self) -> bool:
        return self.finding.save() if self.finding is not None and self.finding.dirty() else True

    # --- keyboard and selection ---------------------------------------------------------------
    def set_current(self, current: bool) -> None:
        if self.property("current") != current:
            self.setProperty("current", current)
            self.style().unpolish(self)
            self.style().polish(self)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in KEYS and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            self.set_answer(KEYS[Qt.Key(key)])
        elif key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self.move_requested.emit(self, -1 if key == Qt.Key.Key_Up else 1)
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        self.selected.emit(self)
        super().mousePressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        self.selected.emit(self)
        super().focusInEvent(event)
