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


# --- full re-send, passphrase-protected keys, missing photos -------------------------------------------
def _export_full(qtbot, monkeypatch, page: SyncPage, folder: Path) -> list[Path]:
    _choose_folder(monkeypatch, folder)
    before = set(folder.glob("*.hzb"))
    count = page.results.toPlainText().count("已导出")
    page.district.resend_all()
    qtbot.waitUntil(lambda: page.results.toPlainText().count("已导出") > count, timeout=JOB_TIMEOUT)
    return sorted(set(folder.glob("*.hzb")) - before)


def _sqlite_copy(source: Path, target: Path) -> None:
    import sqlite3

    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def test_full_resend_restores_an_office_that_lost_its_data(qtbot, sites, tmp_path, monkeypatch) -> None:
    district_ctx, office_ctx = sites
    errors = _no_error_boxes(monkeypatch)
    asked = _yes(monkeypatch)
    district, office = _page(qtbot, district_ctx), _page(qtbot, office_ctx)
    office_key = _export_keys(qtbot, monkeypatch, office, tmp_path / "keys-office")
    laptop_key = _export_keys(qtbot, monkeypatch, district, tmp_path / "keys-district")
    district.district.set_office_key(str(office_key))
    _choose_file(monkeypatch, laptop_key)
    office.office.enrol_device()
    office_file = tmp_path / "office" / "hazdesk.sqlite"
    _sqlite_copy(office_file, tmp_path / "office-backup.sqlite")  # the office's backup: enrolled, no data yet

    # The everyday round: incremental bundle, imported, acknowledged by the receipt.
    _import(qtbot, monkeypatch, office, _export_bundle(qtbot, monkeypatch, district, tmp_path / "b1"), "【已导入】")
    _choose_folder(monkeypatch, tmp_path / "receipts")
    office.office.export_receipts()
    qtbot.waitUntil(lambda: "回执已生成" in office.results.toPlainText(), timeout=JOB_TIMEOUT)
    _choose_files(monkeypatch, sorted((tmp_path / "receipts").glob("*.hzb")))
    district.district.import_receipts()
    qtbot.waitUntil(lambda: "【已导入】" in district.results.toPlainText(), timeout=JOB_TIMEOUT)
    expected = _enterprises(district_ctx.db)
    assert _enterprises(office_ctx.db) == expected > 0

    # The office's disk dies; it restores the backup from before the import (same device, same keys).
    office.close()
    office_ctx.db.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{office_file}{suffix}").unlink(missing_ok=True)
    _sqlite_copy(tmp_path / "office-backup.sqlite", office_file)
    restored_db = open_database(office_file)
    try:
        restored = _page(qtbot, _context(restored_db, tmp_path / "office"))
        assert _enterprises(restored_db) == 0

        before = len(asked)
        bundle = _export_full(qtbot, monkeypatch, district, tmp_path / "b2")
        assert len(asked) == before + 1  # confirmed first, saying when a full snapshot is the right tool
        assert "市局丢失了数据" in asked[-1] and "新的数据库" in asked[-1] and "检查草稿除外" in asked[-1]
        assert bundle and "已导出完整快照同步包（已加密给市局）" in district.results.toPlainText()
        _import(qtbot, monkeypatch, restored, bundle, "【已导入】")
        assert _enterprises(restored_db) == expected
        assert errors == []
    finally:
        restored_db.close()


def test_a_full_resend_is_not_made_without_confirmation(qtbot, sites, tmp_path, monkeypatch) -> None:
    district_ctx, _office_ctx = sites
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    chosen: list[str] = []
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: chosen.append("asked") or "")
    district = _page(qtbot, district_ctx)
    district.district.resend_all()
    assert chosen == [] and "已导出" not in district.results.toPlainText()


def _protect(ctx: AppContext, secret: bytes) -> None:
    from hazdesk.sync.keys import ensure_identity

    ensure_identity(ctx.db, ctx.data_root, secret, district_code=ctx.district_code())


