"""Enterprise form, chemical list, and 重大危险源 dialog driven through the real widgets offscreen:
messages at the field, refusals that keep what was typed, live GB 18218 grading, saves that reach
the database, confirmations before deleting, undo."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QLabel

from hazdesk.store.models import Enterprise, EnterpriseChemical, MajorHazardSource
from tests.ui import test_enterprises_fixtures as fixtures
from ui.dialogs.enterprise_form import EnterpriseFormDialog
from ui.dialogs.hazard_source import COL_BETA, COL_NAME, COL_NOTE, COL_Q, COL_RATIO, COL_TONNES, HazardSourceDialog
from ui.widgets import confirm

HOSTILE = "<b>华联</b>&化工"

ctx, district = fixtures.ctx, fixtures.district  # fixtures shared with the other enterprise tests
code = fixtures.code


def save_button(dialog: QDialog):
    box = dialog.findChild(QDialogButtonBox)
    return (
        box.buttons()[0]
        if box.button(QDialogButtonBox.StandardButton.Ok) is None
        else box.button(QDialogButtonBox.StandardButton.Ok)
    )


def select_only(table, row: int) -> None:
    # selectRow() honours the keyboard modifiers still held from an earlier simulated Ctrl+key.
    flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
    table.selectionModel().select(table.model().index(row, 0), flags)


def enterprise_count(ctx) -> int:
    with ctx.db.session() as session:
        return session.query(Enterprise).count()


def test_wrong_check_digit_is_reported_at_the_field_and_refused(qtbot, ctx, district) -> None:
    dialog = EnterpriseFormDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    before = enterprise_count(ctx)
    qtbot.keyClicks(dialog.uscc_edit, "91350100M000100Y4Z")
    widget, message, _tab = dialog._fields["uscc"]
    assert message.isVisible() and message.text() == "校验码应为 3，实际为 Z"
    assert widget.property("invalid") is True
    assert not dialog._fields["name"][1].isVisible()  # untouched fields stay quiet while typing
    dialog.name_edit.insert(HOSTILE)  # an input method commits Chinese text whole
    qtbot.mouseClick(save_button(dialog), Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.uscc_edit.text() == "91350100M000100Y4Z" and dialog.name_edit.text() == HOSTILE
    assert dialog._fields["district_code"][1].text() == "请选择所在区县"  # OK showed every problem
    assert enterprise_count(ctx) == before
    dialog.uscc_edit.setText("91350100M000100Y43")  # the right check digit clears the message
    assert not message.isVisible() and widget.property("invalid") is False


def test_creating_through_the_form_stores_the_hostile_name_literally(qtbot, ctx, district) -> None:
    from ui.views.enterprises import EnterprisesPage

    page = EnterprisesPage(ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.model.rowCount() == 6)

    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, EnterpriseFormDialog)
        qtbot.keyClicks(dialog.uscc_edit, code("91320115MA4000001"))
        dialog.name_edit.insert(HOSTILE)  # an input method commits Chinese text whole
        dialog.district_combo.setCurrentIndex(dialog.district_combo.findData("320115"))
        dialog.role_checks["storage"].setChecked(True)
        dialog.risk_combo.setCurrentIndex(dialog.risk_combo.findData("orange"))
        dialog.process_picker.set_selected(["氯化工艺"])
        dialog.licence_table.set_licences(
            [{"kind": "安全生产许可证", "number": "(苏)WH安许证字[2024]000123", "valid_until": "2027-06-30"}]
        )
        dialog.year_edit.setText("2008")
        qtbot.mouseClick(save_button(dialog), Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, fill)
    qtbot.keyClick(page.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    with ctx.db.session() as session:
        stored = session.query(Enterprise).filter_by(uscc=code("91320115MA4000001")).one()
        assert stored.name == HOSTILE and stored.roles == ["storage"] and stored.risk_colour == "orange"
        assert stored.key_processes == ["氯化工艺"] and stored.involves_key_process
        assert stored.licences[0]["valid_until"] == "2027-06-30" and stored.commissioned_year == 2008
    assert page.stack.currentWidget() is page.detail  # the new file opens
    title = page.detail.title
    assert title.text() == HOSTILE and title.textFormat() == Qt.TextFormat.PlainText
    assert "老旧装置" in page.detail.basics.values["year"].text()
    for label in page.detail.findChildren(QLabel):
        if "华联" in label.text():
            assert label.textFormat() == Qt.TextFormat.PlainText, label.text()
    qtbot.waitUntil(lambda: page.model.rowCount() == 7)
    row = page.model.row_of(stored.id)
    assert page.model.data(page.model.index(row, 0)) == HOSTILE


def test_a_refusal_from_the_service_lands_at_the_field(qtbot, ctx, district) -> None:
    dialog = EnterpriseFormDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.uscc_edit.setText(code("91320116MA1XY0PQ3"))  # already 华联's code
    dialog.name_edit.setText("另一家公司")
    dialog.district_combo.setCurrentIndex(dialog.district_combo.findData("320116"))
    dialog.save()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "已属于「华联」" in dialog._fields["uscc"][1].text()
    assert dialog.name_edit.text() == "另一家公司"


def test_editing_is_undoable(qtbot, ctx, district) -> None:
    from ui.views.enterprises import EnterprisesPage

    page = EnterprisesPage(ctx)
    qtbot.addWidget(page)
    page.show()
    target = district["长江涂料有限公司"]
    page.open_record(target)

    def rename() -> None:
        dialog = QApplication.activeModalWidget()
        assert dialog.name_edit.text() == "长江涂料有限公司"  # the stored record is loaded
        dialog.name_edit.setText("长江新材料有限公司")
        dialog.save()

    QTimer.singleShot(0, rename)
    page.detail.edit()
    assert page.detail.title.text() == "长江新材料有限公司"
    assert page.undo_bar.isVisible() and page.undo_bar.can_undo()
    page.undo_bar.undo()
    assert page.detail.title.text() == "长江涂料有限公司"


def test_chemical_list_edit_asks_before_removing_and_undoes(qtbot, ctx, district, monkeypatch) -> None:
    from ui.views.enterprises import EnterprisesPage

    page = EnterprisesPage(ctx)
    qtbot.addWidget(page)
    page.show()
    main = district["南京华联化工有限公司"]
    page.open_record(main)
    editor = page.detail.chemicals
    answers = iter([False, True])
    monkeypatch.setattr(confirm, "ask_destructive", lambda *a, **k: next(answers))
    select_only(editor.table, 1)
    editor.remove_selected()
    assert editor.table.rowCount() == 2  # declined
    editor.remove_selected()
    assert editor.table.rowCount() == 1 and editor.save_button.isEnabled()
    editor.add_row()  # opens the name cell's editor
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)  # cancels the edit, stays on the page
    assert page.stack.currentWidget() is page.detail
    editor.table.item(1, 0).setText("硝酸铵")
    editor.table.item(1, 3).setText("10")
    assert editor.table.item(1, 4).text() == "是（硝酸铵）"
    editor.save()

    def stored() -> list[str]:
        with ctx.db.session() as session:
            rows = session.query(EnterpriseChemical).filter_by(enterprise_id=main, deleted=False)
            return sorted(c.name for c in rows)

    assert stored() == ["液氯", "硝酸铵"]
    page.undo_bar.undo()
    assert stored() == ["液氯", "甲醇"]
    assert page.detail.chemicals.table.rowCount() == 2


def test_hazard_source_grades_live_and_saves(qtbot, ctx, district, monkeypatch) -> None:
    main = district["金陵燃气有限公司"]
    dialog = HazardSourceDialog(ctx, main)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name_edit.setText("氯气钢瓶库")
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("storage"))
    dialog.table.item(0, COL_NAME).setText("氯")
    dialog.table.item(0, COL_TONNES).setText("20")
    assert dialog.panel.level_text() == "四级"  # 0 people: α = 0.5, R = 8
    dialog.people_spin.setValue(40)
    panel = dialog.panel
    assert (panel.s_stat.value.text(), panel.alpha_stat.value.text(), panel.r_stat.value.text()) == ("4", "1.2", "19.2")
    assert panel.level_text() == "三级"
    assert [dialog.table.item(0, c).text() for c in (COL_Q, COL_BETA, COL_RATIO)] == ["5", "4", "4"]
    assert "R = α × Σβ·q/Q = 1.2 × 16 = 19.2" in panel.explain.toPlainText()

    dialog.add_row()
    dialog.table.item(1, COL_NAME).setText("甲醇")
    dialog.table.item(1, COL_TONNES).setText("abc")
    assert "数量应为数字" in dialog.table.item(1, COL_NOTE).text()
    assert panel.r_stat.value.text() == "19.2"  # the bad row is left out, the rest still graded
    dialog.save()
    assert dialog.isVisible() and "第 2 行" in dialog.message.text()
    dialog.table.item(1, COL_NAME).setText("未列名液体")  # not in Table 1 and no class: said at the row
    dialog.table.item(1, COL_TONNES).setText("5")
    assert "hazard_class" in dialog.table.item(1, COL_NOTE).text()
    monkeypatch.setattr(confirm, "ask_destructive", lambda *a, **k: True)
    select_only(dialog.table, 1)
    dialog.remove_selected()
    dialog.save()
    assert dialog.result() == QDialog.DialogCode.Accepted, dialog.message.text()
    with ctx.db.session() as session:
        source = session.get(MajorHazardSource, dialog.source_id)
        assert (source.s_value, source.r_value, source.level, source.people_within_500m) == (4.0, 19.2, 3, 40)
        assert [(c.name, c.tonnes, c.critical_tonnes) for c in source.chemicals] == [("氯", 20.0, 5.0)]
        assert session.get(Enterprise, main).has_major_hazard


def test_hazard_source_edit_and_delete_ask_and_undo(qtbot, ctx, district, monkeypatch) -> None:
    from ui.views.enterprises import EnterprisesPage

    page = EnterprisesPage(ctx)
    qtbot.addWidget(page)
    page.show()
    main = district["南京华联化工有限公司"]
    page.open_record(main)
    detail = page.detail
    select_only(detail.sources_table, 0)
    detail.sources_table.setCurrentCell(0, 0)
    source_id = detail._source_at(0)

    def edit() -> None:
        dialog = QApplication.activeModalWidget()
        assert dialog.table.item(0, COL_NAME).text() == "氯" and dialog.panel.level_text() == "三级"
        dialog.people_spin.setValue(120)  # 100+ people: α = 2, R = 32
        dialog.save()

    QTimer.singleShot(0, edit)
    detail.edit_source(source_id)
    assert detail.sources_table.item(0, 6).text() == "32"
    page.undo_bar.undo()
    assert detail.sources_table.item(0, 6).text() == "19.2"

    monkeypatch.setattr(confirm, "ask_destructive", lambda *a, **k: False)
    select_only(detail.sources_table, 0)
    detail.sources_table.setCurrentCell(0, 0)
    detail.delete_source()
    assert detail.sources_table.rowCount() == 1
    monkeypatch.setattr(confirm, "ask_destructive", lambda *a, **k: True)
    detail.delete_source()
    assert detail.sources_table.rowCount() == 0
    with ctx.db.session() as session:
        assert session.get(MajorHazardSource, source_id).deleted
        assert not session.get(Enterprise, main).has_major_hazard
    page.undo_bar.undo()
    assert detail.sources_table.rowCount() == 1 and detail.sources_table.item(0, 7).text() == "三级"


def test_unsaved_chemical_edits_survive_a_refresh_and_leaving_asks(qtbot, ctx, district, monkeypatch) -> None:
    import uuid

    from hazdesk.services import Changes
    from ui.views.enterprises import EnterprisesPage

    page = EnterprisesPage(ctx)
    qtbot.addWidget(page)
    page.show()
    main, other = district["南京华联化工有限公司"], district["华联"]
    page.open_record(main)
    editor = page.detail.chemicals
    editor.add_row()
    editor.table.item(2, 0).setText("苯")
    editor.table.item(2, 3).setText("1")
    ctx.publish(Changes().add("finding", uuid.uuid4()))  # someone else's change refreshes the page
    assert editor.table.rowCount() == 3 and editor.is_dirty()
    answers: list[bool] = []
    monkeypatch.setattr(confirm, "ask_destructive", lambda *a, **k: answers.append(False) or False)
    page.open_record(other)
    assert answers == [False] and page.detail.enterprise_id == main and editor.table.rowCount() == 3
    monkeypatch.setattr(confirm, "ask_destructive", lambda *a, **k: True)
    page.open_record(other)
    assert page.detail.enterprise_id == other and not editor.is_dirty()
