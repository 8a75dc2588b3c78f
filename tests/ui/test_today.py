"""The Today page counts and lists, and its lines open what they name."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from hazdesk.services.enterprises import EnterpriseInput, create_enterprise
from hazdesk.services.findings import FindingInput, add_finding, report_rectified
from hazdesk.store.models import Inspector
from tests.ui.conftest import TODAY
from ui.views.today import TodayPage


def _seed(ctx):
    with ctx.db.transaction() as session:
        me = Inspector(name="王建国", cert_no="32011520230017", district_code="320115")
        session.add(me)
    ctx.set_inspector(me.id)
    enterprise_id, _ = create_enterprise(
        ctx.db, EnterpriseInput(uscc="91350100M000100Y43", name="<b>华联</b>&化工", district_code="320115")
    )
    past = TODAY - dt.timedelta(days=20)
    overdue, _ = add_finding(
        ctx.db, enterprise_id=enterprise_id, data=FindingInput(description="报警器失效"), deadline=7, today=past
    )
    due, _ = add_finding(
        ctx.db, enterprise_id=enterprise_id, data=FindingInput(description="标签缺失"), deadline=7, today=TODAY
    )
    return enterprise_id, overdue, due


def test_today_counts_lists_and_navigation(qtbot, ctx) -> None:
    _, overdue_id, due_id = _seed(ctx)
    page = TodayPage(ctx)
    qtbot.addWidget(page)
    assert page.counter_overdue.value.text() == "1"
    assert page.counter_open.value.text() == "2"
    assert page.overdue.topLevelItemCount() == 1
    item = page.overdue.topLevelItem(0)
    assert item.text(0) == "<b>华联</b>&化工"  # plain text, as typed
    assert item.text(5) == "逾期 13 天"
    assert page.due_soon.topLevelItem(0).text(5) == "7 天后到期"

    opened = []
    ctx.navigate_requested.connect(lambda kind, rid: opened.append((kind, rid)))
    page.overdue.setCurrentItem(item)
    page.overdue.itemActivated.emit(item, 0)
    assert opened == [("finding", overdue_id)]

    # A service change refreshes the page through ctx.changed.
    ctx.publish(report_rectified(ctx.db, due_id, on=TODAY))
    assert page.counter_review.value.text() == "1"
    assert page.review.topLevelItemCount() == 1
    assert page.due_soon.topLevelItemCount() == 0
    assert page.heading.text().startswith("今日 2026-11-22")
    assert Qt.TextFormat.PlainText == page.heading.textFormat()


def test_a_tile_lists_what_it_counts_and_a_cut_list_says_so(qtbot, ctx, monkeypatch) -> None:
    from ui import views
    from ui.main_window import MainWindow

    enterprise_id, _, _ = _seed(ctx)
    add_finding(  # a second overdue finding, with the lists cut at one line
        ctx.db,
        enterprise_id=enterprise_id,
        data=FindingInput(description="防雷检测过期"),
        deadline=7,
        today=TODAY - dt.timedelta(days=30),
    )
    monkeypatch.setattr(views.today, "LIST_LIMIT", 1)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    today = window.today
    assert today.counter_overdue.value.text() == "2" and today.overdue.topLevelItemCount() == 1
    assert "共 2 条" in today.overdue_box.title() and "共" not in today.due_soon_box.title()

    qtbot.mouseClick(today.counter_overdue, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.findings
    filters = window.findings.filters()
    assert filters.overdue_only and not filters.due_soon and filters.district_code == "320115"
    qtbot.waitUntil(lambda: window.findings.model.rowCount() == 2)

    window.show_page(window.page_index("today"))
    today.counter_major.setFocus()
    qtbot.keyClick(today.counter_major, Qt.Key.Key_Return)
    filters = window.findings.filters()
    assert (filters.status, filters.severity, filters.overdue_only) == ("open", "major", False)
