"""Bundles end to end on real SQLite files: keys, export, import, idempotency, parts, drafts, cancel."""

from __future__ import annotations

import datetime as dt
import os
import random
import stat
from pathlib import Path

import pytest
from sqlalchemy import select

from hazdesk.store.models import Finding, Inspection, InspectionAnswer, SyncBundle
from hazdesk.sync.errors import KeyFileError, SyncCancelled
from hazdesk.sync.keys import (
    display_fingerprint,
    ensure_identity,
    load_or_create_keys,
    public_key_file_name,
    read_public_key,
    write_public_key,
)
from tests.core.test_sync_support import (
    SYNC_LOCAL,
    Site,
    content,
    district_site,
    dump,
    empty_site,
    enroll,
    send,
    take,
    take_one,
)


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Site, Site]:
    district = district_site(tmp_path, "jiangning", "320115")
    office = empty_site(tmp_path, "office", role="office")
    enroll(office, district)
    yield district, office
    district.close()
    office.close()


# --- keys ------------------------------------------------------------------------------------
def test_keys_are_made_once_private_to_the_user_and_recorded_in_the_device_row(tmp_path: Path) -> None:
    site = empty_site(tmp_path, "laptop")
    try:
        files = sorted((site.root / "keys").iterdir())
        assert len(files) == 2
        if os.name == "posix":
            assert all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)
            assert stat.S_IMODE((site.root / "keys").stat().st_mode) == 0o700
        again, _ = ensure_identity(site.db, site.root)
        assert again.fingerprint == site.keys.fingerprint
        from hazdesk.store.models import Device

        with site.db.session() as session:
            device = session.get(Device, site.db.device_id)
            assert device is not None and device.public_key == site.keys.signing_public
            assert device.fingerprint == site.keys.fingerprint
        assert len(display_fingerprint(site.keys.fingerprint).split()) == 8
    finally:
        site.close()


def test_a_passphrase_protects_the_private_keys(tmp_path: Path) -> None:
    import uuid

    device = uuid.uuid4()
    made = load_or_create_keys(tmp_path, device, b"geheim")
    assert b"ENCRYPTED" in next((tmp_path / "keys").glob("*.signing.pem")).read_bytes()
    with pytest.raises(KeyFileError, match="HAZDESK_KEY_PASSPHRASE"):
        load_or_create_keys(tmp_path, device)
    with pytest.raises(KeyFileError, match="口令错误"):
        load_or_create_keys(tmp_path, device, b"wrong")
    assert load_or_create_keys(tmp_path, device, b"geheim").fingerprint == made.fingerprint


def test_a_public_key_file_with_a_swapped_key_is_refused(tmp_path: Path) -> None:
    import base64
    import json

    site = empty_site(tmp_path, "laptop")
    try:
        path = write_public_key(site.keys, site.identity, tmp_path / public_key_file_name(site.identity))
        assert read_public_key(path) == site.identity
        data = json.loads(path.read_text())
        data["encryption_key"] = base64.b64encode(os.urandom(32)).decode()
        path.write_text(json.dumps(data))
        with pytest.raises(KeyFileError, match="自签名无效"):
            read_public_key(path)
        data["fingerprint"] = "00" * 32
        path.write_text(json.dumps(data))
        with pytest.raises(KeyFileError, match="指纹"):
            read_public_key(path)
    finally:
        site.close()


# --- export and import -------------------------------------------------------------------------
def test_round_trip_brings_every_exported_row_once_with_equal_contents(pair: tuple[Site, Site], tmp_path: Path) -> None:
    district, office = pair
    result = send(district, tmp_path / "stick", to=office)
    assert result.encrypted and len(result.paths) == 1 and result.paths[0].name.endswith(".hzb")
    assert not list((tmp_path / "stick").glob(".*"))  # no temporary files left
    outcome = take_one(office, result.paths)
    assert outcome.status == "applied", outcome.message
    here, there = content(district.db), content(office.db)
    with district.db.session() as session:
        drafts = set(session.scalars(select(Inspection.id).where(Inspection.state == "draft")))
    for table, rows in here.items():
        expected = {k: v for k, v in rows.items() if not _hangs_from(table, v, drafts)}
        assert there[table] == expected, table
        assert result.counts.get(table, 0) == len(expected), table
    assert sum(len(r) for r in there.values()) == result.records


def _hangs_from(table: str, row: dict, drafts: set) -> bool:
    if table == "inspection":
        return row["id"] in drafts
    return row.get("inspection_id") in drafts


def test_importing_the_same_bundle_again_changes_nothing_and_is_fast(pair: tuple[Site, Site], tmp_path: Path) -> None:
    import time

    district, office = pair
    result = send(district, tmp_path / "stick", to=office)
    assert take_one(office, result.paths).status == "applied"
    before = dump(office.db)
    started = time.perf_counter()
    again = take_one(office, result.paths)
    assert time.perf_counter() - started < 0.5
    assert again.status == "already" and "导入过" in again.message
    assert dump(office.db) == before


def test_an_unaddressed_bundle_is_signed_but_not_encrypted(pair: tuple[Site, Site], tmp_path: Path) -> None:
    from hazdesk.sync.peers import trust

    _, office = pair
    laptop = empty_site(tmp_path, "new-laptop")  # knows no office yet
    try:
        trust(office.db, laptop.identity)
        result = send(laptop, tmp_path / "stick")
        assert not result.encrypted and result.destination is None
        assert take_one(office, result.paths).status == "applied"
    finally:
        laptop.close()


