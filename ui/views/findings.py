"""隐患 page: every finding in one lazily loaded table, sortable by any column and filtered by
status, severity, overdue, due soon, district and enterprise; the last filters and sort are kept in
the settings. Enter or a double-click opens the finding dialog. GUI thread only.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from hazdesk.domain.lifecycle import FindingStatus, Severity, label
from hazdesk.services import Changes
from ui.context import AppContext
from ui.dialogs.finding import FindingDialog
from ui.i18n import tr
from ui.models.findings import (
    COL_FOUND,
    OPEN,
    FindingFilters,
    FindingTableModel,
    district_choices,
)

COLUMN_WIDTHS = (240, 420, 60, 120, 100, 100, 80)
SETTINGS_SORT = "findings/sort"


class FindingsPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.finding_dialog: FindingDialog | None = None
        self._keep_selection: uuid.UUID | None = None
        self._stale = False

        self.status = QComboBox()
        self.status.addItem(tr("全部状态"), "")
        self.status.addItem(tr("未销号"), OPEN)
        for status in FindingStatus:
            self.status.addItem(tr(label(status)), status.value)
        self.severity = QComboBox()
        self.severity.addItem(tr("全部等级"), "")
        for severity in Severity:
            self.severity.addItem(tr(label(severity)), severity.value)
        self.overdue = QCheckBox(tr("仅逾期"))
        self.overdue.setToolTip(tr("只看已过整改期限、企业仍未整改的隐患"))
        self.due_soon = QCheckBox(tr("7 天内到期"))
        self.district = QComboBox()
        self.district.addItem(tr("全部区县"), "")
        for code, name in district_choices(ctx.db):
            self.district.addItem(name, code)
        self.enterprise = QLineEdit()
        self.enterprise.setPlaceholderText(tr("企业名称 / 拼音首字母 / 信用代码"))
        self.enterprise.setToolTip(tr("按企业筛选（Ctrl+F）"))
        self.enterprise.setClearButtonEnabled(True)
        self.count = QLabel()
        self.count.setStyleSheet("color: #5f6368;")
        legend = QLabel(
            f"<span style='background:#fbd9d6'>&nbsp;{tr('逾期')}&nbsp;</span> "
            f"<span style='background:#ffeab0'>&nbsp;{tr('7 天内到期')}&nbsp;</span> "
            f"<span style='color:#b3261e'><b>{tr('重大')}</b></span>"
        )

        self.model = FindingTableModel(ctx.db, ctx.today, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.setToolTip(tr("回车或双击打开隐患；点击列标题排序"))
        vertical = self.table.verticalHeader()
        vertical.hide()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # never measure 600,000 rows
        vertical.setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        for column, width in enumerate(COLUMN_WIDTHS):
            self.table.setColumnWidth(column, width)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(self._open_index)
        QShortcut(
            QKeySequence(Qt.Key.Key_Return),
            self.table,
            activated=self._open_selected,
            context=Qt.ShortcutContext.WidgetShortcut,
        )
        QShortcut(
            QKeySequence(Qt.Key.Key_Enter),
            self.table,
            activated=self._open_selected,
            context=Qt.ShortcutContext.WidgetShortcut,
        )
        # Ctrl+F is the main window's: it calls focus_search() on the page in front.

        bar = QHBoxLayout()
        for widget in (self.status, self.severity, self.overdue, self.due_soon, self.district):
            bar.addWidget(widget)
        bar.addWidget(self.enterprise, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count, 1)
        bottom.addWidget(legend)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)

        self._typing = QTimer(self, singleShot=True, interval=300)  # search once typing pauses
        self._typing.timeout.connect(self.apply_filters)
        self._restore()
        self.status.currentIndexChanged.connect(self.apply_filters)
        self.severity.currentIndexChanged.connect(self.apply_filters)
        self.overdue.toggled.connect(self.apply_filters)
        self.due_soon.toggled.connect(self.apply_filters)
        self.district.currentIndexChanged.connect(self.apply_filters)
        self.enterprise.textEdited.connect(lambda _t: self._typing.start())
        header.sortIndicatorChanged.connect(self._sort_changed)
        self.model.loading.connect(self._loading)
        self.model.loaded.connect(self._loaded)
        self.model.failed.connect(lambda exc: ctx.show_error(self, exc))
        ctx.changed.connect(self._changed)
        self.model.set_filters(self.filters())

    # --- filters -------------------------------------------------------------------------------
    def _restore(self) -> None:
        saved = FindingFilters.load(self._ctx.settings, district_code=self._ctx.district_code() or "")
        self.status.setCurrentIndex(max(self.status.findData(saved.status), 0))
        self.severity.setCurrentIndex(max(self.severity.findData(saved.severity), 0))
        self.overdue.setChecked(saved.overdue_only)
        self.due_soon.setChecked(saved.due_soon)
        self.district.setCurrentIndex(max(self.district.findData(saved.district_code), 0))
        self.enterprise.setText(saved.enterprise_text)
        column, _, order = str(self._ctx.settings.value(SETTINGS_SORT, f"{COL_FOUND}:desc")).partition(":")
        descending = order != "asc"
        sort_column = int(column) if column.isdigit() and int(column) < len(COLUMN_WIDTHS) else COL_FOUND
        self.model.set_sort_key(sort_column, descending)
        self.table.horizontalHeader().setSortIndicator(
            sort_column, Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        )

    def filters(self) -> FindingFilters:
        return FindingFilters(
            status=self.status.currentData(),
            severity=self.severity.currentData(),
            overdue_only=self.overdue.isChecked(),
            due_soon=self.due_soon.isChecked(),
            district_code=self.district.currentData(),
            enterprise_text=self.enterprise.text().strip(),
        )

    def show_filtered(self, filters: FindingFilters) -> None:
        """Show the findings a Today tile counts: every filter set at once, one query."""
        widgets = (self.status, self.severity, self.overdue, self.due_soon, self.district, self.enterprise)
        for widget in widgets:
            widget.blockSignals(True)
        try:
            self.status.setCurrentIndex(max(self.status.findData(filters.status), 0))
            self.severity.setCurrentIndex(max(self.severity.findData(filters.severity), 0))
            self.overdue.setChecked(filters.overdue_only)
            self.due_soon.setChecked(filters.due_soon)
            self.district.setCurrentIndex(max(self.district.findData(filters.district_code), 0))
            self.enterprise.setText(filters.enterprise_text)
        finally:
            for widget in widgets:
                widget.blockSignals(False)
        self.apply_filters()

    def apply_filters(self) -> None:
        filters = self.filters()
        filters.save(self._ctx.settings)
        self._keep_selection = self.selected_id()
        self.model.set_filters(filters)

    def _sort_changed(self, column: int, order: Qt.SortOrder) -> None:
        descending = order == Qt.SortOrder.DescendingOrder
        self._ctx.settings.setValue(SETTINGS_SORT, f"{column}:{'desc' if descending else 'asc'}")
        self._keep_selection = self.selected_id()
        self.model.sort(column, order)

    def focus_search(self) -> None:
        self.enterprise.setFocus()
        self.enterprise.selectAll()

    # --- loading -------------------------------------------------------------------------------
    def _loading(self, busy: bool) -> None:
        if busy:
            self.count.setText(tr("正在载入…"))

    def _loaded(self, rows: int) -> None:
        self.count.setText(tr("共 {n} 条").replace("{n}", f"{rows:,}"))
        if self._keep_selection is not None and (row := self.model.row_of(self._keep_selection)) >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))
        self._keep_selection = None

    def _changed(self, changes: Changes) -> None:
        if not (changes.touches("finding") or changes.touches("enterprise")):
            return
        if not self.isVisible():
            self._stale = True  # the city's id query is not free: run it when the page is shown
            return
        self._keep_selection = self.selected_id()
        self.model.reload()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self._stale = False
            self._keep_selection = self.selected_id()
            self.model.reload()

    # --- records -------------------------------------------------------------------------------
    def selected_id(self) -> uuid.UUID | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.finding_id(rows[0].row()) if rows else None

    def _open_index(self, index: QModelIndex) -> None:
        self.open_record(self.model.finding_id(index.row()))

    def _open_selected(self) -> None:
        selected = self.selected_id()
        if selected is not None:
            self.open_record(selected)

    def open_record(self, finding_id: uuid.UUID) -> None:
        if (row := self.model.row_of(finding_id)) >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))
        dialog = FindingDialog(self._ctx, finding_id, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.finding_dialog = dialog
        dialog.open()