def _answers(monkeypatch: pytest.MonkeyPatch, answers: list[tuple[str, bool]]) -> list[str]:
    """QInputDialog.getText answers in turn (the last one repeats); returns the labels shown."""
    from PySide6.QtWidgets import QInputDialog, QLineEdit

    labels: list[str] = []

    def get_text(_parent, _title, label, echo=QLineEdit.EchoMode.Normal, *_a, **_k):
        assert echo == QLineEdit.EchoMode.Password  # never shown on screen
        labels.append(label)
        return answers[min(len(labels), len(answers)) - 1]

    monkeypatch.setattr(QInputDialog, "getText", get_text)
    return labels


def test_a_protected_key_asks_for_its_passphrase_once_and_says_when_it_is_wrong(
    qtbot, sites, tmp_path, monkeypatch
) -> None:
    district_ctx, _office_ctx = sites
    monkeypatch.delenv("HAZDESK_KEY_PASSPHRASE", raising=False)
    _protect(district_ctx, "正确的口令 2026".encode())
    errors = _no_error_boxes(monkeypatch)
    district = _page(qtbot, district_ctx)
    assert "受口令保护" in district.lock_label.text() and "询问口令" in district.lock_label.text()
    assert district.passphrase_button.text() == "修改口令…"
    assert district.fingerprint_label.text() != "（尚未生成密钥）"

    # Cancelled: nothing runs.
    labels = _answers(monkeypatch, [("", False)])
    _choose_folder(monkeypatch, tmp_path / "usb")
    district.district.export_bundle()
    assert len(labels) == 1 and "已取消" in district.results.toPlainText()
    assert not list((tmp_path / "usb").glob("*.hzb")) and errors == []

    # Wrong three times: said plainly, in the prompt and then in an error box; nothing written.
    labels = _answers(monkeypatch, [("wrong", True)])
    district.district.export_bundle()
    assert len(labels) == 3
    assert "口令不正确（第 1 次，共 3 次）" in labels[1]
    assert len(errors) == 1 and "口令不正确" in errors[0]
    assert "未完成" in district.results.toPlainText()
    assert not list((tmp_path / "usb").glob("*.hzb"))

    # Right: unlocked for the rest of the run, asked once only.
    labels = _answers(monkeypatch, [("正确的口令 2026", True)])
    assert _export_bundle(qtbot, monkeypatch, district, tmp_path / "usb")
    assert len(labels) == 1 and "私钥已解锁" in district.results.toPlainText()
    assert "本次运行已解锁" in district.lock_label.text()
    assert _export_bundle(qtbot, monkeypatch, district, tmp_path / "usb2")
    assert len(labels) == 1
    assert "正确的口令" not in (tmp_path / "district" / "settings.ini").read_text(encoding="utf-8")
    assert len(errors) == 1


def test_the_office_is_asked_before_importing_with_a_protected_key(qtbot, sites, tmp_path, monkeypatch) -> None:
    """The office's key decrypts the bundles; without the passphrase the bundle would be refused."""
    district_ctx, office_ctx = sites
    monkeypatch.delenv("HAZDESK_KEY_PASSPHRASE", raising=False)
    _protect(office_ctx, b"office passphrase")
    errors = _no_error_boxes(monkeypatch)
    _yes(monkeypatch)
    labels = _answers(monkeypatch, [("office passphrase", True)])
    district, office = _page(qtbot, district_ctx), _page(qtbot, office_ctx)
    office_key = _export_keys(qtbot, monkeypatch, office, tmp_path / "keys-office")  # asks here, once
    laptop_key = _export_keys(qtbot, monkeypatch, district, tmp_path / "keys-district")
    district.district.set_office_key(str(office_key))
    bundle = _export_bundle(qtbot, monkeypatch, district, tmp_path / "usb")
    _choose_file(monkeypatch, laptop_key)
    office.office.enrol_device()
    _import(qtbot, monkeypatch, office, bundle, "【已导入】")
    assert len(labels) == 1
    assert office.office.rejected.rowCount() == 0
    assert _enterprises(office_ctx.db) == _enterprises(district_ctx.db)
    assert errors == []


