"""The whole field day through the real main window, offscreen, on a real database file: create an
enterprise in the form, start an inspection from its file, a 不符合 answer becomes a finding with a
photo and a deadline, complete, the enterprise reports it rectified, the 复查 closes it — and the
Today page's counts follow every step."""

from __future__ import annotations

import datetime as dt

from PIL import Image
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox
from sqlalchemy import select

from hazdesk.domain.uscc import check_character
from hazdesk.store.checklists import template_id
from hazdesk.store.models import Attachment, Enterprise, Finding, Inspector
from tests.ui.conftest import TODAY
from tests.ui.test_enterprises_forms import save_button
from ui.dialogs.enterprise_form import EnterpriseFormDialog
from ui.main_window import MainWindow

T121 = template_id("MH-2017-121", "2017")
NAME = "<b>华联</b>&化工有限公司"


def test_a_field_day_from_new_enterprise_to_closed_finding(qtbot, ctx, tmp_path, monkeypatch) -> None:
    with ctx.db.transaction() as session:
        officers = [
            Inspector(name="王建国", cert_no="32011520230017", district_code="320115"),
            Inspector(name="李敏", cert_no="32011520230018", district_code="320115"),
        ]
        session.add_all(officers)
    ctx.set_inspector(officers[0].id)
    photo = tmp_path / "现场.png"
    Image.new("RGB", (1200, 900), (30, 90, 200)).save(photo)
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(photo)], ""))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)

    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    today = window.today
    assert (today.counter_open.value.text(), today.counter_overdue.value.text()) == ("0", "0")

    # 1. A new enterprise through the form (Ctrl+N on the 企业 page).
    window.show_page(window.page_index("enterprises"))
    page = window.enterprises
    uscc = "91320115MA4000001" + check_character("91320115MA4000001")

    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, EnterpriseFormDialog)
        qtbot.keyClicks(dialog.uscc_edit, uscc)
        dialog.name_edit.insert(NAME)
        dialog.district_combo.setCurrentIndex(dialog.district_combo.findData("320115"))
        dialog.role_checks["storage"].setChecked(True)
        qtbot.mouseClick(save_button(dialog), Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, fill)
    page.new_enterprise()  # (Ctrl+N on the page; the key itself is tested in test_enterprises_forms)
    with ctx.db.session() as session:
        enterprise = session.scalars(select(Enterprise).where(Enterprise.uscc == uscc)).one()
    assert enterprise.name == NAME

    # 2. 开始检查 from the file: the inspections page opens its start dialog.
    ctx.navigate("new_inspection", enterprise.id)
    assert window.stack.currentWidget() is window.inspections
    start = window.inspections.start_dialog
    start.select_template(T121)
    start.set_inspectors([o.id for o in officers])
    start.place.setText("液氯储罐区")
    qtbot.mouseClick(start.ok_button, Qt.MouseButton.LeftButton)
    view = window.inspections.view
    assert len(view.cards) == 20

    # 3. 不符合 on MH-02 makes a 重大隐患 inline; give it 15 days and a photo.
    card = view.cards[1]
    card.note.setText("两名操作工无证")
    qtbot.keyClick(card, Qt.Key.Key_2)
    inline = card.finding
    assert inline is not None
    inline.form.deadline.set_choice(15)
    assert inline.save()
    qtbot.mouseClick(inline.photos.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: inline.photos.list.count() == 1, timeout=10000)
    finding_id = inline.finding_id
    assert today.counter_open.value.text() == "1"  # Today refreshed through ctx.changed
    assert today.counter_major.value.text() == "1"

    # 4. Answer the rest and complete the inspection.
    qtbot.mouseClick(view.cards[0], Qt.MouseButton.LeftButton)
    for current in [view.cards[0], *view.cards[2:]]:
        view.cards[view.cards.index(current)].setFocus()
        qtbot.keyClick(current, Qt.Key.Key_1)
    view.complete()
    qtbot.mouseClick(view.complete_dialog.ok_button, Qt.MouseButton.LeftButton)

    # 5. A fortnight later the finding is overdue… the Today page says so.
    ctx._today = lambda: TODAY + dt.timedelta(days=20)
    today.refresh()
    assert today.counter_overdue.value.text() == "1"
    assert today.overdue.topLevelItem(0).text(0) == NAME

    # 6. …the enterprise reports it rectified, and the 复查 closes it: every count goes back to zero.
    today.overdue.itemActivated.emit(today.overdue.topLevelItem(0), 0)  # the line opens the finding
    dialog = window.findings.finding_dialog
    assert dialog is not None and dialog.photos.list.count() == 1
    qtbot.mouseClick(dialog.rectified_button, Qt.MouseButton.LeftButton)
    assert today.counter_review.value.text() == "1" and today.counter_overdue.value.text() == "0"
    qtbot.mouseClick(dialog.reinspect_button, Qt.MouseButton.LeftButton)
    review = dialog.reinspection_dialog
    review.passed.setChecked(True)
    with qtbot.waitSignal(review.recorded, timeout=10000):
        qtbot.mouseClick(review.ok_button, Qt.MouseButton.LeftButton)
    with ctx.db.session() as session:
        finding = session.get(Finding, finding_id)
        assert finding.status == "closed"
        assert session.scalars(select(Attachment).where(Attachment.owner_id == finding_id)).one()
    assert (today.counter_open.value.text(), today.counter_review.value.text()) == ("0", "0")
