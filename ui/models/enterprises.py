"""The enterprise table (企业列表, 一企一档) for up to a city's 20,000 enterprises.

The model holds only the ordered ids of the rows shown and fetches the columns of a block of rows
when the view first asks for one of them — a primary-key query for the enterprise columns, and
grouped queries for the open and overdue finding counts and the highest hazard level *of those ids
only*, so a keystroke never counts findings for 20,000 enterprises. A small cache keeps the blocks
last seen.

The functions above the model class are Qt-free and thread-safe (each opens its own session): they
are the queries the page needs beyond ``hazdesk.store.search`` and could move to
``hazdesk.store.queries`` as they are.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, QSettings, Qt
from PySide6.QtGui import QBrush, QColor, QFont
from sqlalchemy import ColumnElement, case, distinct, func, select

from hazdesk.store.database import Database
from hazdesk.store.models import District, Enterprise, Finding, MajorHazardSource
from hazdesk.store.queries import OWED
from ui.i18n import tr
from ui.widgets.coded_values import COLOURS, LEVEL_COLOURS, dot, level_label, monitoring_label, risk_short

BLOCK = 40  # rows fetched together: about one screenful, so a keystroke fetches one block
CACHED_BLOCKS = 50  # ≤ 2,000 rows of columns in memory, whatever the table size
KEY_FLAGS = ("any", "key_process", "key_chemical", "major_hazard")  # 两重点一重大 filter values


@dataclass(frozen=True)
class EnterpriseFilter:
    """The filters of the list besides the search text ("" = not filtering on that)."""

    district_code: str = ""
    risk_colour: str = ""
    monitoring_level: str = ""
    key: str = ""  # one of KEY_FLAGS
    blacklisted: bool = False
    has_overdue: bool = False

    def narrows_search(self) -> bool:
        """True when rows must be checked beyond what search_enterprises filters itself (district)."""
        return self != EnterpriseFilter(district_code=self.district_code)

    def save(self, settings: QSettings, key: str = "enterprises/filters") -> None:
        settings.setValue(key, json.dumps(asdict(self), ensure_ascii=False))

    @classmethod
    def load(cls, settings: QSettings, key: str = "enterprises/filters") -> EnterpriseFilter:
        try:
            raw = json.loads(str(settings.value(key, "{}") or "{}"))
            known = {k: v for k, v in raw.items() if k in cls.__dataclass_fields__}
            loaded = cls(**known)
        except (ValueError, TypeError, AttributeError):
            return cls()  # settings from another version: start unfiltered rather than fail
        return loaded if loaded.key in ("", *KEY_FLAGS) else replace(loaded, key="")


@dataclass(frozen=True)
class EnterpriseRow:
    id: uuid.UUID
    name: str
    uscc: str
    district_code: str
    address: str
    risk_colour: str | None
    monitoring_level: str | None
    key_process: bool
    key_chemical: bool
    major_hazard: bool
    top_level: int | None  # highest 重大危险源 level (1 = 一级)
    blacklisted: bool
    open_findings: int  # 未整改: the enterprise still owes the work
    overdue_findings: int


def _conditions(f: EnterpriseFilter, today: dt.date) -> list[ColumnElement[bool]]:
    e = Enterprise
    conditions: list[ColumnElement[bool]] = [e.deleted.is_(False)]
    if f.district_code:
        conditions.append(e.district_code == f.district_code)
    if f.risk_colour:
        conditions.append(e.risk_colour == f.risk_colour)
    if f.monitoring_level:
        conditions.append(e.monitoring_level == f.monitoring_level)
    flags = {"key_process": e.involves_key_process, "key_chemical": e.involves_key_chemical}
    flags["major_hazard"] = e.has_major_hazard
    if f.key == "any":
        conditions.append(e.involves_key_process | e.involves_key_chemical | e.has_major_hazard)
    elif f.key in flags:
        conditions.append(flags[f.key].is_(True))
    if f.blacklisted:
        conditions.append(e.blacklisted.is_(True))
    if f.has_overdue:
        overdue = select(Finding.enterprise_id).where(
            Finding.deleted.is_(False), Finding.status.in_(OWED), Finding.deadline < today
        )
        conditions.append(e.id.in_(overdue))
    return conditions


def filtered_ids(db: Database, f: EnterpriseFilter, today: dt.date) -> list[uuid.UUID]:
    """Every enterprise passing the filters in pinyin order of the name (the list under an empty search
    box). Code-point order would scatter Chinese names; the stored pinyin key starts with the usual
    reading. Sorting 20,000 rows takes ~0.1 s, which is why the page runs this in the pool. Any thread."""
    order = (Enterprise.name_pinyin, Enterprise.name, Enterprise.id)
    statement = select(Enterprise.id).where(*_conditions(f, today)).order_by(*order)
    with db.session() as session:
        return list(session.scalars(statement))


def fetch_rows(db: Database, ids: list[uuid.UUID], today: dt.date) -> dict[uuid.UUID, EnterpriseRow]:
    """The table columns of these enterprises: three indexed queries restricted to ``ids``. Any thread."""
    e = Enterprise
    owed = (Finding.deleted.is_(False), Finding.status.in_(OWED), Finding.enterprise_id.in_(ids))
    with db.session() as session:
        counts = {
            row[0]: (row[1], row[2] or 0)
            for row in session.execute(
                select(Finding.enterprise_id, func.count(), func.sum(case((Finding.deadline < today, 1), else_=0)))
                .where(*owed)
                .group_by(Finding.enterprise_id)
            )
        }
        levels: dict[uuid.UUID, int] = dict(
            session.execute(
                select(MajorHazardSource.enterprise_id, func.min(MajorHazardSource.level))
                .where(MajorHazardSource.enterprise_id.in_(ids), MajorHazardSource.deleted.is_(False))
                .group_by(MajorHazardSource.enterprise_id)
            ).all()
        )
        columns = (e.id, e.name, e.uscc, e.district_code, e.address, e.risk_colour, e.monitoring_level)
        flags = (e.involves_key_process, e.involves_key_chemical, e.has_major_hazard)
        out: dict[uuid.UUID, EnterpriseRow] = {}
        for row in session.execute(select(*columns, *flags, e.blacklisted).where(e.id.in_(ids))):
            open_count, overdue = counts.get(row[0], (0, 0))
            out[row[0]] = EnterpriseRow(*row[:10], levels.get(row[0]), row[10], open_count, overdue)
        return out


def district_names(db: Database) -> dict[str, str]:
    """code → name from the reference table, else the codes seen on enterprises (named by code)."""
    with db.session() as session:
        rows = session.execute(select(District.code, District.name).order_by(District.code))
        names = {code: name for code, name in rows}
        if not names:
            codes = session.scalars(select(distinct(Enterprise.district_code)).order_by(Enterprise.district_code))
            names = {code: code for code in codes}
    return names


# --- the Qt model ---------------------------------------------------------------------------------
COLUMNS = ("名称", "统一社会信用代码", "区县", "地址", "风险等级", "监测预警", "两重点一重大", "未整改隐患", "逾期隐患")
(COL_NAME, COL_USCC, COL_DISTRICT, COL_ADDRESS, COL_RISK, COL_MONITORING, COL_KEY, COL_OPEN, COL_OVERDUE) = range(9)
ID_ROLE = Qt.ItemDataRole.UserRole
BADGES_ROLE = Qt.ItemDataRole.UserRole + 1  # [(text, colour)] for the 两重点一重大 chips
_R = Qt.ItemDataRole
# A view asks ~8 roles of every visible cell on every paint (~2,000 calls per keystroke): answer the
# roles this model never sets before touching any row, and keep each row's texts ready-made.
_HANDLED = frozenset(
    int(r)
    for r in (
        _R.DisplayRole,
        _R.ToolTipRole,
        _R.DecorationRole,
        _R.ForegroundRole,
        _R.FontRole,
        _R.BackgroundRole,
        _R.TextAlignmentRole,
        ID_ROLE,
        BADGES_ROLE,
    )
)
_OVERDUE_BRUSH = QBrush(QColor("#b3261e"))
_BLACKLIST_BRUSH = QBrush(QColor("#fde7e9"))
_ZERO_BRUSH = QBrush(QColor("#9aa0a6"))
_NUMBER_ALIGN = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


@dataclass(frozen=True)
class _Cells:
    """One row as the view shows it, computed once when its block is fetched."""

    record: EnterpriseRow
    texts: tuple[str, ...]
    badges: list[tuple[str, str]]


class EnterpriseTableModel(QAbstractTableModel):
    """Rows = enterprise ids in display order; columns fetched a block at a time. GUI thread only."""

    def __init__(self, db: Database, today: Callable[[], dt.date], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._today = today  # the date "overdue" is judged against
        self._ids: list[uuid.UUID] = []
        self._blocks: OrderedDict[int, list[_Cells | None]] = OrderedDict()  # by first row
        self._last_start: int = -1
        self._last_block: list[_Cells | None] = []
        self._districts: dict[str, str] | None = None
        self._bold = QFont()
        self._bold.setBold(True)

    # --- content --------------------------------------------------------------------------------
    def set_ids(self, ids: list[uuid.UUID]) -> None:
        self.beginResetModel()
        self._ids = list(ids)
        self._forget()
        self.endResetModel()

    def extend_ids(self, more: list[uuid.UUID]) -> None:
        """Append rows (the rest of a long search result) without disturbing selection or scroll."""
        if not more:
            return
        first = len(self._ids)
        self._forget(first - first % BLOCK)  # a partly filled last block must be fetched again
        self.beginInsertRows(QModelIndex(), first, first + len(more) - 1)
        self._ids.extend(more)
        self.endInsertRows()

    def invalidate(self) -> None:
        """Forget fetched columns (data changed); the view re-asks for what it shows."""
        self._forget()
        self._districts = None
        if self._ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._ids) - 1, len(COLUMNS) - 1))

    def _forget(self, start: int | None = None) -> None:
        if start is None:
            self._blocks.clear()
        else:
            self._blocks.pop(start, None)
        self._last_start, self._last_block = -1, []

    def ids(self) -> list[uuid.UUID]:
        return list(self._ids)

    def id_at(self, row: int) -> uuid.UUID | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, enterprise_id: uuid.UUID) -> int:
        try:
            return self._ids.index(enterprise_id)
        except ValueError:
            return -1

    def record(self, row: int) -> EnterpriseRow | None:
        cells = self._cells(row)
        return cells.record if cells is not None else None

    def _cells(self, row: int) -> _Cells | None:
        if not 0 <= row < len(self._ids):
            return None
        start = row - row % BLOCK
        if start == self._last_start:  # consecutive calls nearly always hit the same block
            return self._last_block[row - start]
        block = self._blocks.get(start)
        if block is None:
            ids = self._ids[start : start + BLOCK]
            fetched = fetch_rows(self._db, ids, self._today())
            # Kept by position, so a cell lookup never hashes a UUID (the view makes ~2,000 per paint).
            block = [self._make_cells(fetched[i]) if i in fetched else None for i in ids]
            self._blocks[start] = block
            while len(self._blocks) > CACHED_BLOCKS:
                self._blocks.popitem(last=False)
        else:
            self._blocks.move_to_end(start)
        self._last_start, self._last_block = start, block
        return block[row - start]

    def district_name(self, code: str) -> str:
        if self._districts is None:
            self._districts = district_names(self._db)
        return self._districts.get(code, code)

    # --- Qt interface ---------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _R.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == _R.DisplayRole:
            return tr(COLUMNS[section])
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = _R.DisplayRole) -> Any:
        if role not in _HANDLED or not index.isValid():
            return None
        row, column = index.row(), index.column()
        if role == ID_ROLE:
            return self.id_at(row)
        cells = self._cells(row)
        if cells is None:
            return None
        record = cells.record
        if role == _R.DisplayRole:
            return cells.texts[column]
        if role == _R.TextAlignmentRole:
            return _NUMBER_ALIGN if column in (COL_OPEN, COL_OVERDUE) else None
        if role == _R.DecorationRole:
            code = record.risk_colour if column == COL_RISK else record.monitoring_level
            return dot(COLOURS[code]) if column in (COL_RISK, COL_MONITORING) and code in COLOURS else None
        if role == BADGES_ROLE:
            return cells.badges if column == COL_KEY else None
        if role == _R.ToolTipRole and column in (COL_NAME, COL_ADDRESS, COL_KEY):
            tip = cells.texts[column]
            return tr("黑名单企业") + "\n" + tip if record.blacklisted and column == COL_NAME else tip
        if column == COL_OVERDUE and record.overdue_findings:
            return {_R.ForegroundRole: _OVERDUE_BRUSH, _R.FontRole: self._bold}.get(role)
        if role == _R.ForegroundRole and column in (COL_OPEN, COL_OVERDUE):
            return _ZERO_BRUSH if cells.texts[column] == "0" else None  # zeros recede, counts stand out
        if role == _R.BackgroundRole and record.blacklisted and column == COL_NAME:
            return _BLACKLIST_BRUSH
        return None

    def _make_cells(self, r: EnterpriseRow) -> _Cells:
        badges = []
        if r.key_process:
            badges.append((tr("重点工艺"), "#6a3fb5"))
        if r.key_chemical:
            badges.append((tr("重点化学品"), "#00796b"))
        if r.major_hazard:
            text = tr("重大危险源{level}").format(level=level_label(r.top_level)) if r.top_level else tr("重大危险源")
            badges.append((text, LEVEL_COLOURS.get(r.top_level or 0, "#d93025")))
        texts = (
            f"{r.name}　〔{tr('黑名单')}〕" if r.blacklisted else r.name,
            r.uscc,
            self.district_name(r.district_code),
            r.address,
            risk_short(r.risk_colour) or tr("未评定"),
            monitoring_label(r.monitoring_level),
            "、".join(text for text, _ in badges),
            str(r.open_findings),
            str(r.overdue_findings),
        )
        return _Cells(r, texts, badges)
