"""企业 (一企一档): the enterprise list with search as you type and filters, and each enterprise's file.

Keystrokes query synchronously, without a debounce: ``search_enterprises`` returns the best
``SEARCH_LIMIT`` matches of the city database in 5–20 ms, and the model then fetches only the rows on
screen (tests/benchmarks/bench_ui_enterprises.py measures the whole keystroke). A broad query ("南")
matches thousands; the list then shows the most relevant 500 and says so — typing on narrows it. The
rest is deliberately not fetched behind the user's back: turning 20,000 hits into rows holds the GIL for
~0.2 s, and a keystroke arriving meanwhile waited up to 290 ms in a trial. Other filters are applied to
those hits in memory against the filtered list, which is computed in the pool when the filters or the
data change (the overdue filter scans findings), and kept for the empty search box. GUI thread only.
"""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from hazdesk.services import Changes
from hazdesk.store.search import search_enterprises
from ui.context import AppContext
from ui.dialogs.enterprise_form import EnterpriseFormDialog
from ui.i18n import tr
from ui.jobs import run_job
from ui.models.enterprises import (
    BADGES_ROLE,
    COL_KEY,
    EnterpriseFilter,
    EnterpriseTableModel,
    district_names,
    filtered_ids,
)
from ui.views.enterprise_detail import EnterpriseDetail
from ui.widgets.badges import BadgeDelegate
from ui.widgets.coded_values import COLOURS, dot, monitoring_label, risk_label
from ui.widgets.undo_bar import UndoBar

SEARCH_LIMIT = 500  # most relevant matches shown per keystroke
_WATCHED = ("enterprise", "enterprise_chemical", "major_hazard_source", "finding", "inspection")
_DEFAULT_WIDTHS = (250, 165, 70, 200, 70, 70, 190, 80, 70)  # fits 1366 px; 地址 takes the rest


class EnterprisesPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._filter = EnterpriseFilter.load(ctx.settings)
        self._base: list[uuid.UUID] | None = None  # the list under an empty search box
        self._base_set: frozenset[uuid.UUID] = frozenset()
        self._base_generation = 0
        self._loading = False
        self._truncated = False

        self.model = EnterpriseTableModel(ctx.db, ctx.today, self)
        self.stack = QStackedWidget()
        self.undo_bar = UndoBar()
        self.detail = EnterpriseDetail(ctx, self.undo_bar)
        self.stack.addWidget(self._build_list())
        self.stack.addWidget(self.detail)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.undo_bar)

        self.detail.back_requested.connect(self.show_list)
        ctx.changed.connect(self._on_changed)
        # Ctrl+F is not a shortcut here: the main window owns one (Find → focus_search) and two active
        # shortcuts on one key are ambiguous, so neither fires. keyPressEvent catches it standalone.
        for keys, slot in (("Ctrl+N", self.new_enterprise), ("Ctrl+Z", self._undo)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        self._reload_base()

    # --- building ---------------------------------------------------------------------------------
    def _build_list(self) -> QWidget:
        page = QWidget()
        self.search_box = QLineEdit()
        self.search_box.setPlaceholderText(tr("输入名称、拼音、首字母或统一社会信用代码搜索（Ctrl+F）"))
        self.search_box.setClearButtonEnabled(True)
        self.search_box.textChanged.connect(self._apply_search)
        self.search_box.installEventFilter(self)
        new_button = QPushButton(tr("新增企业"))
        new_button.setToolTip(tr("新增企业（Ctrl+N）"))
        new_button.clicked.connect(self.new_enterprise)
        self.count_label = QLabel()
        top = QHBoxLayout()
        top.addWidget(self.search_box, 1)
        top.addWidget(self.count_label)  # here, not in the filter row: a long message must not widen the page
        top.addWidget(new_button)

        self.district_combo = QComboBox()
        self.risk_combo = QComboBox()
        self.risk_combo.addItem(tr("全部风险等级"), "")
        for code in ("red", "orange", "yellow", "blue"):
            self.risk_combo.addItem(dot(COLOURS[code]), risk_label(code), code)
        self.monitoring_combo = QComboBox()
        self.monitoring_combo.addItem(tr("全部监测预警"), "")
        for code in ("red", "yellow", "green"):
            label = tr("监测预警{level}").format(level=monitoring_label(code))
            self.monitoring_combo.addItem(dot(COLOURS[code]), label, code)
        self.key_combo = QComboBox()
        for text, code in (
            (tr("全部企业"), ""),
            (tr("涉及“两重点一重大”"), "any"),
            (tr("涉及重点监管危险化工工艺"), "key_process"),
            (tr("涉及重点监管危险化学品"), "key_chemical"),
            (tr("构成重大危险源"), "major_hazard"),
        ):
            self.key_combo.addItem(text, code)
        self.blacklist_check = QCheckBox(tr("黑名单"))
        self.overdue_check = QCheckBox(tr("有逾期隐患"))
        clear = QPushButton(tr("清除筛选"))
        clear.clicked.connect(self.clear_filters)
        filters = QHBoxLayout()
        filters.addWidget(QLabel(tr("筛选：")))
        for widget in (self.district_combo, self.risk_combo, self.monitoring_combo, self.key_combo):
            widget.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            filters.addWidget(widget)
        filters.addWidget(self.blacklist_check)
        filters.addWidget(self.overdue_check)
        filters.addWidget(clear)
        filters.addStretch(1)

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 12)
        self.table.setItemDelegateForColumn(COL_KEY, BadgeDelegate(BADGES_ROLE, self.table))
        self.table.activated.connect(lambda index: self._open_row(index.row()))  # double-click; Enter is filtered
        self.table.installEventFilter(self)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        for column, width in enumerate(_DEFAULT_WIDTHS):  # never narrower than the (translated) title
            header.resizeSection(column, max(width, header.sectionSizeHint(column)))
        state = self.ctx.settings.value("enterprises/header")
        if state:
            header.restoreState(state)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)  # the address, elided
        header.sectionResized.connect(self._save_header)

        self._fill_districts()
        self._show_filter(self._filter)
        for combo in (self.district_combo, self.risk_combo, self.monitoring_combo, self.key_combo):
            combo.currentIndexChanged.connect(self._filters_edited)
        for check in (self.blacklist_check, self.overdue_check):
            check.toggled.connect(self._filters_edited)

        layout = QVBoxLayout(page)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        return page

    def _fill_districts(self) -> None:
        current = self._filter.district_code
        self.district_combo.blockSignals(True)
        self.district_combo.clear()
        self.district_combo.addItem(tr("全部区县"), "")
        for code, name in district_names(self.ctx.db).items():
            self.district_combo.addItem(name, code)
        index = self.district_combo.findData(current)
        if index < 0 and current:  # a remembered district with no enterprises yet
            self.district_combo.addItem(current, current)
            index = self.district_combo.count() - 1
        self.district_combo.setCurrentIndex(max(index, 0))
        self.district_combo.blockSignals(False)

    def _show_filter(self, f: EnterpriseFilter) -> None:
        widgets = (self.district_combo, self.risk_combo, self.monitoring_combo, self.key_combo)
        for widget in (*widgets, self.blacklist_check, self.overdue_check):
            widget.blockSignals(True)
        for combo, value in zip(widgets, (f.district_code, f.risk_colour, f.monitoring_level, f.key), strict=True):
            combo.setCurrentIndex(max(combo.findData(value), 0))
        self.blacklist_check.setChecked(f.blacklisted)
        self.overdue_check.setChecked(f.has_overdue)
        for widget in (*widgets, self.blacklist_check, self.overdue_check):
            widget.blockSignals(False)

    # --- public -----------------------------------------------------------------------------------
    def open_record(self, enterprise_id: uuid.UUID) -> None:
        """Show this enterprise's file (一企一档)."""
        if enterprise_id != self.detail.enterprise_id and not self.detail.can_leave():
            self.stack.setCurrentWidget(self.detail)  # the user kept the unsaved edits: show them
            return
        self.detail.load(enterprise_id)
        self.stack.setCurrentWidget(self.detail)

    def show_list(self) -> None:
        shown = self.detail.enterprise_id
        self.stack.setCurrentIndex(0)
        row = self.model.row_of(shown) if shown is not None else -1
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))
        self.table.setFocus()

    def focus_search(self) -> None:
        self.stack.setCurrentIndex(0)
        self.search_box.setFocus()
        self.search_box.selectAll()

    def new_enterprise(self) -> None:
        dialog = EnterpriseFormDialog(self.ctx, parent=self)
        if dialog.exec() and dialog.enterprise_id is not None:
            self.ctx.publish(dialog.changes)
            self.undo_bar.show_message(tr("已新增企业：") + dialog.saved_name)
            self.open_record(dialog.enterprise_id)

    def clear_filters(self) -> None:
        self._show_filter(EnterpriseFilter())
        self._filters_edited()

    def current_filter(self) -> EnterpriseFilter:
        return self._filter

    def is_loading(self) -> bool:
        """True while the filtered list is being recomputed (tests wait on it)."""
        return self._loading

    # --- filters and search -----------------------------------------------------------------------
    def _filters_edited(self, *_: Any) -> None:
        self._filter = EnterpriseFilter(
            district_code=self.district_combo.currentData() or "",
            risk_colour=self.risk_combo.currentData() or "",
            monitoring_level=self.monitoring_combo.currentData() or "",
            key=self.key_combo.currentData() or "",
            blacklisted=self.blacklist_check.isChecked(),
            has_overdue=self.overdue_check.isChecked(),
        )
        self._filter.save(self.ctx.settings)
        self._reload_base()

    def _reload_base(self) -> None:
        """Recompute the filtered list in the pool (the overdue filter scans findings: ~0.1 s on a city)."""
        self._base_generation += 1
        generation, f, today, db = self._base_generation, self._filter, self.ctx.today(), self.ctx.db
        self._loading = True
        if self._base is None:
            self.count_label.setText(tr("正在加载…"))

        def done(ids: list[uuid.UUID]) -> None:
            if generation != self._base_generation:
                return  # a newer filter or change is already on its way
            self._base, self._base_set, self._loading = ids, frozenset(ids), False
            self._apply_search(self.search_box.text())

        run_job(self, tr("正在加载企业列表"), lambda _p, _c: filtered_ids(db, f, today), done, self._failed)

    def _apply_search(self, text: str) -> None:
        self._truncated = False
        text = text.strip()
        if self._base is None:
            return  # the first list arrives shortly and applies the text then
        selected = self._selected_id()
        if not text:
            self.model.set_ids(self._base)
        else:
            with self.ctx.db.session() as session:
                hits = search_enterprises(
                    session, text, limit=SEARCH_LIMIT, district_code=self._filter.district_code or None
                )
            self._truncated = len(hits) == SEARCH_LIMIT
            ids = [hit.id for hit in hits]
            if self._filter.narrows_search():
                ids = [i for i in ids if i in self._base_set]
            self.model.set_ids(ids)
        self._reselect(selected)
        self._update_count()

    def _update_count(self) -> None:
        rows = self.model.rowCount()
        if self._truncated and self._filter.narrows_search():
            text = tr("在最相关的 {limit} 家中找到 {n} 家；继续输入可缩小范围")
        elif self._truncated:
            text = tr("显示最相关的 {limit} 家；继续输入可缩小范围")
        elif self.search_box.text().strip():
            text = tr("找到 {n} 家")
        else:
            text = tr("共 {n} 家")
        self.count_label.setText(text.format(n=rows, limit=SEARCH_LIMIT))

    def _failed(self, error: BaseException) -> None:
        self.count_label.setText(tr("加载失败"))
        self.ctx.show_error(self, error)

    # --- selection, keys, refresh -------------------------------------------------------------------
    def _selected_id(self) -> uuid.UUID | None:
        index = self.table.currentIndex()
        return self.model.id_at(index.row()) if index.isValid() else None

    def _reselect(self, enterprise_id: uuid.UUID | None) -> None:
        row = self.model.row_of(enterprise_id) if enterprise_id is not None else -1
        if row >= 0:
            self.table.selectRow(row)

    def _open_row(self, row: int) -> None:
        enterprise_id = self.model.id_at(row)
        if enterprise_id is not None:
            self.open_record(enterprise_id)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return super().eventFilter(watched, event)
        key = event.key()
        if watched is self.search_box and key in (Qt.Key.Key_Down, Qt.Key.Key_PageDown):
            self.table.setFocus()  # from the search box straight into the results
            if not self.table.currentIndex().isValid() and self.model.rowCount():
                self.table.selectRow(0)
            return True
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and watched in (self.search_box, self.table):
            index = self.table.currentIndex()
            self._open_row(index.row() if index.isValid() else 0)
            return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Find):
            self.focus_search()
            return
        super().keyPressEvent(event)

    def _undo(self) -> None:
        if self.undo_bar.can_undo():
            self.undo_bar.undo()

    def _save_header(self, *_: Any) -> None:
        self.ctx.settings.setValue("enterprises/header", self.table.horizontalHeader().saveState())

    def _on_changed(self, changes: Changes) -> None:
        if not any(changes.touches(entity) for entity in _WATCHED):
            return
        self.model.invalidate()
        if changes.touches("enterprise"):
            self._fill_districts()  # a new district code may have appeared
            self._reload_base()  # names, flags and membership may have changed
        elif self._filter.has_overdue:
            self._reload_base()
        if self.stack.currentWidget() is self.detail:
            self.detail.reload()
