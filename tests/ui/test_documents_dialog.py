"""The 执法文书 dialog: a draft preview renders in QtPdf, issuing numbers and freezes the document,
the issued list shows it and voiding records the reason."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtPdf import QPdfDocument

from hazdesk.documents.settings import set_device_series
from hazdesk.services.enterprises import EnterpriseInput, create_enterprise
from hazdesk.services.findings import FindingInput, add_finding
from hazdesk.services.inspections import InspectionStart, complete_inspection, start_inspection
from hazdesk.store.models import Document, Inspector
from tests.ui.conftest import TODAY
from ui.dialogs import documents as documents_module
from ui.dialogs.documents import DocumentsDialog


@pytest.fixture
def inspection(ctx):
    with ctx.db.transaction() as session:
        officers = [
            Inspector(name="王建国", cert_no="32011520230017", district_code="320115"),
            Inspector(name="李敏", cert_no="32011520230018", district_code="320115"),
        ]
        session.add_all(officers)
    ctx.set_inspector(officers[0].id)
    enterprise_id, _ = create_enterprise(
        ctx.db, EnterpriseInput(uscc="91350100M000100Y43", name="<b>华联</b>&化工有限公司", district_code="320115")
    )
    inspection_id, _ = start_inspection(
        ctx.db,
        InspectionStart(
            enterprise_id=enterprise_id,
            inspector_ids=tuple(o.id for o in officers),
            started_at=dt.datetime(2026, 11, 22, 9, 0),
            place="储罐区",
        ),
    )
    add_finding(
        ctx.db,
        enterprise_id=enterprise_id,
        inspection_id=inspection_id,
        data=FindingInput(description="可燃气体报警器失效", legal_basis="GB/T 50493-2019"),
        deadline=15,
        today=TODAY,
    )
    complete_inspection(ctx.db, inspection_id, ended_at=dt.datetime(2026, 11, 22, 11, 0))
    set_device_series(ctx.db, "320115", "A")
    return inspection_id


def test_preview_issue_and_void(qtbot, ctx, inspection, monkeypatch) -> None:
    printed = []
    # The system print dialog is modal and needs a printer: record the call instead.
    monkeypatch.setattr(
        documents_module, "print_pdf", lambda parent, doc, title: printed.append((doc.pageCount(), title))
    )
    dialog = DocumentsDialog(ctx, inspection)
    qtbot.addWidget(dialog)
    dialog.kind.setCurrentIndex(1)  # 责令限期整改指令书 (triggers a preview)
    qtbot.waitUntil(lambda: dialog.pdf.status() == QPdfDocument.Status.Ready, timeout=15000)
    assert dialog.pdf.pageCount() >= 1
    assert "草稿预览" in dialog.status.text()

    monkeypatch.setattr(
        documents_module.QMessageBox, "question", lambda *a, **k: documents_module.QMessageBox.StandardButton.Yes
    )
    dialog.issue()
    qtbot.waitUntil(lambda: dialog.issued.rowCount() == 1, timeout=15000)
    number = dialog.issued.item(0, 0).text()
    assert number == "（宁江）应急责改〔2026〕A1号"
    assert printed and printed[0][1] == number
    assert (ctx.data_root / "documents").is_dir()

    monkeypatch.setattr(documents_module.QInputDialog, "getText", lambda *a, **k: ("文号写错", True))
    dialog.issued.selectRow(0)
    dialog.void_selected()
    with ctx.db.session() as session:
        [document] = session.query(Document).all()
        assert (document.state, document.void_reason) == ("voided", "文号写错")
    assert dialog.issued.item(0, 3).text() == "已作废"


def test_a_kind_that_cannot_be_made_yet_is_said_in_the_status_line(qtbot, ctx, inspection, monkeypatch) -> None:
    boxes = []
    for name in ("warning", "critical"):
        monkeypatch.setattr(documents_module.QMessageBox, name, lambda *a, **k: boxes.append(a))
    dialog = DocumentsDialog(ctx, inspection)
    qtbot.addWidget(dialog)
    kinds = [dialog.kind.itemData(i) for i in range(dialog.kind.count())]
    dialog.kind.setCurrentIndex(kinds.index("复查"))  # no 复查 recorded yet
    qtbot.waitUntil(lambda: "复查" in dialog.status.text() and "正在" not in dialog.status.text(), timeout=15000)
    assert boxes == [] and not dialog.print_button.isEnabled()
    assert dialog.width() <= 1100 and dialog.height() <= 800


def test_issuing_without_a_number_series_says_where_to_set_it(qtbot, ctx, inspection, monkeypatch) -> None:
    from hazdesk.store.models import DocumentSeries

    with ctx.db.transaction() as session:
        session.query(DocumentSeries).delete()
    shown = []
    monkeypatch.setattr(ctx, "show_error", lambda parent, error, title=None: shown.append(str(error)))
    monkeypatch.setattr(
        documents_module.QMessageBox, "question", lambda *a, **k: documents_module.QMessageBox.StandardButton.Yes
    )
    dialog = DocumentsDialog(ctx, inspection)
    qtbot.addWidget(dialog)
    dialog.issue()
    qtbot.waitUntil(lambda: bool(shown), timeout=15000)
    assert "设置 › 文书设置" in shown[0]