def test_the_passphrase_is_set_and_changed_on_the_page(qtbot, sites, tmp_path, monkeypatch) -> None:
    from hazdesk.sync.keys import keys_protected, load_keys
    from ui.dialogs.key_passphrase import PassphraseDialog

    district_ctx, _office_ctx = sites
    monkeypatch.delenv("HAZDESK_KEY_PASSPHRASE", raising=False)
    errors = _no_error_boxes(monkeypatch)
    district = _page(qtbot, district_ctx)
    root, device = district_ctx.data_root, district_ctx.db.device_id
    fingerprint = district.fingerprint_label.text()
    assert "未设口令" in district.lock_label.text() and district.passphrase_button.text() == "设置口令…"
    dialogs: list[PassphraseDialog] = []

    def filling(values: dict[str, str]):
        def exec_(dialog: PassphraseDialog) -> int:
            dialogs.append(dialog)
            for name, text in values.items():
                getattr(dialog, name).setText(text)
            dialog.accept()
            return dialog.result()

        return exec_

    # Too short, then mistyped: the dialog says so and the keys stay as they are.
    monkeypatch.setattr(PassphraseDialog, "exec", filling({"new": "short", "repeat": "short"}))
    district.change_passphrase()
    assert "至少 8 个字符" in dialogs[-1].error.text() and not keys_protected(root, device)
    monkeypatch.setattr(PassphraseDialog, "exec", filling({"new": "第一个口令abc", "repeat": "第一个口令abd"}))
    district.change_passphrase()
    assert "不一致" in dialogs[-1].error.text() and not keys_protected(root, device)

    monkeypatch.setattr(PassphraseDialog, "exec", filling({"new": "第一个口令abc", "repeat": "第一个口令abc"}))
    district.change_passphrase()
    assert keys_protected(root, device)
    assert load_keys(root, device, "第一个口令abc".encode()).fingerprint.startswith(
        fingerprint.replace(" ", "").lower()
    )
    assert "本次运行已解锁" in district.lock_label.text() and district.passphrase_button.text() == "修改口令…"
    labels = _answers(monkeypatch, [("", False)])
    assert _export_bundle(qtbot, monkeypatch, district, tmp_path / "usb")  # remembered: not asked
    assert labels == []

    # Changing needs the current passphrase; a wrong one keeps the dialog open and the keys as they were.
    monkeypatch.setattr(
        PassphraseDialog, "exec", filling({"current": "猜的", "new": "第二个口令xyz", "repeat": "第二个口令xyz"})
    )
    district.change_passphrase()
    assert "当前口令不正确" in dialogs[-1].error.text()
    assert load_keys(root, device, "第一个口令abc".encode())
    monkeypatch.setattr(
        PassphraseDialog,
        "exec",
        filling({"current": "第一个口令abc", "new": "第二个口令xyz", "repeat": "第二个口令xyz"}),
    )
    district.change_passphrase()
    assert load_keys(root, device, "第二个口令xyz".encode())
    assert "私钥口令已设置" in district.results.toPlainText()
    assert district.fingerprint_label.text() == fingerprint  # the same keys: the office's enrolment holds
    assert errors == []


def _jpeg(path: Path, shade: int) -> Path:
    from PIL import Image

    Image.new("RGB", (48, 32), (shade, 255 - shade, 90)).save(path, "JPEG")
    return path


