"""企业 page: the lazy table model without a window, then the real page driven offscreen — search as
you type, filters remembered, keyboard, detail tabs and navigation, refresh after a change."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

from hazdesk.services.enterprises import EnterpriseInput, create_enterprise
from tests.ui import test_enterprises_fixtures as fixtures
from ui.models import enterprises as model_module
from ui.models.enterprises import (
    BADGES_ROLE,
    COL_DISTRICT,
    COL_KEY,
    COL_MONITORING,
    COL_NAME,
    COL_OPEN,
    COL_OVERDUE,
    COL_RISK,
    COL_USCC,
    ID_ROLE,
    EnterpriseFilter,
    EnterpriseTableModel,
    filtered_ids,
)

ALL = [
    "长江涂料有限公司",
    "华联",
    "江苏扬子石化仓储有限公司",
    "金陵燃气有限公司",
    "南京华联化工有限公司",
    "南京联华物流有限公司",
]

ctx, district = fixtures.ctx, fixtures.district  # fixtures shared with the other enterprise tests
code = fixtures.code
TODAY = fixtures.TODAY


def names(model: EnterpriseTableModel) -> list[str]:
    return [model.record(row).name for row in range(model.rowCount())]


def test_model_rows_and_data_without_a_window(ctx, district) -> None:
    model = EnterpriseTableModel(ctx.db, ctx.today)
    model.set_ids(filtered_ids(ctx.db, EnterpriseFilter(), TODAY))
    assert model.rowCount() == 6 and model.columnCount() == 9
    assert names(model) == ALL  # pinyin order: chang, hua, jiang, jin, nan…
    row = ALL.index("南京华联化工有限公司")
    value = lambda column, role=Qt.ItemDataRole.DisplayRole: model.data(model.index(row, column), role)  # noqa: E731
    assert value(COL_NAME) == "南京华联化工有限公司"
    assert value(COL_USCC) == code("91320115MA1W8K6X2")
    assert value(COL_DISTRICT) == "江宁区"
    assert (value(COL_RISK), value(COL_MONITORING)) == ("红", "黄")
    assert value(COL_KEY) == "重点化学品、重大危险源三级"
    assert [text for text, _ in value(COL_KEY, BADGES_ROLE)] == ["重点化学品", "重大危险源三级"]
    assert (value(COL_OPEN), value(COL_OVERDUE)) == ("2", "1")  # one of the two is past its deadline
    assert value(COL_OVERDUE, Qt.ItemDataRole.ForegroundRole) is not None
    assert value(COL_NAME, ID_ROLE) == district["南京华联化工有限公司"]
    blacklisted = ALL.index("南京联华物流有限公司")
    assert "黑名单" in model.data(model.index(blacklisted, COL_NAME))


def test_model_fetches_only_the_blocks_it_shows(ctx, district, monkeypatch) -> None:
    calls: list[int] = []
    real = model_module.fetch_rows
    monkeypatch.setattr(model_module, "BLOCK", 2)
    monkeypatch.setattr(
        model_module, "fetch_rows", lambda db, ids, today: calls.append(len(ids)) or real(db, ids, today)
    )
    model = EnterpriseTableModel(ctx.db, ctx.today)
    model.set_ids(filtered_ids(ctx.db, EnterpriseFilter(), TODAY))
    assert calls == []  # holding ids costs no query
    model.data(model.index(0, COL_NAME))
    model.data(model.index(1, COL_OPEN))
    assert calls == [2]  # rows 0 and 1 came in one block, counts included
    model.data(model.index(5, COL_NAME))
    assert calls == [2, 2]


def test_filter_survives_settings_round_trip(ctx) -> None:
    wanted = EnterpriseFilter(district_code="320115", risk_colour="red", key="major_hazard", has_overdue=True)
    wanted.save(ctx.settings)
    assert EnterpriseFilter.load(ctx.settings) == wanted
    ctx.settings.setValue("enterprises/filters", "not json")
    assert EnterpriseFilter.load(ctx.settings) == EnterpriseFilter()


@pytest.fixture
def page(qtbot, ctx, district):
    from ui.views.enterprises import EnterprisesPage

    widget = EnterprisesPage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1400, 700)
    widget.show()
    qtbot.waitUntil(lambda: not widget.is_loading() and widget.model.rowCount() == 6)
    return widget


def shown(page) -> list[str]:
    return [page.model.record(row).name for row in range(page.model.rowCount())]


def test_search_as_you_type(qtbot, page) -> None:
    page.search_box.setText("联")  # an input method commits Chinese text in one go
    assert shown(page) == ["华联", "南京联华物流有限公司", "南京华联化工有限公司", "江苏扬子石化仓储有限公司"]
    page.search_box.clear()
    qtbot.keyClicks(page.search_box, "hlhg")  # pinyin initials, key by key
    assert shown(page) == ["南京华联化工有限公司"]
    page.search_box.clear()
    assert len(shown(page)) == 6  # empty search: everything again
    qtbot.keyClicks(page.search_box, "913201")
    assert len(shown(page)) == 6
    qtbot.keyClicks(page.search_box, "15")  # USCC prefix of 江宁区
    assert sorted(shown(page)) == sorted(["南京华联化工有限公司", "金陵燃气有限公司", "长江涂料有限公司"])
    assert "3" in page.count_label.text()


def test_a_broad_query_shows_the_best_matches_and_says_so(qtbot, page, monkeypatch) -> None:
    from ui.views import enterprises as view

    monkeypatch.setattr(view, "SEARCH_LIMIT", 2)
    page.search_box.setText("联")
    assert shown(page) == ["华联", "南京联华物流有限公司"]
    assert page.count_label.text() == "显示最相关的 2 家；继续输入可缩小范围"
    page.blacklist_check.setChecked(True)  # filtered among those best matches, and said so
    qtbot.waitUntil(lambda: not page.is_loading())
    assert shown(page) == ["南京联华物流有限公司"]
    assert page.count_label.text() == "在最相关的 2 家中找到 1 家；继续输入可缩小范围"


def test_filters_narrow_the_list_and_are_remembered(qtbot, page, ctx) -> None:
    def pick(combo, data) -> None:
        combo.setCurrentIndex(combo.findData(data))
        qtbot.waitUntil(lambda: not page.is_loading())

    pick(page.risk_combo, "red")
    assert shown(page) == ["南京华联化工有限公司"]
    page.clear_filters()
    qtbot.waitUntil(lambda: not page.is_loading())
    page.blacklist_check.setChecked(True)
    qtbot.waitUntil(lambda: not page.is_loading())
    assert shown(page) == ["南京联华物流有限公司"]
    page.blacklist_check.setChecked(False)
    pick(page.key_combo, "key_process")
    assert shown(page) == ["金陵燃气有限公司"]
    pick(page.key_combo, "any")
    assert shown(page) == ["金陵燃气有限公司", "南京华联化工有限公司"]
    pick(page.key_combo, "")
    page.overdue_check.setChecked(True)
    qtbot.waitUntil(lambda: not page.is_loading())
    assert shown(page) == ["南京华联化工有限公司"]
    page.overdue_check.setChecked(False)
    pick(page.monitoring_combo, "green")
    assert shown(page) == ["金陵燃气有限公司"]
    pick(page.monitoring_combo, "")
    pick(page.district_combo, "320115")
    assert len(shown(page)) == 3
    page.search_box.setText("华")  # search and filter together
    assert shown(page) == ["南京华联化工有限公司"]
    page.table.horizontalHeader().resizeSection(COL_NAME, 333)

    from ui.views.enterprises import EnterprisesPage

    again = EnterprisesPage(ctx)
    qtbot.addWidget(again)
    qtbot.waitUntil(lambda: not again.is_loading())
    assert again.current_filter() == EnterpriseFilter(district_code="320115")
    assert again.district_combo.currentData() == "320115"
    assert again.table.horizontalHeader().sectionSize(COL_NAME) == 333


def test_keyboard_search_enter_and_new(qtbot, page, monkeypatch) -> None:
    from ui.dialogs.enterprise_form import EnterpriseFormDialog

    opened: list[object] = []
    monkeypatch.setattr(EnterpriseFormDialog, "exec", lambda self: opened.append(self) or 0)
    page.activateWindow()
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is page.search_box
    qtbot.keyClicks(page.search_box, "hlhg")
    qtbot.keyClick(page.search_box, Qt.Key.Key_Down)  # into the results
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert page.stack.currentWidget() is page.detail
    assert page.detail.title.text() == "南京华联化工有限公司"
    qtbot.keyClick(page.detail.tabs, Qt.Key.Key_Escape)
    assert page.stack.currentIndex() == 0
    qtbot.keyClick(page.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert len(opened) == 1


def test_ctrl_f_inside_a_window_that_has_its_own_find_shortcut(qtbot, page) -> None:
    # The main window's Find shortcut calls focus_search; a second Ctrl+F shortcut on the page would
    # make the key ambiguous, and then neither fires.
    window = QWidget()
    QVBoxLayout(window).addWidget(page)
    QShortcut(QKeySequence.StandardKey.Find, window, activated=page.focus_search)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is page.search_box
    page.setParent(None)  # qtbot closes the page itself
    window.deleteLater()


def double_click(qtbot, table, pos) -> None:
    # Qt 6 item views only honour a double click that follows a press on the same cell.
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def test_detail_tabs_and_navigation(qtbot, page, ctx, district) -> None:
    import datetime as dt

    from hazdesk.store.models import Finding

    main = district["南京华联化工有限公司"]
    with ctx.db.transaction() as session:  # an old finding closed after its 复查: history, hidden at first
        found = dt.date(2025, 3, 1)
        session.add(
            Finding(enterprise_id=main, district_code="320115", description="旧隐患（已销号）", found_on=found,
                    deadline=found + dt.timedelta(days=15), status="closed", closed_on=found + dt.timedelta(days=20))
        )  # fmt: skip
    page.open_record(main)
    detail = page.detail
    total = len(detail.file.findings)
    assert [detail.tabs.tabText(i) for i in range(5)] == [
        "基本信息",
        "工艺与化学品",
        "重大危险源（1）",
        "检查记录（1）",
        f"隐患（未销号 2 / 共 {total}）",
    ]
    assert detail.findings_table.rowCount() == 2  # open ones; the closed history on request
    detail.show_closed.setChecked(True)
    assert total == 3 and detail.findings_table.rowCount() == 3
    assert "旧隐患（已销号）" in [detail.findings_table.item(r, 1).text() for r in range(3)]
    detail.show_closed.setChecked(False)
    assert detail.basics.values["risk"].text() == "红（重大风险）"
    assert detail.basics.supervision.text() == "重点工艺：无\n重点化学品：氯、甲醇\n重大危险源：三级×1"
    row = [detail.sources_table.item(0, c).text() for c in range(9)]
    assert row[:2] == ["液氯储罐区", "储存单元"] and row[4:8] == ["4", "1.2", "19.2", "三级"]
    assert detail.chemicals.table.item(0, 0).text() == "液氯"
    overdue = [detail.findings_table.item(r, 5).text() for r in range(2)]
    assert sorted(overdue) == ["", "逾期 23 天"]

    with qtbot.waitSignal(ctx.navigate_requested) as inspection:
        detail.tabs.setCurrentIndex(3)
        rect = detail.inspections_table.visualRect(detail.inspections_table.model().index(0, 0))
        double_click(qtbot, detail.inspections_table, rect.center())
    assert inspection.args[0] == "inspection"
    with qtbot.waitSignal(ctx.navigate_requested) as finding:
        detail.tabs.setCurrentIndex(4)
        rect = detail.findings_table.visualRect(detail.findings_table.model().index(0, 0))
        double_click(qtbot, detail.findings_table, rect.center())
    assert finding.args[0] == "finding"
    with qtbot.waitSignal(ctx.navigate_requested) as by_keyboard:
        detail.findings_table.setCurrentCell(1, 0)
        qtbot.keyClick(detail.findings_table, Qt.Key.Key_Return)
    assert by_keyboard.args[0] == "finding"
    with qtbot.waitSignal(ctx.navigate_requested) as start:
        qtbot.mouseClick(detail.inspect_button, Qt.MouseButton.LeftButton)
    assert start.args == ["new_inspection", main]
    qtbot.mouseClick(detail.back_button, Qt.MouseButton.LeftButton)
    assert page.stack.currentIndex() == 0
    assert page.model.id_at(page.table.currentIndex().row()) == main  # back where the user was


def test_a_published_change_refreshes_the_list(qtbot, page, ctx) -> None:
    new_id, changes = create_enterprise(
        ctx.db, EnterpriseInput(uscc=code("91320115MA3000001"), name="新安化工有限公司", district_code="320115")
    )
    ctx.publish(changes)
    qtbot.waitUntil(lambda: page.model.rowCount() == 7)
    assert page.model.row_of(new_id) >= 0
