"""检查 page: the list of inspections (newest first, drafts marked 草稿) and one inspection open.

``start_for(enterprise_id)`` opens the start dialog (the lead's window calls it for
``navigate("new_inspection", id)``); ``open_record(id)`` shows an inspection. The page listens to
``ctx.changed`` and refreshes the list and any open finding that changed elsewhere. GUI thread only.
"""

from __future__ import annotations

import datetime as dt
import uuid

from PySide6.QtCore import QDate, QModelIndex, Qt
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from hazdesk.services import Changes
from ui.context import AppContext
from ui.dialogs.finding import FindingDialog
from ui.dialogs.inspection_start import InspectionStartDialog
from ui.i18n import tr
from ui.models.inspections import LIMIT, STATE_LABELS, InspectionFilters, InspectionTableModel
from ui.views.inspection_view import InspectionView

_NO_DATE = QDate(2000, 1, 1)  # shown as 不限


def _date_edit() -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setMinimumDate(_NO_DATE)
    edit.setSpecialValueText(tr("不限"))
    edit.setDate(_NO_DATE)
    return edit


class InspectionsPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.start_dialog: InspectionStartDialog | None = None
        self.finding_dialog: FindingDialog | None = None
        self._stale = False

        self.state = QComboBox()
        self.state.addItem(tr("全部状态"), "")
        for code, text in STATE_LABELS.items():
            self.state.addItem(tr(text), code)
        self.date_from = _date_edit()
        self.date_to = _date_edit()
        self.new_button = QPushButton(tr("新建检查…"))
        self.new_button.setToolTip(tr("选择企业、检查表和执法人员，开始现场检查（Ctrl+N）"))
        self.new_button.clicked.connect(lambda: self.start_for(None))
        QShortcut(
            QKeySequence.StandardKey.New,
            self,
            activated=lambda: self.start_for(None),
            context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
        )
        self.open_button = QPushButton(tr("打开"))
        self.open_button.setToolTip(tr("打开所选检查；草稿可继续作答（回车或双击）"))
        self.open_button.clicked.connect(self._open_selected)
        self.limit_label = QLabel()
        self.limit_label.setStyleSheet("color: #5f6368;")

        self.model = InspectionTableModel(ctx.db, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        for column, width in enumerate((130, 260, 300, 80, 160, 50, 70)):
            self.table.setColumnWidth(column, width)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(self._open_index)
        QShortcut(
            QKeySequence(Qt.Key.Key_Return),
            self.table,
            activated=self._open_selected,
            context=Qt.ShortcutContext.WidgetShortcut,
        )

        bar = QHBoxLayout()
        bar.addWidget(QLabel(tr("状态")))
        bar.addWidget(self.state)
        bar.addWidget(QLabel(tr("检查日期")))
        bar.addWidget(self.date_from)
        bar.addWidget(QLabel("—"))
        bar.addWidget(self.date_to)
        bar.addStretch(1)
        bar.addWidget(self.open_button)
        bar.addWidget(self.new_button)
        self.batch_button = QPushButton(tr("批量签发文书…"))
        self.batch_button.setToolTip(tr("为某一天完成的检查一次签发现场检查记录和整改指令书"))
        self.batch_button.clicked.connect(self.open_batch_documents)
        bar.addWidget(self.batch_button)
        list_page = QWidget()
        list_layout = QVBoxLayout(list_page)
        list_layout.addLayout(bar)
        list_layout.addWidget(self.table, 1)
        list_layout.addWidget(self.limit_label)

        self.view = InspectionView(ctx)
        self.view.back_requested.connect(self.show_list)
        self.view.discarded.connect(lambda _id: self.show_list())
        self.view.finding_requested.connect(self.open_finding)
        self.stack = QStackedWidget()
        self.stack.addWidget(list_page)
        self.stack.addWidget(self.view)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)

        self.state.setCurrentIndex(max(self.state.findData(str(ctx.settings.value("inspections/state", ""))), 0))
        self.state.currentIndexChanged.connect(self.reload)
        self.date_from.dateChanged.connect(self.reload)
        self.date_to.dateChanged.connect(self.reload)
        ctx.changed.connect(self._changed)
        self._stale = True  # loaded when first shown: the 今日 page comes first at start-up

    # --- the list ------------------------------------------------------------------------------
    def filters(self) -> InspectionFilters:
        def day(edit: QDateEdit) -> dt.date | None:
            return None if edit.date() == _NO_DATE else edit.date().toPython()

        return InspectionFilters(
            state=self.state.currentData(),
            date_from=day(self.date_from),
            date_to=day(self.date_to),
            district_code=self._ctx.district_code() or "",
        )

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale and self.stack.currentIndex() == 0:
            self.reload()

    def reload(self) -> None:
        self._stale = False
        selected = self.selected_id()
        self._ctx.settings.setValue("inspections/state", self.state.currentData())
        self.model.reload(self.filters())
        self.limit_label.setText(
            tr("只显示最近 {n} 条；更早的请按日期筛选").replace("{n}", str(LIMIT)) if self.model.truncated() else ""
        )
        if selected is not None and (row := self.model.row_of(selected)) >= 0:
            self.table.selectRow(row)

    def selected_id(self) -> uuid.UUID | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.inspection_id(rows[0].row()) if rows else None

    def save_pending(self) -> bool:
        """Save finding edits still waiting for autosave (the main window calls this on close)."""
        return self.view.save_pending()

    def show_list(self) -> None:
        self.stack.setCurrentIndex(0)
        if self._stale:
            self.reload()
        self.table.setFocus()

    def focus_search(self) -> None:
        self.show_list()
        self.state.setFocus()

    def _open_index(self, index: QModelIndex) -> None:
        self.open_record(self.model.inspection_id(index.row()))

    def _open_selected(self) -> None:
        selected = self.selected_id()
        if selected is not None:
            self.open_record(selected)

    # --- records -------------------------------------------------------------------------------
    def open_record(self, inspection_id: uuid.UUID) -> None:
        self.view.load(inspection_id)
        self.stack.setCurrentWidget(self.view)
        if (row := self.model.row_of(inspection_id)) >= 0:
            self.table.selectRow(row)

    def start_for(self, enterprise_id: uuid.UUID | None) -> None:
        dialog = InspectionStartDialog(self._ctx, enterprise_id, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.started.connect(self.open_record)
        self.start_dialog = dialog
        dialog.open()

    def open_finding(self, finding_id: uuid.UUID) -> None:
        if self.view.save_pending() is False:
            return
        dialog = FindingDialog(self._ctx, finding_id, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.finding_dialog = dialog
        dialog.open()

    def _changed(self, changes: Changes) -> None:
        if changes.touches("inspection") or changes.touches("finding") or changes.touches("enterprise"):
            if self.stack.currentIndex() == 0 and self.isVisible():
                self.reload()
            else:  # every answer publishes a change: refresh the list when it is looked at again
                self._stale = True
        if changes.touches("finding"):
            changed = changes.records["finding"]
            for card in self.view.cards:
                inline = card.finding
                if inline is not None and inline.finding_id in changed and not inline.dirty():
                    inline.external_change()

    def open_batch_documents(self) -> None:
        from ui.dialogs.batch_documents import BatchDocumentsDialog

        BatchDocumentsDialog(self._ctx, self).exec()
