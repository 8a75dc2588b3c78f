"""A finding's status history (发现 → 企业报告整改 → each 复查 with its photos), and the small
设定新的整改期限 dialog for a 复查不合格 finding. GUI thread only.
"""

from __future__ import annotations

import datetime as dt
import uuid

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFormLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import func, select

from hazdesk.errors import ValidationError
from hazdesk.services.findings import set_new_deadline
from hazdesk.store.models import Attachment, Finding, Inspector, Reinspection
from ui.context import AppContext
from ui.i18n import tr
from ui.widgets.deadline_picker import DeadlinePicker
from ui.widgets.dialog_buttons import ok_cancel
from ui.widgets.finding_form import ERROR_STYLE
from ui.widgets.photo_strip import PhotoStrip

RESULT_TEXT = {"pass": "复查合格", "fail": "复查不合格"}


class FindingHistory(QWidget):
    """Rows: 发现, 企业报告已整改, every 复查. Selecting a 复查 shows its own photos below."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels([tr("日期"), tr("事项"), tr("整改期限"), tr("说明")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.setMaximumHeight(150)
        self.photos = PhotoStrip(ctx, "reinspection", None)
        self.photos.set_editable(False)
        self.photos_label = QLabel(tr("复查照片"))
        self.photos.hide()
        self.photos_label.hide()
        self.table.itemSelectionChanged.connect(self._selected)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addWidget(self.photos_label)
        layout.addWidget(self.photos)

    def load(self, finding: Finding) -> None:
        with self._ctx.db.session() as session:
            rows = session.scalars(
                select(Reinspection)
                .where(Reinspection.finding_id == finding.id, Reinspection.deleted.is_(False))
                .order_by(Reinspection.reinspected_on, Reinspection.hlc)
            ).all()
            photo_counts = dict(
                session.execute(
                    select(Attachment.owner_id, func.count())
                    .where(
                        Attachment.owner_kind == "reinspection",
                        Attachment.owner_id.in_([r.id for r in rows]),
                        Attachment.deleted.is_(False),
                    )
                    .group_by(Attachment.owner_id)
                ).all()
            )
            ids = {uuid.UUID(i) for r in rows for i in r.inspector_ids}
            names = dict(session.execute(select(Inspector.id, Inspector.name).where(Inspector.id.in_(ids))).all())
        entries: list[tuple[dt.date, str, str, str, uuid.UUID | None]] = [
            (finding.found_on, tr("发现隐患，责令整改"), "", "", None)
        ]
        if finding.rectified_on:
            entries.append((finding.rectified_on, tr("企业报告已整改"), "", "", None))
        for row in rows:
            who = "、".join(names.get(uuid.UUID(i), "") for i in row.inspector_ids)
            photos = photo_counts.get(row.id, 0)
            note = "；".join(
                p
                for p in (
                    row.note.rstrip("。；;"),
                    who and tr("复查人员：") + who,
                    photos and tr("照片 {n} 张").replace("{n}", str(photos)),
                )
                if p
            )
            deadline = row.new_deadline.isoformat() if row.new_deadline else ""
            entries.append((row.reinspected_on, tr(RESULT_TEXT[row.result]), deadline, note, row.id))
        self.table.setRowCount(len(entries))
        for r, (day, what, deadline, note, rid) in enumerate(entries):
            for c, text in enumerate((day.isoformat(), what, deadline, note)):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, rid)
                item.setToolTip(text)
                self.table.setItem(r, c, item)
        self.photos.hide()
        self.photos_label.hide()

    def _selected(self) -> None:
        items = self.table.selectedItems()
        rid = items[0].data(Qt.ItemDataRole.UserRole) if items else None
        self.photos.set_owner(rid)
        visible = rid is not None and self.photos.list.count() > 0
        self.photos.setVisible(visible)
        self.photos_label.setVisible(visible)


class NewDeadlineDialog(QDialog):
    """复查不合格 → 待整改: a new deadline later than the old one and not before today."""

    deadline_set = Signal(object)  # Changes

    def __init__(
        self, ctx: AppContext, finding_id: uuid.UUID, old_deadline: dt.date, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._ctx, self._finding_id = ctx, finding_id
        self.setWindowTitle(tr("设定新的整改期限"))
        self.picker = DeadlinePicker(ctx.today(), allow_immediate=False)
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        form = QFormLayout()
        form.addRow(tr("原整改期限"), QLabel(old_deadline.isoformat()))
        form.addRow(tr("新的整改期限"), self.picker)
        form.addRow("", self.error)
        buttons, _ok = ok_cancel(tr("确定"), self.submit, self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def submit(self) -> None:
        try:
            changes = set_new_deadline(
                self._ctx.db, self._finding_id, new_deadline=self.picker.deadline(), today=self._ctx.today()
            )
        except ValidationError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        except Exception as exc:
            self._ctx.show_error(self, exc)
            return
        self._ctx.publish(changes)
        self.deadline_set.emit(changes)
        self.accept()
