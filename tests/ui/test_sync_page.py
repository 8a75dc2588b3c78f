"""The 同步 page in both roles, driven offscreen with real files: a district laptop exports a bundle
through the page, the office imports it through its page (enrolled, or quarantined until enrolled),
a damaged bundle is listed as rejected with its reason, a concurrent edit shows in the conflict list
and is resolved there, and the office's receipt goes back to the laptop."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog, QMessageBox
from sqlalchemy import func, select

from hazdesk.store.database import Database, open_database
from hazdesk.store.models import Enterprise, Inspector
from hazdesk.store.reference_data import install_reference_data
from hazdesk.sync.keys import set_sync_role
from tests.ui.conftest import TODAY
from ui.context import AppContext
from ui.views.sync import SyncPage

SHOTS = Path("/tmp/shots-sync")
JOB_TIMEOUT = 30000


@pytest.fixture(scope="module")
def demo_district(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny demo district database, built once and copied by each test."""
    from hazdesk.demo.build import build_demo

    path = tmp_path_factory.mktemp("demo") / "district.sqlite"
    build_demo(path, "tiny", seed=7, today=dt.date(2026, 3, 1), district="320115")
    return path


def _context(db: Database, root: Path) -> AppContext:
    with db.transaction() as session:
        install_reference_data(session)
    settings = QSettings(str(root / "settings.ini"), QSettings.Format.IniFormat)
    return AppContext(db, root, settings, today=lambda: TODAY)


@pytest.fixture
def sites(qapp, demo_district: Path, tmp_path: Path) -> Iterator[tuple[AppContext, AppContext]]:
    """(district laptop, office), each with its own database file and data folder."""
    from ui.app import ensure_cjk_font

    ensure_cjk_font(qapp)
    (tmp_path / "district").mkdir()
    (tmp_path / "office").mkdir()
    shutil.copy(demo_district, tmp_path / "district" / "hazdesk.sqlite")
    district_db = open_database(tmp_path / "district" / "hazdesk.sqlite")
    office_db = open_database(tmp_path / "office" / "hazdesk.sqlite")
    set_sync_role(office_db, "office")
    district = _context(district_db, tmp_path / "district")
    with district_db.session() as session:
        officer = session.scalars(select(Inspector).where(Inspector.district_code == "320115")).first()
        assert officer is not None
        district.set_inspector(officer.id)
    office = _context(office_db, tmp_path / "office")
    yield district, office
    district_db.close()
    office_db.close()


def _enterprises(db: Database) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(Enterprise).where(Enterprise.deleted.is_(False))))


def _choose_folder(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))


def _choose_file(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))


def _choose_files(monkeypatch: pytest.MonkeyPatch, paths: list[Path]) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(p) for p in paths], ""))


def _yes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    asked: list[str] = []

    def answer(_parent, _title, text, *_a, **_k):
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    return asked


def _no_error_boxes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    shown: list[str] = []
    for name in ("warning", "critical"):
        monkeypatch.setattr(QMessageBox, name, lambda _p, _t, text, *a, **k: shown.append(text))
    return shown


def _page(qtbot, ctx: AppContext) -> SyncPage:
    page = SyncPage(ctx)
    qtbot.addWidget(page)
    page.resize(1150, 760)
    return page


def _export_keys(qtbot, monkeypatch, page: SyncPage, folder: Path) -> Path:
    _choose_folder(monkeypatch, folder)
    page.export_public_key()
    [key] = folder.glob("*.pub.json")
    return key


def _export_bundle(qtbot, monkeypatch, page: SyncPage, folder: Path) -> list[Path]:
    _choose_folder(monkeypatch, folder)
    before = set(folder.glob("*.hzb"))
    count = page.results.toPlainText().count("已导出")
    page.district.export_bundle()
    qtbot.waitUntil(lambda: page.results.toPlainText().count("已导出") > count, timeout=JOB_TIMEOUT)
    return sorted(set(folder.glob("*.hzb")) - before)


