"""The findings table model without a window: lazy paging, server-side sorting and filters.

Also home of ``make_world``/``make_ctx``, the small real database the desk tests share.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt

from hazdesk.domain.uscc import check_character
from hazdesk.services.enterprises import EnterpriseInput, create_enterprise
from hazdesk.store.checklists import install_checklists
from hazdesk.store.models import Finding, Inspector
from ui import models
from ui.context import AppContext
from ui.models import findings as findings_model
from ui.models.findings import (
    COL_DEADLINE,
    COL_ENTERPRISE,
    COL_OVERDUE,
    COL_SEVERITY,
    COL_STATUS,
    OPEN,
    OVERDUE_BRUSH,
    FindingFilters,
    FindingTableModel,
)

TODAY = dt.date(2026, 11, 22)
assert models  # the package exists (one-line docstring)


@dataclass
class World:
    db: object
    enterprises: list[uuid.UUID]
    officers: list[uuid.UUID]


def make_world(database, *, findings: int = 0) -> World:
    with database.transaction() as session:
        install_checklists(session)
        officers = [
            Inspector(name="王建国", cert_no="32011520230017", district_code="320115"),
            Inspector(name="李敏", cert_no="32011520230018", district_code="320115"),
            Inspector(name="赵强", cert_no="32011520230019", district_code="320115"),
        ]
        session.add_all(officers)
    enterprises = []
    for body, name, district in (
        ("91350100M000100Y4", "南京华联化工有限公司", "320115"),
        ("91320115MA1M00010", "江宁永泰仓储有限公司", "320115"),
        ("91320106MA1X00020", "鼓楼精细化学品经营部", "320106"),
    ):
        uscc = body + check_character(body)
        eid, _ = create_enterprise(database, EnterpriseInput(uscc=uscc, name=name, district_code=district))
        enterprises.append(eid)
    if findings:
        statuses = ("pending", "rectified", "closed", "failed")
        with database.transaction() as session:
            for n in range(findings):
                enterprise = enterprises[n % 3]
                session.add(
                    Finding(
                        enterprise_id=enterprise,
                        district_code="320106" if n % 3 == 2 else "320115",
                        description=f"隐患{n:04d}：消防通道堵塞",
                        severity="major" if n % 5 == 0 else "general",
                        found_on=TODAY - dt.timedelta(days=40 + n % 30),
                        deadline=TODAY + dt.timedelta(days=(n % 41) - 20),  # −20 … +20 days
                        status=statuses[n % 4],
                    )
                )
    return World(database, enterprises, [o.id for o in officers])


def make_ctx(database, tmp_path: Path, officer: uuid.UUID | None = None) -> AppContext:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    ctx = AppContext(database, tmp_path / "data", settings, today=lambda: TODAY)
    if officer is not None:
        ctx.set_inspector(officer)
    return ctx


def _column(model: FindingTableModel, column: int) -> list[str]:
    return [model.data(model.index(r, column)) for r in range(model.rowCount())]


@pytest.fixture
def model(qtbot, database):
    make_world(database, findings=350)
    table = FindingTableModel(database, lambda: TODAY)
    table.reload(block=True)
    return table


def test_rows_are_fetched_a_page_at_a_time(model, monkeypatch) -> None:
    assert model.rowCount() == 350
    assert model.columnCount() == 7
    assert model.page_fetches == 0  # counting rows reads no row
    last = model.data(model.index(349, 1))
    assert last.startswith("隐患")
    assert model.page_fetches == 1 and model.cached_pages() == 1
    model.data(model.index(348, 0))
    assert model.page_fetches == 1  # same page, from the cache
    monkeypatch.setattr(findings_model, "CACHED_PAGES", 2)
    for row in range(model.rowCount()):
        model.data(model.index(row, 0))
    assert model.cached_pages() == 2  # least recently used pages were dropped
    ids = {model.finding_id(r) for r in range(model.rowCount())}
    assert len(ids) == 350
    some = model.finding_id(250)
    assert model.row_of(some) == 250
    assert model.data(model.index(250, 0), Qt.ItemDataRole.UserRole) == some


def test_sorting_is_done_by_the_database(model, qtbot) -> None:
    with qtbot.waitSignal(model.loaded, timeout=5000):
        model.sort(COL_DEADLINE, Qt.SortOrder.AscendingOrder)  # threaded id query
    deadlines = _column(model, COL_DEADLINE)
    assert deadlines == sorted(deadlines) and deadlines[0] == (TODAY - dt.timedelta(days=20)).isoformat()
    with qtbot.waitSignal(model.loaded, timeout=5000):
        model.sort(COL_ENTERPRISE, Qt.SortOrder.DescendingOrder)
    names = _column(model, COL_ENTERPRISE)
    assert names == sorted(names, reverse=True)
    with qtbot.waitSignal(model.loaded, timeout=5000):
        model.sort(COL_OVERDUE, Qt.SortOrder.DescendingOrder)
    days = [int(d) if d else 0 for d in _column(model, COL_OVERDUE)]
    assert days[0] == 20 and days == sorted(days, reverse=True)


def test_filters(model) -> None:
    def count(**kw: object) -> int:
        model.set_filters(FindingFilters(**kw), block=True)  # type: ignore[arg-type]
        return model.rowCount()

    assert count(status="closed") == 87
    assert set(_column(model, COL_STATUS)) == {"复查合格"}
    assert count(status=OPEN) == 350 - 87
    assert count(severity="major") == 70
    assert set(_column(model, COL_SEVERITY)) == {"重大"}
    overdue = count(overdue_only=True)
    assert overdue > 0 and all(int(d) > 0 for d in _column(model, COL_OVERDUE))
    assert all(model.data(model.index(r, 0), Qt.ItemDataRole.BackgroundRole) == OVERDUE_BRUSH for r in range(overdue))
    soon = count(due_soon=True)
    assert soon > 0
    for row in range(soon):
        deadline = dt.date.fromisoformat(model.data(model.index(row, COL_DEADLINE)))
        assert TODAY <= deadline <= TODAY + dt.timedelta(days=7)
        assert model.data(model.index(row, 2), Qt.ItemDataRole.BackgroundRole) is not None  # amber
    assert count(district_code="320106") == 116
    assert count(enterprise_text="永泰") == 117
    assert set(_column(model, COL_ENTERPRISE)) == {"江宁永泰仓储有限公司"}
    assert count(enterprise_text="jnyt") == 117  # initials of 江宁永泰
    assert count(enterprise_text="100%_") == 0  # LIKE wildcards are escaped
    assert count(status="pending", severity="major", district_code="320115") > 0


def test_filters_round_trip_through_settings(tmp_path) -> None:
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    chosen = FindingFilters(
        status="failed", severity="major", overdue_only=True, district_code="320115", enterprise_text="华联"
    )
    chosen.save(settings)
    settings.sync()
    again = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    assert FindingFilters.load(again) == chosen
    assert FindingFilters.load(QSettings(str(tmp_path / "empty.ini"), QSettings.Format.IniFormat)) == FindingFilters()