def test_a_bundle_for_another_office_cannot_be_read_here(pair: tuple[Site, Site], tmp_path: Path) -> None:
    district, office = pair
    other = empty_site(tmp_path, "other-office", role="office")
    try:
        result = send(district, tmp_path / "stick", to=other)
        before = dump(office.db, exclude=SYNC_LOCAL)
        outcome = take_one(office, result.paths)
        assert outcome.status == "rejected" and outcome.code == "not_for_us"
        assert "不是本机" in outcome.message
        assert dump(office.db, exclude=SYNC_LOCAL) == before
    finally:
        other.close()


def test_a_large_bundle_is_split_into_parts_that_import_as_one(pair: tuple[Site, Site], tmp_path: Path) -> None:
    district, office = pair
    result = send(district, tmp_path / "stick", to=office, max_part_size=64 * 1024)
    assert len(result.paths) >= 3
    assert all(p.stat().st_size <= 64 * 1024 for p in result.paths)
    assert [p.name.rsplit(".", 2)[-2] for p in result.paths][:2] == ["part001", "part002"]
    shuffled = list(result.paths)
    random.Random(3).shuffle(shuffled)
    missing = take_one(office, shuffled[:-1])
    assert missing.status == "rejected" and missing.code == "parts"
    outcome = take_one(office, shuffled)
    assert outcome.status == "applied", outcome.message


def test_incremental_export_sends_only_what_the_office_has_not_acknowledged(
    pair: tuple[Site, Site], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hazdesk.sync import peers

    district, office = pair
    # The demo rows were all stamped a moment ago, inside the safety margin that makes an
    # acknowledgement re-send the last minutes' rows; without it only the edit is new.
    monkeypatch.setattr(peers, "ACK_MARGIN_MS", 0)
    first = send(district, tmp_path / "one", to=office)
    assert take_one(office, first.paths).status == "applied"
    # Not acknowledged yet: everything again (a lost stick must not lose data).
    assert send(district, tmp_path / "two", to=office).records == first.records
    receipt = send(office, tmp_path / "receipt", to=district)
    answer = take_one(district, receipt.paths)
    assert answer.status == "applied" and answer.acknowledged == 2 - 1
    with district.db.session() as session:
        assert session.get(SyncBundle, first.bundle_id).status == "acknowledged"
    with district.db.transaction() as session:
        finding = session.scalars(select(Finding).limit(1)).one()
        finding.measure = "立即停用并更换阀门"
    third = send(district, tmp_path / "three", to=office)
    assert third.counts == {"finding": 1}
    assert take_one(office, third.paths).status == "applied"
    with office.db.session() as session:
        assert session.get(Finding, finding.id).measure == "立即停用并更换阀门"


def test_a_draft_inspection_travels_only_when_completed_with_all_its_answers(
    pair: tuple[Site, Site], tmp_path: Path
) -> None:
    district, office = pair
    with district.db.session() as session:
        draft = session.scalars(select(Inspection).where(Inspection.state == "draft")).first()
        assert draft is not None, "the demo data should hold a draft inspection"
        answers = set(session.scalars(select(InspectionAnswer.id).where(InspectionAnswer.inspection_id == draft.id)))
    first = send(district, tmp_path / "one", to=office)
    assert take_one(office, first.paths).status == "applied"
    with office.db.session() as session:
        assert session.get(Inspection, draft.id) is None
    receipt = send(office, tmp_path / "receipt", to=district)
    assert take_one(district, receipt.paths).status == "applied"
    with district.db.transaction() as session:
        inspection = session.get(Inspection, draft.id)
        inspection.state = "completed"
        inspection.ended_at = inspection.started_at + dt.timedelta(hours=2)
    second = send(district, tmp_path / "two", to=office)
    assert take_one(office, second.paths).status == "applied"
    with office.db.session() as session:
        assert session.get(Inspection, draft.id).state == "completed"
        arrived = set(session.scalars(select(InspectionAnswer.id).where(InspectionAnswer.inspection_id == draft.id)))
    assert arrived == answers


def test_progress_is_reported_and_cancel_leaves_nothing(pair: tuple[Site, Site], tmp_path: Path) -> None:
    district, office = pair
    seen: list[tuple[str, int, int]] = []
    with pytest.raises(SyncCancelled):
        send(district, tmp_path / "stick", to=office, cancel=lambda: len(seen) > 3, progress=lambda *a: seen.append(a))
    assert not [p for p in (tmp_path / "stick").iterdir() if p.suffix == ".hzb" or p.name.startswith(".")]
    result = send(district, tmp_path / "stick", to=office, progress=lambda *a: seen.append(a))
    assert {s for s, _, _ in seen} >= {"读取记录", "写入数据包"}
    before = dump(office.db)
    calls = 0

    def cancel() -> bool:
        nonlocal calls
        calls += 1
        return calls > 5

    with pytest.raises(SyncCancelled):
        take(office, result.paths, cancel=cancel)
    assert dump(office.db) == before
    assert take_one(office, result.paths).status == "applied"


def test_photos_travel_by_hash_and_land_in_the_content_addressed_store(pair: tuple[Site, Site], tmp_path: Path) -> None:
    import hashlib
    import uuid

    from hazdesk.store.attachments import attachment_path, store_bytes
    from hazdesk.store.models import Attachment

    district, office = pair
    photo = os.urandom(300_000)
    sha, _ = store_bytes(district.root, photo)
    with district.db.transaction() as session:
        finding = session.scalars(select(Finding).where(Finding.inspection_id.is_(None)).limit(1)).first()
        finding = finding or session.scalars(select(Finding).limit(1)).one()
        session.add(Attachment(owner_kind="finding", owner_id=finding.id, sha256=sha, size=len(photo), caption="阀门"))
    result = send(district, tmp_path / "stick", to=office)
    assert result.files == 1
    outcome = take_one(office, result.paths)
    assert outcome.status == "applied" and not outcome.missing_files
    stored = attachment_path(office.root, sha)
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == sha
    assert uuid.UUID(int=0) != finding.id