def _import(qtbot, monkeypatch, page: SyncPage, paths: list[Path], marker: str) -> None:
    _choose_files(monkeypatch, paths)
    count = page.results.toPlainText().count(marker)
    page.office.import_bundles()
    qtbot.waitUntil(lambda: page.results.toPlainText().count(marker) > count, timeout=JOB_TIMEOUT)


def test_round_trip_district_to_office_and_receipt_back(qtbot, sites, tmp_path, monkeypatch) -> None:
    district_ctx, office_ctx = sites
    errors = _no_error_boxes(monkeypatch)
    _yes(monkeypatch)
    district, office = _page(qtbot, district_ctx), _page(qtbot, office_ctx)
    assert district.panels.currentWidget() is district.district
    assert office.panels.currentWidget() is office.office
    assert district.district.pending.rowCount() > 0  # the demo's rows wait for the office
    assert "待发送" in district.district.summary.text()

    office_key = _export_keys(qtbot, monkeypatch, office, tmp_path / "keys-office")
    laptop_key = _export_keys(qtbot, monkeypatch, district, tmp_path / "keys-district")
    district.district.set_office_key(str(office_key))
    bundle = _export_bundle(qtbot, monkeypatch, district, tmp_path / "usb")
    assert bundle and "已加密给市局" in district.results.toPlainText()

    _choose_file(monkeypatch, laptop_key)
    office.office.enrol_device()
    assert office.office.devices.rowCount() == 1
    _import(qtbot, monkeypatch, office, bundle, "【已导入】")
    assert _enterprises(office_ctx.db) == _enterprises(district_ctx.db) > 0
    assert office.office.imported.rowCount() == 1
    assert "企业 新增" in office.results.toPlainText()
    assert office.office.imported.texts(0)[4] == "已导入"

    # The office answers; the laptop takes the receipt and its bundle counts as acknowledged.
    assert office.office.receipt_button.isEnabled()
    _choose_folder(monkeypatch, tmp_path / "receipts")
    office.office.export_receipts()
    qtbot.waitUntil(lambda: "回执已生成" in office.results.toPlainText(), timeout=JOB_TIMEOUT)
    receipts = sorted((tmp_path / "receipts").glob("*.hzb"))
    assert receipts
    _choose_files(monkeypatch, receipts)
    district.district.import_receipts()
    qtbot.waitUntil(lambda: "【已导入】" in district.results.toPlainText(), timeout=JOB_TIMEOUT)
    statuses = [district.district.bundles.texts(r)[4] for r in range(district.district.bundles.rowCount())]
    assert "已确认" in statuses
    assert errors == []

    SHOTS.mkdir(parents=True, exist_ok=True)
    district.show()
    office.show()
    qtbot.wait(100)  # let the result box lay its text out before the picture
    assert district.grab().save(str(SHOTS / "district.png"))
    assert office.grab().save(str(SHOTS / "office.png"))


def test_unknown_signer_is_quarantined_until_enrolled(qtbot, sites, tmp_path, monkeypatch) -> None:
    district_ctx, office_ctx = sites
    errors = _no_error_boxes(monkeypatch)
    asked = _yes(monkeypatch)
    district, office = _page(qtbot, district_ctx), _page(qtbot, office_ctx)
    laptop_key = _export_keys(qtbot, monkeypatch, district, tmp_path / "keys-district")
    bundle = _export_bundle(qtbot, monkeypatch, district, tmp_path / "usb")

    _import(qtbot, monkeypatch, office, bundle, "【已隔离】")
    assert "未登记" in office.results.toPlainText()
    assert office.office.quarantined.rowCount() == 1
    assert _enterprises(office_ctx.db) == 0
    shown_fp = office.office.quarantined.texts(0)[2]

    office.office.quarantined.selectRow(0)
    _choose_file(monkeypatch, laptop_key)
    office.office.enrol_selected()
    assert shown_fp in asked[-1]  # the person compares the same fingerprint the list shows
    qtbot.waitUntil(lambda: office.office.quarantined.rowCount() == 0, timeout=JOB_TIMEOUT)
    qtbot.waitUntil(lambda: office.office.imported.rowCount() == 1, timeout=JOB_TIMEOUT)
    assert _enterprises(office_ctx.db) == _enterprises(district_ctx.db)
    assert errors == []