def test_missing_photos_are_named_in_the_export_result(qtbot, sites, tmp_path, monkeypatch) -> None:
    from hazdesk.services.findings import attach_photo
    from hazdesk.store.attachments import attachment_path
    from hazdesk.store.models import Attachment, Finding, Inspection

    district_ctx, office_ctx = sites
    errors = _no_error_boxes(monkeypatch)
    _yes(monkeypatch)
    with district_ctx.db.session() as session:
        finding = session.scalars(
            select(Finding.id)
            .join(Inspection, Finding.inspection_id == Inspection.id)
            .where(Inspection.state == "completed")
        ).first()
        draft = session.scalars(select(Inspection.id).where(Inspection.state == "draft")).first()
    assert finding is not None and draft is not None
    root = district_ctx.data_root
    photos = tmp_path / "photos"
    photos.mkdir()
    lost = [f"现场照片-{i}.jpg" for i in range(1, 8)]
    for shade, name in enumerate([*lost, "kept.jpg"]):
        attach_photo(district_ctx.db, root, owner_kind="finding", owner_id=finding, source=_jpeg(photos / name, shade))
    attach_photo(district_ctx.db, root, owner_kind="inspection", owner_id=draft, source=_jpeg(photos / "草稿.jpg", 200))
    with district_ctx.db.session() as session:
        for name, sha in session.execute(select(Attachment.original_name, Attachment.sha256)):
            if name != "kept.jpg":  # the draft's photo is missing too, but it is not sent anyway
                attachment_path(root, sha).unlink()

    district, office = _page(qtbot, district_ctx), _page(qtbot, office_ctx)
    drafts = district.district.drafts.text()
    assert "检查草稿" in drafts and "完成后" in drafts and "1 份检查草稿暂不发送" in drafts and "1 张照片" in drafts
    laptop_key = _export_keys(qtbot, monkeypatch, district, tmp_path / "keys-district")
    bundle = _export_bundle(qtbot, monkeypatch, district, tmp_path / "usb")
    text = district.results.toPlainText()
    assert "1 张照片" in text  # the one found travels
    assert "注意：7 张照片的文件在本机找不到" in text
    assert "、".join(sorted(lost)[:5]) + " 等" in text
    assert "kept.jpg" not in text and "草稿.jpg" not in text

    _choose_file(monkeypatch, laptop_key)
    office.office.enrol_device()
    _import(qtbot, monkeypatch, office, bundle, "【已导入】")
    assert "7 张照片文件不在数据包中" in office.results.toPlainText()  # the office hears of it too
    assert errors == []


def test_the_pending_count_leaves_out_what_drafts_hold_back(qtbot, sites) -> None:
    from ui.views.sync_support import drafts_held_back, table_label

    district_ctx, _office_ctx = sites
    district = _page(qtbot, district_ctx)
    held = drafts_held_back(district_ctx.db)
    assert held.inspections == 1 and held.pending  # the demo has one draft inspection, with answers
    table = district.district.pending
    shown = dict(table.texts(r) for r in range(table.rowCount()))
    assert district.status is not None
    for name, count in district.status.pending.items():
        assert int(shown.get(table_label(name), 0)) == count - held.pending.get(name, 0)
    total = sum(int(n) for n in shown.values())
    assert district.district.summary.text() == f"共 {total} 条记录待发送"
    assert "1 份检查草稿暂不发送" in district.district.drafts.text()


def test_the_key_lock_hands_the_core_what_fits_the_key_files(tmp_path: Path, monkeypatch) -> None:
    """Qt-free: the environment passphrase protects new keys but is not forced on unprotected ones."""
    import uuid

    from hazdesk.sync.keys import change_passphrase, load_or_create_keys
    from ui.views.sync_support import KeyLock

    device = uuid.uuid4()
    lock = KeyLock(tmp_path, device)
    monkeypatch.setenv("HAZDESK_KEY_PASSPHRASE", "from the environment")
    assert not lock.exists and lock.ready() and lock.passphrase() == b"from the environment"
    load_or_create_keys(tmp_path, device)  # made without one
    assert lock.ready() and lock.passphrase() is None
    change_passphrase(tmp_path, device, None, b"typed by a person")
    assert not lock.ready()  # the environment's passphrase does not open them
    assert not lock.try_passphrase(b"nope") and lock.try_passphrase(b"typed by a person")
    assert lock.ready() and lock.passphrase() == b"typed by a person"
