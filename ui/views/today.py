"""今日: what an inspector opens first — overdue findings, findings due in the next days, re-inspections
to do, recent inspections and the district's counts. Every line opens what it names.

GUI thread only. Each list is one indexed query limited to what fits on screen, so the page refreshes
synchronously in a few milliseconds even on the office's city database.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QKeyEvent, QKeySequence, QMouseEvent, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hazdesk.domain.lifecycle import FindingStatus, Severity, label
from hazdesk.services import Changes
from hazdesk.store import queries
from ui.context import AppContext
from ui.i18n import tr
from ui.models.findings import OPEN, FindingFilters

LIST_LIMIT = 50
DUE_SOON_DAYS = 7
OVERDUE = QColor("#c62828")
DUE_SOON = QColor("#ef6c00")
ID_ROLE = Qt.ItemDataRole.UserRole


class _Counter(QFrame):
    """One big number with its caption; a click (or Enter / Space on it) lists what it counts."""

    def __init__(self, caption: str, colour: str, on_open: Callable[[], None]) -> None:
        super().__init__()
        self._on_open = on_open
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip(tr("在“隐患”页列出这些隐患（回车）"))
        layout = QVBoxLayout(self)
        self.value = QLabel("0")
        self.value.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.value.setStyleSheet(f"font-size: 26px; font-weight: bold; color: {colour};")
        text = QLabel(caption)
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.value)
        layout.addWidget(text)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(event.position().toPoint()):
            self._on_open()
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self._on_open()
            return
        super().keyPressEvent(event)


class _RecordList(QTreeWidget):
    """A short list whose rows carry (kind, id); Enter or double-click opens the record."""

    def __init__(self, ctx: AppContext, kind: str, headers: list[str]) -> None:
        super().__init__()
        self._ctx, self._kind = ctx, kind
        self.setHeaderLabels(headers)
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        self.setAlternatingRowColors(True)
        # Names and descriptions are long: the description takes the spare width (elided), the short
        # columns (level, status, deadline, note) always show whole.
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        stretch = 1 if len(headers) > 4 else len(headers) - 1
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
        if len(headers) > 4:
            header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(0, 150)  # leaves the description room in half a 1366-px screen
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.itemActivated.connect(self._open)

    def _open(self, item: QTreeWidgetItem) -> None:
        record_id = item.data(0, ID_ROLE)
        if record_id:
            self._ctx.navigate(self._kind, uuid.UUID(record_id))

    def add_row(self, record_id: uuid.UUID, values: list[str], colour: QColor | None = None) -> None:
        item = QTreeWidgetItem(values)
        item.setData(0, ID_ROLE, str(record_id))
        if colour is not None:
            for column in range(len(values)):
                item.setForeground(column, QBrush(colour))
        self.addTopLevelItem(item)


class TodayPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        layout = QVBoxLayout(self)
        self.heading = QLabel()
        self.heading.setStyleSheet("font-size: 18px; font-weight: bold;")
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.heading)

        counters = QHBoxLayout()
        show = self._show_findings
        self.counter_open = _Counter(tr("未销号隐患"), "#37474f", lambda: show(status=OPEN))
        self.counter_overdue = _Counter(tr("逾期未整改"), OVERDUE.name(), lambda: show(overdue_only=True))
        self.counter_due = _Counter(tr("7日内到期"), DUE_SOON.name(), lambda: show(due_soon=True))
        self.counter_review = _Counter(
            tr("待复查"), "#1565c0", lambda: show(status=FindingStatus.RECTIFIED.value)
        )
        self.counter_major = _Counter(
            tr("重大隐患未销号"), "#6a1b9a", lambda: show(status=OPEN, severity=Severity.MAJOR.value)
        )
        for counter in (
            self.counter_open,
            self.counter_overdue,
            self.counter_due,
            self.counter_review,
            self.counter_major,
        ):
            counters.addWidget(counter)
        layout.addLayout(counters)

        finding_headers = [tr("企业"), tr("隐患"), tr("等级"), tr("状态"), tr("整改期限"), tr("说明")]
        self.overdue = _RecordList(ctx, "finding", finding_headers)
        self.due_soon = _RecordList(ctx, "finding", finding_headers)
        self.review = _RecordList(ctx, "finding", finding_headers)
        self.recent = _RecordList(ctx, "inspection", [tr("企业"), tr("开始时间"), tr("状态"), tr("检查场所")])

        grid = QGridLayout()
        self.overdue_box = self._box(tr("逾期隐患"), self.overdue)
        self.due_soon_box = self._box(tr("即将到期（7日内）"), self.due_soon)
        self.review_box = self._box(tr("待复查（企业已报告整改）"), self.review)
        grid.addWidget(self.overdue_box, 0, 0)
        grid.addWidget(self.due_soon_box, 0, 1)
        grid.addWidget(self.review_box, 1, 0)
        grid.addWidget(self._box(tr("最近检查"), self.recent), 1, 1)
        layout.addLayout(grid, 1)

        QShortcut(QKeySequence(QKeySequence.StandardKey.Refresh), self, activated=self.refresh)
        ctx.changed.connect(self._on_changed)
        self.refresh()

    @staticmethod
    def _box(title: str, widget: QWidget) -> QGroupBox:
        box = QGroupBox(title)
        inner = QVBoxLayout(box)
        inner.addWidget(widget)
        return box

    def _show_findings(self, **wanted: object) -> None:
        filters = FindingFilters(district_code=self._ctx.district_code() or "", **wanted)  # type: ignore[arg-type]
        self._ctx.navigate_requested.emit("findings", filters)

    def _on_changed(self, changes: Changes) -> None:
        if changes.touches("finding") or changes.touches("inspection") or changes.touches("enterprise"):
            self.refresh()

    def refresh(self) -> None:
        today = self._ctx.today()
        district = self._ctx.district_code()
        with self._ctx.db.session() as session:
            counts = queries.finding_counts(session, today=today, district_code=district, due_within=DUE_SOON_DAYS)
            overdue = queries.overdue_findings(session, today=today, district_code=district, limit=LIST_LIMIT)
            due = queries.due_soon_findings(
                session, today=today, within_days=DUE_SOON_DAYS, district_code=district, limit=LIST_LIMIT
            )
            review = queries.awaiting_reinspection(session, district_code=district, limit=LIST_LIMIT)
            recent = queries.recent_inspections(session, district_code=district, limit=LIST_LIMIT)
        scope = tr("本区县") if district else tr("全市")
        self.heading.setText(f"{tr('今日')} {today:%Y-%m-%d} · {scope}")
        self.counter_open.value.setText(str(counts.open))
        self.counter_overdue.value.setText(str(counts.overdue))
        self.counter_due.value.setText(str(counts.due_soon))
        self.counter_review.value.setText(str(counts.by_status.get(FindingStatus.RECTIFIED.value, 0)))
        self.counter_major.value.setText(str(counts.major_open))

        self._fill(self.overdue, overdue, lambda r: tr("逾期 {n} 天").format(n=r.days_overdue(today)), OVERDUE)
        self._fill(self.due_soon, due, lambda r: _due_in(r.deadline, today), DUE_SOON)
        self._fill(self.review, review, lambda r: tr("待复查"), None)
        awaiting = counts.by_status.get(FindingStatus.RECTIFIED.value, 0)
        for box, title, shown, total in (
            (self.overdue_box, tr("逾期隐患"), len(overdue), counts.overdue),
            (self.due_soon_box, tr("即将到期（7日内）"), len(due), counts.due_soon),
            (self.review_box, tr("待复查（企业已报告整改）"), len(review), awaiting),
        ):
            # The lists stop at LIST_LIMIT: say so, and where the rest are (the tile above).
            more = tr("（显示 {shown} 条，共 {total} 条：点上方数字查看全部）").format(shown=shown, total=total)
            box.setTitle(title + (more if total > shown else ""))
        self.recent.clear()
        for row in recent:
            state = tr("草稿") if row.state == "draft" else tr("已完成")
            self.recent.add_row(row.id, [row.enterprise_name, f"{row.started_at:%Y-%m-%d %H:%M}", state, row.place])

    @staticmethod
    def _fill(target: _RecordList, rows: list[queries.FindingRow], note, colour: QColor | None) -> None:
        target.clear()
        for row in rows:
            severity = tr("重大") if row.severity == "major" else tr("一般")
            target.add_row(
                row.id,
                [
                    row.enterprise_name,
                    row.description,
                    severity,
                    tr(label(FindingStatus(row.status))),
                    row.deadline.isoformat(),
                    note(row),
                ],
                colour,
            )


def _due_in(deadline, today) -> str:
    days = (deadline - today).days
    return tr("今天到期") if days == 0 else tr("{n} 天后到期").format(n=days)
