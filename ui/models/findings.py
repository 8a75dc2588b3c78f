"""The findings table (隐患列表) for up to a city's 600,000 findings, loaded lazily.

Like Anki's browser, the model keeps only the ordered ids of the rows that match (16 bytes each,
packed in one ``bytes``: 600,000 findings are 9.6 MB) and fetches the columns of a page of rows
when the view first asks for one of them; an LRU cache keeps the last pages. Sorting and filtering
are SQL (``ORDER BY``/``WHERE``), so a header click re-runs one query and never loads rows.

The id query runs in Qt's thread pool (on the city database it takes about a second); its result is
applied on the GUI thread with a generation number, so a stale result after a newer filter change
is dropped. ``reload(block=True)`` runs it inline (tests, benchmarks). Everything except
:func:`query_ids` and :func:`fetch_rows` is GUI thread only; those two are Qt-free and thread-safe
(each opens its own session).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields, replace

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRunnable,
    Qt,
    QThreadPool,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont
from sqlalchemy import String, and_, case, cast, or_, select

from hazdesk.domain.lifecycle import FindingStatus, Severity, label
from hazdesk.store.database import Database
from hazdesk.store.models import District, Enterprise, Finding
from hazdesk.store.queries import OWED, FindingRow, finding_rows
from ui.i18n import tr

PAGE_SIZE = 100
CACHED_PAGES = 40  # at most 4,000 rows in memory, whatever the table size
DUE_SOON_DAYS = 7
OPEN = "open"  # status filter: anything not yet 复查合格

OVERDUE_BRUSH = QBrush(QColor("#fbd9d6"))
DUE_SOON_BRUSH = QBrush(QColor("#ffeab0"))
MAJOR_BRUSH = QBrush(QColor("#b3261e"))

COLUMNS = ("企业", "隐患描述", "等级", "状态", "发现日期", "整改期限", "逾期天数")
(COL_ENTERPRISE, COL_DESCRIPTION, COL_SEVERITY, COL_STATUS, COL_FOUND, COL_DEADLINE, COL_OVERDUE) = range(7)
ID_ROLE = Qt.ItemDataRole.UserRole


@dataclass(frozen=True)
class FindingFilters:
    status: str = ""  # "" all, "open", or a FindingStatus code
    severity: str = ""  # "" all, or a Severity code
    overdue_only: bool = False
    due_soon: bool = False
    district_code: str = ""
    enterprise_text: str = ""

    def save(self, settings: object, prefix: str = "findings/filters") -> None:
        for name, value in asdict(self).items():
            settings.setValue(f"{prefix}/{name}", value)  # type: ignore[attr-defined]

    @classmethod
    def load(cls, settings: object, prefix: str = "findings/filters", **defaults: object) -> FindingFilters:
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = settings.value(f"{prefix}/{f.name}", defaults.get(f.name, f.default))  # type: ignore[attr-defined]
            # QSettings' ini format gives strings back: "true"/"false" for booleans.
            values[f.name] = str(raw).lower() in {"true", "1"} if f.type in (bool, "bool") else str(raw or "")
        return cls(**values)  # type: ignore[arg-type]


def _conditions(filters: FindingFilters, today: dt.date) -> list[object]:
    owed = Finding.status.in_(OWED)
    conditions: list[object] = [Finding.deleted.is_(False)]
    if filters.status == OPEN:
        conditions.append(Finding.status != FindingStatus.CLOSED.value)
    elif filters.status:
        conditions.append(Finding.status == filters.status)
    if filters.severity:
        conditions.append(Finding.severity == filters.severity)
    if filters.overdue_only:
        conditions.append(and_(owed, Finding.deadline < today))
    if filters.due_soon:
        conditions.append(
            and_(owed, Finding.deadline >= today, Finding.deadline <= today + dt.timedelta(days=DUE_SOON_DAYS))
        )
    if filters.district_code:
        conditions.append(Finding.district_code == filters.district_code)
    text = filters.enterprise_text.strip()
    if text:
        lowered = text.lower()
        conditions.append(
            Finding.enterprise_id.in_(
                select(Enterprise.id).where(
                    or_(
                        Enterprise.name.contains(text, autoescape=True),
                        Enterprise.uscc.startswith(text.upper(), autoescape=True),
                        Enterprise.name_initials.contains(lowered, autoescape=True),
                        Enterprise.name_pinyin.contains(lowered, autoescape=True),
                    )
                )
            )
        )
    return conditions


def _order(column: int, descending: bool, today: dt.date) -> list[object]:
    if column == COL_OVERDUE:
        # Most days overdue first = overdue rows, oldest deadline first (days are never stored).
        late = case((and_(Finding.status.in_(OWED), Finding.deadline < today), 1), else_=0)
        keys = [late.desc(), Finding.deadline.asc()] if descending else [late.asc(), Finding.deadline.desc()]
        return [*keys, Finding.id]
    expression = {
        COL_ENTERPRISE: Enterprise.name,
        COL_DESCRIPTION: Finding.description,
        COL_SEVERITY: Finding.severity,
        COL_STATUS: Finding.status,
        COL_FOUND: Finding.found_on,
        COL_DEADLINE: Finding.deadline,
    }[column]
    return [expression.desc() if descending else expression.asc(), Finding.id]


def query_ids(db: Database, filters: FindingFilters, column: int, descending: bool, today: dt.date) -> bytes:
    """The matching finding ids in display order, packed 16 bytes each. Any thread."""
    statement = select(cast(Finding.id, String)).where(*_conditions(filters, today))
    if column == COL_ENTERPRISE:
        statement = statement.join(Enterprise, Enterprise.id == Finding.enterprise_id)
    statement = statement.order_by(*_order(column, descending, today))
    packed = bytearray()
    with db.session() as session:
        # Straight through the driver cursor: the ORM's per-row processing was 40 % of the time on
        # 600,000 rows. Each batch of hex ids becomes bytes with one fromhex call.
        result = session.connection().execution_options(stream_results=True).execute(statement)
        while batch := result.fetchmany(50_000):
            # SQLite keeps the uuid as 32 hex digits; PostgreSQL casts it with dashes.
            packed += bytes.fromhex("".join(row[0] for row in batch).replace("-", ""))
    return bytes(packed)


def fetch_rows(db: Database, ids: list[uuid.UUID]) -> list[FindingRow]:
    """The table columns of these findings, in the order given (primary-key lookups). Any thread."""
    statement = finding_rows().where(Finding.id.in_(ids))
    with db.session() as session:
        by_id = {row[0]: FindingRow(*row) for row in session.execute(statement)}
    return [by_id[i] for i in ids if i in by_id]


def district_choices(db: Database) -> list[tuple[str, str]]:
    """(code, name) of the districts to filter by: the reference table, else codes seen on enterprises."""
    with db.session() as session:
        rows = [(c, n) for c, n in session.execute(select(District.code, District.name).order_by(District.code))]
        if not rows:
            codes = session.scalars(select(Enterprise.district_code).distinct().order_by(Enterprise.district_code))
            rows = [(c, c) for c in codes]
    return rows


class _IdSignals(QObject):
    done = Signal(int, object)  # generation, bytes | BaseException


class _IdQuery(QRunnable):
    def __init__(self, generation: int, work: Callable[[], bytes], signals: _IdSignals) -> None:
        super().__init__()
        self._generation, self._work, self._signals = generation, work, signals

    def run(self) -> None:  # worker thread
        try:
            result: object = self._work()
        except Exception as exc:  # handed to the GUI thread, which reports it
            result = exc
        # The model may have gone away (window closed, program ending) while the query ran.
        with contextlib.suppress(RuntimeError):
            self._signals.done.emit(self._generation, result)


class FindingTableModel(QAbstractTableModel):
    """Rows = finding ids in order; columns fetched a page at a time. GUI thread only."""

    loading = Signal(bool)
    loaded = Signal(int)  # row count
    failed = Signal(object)  # exception from the id query

    def __init__(self, db: Database, today: Callable[[], dt.date], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._db, self._today = db, today
        self._filters = FindingFilters()
        self._sort = (COL_FOUND, True)  # newest first
        self._ids = b""
        self._pages: OrderedDict[int, list[FindingRow]] = OrderedDict()
        self._generation = 0
        self._signals = _IdSignals()
        self._signals.done.connect(self._apply)
        self.page_fetches = 0  # how many pages were read from the database (tests check laziness)

    # --- state ---------------------------------------------------------------------------------
    def filters(self) -> FindingFilters:
        return self._filters

    def set_filters(self, filters: FindingFilters, *, block: bool = False) -> None:
        self._filters = filters
        self.reload(block=block)

    def sort_key(self) -> tuple[int, bool]:
        return self._sort

    def set_sort_key(self, column: int, descending: bool) -> None:
        """Choose the order for the next load without loading (restoring saved settings)."""
        self._sort = (column, descending)

    def reload(self, *, block: bool = False) -> None:
        """Run the id query again (after a filter, sort or data change)."""
        self._generation += 1
        generation, filters, (column, descending), today = self._generation, self._filters, self._sort, self._today()

        def work() -> bytes:
            return query_ids(self._db, filters, column, descending, today)

        self.loading.emit(True)
        if block:
            try:
                self._apply(generation, work())
            except Exception as exc:  # same path as the threaded query
                self._apply(generation, exc)
        else:
            QThreadPool.globalInstance().start(_IdQuery(generation, work, self._signals))

    def _apply(self, generation: int, result: object) -> None:
        if generation != self._generation:
            return  # a newer query is on its way
        self.loading.emit(False)
        if isinstance(result, BaseException):
            self.failed.emit(result)
            return
        assert isinstance(result, bytes)
        self.beginResetModel()
        self._ids = result
        self._pages.clear()
        self.endResetModel()
        self.loaded.emit(self.rowCount())

    def invalidate_rows(self) -> None:
        """Drop cached columns (a finding was edited) without re-running the id query."""
        self._pages.clear()
        if self.rowCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, len(COLUMNS) - 1))

    # --- ids -----------------------------------------------------------------------------------
    def finding_id(self, row: int) -> uuid.UUID:
        return uuid.UUID(bytes=self._ids[row * 16 : row * 16 + 16])

    def row_of(self, finding_id: uuid.UUID) -> int:
        needle, start = finding_id.bytes, 0
        while (pos := self._ids.find(needle, start)) >= 0:
            if pos % 16 == 0:
                return pos // 16
            start = pos + 1
        return -1

    def row_data(self, row: int) -> FindingRow | None:
        page_no = row // PAGE_SIZE
        page = self._pages.get(page_no)
        if page is None:
            first = page_no * PAGE_SIZE
            ids = [self.finding_id(r) for r in range(first, min(first + PAGE_SIZE, self.rowCount()))]
            page = fetch_rows(self._db, ids)
            if len(page) != len(ids):  # a row vanished since the id query: keep positions aligned
                have = {r.id: r for r in page}
                page = [have.get(i) for i in ids]  # type: ignore[misc]
            self.page_fetches += 1
            self._pages[page_no] = page
            while len(self._pages) > CACHED_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page_no)
        return page[row % PAGE_SIZE]

    def cached_pages(self) -> int:
        return len(self._pages)

    # --- Qt model ------------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids) // 16

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return tr(COLUMNS[section])
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort = (column, order == Qt.SortOrder.DescendingOrder)
        self.reload()

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        if role == ID_ROLE:
            return self.finding_id(index.row())
        if role not in _ROLES:
            return None
        row = self.row_data(index.row())
        if row is None:
            return tr("（已删除）") if role == Qt.ItemDataRole.DisplayRole and index.column() == 0 else None
        column, today = index.column(), self._today()
        if role == Qt.ItemDataRole.DisplayRole:
            return _display(row, column, today)
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.description if column == COL_DESCRIPTION else row.enterprise_name if column == 0 else None
        if role == Qt.ItemDataRole.BackgroundRole:
            if row.days_overdue(today) > 0:
                return OVERDUE_BRUSH
            if row.status in OWED and today <= row.deadline <= today + dt.timedelta(days=DUE_SOON_DAYS):
                return DUE_SOON_BRUSH
            return None
        major = row.severity == Severity.MAJOR.value
        if role == Qt.ItemDataRole.ForegroundRole:
            return MAJOR_BRUSH if major and column == COL_SEVERITY else None
        if role == Qt.ItemDataRole.FontRole:
            if (major and column == COL_SEVERITY) or (column == COL_OVERDUE and row.days_overdue(today)):
                font = QFont()
                font.setBold(True)
                return font
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and column == COL_OVERDUE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


_ROLES = {
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.BackgroundRole,
    Qt.ItemDataRole.ForegroundRole,
    Qt.ItemDataRole.FontRole,
    Qt.ItemDataRole.TextAlignmentRole,
}


def _display(row: FindingRow, column: int, today: dt.date) -> str:
    if column == COL_ENTERPRISE:
        return row.enterprise_name
    if column == COL_DESCRIPTION:
        first_line = row.description.splitlines()[0] if row.description else ""
        return first_line if len(first_line) <= 60 else first_line[:59] + "…"
    if column == COL_SEVERITY:
        return tr("重大") if row.severity == Severity.MAJOR.value else tr("一般")
    if column == COL_STATUS:
        return tr(label(FindingStatus(row.status)))
    if column == COL_FOUND:
        return row.found_on.isoformat()
    if column == COL_DEADLINE:
        return row.deadline.isoformat()
    days = row.days_overdue(today)
    return str(days) if days else ""


def with_changes(filters: FindingFilters, **changes: object) -> FindingFilters:
    return replace(filters, **changes)  # type: ignore[arg-type]
