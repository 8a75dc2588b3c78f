"""The inspections list (检查记录): recent first, drafts marked 草稿, filtered by state and date.

An inspector's district holds about 10,000 inspections and the list shows at most
:data:`LIMIT` of the newest that match (the date filter reaches older ones), so rows are loaded in
one indexed query rather than paged. GUI thread only, except :func:`query_inspections` (Qt-free).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont
from sqlalchemy import func, select

from hazdesk.domain.inspection_kinds import INSPECTION_KINDS
from hazdesk.store.database import Database
from hazdesk.store.models import ChecklistTemplate, Enterprise, Finding, Inspection
from ui.i18n import tr

LIMIT = 2000
KIND_LABELS = INSPECTION_KINDS
STATE_LABELS = {"draft": "草稿", "completed": "已完成"}
COLUMNS = ("开始时间", "企业", "检查表", "类型", "检查场所", "隐患", "状态")
DRAFT_BRUSH = QBrush(QColor("#fff3cd"))
ID_ROLE = Qt.ItemDataRole.UserRole


@dataclass(frozen=True)
class InspectionFilters:
    state: str = ""  # "", "draft", "completed"
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    district_code: str = ""


@dataclass(frozen=True)
class InspectionListRow:
    id: uuid.UUID
    started_at: dt.datetime
    enterprise_name: str
    template_name: str
    kind: str
    place: str
    findings: int
    state: str


def query_inspections(db: Database, filters: InspectionFilters, limit: int = LIMIT) -> list[InspectionListRow]:
    """Newest first; one query (the finding count is a correlated lookup on ix_finding_inspection)."""
    found = (
        select(func.count())
        .where(Finding.inspection_id == Inspection.id, Finding.deleted.is_(False))
        .correlate(Inspection)
        .scalar_subquery()
    )
    statement = (
        select(
            Inspection.id,
            Inspection.started_at,
            Enterprise.name,
            func.coalesce(ChecklistTemplate.name, ""),
            Inspection.kind,
            Inspection.place,
            found,
            Inspection.state,
        )
        .join(Enterprise, Enterprise.id == Inspection.enterprise_id)
        .outerjoin(ChecklistTemplate, ChecklistTemplate.id == Inspection.template_id)
        .where(Inspection.deleted.is_(False))
    )
    if filters.state:
        statement = statement.where(Inspection.state == filters.state)
    if filters.date_from:
        statement = statement.where(Inspection.started_at >= dt.datetime.combine(filters.date_from, dt.time()))
    if filters.date_to:
        end = dt.datetime.combine(filters.date_to + dt.timedelta(days=1), dt.time())
        statement = statement.where(Inspection.started_at < end)
    if filters.district_code:
        statement = statement.where(Inspection.district_code == filters.district_code)
    statement = statement.order_by(Inspection.started_at.desc(), Inspection.id).limit(limit)
    with db.session() as session:
        return [InspectionListRow(*row) for row in session.execute(statement)]


class InspectionTableModel(QAbstractTableModel):
    def __init__(self, db: Database, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._rows: list[InspectionListRow] = []
        self.filters = InspectionFilters()

    def reload(self, filters: InspectionFilters | None = None) -> None:
        if filters is not None:
            self.filters = filters
        self.beginResetModel()
        self._rows = query_inspections(self._db, self.filters)
        self.endResetModel()

    def truncated(self) -> bool:
        return len(self._rows) >= LIMIT

    def inspection_id(self, row: int) -> uuid.UUID:
        return self._rows[row].id

    def row_of(self, inspection_id: uuid.UUID) -> int:
        return next((i for i, r in enumerate(self._rows) if r.id == inspection_id), -1)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return tr(COLUMNS[section])
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == ID_ROLE:
            return row.id
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                row.started_at.strftime("%Y-%m-%d %H:%M"),
                row.enterprise_name,
                row.template_name or tr("（无检查表）"),
                tr(KIND_LABELS.get(row.kind, row.kind)),
                row.place,
                str(row.findings) if row.findings else "",
                tr(STATE_LABELS.get(row.state, row.state)),
            )[column]
        draft = row.state == "draft"
        if role == Qt.ItemDataRole.BackgroundRole and draft:
            return DRAFT_BRUSH
        if role == Qt.ItemDataRole.FontRole and draft and column == len(COLUMNS) - 1:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and draft:
            return tr("草稿：打开后可继续作答")
        return None