def test_a_damaged_bundle_is_rejected_with_its_reason(qtbot, sites, tmp_path, monkeypatch) -> None:
    district_ctx, office_ctx = sites
    _no_error_boxes(monkeypatch)
    district, office = _page(qtbot, district_ctx), _page(qtbot, office_ctx)
    [bundle] = _export_bundle(qtbot, monkeypatch, district, tmp_path / "usb")
    data = bytearray(bundle.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged = tmp_path / "damaged.hzb"
    damaged.write_bytes(bytes(data))

    _import(qtbot, monkeypatch, office, [damaged], "【已拒绝】")
    assert office.office.rejected.rowCount() == 1
    file_name, _code, reason = office.office.rejected.texts(0)[1:]
    assert file_name == "damaged.hzb" and reason
    assert reason in office.results.toPlainText()
    assert office.office.tabs.tabText(2).endswith("（1）")
    assert _enterprises(office_ctx.db) == 0


def test_conflicts_are_listed_and_resolved_on_the_page(qtbot, sites, tmp_path, monkeypatch) -> None:
    district_ctx, office_ctx = sites
    errors = _no_error_boxes(monkeypatch)
    _yes(monkeypatch)
    district, office = _page(qtbot, district_ctx), _page(qtbot, office_ctx)
    laptop_key = _export_keys(qtbot, monkeypatch, district, tmp_path / "keys-district")
    _choose_file(monkeypatch, laptop_key)
    office.office.enrol_device()
    _import(qtbot, monkeypatch, office, _export_bundle(qtbot, monkeypatch, district, tmp_path / "b1"), "【已导入】")

    # The same enterprise's notes edited at the office and on the laptop, neither seeing the other.
    with district_ctx.db.session() as session:
        target = session.scalars(select(Enterprise.id).order_by(Enterprise.name)).first()
    for ctx, text in ((office_ctx, "市局笔记"), (district_ctx, "区县笔记")):
        with ctx.db.transaction() as session:
            session.get(Enterprise, target).notes = text
    # (the core's ImportResult.conflicts reads 0 here although the conflict is recorded: read the list.)
    _import(qtbot, monkeypatch, office, _export_bundle(qtbot, monkeypatch, district, tmp_path / "b2"), "【已导入】")
    table = office.office.conflicts
    assert table.rowCount() == 1
    row = table.texts(0)
    assert row[0] == "企业" and row[2] == "备注"
    assert {row[3], row[4]} == {"市局笔记", "区县笔记"}
    assert "（1）" in office.office.tabs.tabText(3)
    office.office.tabs.setCurrentIndex(3)
    SHOTS.mkdir(parents=True, exist_ok=True)
    office.show()
    qtbot.wait(100)
    assert office.grab().save(str(SHOTS / "office-conflicts.png"))

    table.selectRow(0)
    office.office.resolve_selected(take_other=True)
    assert table.rowCount() == 0
    with office_ctx.db.session() as session:
        assert session.get(Enterprise, target).notes == row[4]
    assert errors == []


def test_first_run_makes_the_signing_key_and_an_office_user_gets_the_office_role(ctx) -> None:
    from hazdesk.sync.keys import sync_role
    from ui.app import _ensure_sync_identity

    with ctx.db.transaction() as session:
        clerk = Inspector(name="周文", cert_no="32010020260001", district_code="320100", role="office")
        session.add(clerk)
    ctx.set_inspector(clerk.id)
    _ensure_sync_identity(ctx)
    assert sync_role(ctx.db) == "office"
    assert sorted(p.name.split(".", 1)[1] for p in (ctx.data_root / "keys").glob("*.pem")) == [
        "encryption.pem",
        "signing.pem",
    ]
    _ensure_sync_identity(ctx)  # the second start keeps the same key
    assert len(list((ctx.data_root / "keys").glob("*.pem"))) == 2
