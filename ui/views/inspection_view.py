"""One inspection: its header, the checklist answered item by item, and 完成 / 放弃草稿.

Reopening a draft shows every answer, note and finding saved so far and puts the cursor on the
first unanswered item, so the inspector continues where the laptop was closed. A completed
inspection is shown read-only (its findings still open in the finding dialog). GUI thread only.
"""

from __future__ import annotations

import html
import uuid

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QHideEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import func, select

from hazdesk.services.inspections import discard_draft
from hazdesk.store.models import (
    ChecklistItem,
    ChecklistTemplate,
    Enterprise,
    Finding,
    Inspection,
    InspectionAnswer,
    InspectionInspector,
    Inspector,
)
from ui.context import AppContext
from ui.dialogs.finding import FindingDialog
from ui.dialogs.inspection_complete import InspectionCompleteDialog
from ui.i18n import tr
from ui.models.inspections import KIND_LABELS
from ui.views.inspection_item import CARD_STYLE, ItemCard, ItemInfo
from ui.widgets import confirm

SECTION_STYLE = "font-size: 15px; font-weight: bold; padding: 10px 0 2px 2px; color: #174ea6;"


class InspectionView(QWidget):
    back_requested = Signal()
    finding_requested = Signal(object)  # finding id: the page opens the finding dialog
    discarded = Signal(object)  # inspection id

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.inspection_id: uuid.UUID | None = None
        self.state = ""
        self.cards: list[ItemCard] = []
        self.complete_dialog: InspectionCompleteDialog | None = None
        self.other_dialog: FindingDialog | None = None
        self.setStyleSheet(CARD_STYLE)

        self.back_button = QPushButton(tr("← 返回列表"))
        self.back_button.setToolTip(tr("返回检查记录列表（Alt+←）"))
        self.back_button.clicked.connect(self._back)
        QShortcut(
            QKeySequence("Alt+Left"), self, activated=self._back, context=Qt.ShortcutContext.WidgetWithChildrenShortcut
        )
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setStyleSheet("font-size: 17px;")
        self.title.linkActivated.connect(self._open_enterprise)
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.progress = QLabel()
        self.complete_button = QPushButton(tr("完成检查"))
        self.complete_button.setToolTip(tr("填写结束时间并完成检查（Ctrl+Enter）"))
        self.complete_button.clicked.connect(self.complete)
        QShortcut(
            QKeySequence("Ctrl+Return"),
            self,
            activated=self.complete,
            context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
        )
        self.discard_button = QPushButton(tr("放弃草稿"))
        self.discard_button.setToolTip(tr("删除这次未完成的检查及其登记的隐患（会先确认）"))
        self.discard_button.clicked.connect(self.discard)
        self.other_button = QPushButton(tr("登记其他隐患…"))
        self.other_button.setToolTip(tr("登记检查表以外发现的隐患（Ctrl+Shift+N）"))
        self.other_button.clicked.connect(self.add_other_finding)
        QShortcut(
            QKeySequence("Ctrl+Shift+N"),
            self,
            activated=self.add_other_finding,
            context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
        )
        # One Ctrl+S for every inline finding: a shortcut per finding would be ambiguous and never fire.
        QShortcut(
            QKeySequence.StandardKey.Save,
            self,
            activated=self.save_pending,
            context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
        )

        top = QHBoxLayout()
        top.addWidget(self.back_button)
        top.addWidget(self.title, 1)
        top.addWidget(self.other_button)
        top.addWidget(self.discard_button)
        top.addWidget(self.complete_button)
        self.documents_button = QPushButton(tr("执法文书…"))
        self.documents_button.setToolTip(tr("预览、签发并打印本次检查的执法文书（Ctrl+P）"))
        self.documents_button.clicked.connect(self.open_documents)
        QShortcut(
            QKeySequence.StandardKey.Print,
            self,
            activated=self.open_documents,
            context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
        )
        top.addWidget(self.documents_button)
        self.body = QWidget()
        self.body_layout = QVBoxLayout(self.body)
        self.body_layout.setSpacing(8)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(self.body)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.info)
        layout.addWidget(self.progress)
        layout.addWidget(self.scroll, 1)
        QApplication.instance().focusChanged.connect(self._focus_changed)  # type: ignore[union-attr]

    # --- loading -------------------------------------------------------------------------------
    def load(self, inspection_id: uuid.UUID) -> None:
        self.save_pending()
        self.inspection_id = inspection_id
        with self._ctx.db.session() as session:
            inspection = session.get(Inspection, inspection_id)
            if inspection is None or inspection.deleted:
                self.title.setText(tr("检查记录不存在或已删除"))
                self._clear()
                return
            enterprise = session.get(Enterprise, inspection.enterprise_id)
            template = session.get(ChecklistTemplate, inspection.template_id) if inspection.template_id else None
            names = session.scalars(
                select(Inspector.name)
                .join(InspectionInspector, InspectionInspector.inspector_id == Inspector.id)
                .where(InspectionInspector.inspection_id == inspection_id)
                .order_by(InspectionInspector.seq)
            ).all()
            items = session.scalars(
                select(ChecklistItem)
                .where(ChecklistItem.template_id == inspection.template_id)
                .order_by(ChecklistItem.seq)
            ).all()
            answers = {
                a.item_id: (a.result, a.note)
                for a in session.scalars(
                    select(InspectionAnswer).where(InspectionAnswer.inspection_id == inspection_id)
                )
            }
            findings = dict(
                session.execute(
                    select(Finding.item_id, Finding.id).where(
                        Finding.inspection_id == inspection_id, Finding.deleted.is_(False), Finding.item_id.is_not(None)
                    )
                ).all()
            )
            others = session.scalar(
                select(func.count()).where(
                    Finding.inspection_id == inspection_id, Finding.deleted.is_(False), Finding.item_id.is_(None)
                )
            )
            infos = [
                ItemInfo(i.id, i.code, i.section, i.label, i.text, i.legal_basis, i.severity_if_nonconforming)
                for i in items
            ]
            self.state, self.started_at = inspection.state, inspection.started_at
            self.enterprise_id = inspection.enterprise_id
            header = {
                "enterprise": html.escape(enterprise.name) if enterprise else "",  # rich-text label
                "template": template.name if template else tr("（无检查表）"),
                "inspectors": "、".join(names),
                "kind": tr(KIND_LABELS.get(inspection.kind, inspection.kind)),
                "place": inspection.place,
                "time": inspection.started_at.strftime("%Y-%m-%d %H:%M")
                + (f" – {inspection.ended_at:%H:%M}" if inspection.ended_at else ""),
                "leader": " ".join(
                    p for p in (inspection.site_leader, inspection.site_leader_title, inspection.site_leader_phone) if p
                ),
            }
        draft = self.state == "draft"
        state = tr("草稿") if draft else tr("已完成")
        self.title.setText(
            f'<a href="enterprise">{header["enterprise"]}</a>  <span style="color:#5f6368">[{state}]</span>'
        )
        self.info.setText(
            f"{tr('检查表')}：{header['template']}　{tr('类型')}：{header['kind']}　{tr('时间')}：{header['time']}\n"
            f"{tr('执法人员')}：{header['inspectors']}　{tr('检查场所')}：{header['place'] or '—'}　"
            f"{tr('现场负责人')}：{header['leader'] or '—'}"
        )
        self.complete_button.setVisible(draft)
        self.discard_button.setVisible(draft)
        self.other_button.setVisible(draft)
        self.progress.setToolTip(tr("检查表以外登记的隐患：{n} 条").replace("{n}", str(others)))
        self._build_cards(inspection_id, infos, answers, findings, draft)

    def _clear(self) -> None:
        self.cards = []
        while self.body_layout.count():
            child = self.body_layout.takeAt(0).widget()
            if child is not None:
                child.deleteLater()

    def _build_cards(
        self,
        inspection_id: uuid.UUID,
        infos: list[ItemInfo],
        answers: dict[uuid.UUID, tuple[str, str]],
        findings: dict[uuid.UUID, uuid.UUID],
        editable: bool,
    ) -> None:
        self._clear()
        section = None
        for info in infos:
            if info.section != section:
                section = info.section
                heading = QLabel(section or tr("检查项"))
                heading.setStyleSheet(SECTION_STYLE)
                self.body_layout.addWidget(heading)
            result, note = answers.get(info.id, (None, ""))
            card = ItemCard(self._ctx, inspection_id, info, result, note, findings.get(info.id), editable)
            card.answered.connect(self._answered)
            card.move_requested.connect(self._move)
            card.open_finding.connect(self.finding_requested)
            card.selected.connect(self._select)
            self.body_layout.addWidget(card)
            self.cards.append(card)
        self.body_layout.addStretch(1)
        self._update_progress()
        first_open = next((c for c in self.cards if c.answer is None), self.cards[0] if self.cards else None)
        if first_open is not None and editable:
            first_open.setFocus()
            self._make_current(first_open)

    # --- answering -----------------------------------------------------------------------------
    def _answered(self, card: ItemCard, result: str) -> None:
        self._update_progress()
        if result != "nonconform":  # a 不符合 stays put: its finding wants attention first
            self._move(card, 1)
            return
        # Bring the new finding (measure, deadline, photos) into view once the card has grown.
        QTimer.singleShot(0, lambda: self._show_finding(card))

    def _show_finding(self, card: ItemCard) -> None:
        if card in self.cards and card.finding is not None:
            self.scroll.ensureWidgetVisible(card.finding, 0, 20)

    def _move(self, card: ItemCard, step: int) -> None:
        index = self.cards.index(card) + step
        if 0 <= index < len(self.cards):
            target = self.cards[index]
            target.setFocus(Qt.FocusReason.OtherFocusReason)
            self._make_current(target)

    def _select(self, card: ItemCard) -> None:
        for other in self.cards:
            other.set_current(other is card)

    def _make_current(self, card: ItemCard) -> None:
        for other in self.cards:
            other.set_current(other is card)
        self.scroll.ensureWidgetVisible(card, 0, 40)

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        widget = new
        while widget is not None and not isinstance(widget, ItemCard):
            widget = widget.parentWidget()
        if widget is not None and widget in self.cards:
            for other in self.cards:
                other.set_current(other is widget)

    def current_card(self) -> ItemCard | None:
        return next((c for c in self.cards if c.property("current")), None)

    def _update_progress(self) -> None:
        answered = sum(1 for c in self.cards if c.answer)
        bad = sum(1 for c in self.cards if c.answer == "nonconform")
        self.progress.setText(
            tr("已答 {a} / {n} 项，不符合 {b} 项")
            .replace("{a}", str(answered))
            .replace("{n}", str(len(self.cards)))
            .replace("{b}", str(bad))
        )

    def unanswered_codes(self) -> list[str]:
        return [c.item.code for c in self.cards if c.answer is None]

    def save_pending(self) -> bool:
        """Save finding edits still waiting for the autosave timer (before leaving or completing)."""
        return all([card.save_pending() for card in self.cards])

    # --- actions -------------------------------------------------------------------------------
    def complete(self) -> None:
        if self.inspection_id is None or self.state != "draft" or not self.save_pending():
            return
        dialog = InspectionCompleteDialog(self._ctx, self.inspection_id, self.started_at, self.unanswered_codes(), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.completed.connect(self.load)
        self.complete_dialog = dialog
        dialog.open()

    def add_other_finding(self) -> None:
        """A hazard seen outside the checklist: the finding dialog in its 登记 mode."""
        if self.inspection_id is None or self.state != "draft":
            return
        dialog = FindingDialog(
            self._ctx, None, enterprise_id=self.enterprise_id, inspection_id=self.inspection_id, parent=self
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.other_dialog = dialog
        dialog.open()

    def discard(self) -> None:
        if self.inspection_id is None or self.state != "draft":
            return
        question = tr("删除这次未完成的检查？已作答的结果和由此登记的隐患都会一并删除，此操作不能撤销。")
        if not confirm.ask_destructive(self, tr("放弃草稿"), question, tr("放弃草稿")):
            return
        try:
            changes = discard_draft(self._ctx.db, self.inspection_id)
        except Exception as exc:
            self._ctx.show_error(self, exc)
            return
        discarded, self.inspection_id = self.inspection_id, None
        self._clear()
        self._ctx.publish(changes)
        self.discarded.emit(discarded)

    def hideEvent(self, event: QHideEvent) -> None:
        # The window closing or another page coming to the front: typed finding text must not wait
        # for the autosave timer, which would never fire once the widgets are gone.
        self.save_pending()
        super().hideEvent(event)

    def _back(self) -> None:
        self.save_pending()
        self.back_requested.emit()

    def _open_enterprise(self, _link: str) -> None:
        self._ctx.navigate("enterprise", self.enterprise_id)

    def open_documents(self) -> None:
        """The 执法文书 dialog for this inspection (documents come from what is saved, so save first)."""
        if self.inspection_id is None:
            return
        self.save_pending()
        from ui.dialogs.documents import open_documents  # QtPdf is loaded only when documents are used

        open_documents(self._ctx, self.inspection_id, self)
