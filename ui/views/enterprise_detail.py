"""One enterprise's file (一企一档): 基本信息, 工艺与化学品, 重大危险源, 检查记录, 隐患.

Everything shown comes from one read (:func:`load_file`, a handful of indexed queries for one
enterprise). Edits go through the services; the page publishes what changed and reloads. Names and
other user text are shown as plain text everywhere (a name like ``<b>华联</b>`` appears literally).
GUI thread only, except :func:`load_file` (Qt-free).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from hazdesk.domain import key_supervision
from hazdesk.services import Changes
from hazdesk.services.enterprises import delete_hazard_source, save_hazard_source, update_enterprise
from hazdesk.store.database import Database
from hazdesk.store.models import Enterprise, EnterpriseChemical, Inspection, InspectionInspector, MajorHazardSource
from hazdesk.store.queries import FindingRow, enterprise_findings
from ui.context import AppContext
from ui.dialogs.enterprise_form import EnterpriseFormDialog
from ui.dialogs.hazard_source import HazardSourceDialog, source_input
from ui.i18n import tr
from ui.models.enterprises import district_names
from ui.widgets import confirm
from ui.widgets.coded_values import inspection_kind_label, level_label, severity_label, status_label, unit_kind_labels
from ui.widgets.enterprise_basics import BasicsTab
from ui.widgets.enterprise_chemicals import ChemicalListEditor
from ui.widgets.undo_bar import UndoBar

ID_ROLE = Qt.ItemDataRole.UserRole
_OVERDUE_BACKGROUND = QBrush(QColor("#fce8e6"))
_OVERDUE_TEXT = QBrush(QColor("#b3261e"))


@dataclass(frozen=True)
class InspectionLine:
    id: uuid.UUID
    started_at: dt.datetime
    ended_at: dt.datetime | None
    kind: str
    place: str
    state: str
    inspectors: str


@dataclass(frozen=True)
class EnterpriseFile:
    enterprise: Enterprise  # detached: every column loaded, no lazy relationships used
    district: str
    chemicals: list[EnterpriseChemical]
    sources: list[MajorHazardSource]
    inspections: list[InspectionLine]
    findings: list[FindingRow]
    supervision: key_supervision.KeySupervision


def load_file(db: Database, enterprise_id: uuid.UUID) -> EnterpriseFile | None:
    """Everything the detail view shows of one enterprise. Any thread."""
    with db.session() as session:
        enterprise = session.get(Enterprise, enterprise_id)
        if enterprise is None or enterprise.deleted:
            return None
        chemicals = list(
            session.scalars(
                select(EnterpriseChemical)
                .where(EnterpriseChemical.enterprise_id == enterprise_id, EnterpriseChemical.deleted.is_(False))
                .order_by(EnterpriseChemical.name)
            )
        )
        sources = list(
            session.scalars(
                select(MajorHazardSource)
                .where(MajorHazardSource.enterprise_id == enterprise_id, MajorHazardSource.deleted.is_(False))
                .order_by(MajorHazardSource.level.is_(None), MajorHazardSource.level, MajorHazardSource.name)
            )
        )
        inspections = [
            InspectionLine(
                i.id,
                i.started_at,
                i.ended_at,
                i.kind,
                i.place,
                i.state,
                "、".join(link.inspector.name for link in i.inspectors if not link.deleted),
            )
            for i in session.scalars(
                select(Inspection)
                .where(Inspection.enterprise_id == enterprise_id, Inspection.deleted.is_(False))
                .order_by(Inspection.started_at.desc())
                .options(selectinload(Inspection.inspectors).selectinload(InspectionInspector.inspector))
            )
        ]
        findings = enterprise_findings(session, enterprise_id)  # closed ones too: the file's history
        supervision = key_supervision.assess(
            enterprise.key_processes,
            [(c.name, c.cas or None) for c in chemicals],
            [s.level for s in sources if s.level is not None],
        )
    district = district_names(db).get(enterprise.district_code, enterprise.district_code)
    return EnterpriseFile(enterprise, district, chemicals, sources, inspections, findings, supervision)


def _table(headers: tuple[str, ...], widths: tuple[int, ...], stretch: int) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels([tr(h) for h in headers])
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.verticalHeader().hide()
    for column, width in enumerate(widths):
        table.horizontalHeader().resizeSection(column, max(width, table.horizontalHeader().sectionSizeHint(column)))
    table.horizontalHeader().setStretchLastSection(False)
    table.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)  # the text column
    return table


def _fill(table: QTableWidget, rows: list[tuple[uuid.UUID, list[str]]]) -> None:
    table.setRowCount(0)
    for record_id, texts in rows:
        row = table.rowCount()
        table.insertRow(row)
        for column, text in enumerate(texts):
            item = QTableWidgetItem(text)
            item.setData(ID_ROLE, record_id)
            item.setToolTip(text)
            table.setItem(row, column, item)


class EnterpriseDetail(QWidget):
    back_requested = Signal()

    def __init__(self, ctx: AppContext, undo_bar: UndoBar, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.undo_bar = undo_bar
        self.enterprise_id: uuid.UUID | None = None
        self.file: EnterpriseFile | None = None
        self._bold = QFont()
        self._bold.setBold(True)

        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.title.setFont(font)
        self.subtitle = QLabel()
        self.subtitle.setTextFormat(Qt.TextFormat.PlainText)
        self.subtitle.setStyleSheet("color: #5f6368;")
        self.edit_button = QPushButton(tr("编辑"))
        self.edit_button.setToolTip(tr("编辑企业信息（Ctrl+E）"))
        self.inspect_button = QPushButton(tr("开始检查"))
        self.back_button = QPushButton(tr("返回列表"))
        self.back_button.setToolTip(tr("返回企业列表（Esc 或 Alt+←）"))
        self.edit_button.clicked.connect(self.edit)
        self.inspect_button.clicked.connect(self.start_inspection)
        self.back_button.clicked.connect(self.back_requested.emit)
        heading = QVBoxLayout()
        heading.addWidget(self.title)
        heading.addWidget(self.subtitle)
        top = QHBoxLayout()
        top.addLayout(heading, 1)
        for button in (self.edit_button, self.inspect_button, self.back_button):
            top.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)

        self.tabs = QTabWidget()
        self.basics = BasicsTab()
        self.chemicals = ChemicalListEditor(ctx, undo_bar)
        self.sources_table = _table(
            ("名称", "单元类型", "位置", "500 m 内人数", "S", "α", "R", "级别", "备案编号"),
            (240, 90, 240, 100, 70, 50, 70, 130, 150),
            stretch=2,
        )
        self.sources_table.activated.connect(lambda index: self.edit_source(self._source_at(index.row())))
        sources = QWidget()
        add, edit, remove = QPushButton(tr("新增重大危险源")), QPushButton(tr("编辑")), QPushButton(tr("删除"))
        add.clicked.connect(lambda: self.edit_source(None))
        edit.clicked.connect(lambda: self.edit_source(self._source_at(self.sources_table.currentRow())))
        remove.clicked.connect(self.delete_source)
        source_buttons = QHBoxLayout()
        for button in (add, edit, remove):
            source_buttons.addWidget(button)
        source_buttons.addStretch(1)
        column = QVBoxLayout(sources)
        column.addWidget(self.sources_table, 1)
        column.addLayout(source_buttons)
        self.inspections_table = _table(
            ("开始时间", "结束时间", "检查类型", "检查场所", "执法人员", "状态"),
            (140, 140, 90, 260, 200, 80),
            stretch=3,
        )
        self.inspections_table.activated.connect(
            lambda i: self._navigate("inspection", self.inspections_table, i.row())
        )
        self.findings_table = _table(
            ("发现日期", "隐患描述", "隐患等级", "状态", "整改期限", "逾期"),
            (100, 420, 90, 120, 100, 100),
            stretch=1,
        )
        self.findings_table.activated.connect(lambda i: self._navigate("finding", self.findings_table, i.row()))
        self.show_closed = QCheckBox(tr("显示已销号的隐患（复查合格）"))
        self.show_closed.toggled.connect(self._refill_findings)
        findings_page = QWidget()
        findings_column = QVBoxLayout(findings_page)
        findings_column.addWidget(self.show_closed)
        findings_column.addWidget(self.findings_table, 1)
        for page, title in (
            (self.basics, "基本信息"),
            (self.chemicals, "工艺与化学品"),
            (sources, "重大危险源"),
            (self.inspections_table, "检查记录"),
            (findings_page, "隐患"),
        ):
            self.tabs.addTab(page, tr(title))

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        # Esc is handled in keyPressEvent, not as a shortcut: a shortcut would fire before an open cell
        # editor could take the key to cancel the edit, and leave the page instead.
        for keys, slot in (("Ctrl+E", self.edit), ("Alt+Left", self.back_requested.emit)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.back_requested.emit()
            return
        super().keyPressEvent(event)

    # --- loading ----------------------------------------------------------------------------------
    def load(self, enterprise_id: uuid.UUID) -> None:
        if enterprise_id != self.enterprise_id:
            self.tabs.setCurrentIndex(0)
        self.enterprise_id = enterprise_id
        self.reload()

    def reload(self) -> None:
        if self.enterprise_id is None:
            return
        self.file = load_file(self.ctx.db, self.enterprise_id)
        if self.file is None:
            self.title.setText(tr("企业不存在或已注销"))
            self.subtitle.setText("")
            return
        f, e, today = self.file, self.file.enterprise, self.ctx.today()
        self.title.setText(e.name + (f"　〔{tr('黑名单')}〕" if e.blacklisted else ""))
        self.subtitle.setText("　·　".join(p for p in (e.uscc, f.district, e.address) if p))
        self.basics.show_file(e, f.district, f.supervision, today)
        self.chemicals.load(e.id, list(e.key_processes), [(c.name, c.cas, c.usage, c.max_tonnes) for c in f.chemicals])
        units = unit_kind_labels()
        sources = []
        for s in f.sources:
            kind = units.get(s.unit_kind, s.unit_kind)
            numbers = [f"{s.s_value:.4g}", f"{s.alpha:g}", f"{s.r_value:.4g}"]
            texts = [s.name, kind, s.location, str(s.people_within_500m), *numbers, level_label(s.level), s.record_no]
            sources.append((s.id, texts))
        _fill(self.sources_table, sources)
        self._fill_inspections(f.inspections)
        self._refill_findings()
        for index, (title, count) in enumerate(
            (("重大危险源", len(f.sources)), ("检查记录", len(f.inspections))), start=2
        ):
            self.tabs.setTabText(index, tr("{title}（{n}）").format(title=tr(title), n=count))
        open_count = sum(1 for finding in f.findings if finding.status != "closed")
        self.tabs.setTabText(4, tr("隐患（未销号 {open} / 共 {n}）").format(open=open_count, n=len(f.findings)))

    def _refill_findings(self) -> None:
        if self.file is None:
            return
        shown = [f for f in self.file.findings if self.show_closed.isChecked() or f.status != "closed"]
        self._fill_findings(shown, self.ctx.today())

    def _fill_inspections(self, lines: list[InspectionLine]) -> None:
        def when(moment: dt.datetime | None) -> str:
            return moment.strftime("%Y-%m-%d %H:%M") if moment else ""

        states = {"draft": tr("草稿"), "completed": tr("已完成")}
        rows = [
            (i.id, [when(i.started_at), when(i.ended_at), inspection_kind_label(i.kind), i.place, i.inspectors])
            for i in lines
        ]
        for (_, texts), line in zip(rows, lines, strict=True):
            texts.append(states.get(line.state, line.state))
        _fill(self.inspections_table, rows)

    def _fill_findings(self, findings: list[FindingRow], today: dt.date) -> None:
        rows = []
        for f in findings:
            late = f.days_overdue(today)
            overdue = tr("逾期 {n} 天").format(n=late) if late else ""
            labels = [severity_label(f.severity), status_label(f.status)]
            rows.append((f.id, [f.found_on.isoformat(), f.description, *labels, f.deadline.isoformat(), overdue]))
        _fill(self.findings_table, rows)
        for row, f in enumerate(findings):
            if f.severity == "major":  # 重大隐患 stand out whatever their deadline
                item = self.findings_table.item(row, 2)
                item.setForeground(_OVERDUE_TEXT)
                item.setFont(self._bold)
            if f.days_overdue(today):
                for column in range(self.findings_table.columnCount()):
                    item = self.findings_table.item(row, column)
                    item.setBackground(_OVERDUE_BACKGROUND)
                    if column in (4, 5):
                        item.setForeground(_OVERDUE_TEXT)

    def can_leave(self) -> bool:
        """False if the chemical list has unsaved edits and the user wants to keep them."""
        if self.enterprise_id is None or not self.chemicals.is_dirty():
            return True
        text = tr("本企业的化学品清单有未保存的修改。放弃这些修改？")
        return confirm.ask_destructive(self, tr("未保存的修改"), text, tr("放弃修改"))

    # --- actions ----------------------------------------------------------------------------------
    def start_inspection(self) -> None:
        if self.enterprise_id is not None:
            self.ctx.navigate("new_inspection", self.enterprise_id)

    def _navigate(self, kind: str, table: QTableWidget, row: int) -> None:
        item = table.item(row, 0)
        if item is not None:
            self.ctx.navigate(kind, item.data(ID_ROLE))

    def _source_at(self, row: int) -> uuid.UUID | None:
        item = self.sources_table.item(row, 0)
        return item.data(ID_ROLE) if item is not None else None

    def edit(self) -> None:
        if self.enterprise_id is None or self.file is None:
            return
        dialog = EnterpriseFormDialog(self.ctx, self.enterprise_id, parent=self)
        if not dialog.exec():
            return
        enterprise_id, previous = self.enterprise_id, dialog.previous
        self.ctx.publish(dialog.changes)
        undo = self._undoer(lambda: update_enterprise(self.ctx.db, enterprise_id, previous)) if previous else None
        self.undo_bar.show_message(tr("已保存企业信息：") + dialog.saved_name, undo)

    def edit_source(self, source_id: uuid.UUID | None) -> None:
        if self.enterprise_id is None:
            return
        dialog = HazardSourceDialog(self.ctx, self.enterprise_id, source_id, parent=self)
        if not dialog.exec():
            return
        enterprise_id, previous, saved_id = self.enterprise_id, dialog.previous, dialog.source_id
        self.ctx.publish(dialog.changes)
        undo = None
        if previous is not None:
            undo = self._undoer(lambda: save_hazard_source(self.ctx.db, enterprise_id, previous, source_id=saved_id)[1])
        self.undo_bar.show_message(tr("已保存重大危险源：") + dialog.name_edit.text().strip(), undo)

    def delete_source(self) -> None:
        source_id = self._source_at(self.sources_table.currentRow())
        if self.enterprise_id is None or source_id is None:
            return
        name = self.sources_table.item(self.sources_table.currentRow(), 0).text()
        text = tr("删除重大危险源「{name}」及其化学品？").format(name=name)
        if not confirm.ask_destructive(self, tr("删除重大危险源"), text):
            return
        enterprise_id, previous = self.enterprise_id, source_input(self.ctx, source_id)
        try:
            self.ctx.publish(delete_hazard_source(self.ctx.db, enterprise_id, source_id))
        except Exception as exc:
            self.ctx.show_error(self, exc)
            return
        undo = None
        if previous is not None:  # restored as a new record with the same content
            undo = self._undoer(lambda: save_hazard_source(self.ctx.db, enterprise_id, previous)[1])
        self.undo_bar.show_message(tr("已删除重大危险源：") + name, undo)

    def _undoer(self, action: Callable[[], Changes]) -> Callable[[], None]:
        def undo() -> None:
            try:
                self.ctx.publish(action())
            except Exception as exc:
                self.ctx.show_error(self, exc)

        return undo
