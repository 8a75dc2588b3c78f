"""The field workflow through the real widgets, offscreen, on a real database file: start an
inspection (two inspectors, the 121号 checklist), answer by keyboard and mouse, a 不符合 becomes a
finding with a photo and a deadline, complete, 企业已整改, 复查 合格 closes it; drafts survive."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox
from sqlalchemy import select

from hazdesk.store.checklists import template_id
from hazdesk.store.models import Attachment, Finding, Inspection, InspectionAnswer, Reinspection
from tests.ui.test_findings_model import TODAY, make_ctx, make_world
from ui.dialogs.finding import FindingDialog
from ui.views.findings import FindingsPage
from ui.views.inspections import InspectionsPage
from ui.widgets import confirm

T121 = template_id("MH-2017-121", "2017")


@pytest.fixture
def setup(qtbot, database, tmp_path):
    world = make_world(database)
    ctx = make_ctx(database, tmp_path, world.officers[0])
    return world, ctx


@pytest.fixture
def yes(monkeypatch):
    asked: list[str] = []

    def answer(parent, title, text, *args, **kwargs):
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    # Destructive actions ask through the shared box (取消 is its default button).
    monkeypatch.setattr(confirm, "ask_destructive", lambda parent, title, text, *a: asked.append(text) or True)
    return asked


@pytest.fixture
def photo(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "现场照片.png"
    Image.new("RGB", (640, 480), (220, 40, 30)).save(path)
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(path)], ""))
    return path


def _start(qtbot, page: InspectionsPage, world, ctx) -> None:
    page.start_for(world.enterprises[0])
    dialog = page.start_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.checked_inspectors() == [world.officers[0]]  # the inspector at the keyboard
    dialog.select_template(T121)
    dialog.place.setText("液氯储罐区")
    dialog.leader.setText("周海")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert "两名" in dialog.error_text("inspectors") and dialog.isVisible()  # refused at the field
    dialog.set_inspectors(world.officers[:2])
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()


def _inspection(ctx) -> Inspection:
    with ctx.db.session() as session:
        return session.scalars(select(Inspection)).one()


def test_whole_flow_inspection_to_closed_finding(qtbot, setup, yes, photo, monkeypatch) -> None:
    world, ctx = setup
    page = InspectionsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1200, 800)
    page.show()
    _start(qtbot, page, world, ctx)
    view = page.view
    assert page.stack.currentWidget() is view and len(view.cards) == 20
    inspection = _inspection(ctx)
    assert inspection.state == "draft" and inspection.template_id == T121 and inspection.place == "液氯储罐区"

    # Keyboard: 1 on the selected item answers 符合 and moves on.
    first = view.cards[0]
    assert view.current_card() is first
    qtbot.keyClick(first, Qt.Key.Key_1)
    assert first.answer == "conform" and view.current_card() is view.cards[1]
    # 2 on MH-02 is 不符合: the service makes a 重大隐患, shown inline.
    card = view.cards[1]
    card.note.setText("两名操作工无证")
    qtbot.keyClick(card, Qt.Key.Key_2)
    assert card.answer == "nonconform" and card.finding is not None
    assert "重大隐患" in card.finding.badge.text()
    finding_id = card.finding.finding_id
    with ctx.db.session() as session:
        finding = session.get(Finding, finding_id)
        assert finding.severity == "major" and finding.deadline == TODAY  # 立即整改 by default
        assert "两名操作工无证" in finding.description

    # Edit the measure and deadline right there; add a photo through the add button.
    inline = card.finding
    inline.form.measure.setPlainText("立即停止无证人员作业，组织培训取证。")
    inline.form.deadline.set_choice(7)
    assert inline.save()
    qtbot.mouseClick(inline.photos.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: inline.photos.list.count() == 1, timeout=10000)
    qtbot.waitUntil(lambda: not inline.photos.list.item(0).icon().isNull(), timeout=10000)
    # The same photo added twice by mistake comes off again while the inspection is a draft (Del, confirmed).
    inline.photos.add_files([photo])
    qtbot.waitUntil(lambda: inline.photos.list.count() == 2, timeout=10000)
    inline.photos.list.setCurrentRow(1)
    page.activateWindow()
    page.windowHandle().requestActivate()
    qtbot.waitUntil(page.isActiveWindow, timeout=2000)
    inline.photos.list.setFocus()
    asked = []
    monkeypatch.setattr(confirm, "ask_destructive", lambda _p, _t, text, *_a: asked.append(text) or True)
    qtbot.keyClick(inline.photos.list, Qt.Key.Key_Delete)
    assert asked and "执法证据" in asked[0]
    assert inline.photos.list.count() == 1
    with ctx.db.session() as session:
        finding = session.get(Finding, finding_id)
        assert finding.deadline == TODAY + dt.timedelta(days=7)
        assert finding.measure.startswith("立即停止")
        assert session.scalar(select(Attachment).where(Attachment.owner_id == finding_id)).owner_kind == "finding"

    # Answer the rest by keyboard (the cursor moves on after each), then complete.
    qtbot.mouseClick(view.cards[2], Qt.MouseButton.LeftButton)  # selects the item
    for current in view.cards[2:]:
        assert view.current_card() is current
        qtbot.keyClick(current, Qt.Key.Key_1 if current.item.code != "MH-20" else Qt.Key.Key_3)
    view.complete()
    complete = view.complete_dialog
    assert complete is not None and complete.isVisible() and complete.confirm_unanswered.isHidden()
    complete.summary.setPlainText("检查液氯储罐区，发现一项重大隐患。")
    qtbot.mouseClick(complete.ok_button, Qt.MouseButton.LeftButton)
    inspection = _inspection(ctx)
    assert inspection.state == "completed" and inspection.ended_at >= inspection.started_at
    assert not view.complete_button.isVisible()
    assert not view.cards[0].buttons["nonconform"].isEnabled()  # evidence now

    # The findings page lists it; its dialog moves it along: 企业已整改, then 复查.
    findings = FindingsPage(ctx)
    qtbot.addWidget(findings)
    qtbot.waitUntil(lambda: findings.model.rowCount() == 1, timeout=5000)
    findings.open_record(finding_id)
    dialog = findings.finding_dialog
    assert isinstance(dialog, FindingDialog) and dialog.photos.list.count() == 1
    assert dialog.rectified_button.isEnabled() and dialog.delete_button.isEnabled()
    qtbot.mouseClick(dialog.rectified_button, Qt.MouseButton.LeftButton)
    with ctx.db.session() as session:
        assert session.get(Finding, finding_id).status == "rectified"
    assert not dialog.rectified_button.isEnabled() and not dialog.delete_button.isEnabled()

    qtbot.mouseClick(dialog.reinspect_button, Qt.MouseButton.LeftButton)
    review = dialog.reinspection_dialog
    assert review is not None and review.isVisible()
    assert not review.new_deadline.isEnabled()  # 合格 is preselected: no new deadline
    review.failed.setChecked(True)  # 不合格 without a new deadline: refused at the field
    assert review.new_deadline.isEnabled() and review.new_deadline.combo.currentIndex() == -1
    qtbot.mouseClick(review.ok_button, Qt.MouseButton.LeftButton)
    assert "新的整改期限" in review.deadline_error_text() and review.isVisible()
    with ctx.db.session() as session:
        assert session.scalars(select(Reinspection)).all() == []
    review.passed.setChecked(True)
    review.note.setPlainText("已全部持证上岗。")
    qtbot.mouseClick(review.photos.add_button, Qt.MouseButton.LeftButton)  # pending until saved
    assert review.photos.pending_files() == [photo]
    with qtbot.waitSignal(review.recorded, timeout=10000):  # after the photo job; the dialog closes
        qtbot.mouseClick(review.ok_button, Qt.MouseButton.LeftButton)
    with ctx.db.session() as session:
        finding = session.get(Finding, finding_id)
        assert finding.status == "closed" and finding.closed_on == TODAY
        row = session.scalars(select(Reinspection)).one()
        # The pair that found it is ticked by default.
        assert row.result == "pass" and sorted(row.inspector_ids) == sorted(str(o) for o in world.officers[:2])
        shots = session.scalars(select(Attachment).where(Attachment.owner_id == row.id)).all()
        assert [a.owner_kind for a in shots] == ["reinspection"]
    qtbot.waitUntil(lambda: "复查合格" in dialog.heading.text(), timeout=5000)
    assert not dialog.reinspect_button.isEnabled() and dialog.history.table.rowCount() == 3


def test_failed_reinspection_sets_a_new_deadline(qtbot, setup, yes) -> None:
    world, ctx = setup
    from hazdesk.services.findings import FindingInput, add_finding, report_rectified

    finding_id, _ = add_finding(
        ctx.db, enterprise_id=world.enterprises[0], data=FindingInput("安全阀未定期校验。"), deadline=15, today=TODAY
    )
    report_rectified(ctx.db, finding_id, on=TODAY)
    dialog = FindingDialog(ctx, finding_id)
    qtbot.addWidget(dialog)
    dialog.reinspect()
    review = dialog.reinspection_dialog
    review.failed.setChecked(True)
    review.new_deadline.set_choice(30)
    # A finding recorded outside an inspection: only the user is ticked, and one officer is not enough.
    qtbot.mouseClick(review.ok_button, Qt.MouseButton.LeftButton)
    assert review.isVisible() and not review.inspectors_error.isHidden()
    for row in range(review.inspectors.count()):
        review.inspectors.item(row).setCheckState(Qt.CheckState.Checked)
    with qtbot.waitSignal(review.recorded, timeout=5000):
        qtbot.mouseClick(review.ok_button, Qt.MouseButton.LeftButton)
    with ctx.db.session() as session:
        finding = session.get(Finding, finding_id)
        assert finding.status == "pending" and finding.deadline == TODAY + dt.timedelta(days=30)
    assert dialog.rectified_button.isEnabled() and not dialog.delete_button.isEnabled()


def test_a_draft_survives_the_page_and_continues(qtbot, setup, yes) -> None:
    world, ctx = setup
    page = InspectionsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    _start(qtbot, page, world, ctx)
    cards = page.view.cards
    qtbot.keyClick(cards[0], Qt.Key.Key_1)
    qtbot.keyClick(cards[1], Qt.Key.Key_3)
    cards[2].note.setText("缺少记录")
    qtbot.keyClick(cards[2], Qt.Key.Key_2)
    cards[2].finding.form.description.setPlainText("未按规定配备专职安全管理人员（现场核实）。")
    inspection_id = page.view.inspection_id
    page.close()  # the window goes away before the autosave timer fires: the edit is saved on hide
    page.deleteLater()
    qtbot.wait(10)
    del page, cards

    again = InspectionsPage(ctx)
    qtbot.addWidget(again)
    assert again.model.rowCount() == 0  # the list loads when the page is first shown
    again.show()
    assert again.model.rowCount() == 1
    assert again.model.data(again.model.index(0, 6)) == "草稿"
    again.open_record(inspection_id)
    cards = again.view.cards
    assert [c.answer for c in cards[:4]] == ["conform", "na", "nonconform", None]
    assert cards[2].note.text() == "缺少记录" and cards[2].finding is not None
    assert "现场核实" in cards[2].finding.form.description.toPlainText()
    assert again.view.current_card() is cards[3]  # continues at the first unanswered item
    qtbot.keyClick(cards[3], Qt.Key.Key_Up)
    assert again.view.current_card() is cards[2]
    qtbot.keyClick(cards[2], Qt.Key.Key_Down)
    assert again.view.current_card() is cards[3] and cards[3].answer is None  # arrows only move
    # Completing with unanswered items needs an explicit confirmation.
    again.view.complete()
    complete = again.view.complete_dialog
    qtbot.mouseClick(complete.ok_button, Qt.MouseButton.LeftButton)
    assert complete.isVisible() and not complete.unanswered_error.isHidden()
    complete.confirm_unanswered.setChecked(True)
    qtbot.mouseClick(complete.ok_button, Qt.MouseButton.LeftButton)
    assert _inspection(ctx).state == "completed"


def test_changing_a_nonconform_answer_and_discarding_a_draft_are_confirmed(qtbot, setup, yes) -> None:
    world, ctx = setup
    page = InspectionsPage(ctx)
    qtbot.addWidget(page)
    _start(qtbot, page, world, ctx)
    card = page.view.cards[0]
    qtbot.keyClick(card, Qt.Key.Key_2)
    finding_id = card.finding.finding_id
    qtbot.keyClick(card, Qt.Key.Key_1)
    assert yes and "撤销" in yes[-1]
    assert card.finding is None and card.answer == "conform"
    with ctx.db.session() as session:
        assert session.get(Finding, finding_id).deleted
        assert session.scalar(select(InspectionAnswer.result)) == "conform"
    page.view.discard()
    assert "不能撤销" in yes[-1]
    assert _inspection(ctx).deleted and page.stack.currentIndex() == 0 and page.model.rowCount() == 0


def test_the_start_dialog_defaults_to_a_general_checklist_then_the_last_one_used(qtbot, setup) -> None:
    from hazdesk.store.checklists import template_id
    from ui.dialogs.inspection_start import InspectionStartDialog

    world, ctx = setup
    first = InspectionStartDialog(ctx, world.enterprises[0])
    qtbot.addWidget(first)
    assert first.template.currentData() == template_id("HC-GENERAL", "2026.1")  # not the 重大隐患 list
    first.select_template(T121)
    for row in range(first.inspectors.count()):
        first.inspectors.item(row).setCheckState(Qt.CheckState.Checked)
    first.submit()
    assert first.inspection_id is not None
    again = InspectionStartDialog(ctx, world.enterprises[1])
    qtbot.addWidget(again)
    assert again.template.currentData() == T121
