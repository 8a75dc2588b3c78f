"""The 隐患 page and dialog: filters remembered, header sorting, actions per lifecycle state."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import select

from hazdesk.services.findings import FindingInput, add_finding, reinspect
from hazdesk.store.models import Finding
from tests.ui.test_findings_model import TODAY, make_ctx, make_world
from ui.dialogs.finding import FindingDialog
from ui.models.findings import COL_DEADLINE
from ui.views.findings import FindingsPage
from ui.widgets import confirm


@pytest.fixture
def ctx(qtbot, database, tmp_path):
    world = make_world(database, findings=120)
    context = make_ctx(database, tmp_path, world.officers[0])
    context.world = world  # type: ignore[attr-defined]
    return context


def test_filters_and_sort_are_remembered(qtbot, ctx) -> None:
    page = FindingsPage(ctx)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=5000)
    assert page.district.currentData() == "320115"  # the inspector's district by default
    with qtbot.waitSignal(page.model.loaded, timeout=5000):
        page.severity.setCurrentIndex(page.severity.findData("major"))
    with qtbot.waitSignal(page.model.loaded, timeout=5000):
        page.overdue.setChecked(True)
    overdue_major = page.model.rowCount()
    assert 0 < overdue_major < 120
    with qtbot.waitSignal(page.model.loaded, timeout=5000):
        page.table.horizontalHeader().setSortIndicator(COL_DEADLINE, Qt.SortOrder.AscendingOrder)
    again = FindingsPage(ctx)
    qtbot.addWidget(again)
    qtbot.waitUntil(lambda: again.model.rowCount() == overdue_major, timeout=5000)
    assert again.overdue.isChecked() and again.severity.currentData() == "major"
    assert again.model.sort_key() == (COL_DEADLINE, False)
    deadlines = [again.model.data(again.model.index(r, COL_DEADLINE)) for r in range(overdue_major)]
    assert deadlines == sorted(deadlines)
    # Typing an enterprise filters once typing pauses.
    again.enterprise.setText("永泰")
    again.enterprise.textEdited.emit("永泰")
    qtbot.waitUntil(lambda: again.model.filters().enterprise_text == "永泰", timeout=3000)


def test_dialog_actions_follow_the_lifecycle(qtbot, ctx, monkeypatch) -> None:
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    world = ctx.world
    finding_id, _ = add_finding(
        ctx.db,
        enterprise_id=world.enterprises[0],
        data=FindingInput("储罐区未设置可燃气体报警。"),
        deadline=7,
        today=TODAY,
    )
    dialog = FindingDialog(ctx, finding_id)
    qtbot.addWidget(dialog)
    assert dialog.rectified_button.isEnabled() and dialog.reinspect_button.isEnabled()
    assert dialog.delete_button.isEnabled() and dialog.deadline_button.isHidden()
    # Editing; an empty description is refused at its field and nothing is written.
    dialog.form.description.setPlainText("储罐区未设置可燃气体报警仪。")
    dialog.form.deadline.set_choice(15)
    assert dialog.save()
    with ctx.db.session() as session:
        finding = session.get(Finding, finding_id)
        assert finding.description.endswith("报警仪。") and finding.deadline == TODAY + dt.timedelta(days=15)
    dialog.form.description.setPlainText("")
    assert not dialog.save()
    assert not dialog.form._errors["description"].isHidden()
    dialog.form.description.setPlainText("储罐区未设置可燃气体报警仪（两处）。")
    assert dialog.save()
    # 复查不合格 after the deadline without a new one leaves it 复查不合格: then 设定新的整改期限.
    later = TODAY + dt.timedelta(days=20)
    reinspect(ctx.db, finding_id, passed=False, on=later, inspector_ids=ctx.world.officers[:2], today=later)
    dialog.reload()
    assert dialog.status.value == "failed"
    assert not dialog.deadline_button.isHidden() and dialog.deadline_button.isEnabled()
    assert not dialog.rectified_button.isEnabled() and not dialog.reinspect_button.isEnabled()
    assert not dialog.delete_button.isEnabled() and dialog.form.description.isReadOnly()


def test_delete_only_an_untouched_pending_finding_after_confirming(qtbot, ctx, monkeypatch) -> None:
    answers = iter([False, True])
    monkeypatch.setattr(confirm, "ask_destructive", lambda *a, **k: next(answers))
    finding_id, _ = add_finding(
        ctx.db, enterprise_id=ctx.world.enterprises[1], data=FindingInput("误登记。"), deadline="immediate", today=TODAY
    )
    page = FindingsPage(ctx)
    qtbot.addWidget(page)
    page.show()  # a hidden page only marks itself stale and reloads when shown
    qtbot.waitUntil(lambda: page.model.row_of(finding_id) >= 0, timeout=5000)
    page.open_record(finding_id)
    dialog = page.finding_dialog
    assert page.selected_id() == finding_id
    qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)  # answered No: nothing happens
    with ctx.db.session() as session:
        assert not session.get(Finding, finding_id).deleted
    with qtbot.waitSignal(page.model.loaded, timeout=5000):  # the page refreshes from ctx.changed
        qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
    with ctx.db.session() as session:
        assert session.scalar(select(Finding.deleted).where(Finding.id == finding_id))
    assert page.model.row_of(finding_id) == -1


def test_photos_dropped_on_the_dialog_are_attached_and_open_large(qtbot, ctx, tmp_path) -> None:
    from PIL import Image
    from PySide6.QtCore import QMimeData, QPointF, QUrl
    from PySide6.QtGui import QDropEvent

    from ui.widgets.photo_strip import PhotoViewer

    good, text = tmp_path / "罐区.jpg", tmp_path / "notes.txt"
    Image.new("RGB", (2400, 1800), (30, 120, 200)).save(good)
    text.write_text("not a photo")
    finding_id, _ = add_finding(
        ctx.db, enterprise_id=ctx.world.enterprises[0], data=FindingInput("防火堤破损。"), deadline=30, today=TODAY
    )
    dialog = FindingDialog(ctx, finding_id)
    qtbot.addWidget(dialog)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(good)), QUrl.fromLocalFile(str(text))])
    drop = QDropEvent(
        QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    dialog.photos.list.dropEvent(drop)  # only the image is taken
    qtbot.waitUntil(lambda: dialog.photos.list.count() == 1, timeout=10000)
    qtbot.waitUntil(lambda: not dialog.photos.list.item(0).icon().isNull(), timeout=10000)
    dialog.photos.list.itemDoubleClicked.emit(dialog.photos.list.item(0))
    viewer = dialog.photos.findChild(PhotoViewer)
    assert viewer is not None and viewer.image_label.pixmap().width() == 2048  # downscaled on intake


def test_a_hidden_page_reloads_when_shown(qtbot, ctx) -> None:
    page = FindingsPage(ctx)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=5000)
    before = page.model.rowCount()
    finding_id, changes = add_finding(
        ctx.db, enterprise_id=ctx.world.enterprises[0], data=FindingInput("新隐患。"), deadline=7, today=TODAY
    )
    ctx.publish(changes)
    assert page.model.rowCount() == before and page.model.row_of(finding_id) == -1  # no query while hidden
    with qtbot.waitSignal(page.model.loaded, timeout=5000):
        page.show()
    assert page.model.rowCount() == before + 1 and page.model.row_of(finding_id) >= 0
