"""Issuing: numbering (also across offline devices), freezing, reprint, verify, void, supersede, batch."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import threading
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from hazdesk.documents import (
    FrozenDocumentError,
    batch_issue,
    issue_document,
    reprint,
    update_draft,
    verify_pdf,
    void_document,
)
from hazdesk.documents.settings import BureauSettings, save_bureau_settings, set_device_series
from hazdesk.errors import HazdeskError, ValidationError
from hazdesk.store.database import open_database
from hazdesk.store.models import AuditEvent, Document
from tests.core.test_documents_support import (
    DISTRICT,
    ISSUED_AT,
    make_inspection,
    ready_database,
    reinspect_all,
)


@pytest.fixture
def ready(database):
    ready_database(database)
    return database


def _serials(db, kind: str = "责改") -> list[int]:
    with db.session() as session:
        return sorted(d.serial for d in session.query(Document).filter(Document.kind == kind))


def test_numbers_are_consecutive_per_kind_and_a_voided_number_is_never_reused(ready) -> None:
    inspection = make_inspection(ready)
    first = issue_document(ready, inspection, "责改", now=ISSUED_AT)
    second = issue_document(ready, inspection, "责改", now=ISSUED_AT)
    record = issue_document(ready, inspection, "检记", now=ISSUED_AT)
    assert [first.number_text, second.number_text] == ["（宁江）应急责改〔2026〕A1号", "（宁江）应急责改〔2026〕A2号"]
    assert record.number_text == "（宁江）应急检记〔2026〕A1号"  # each kind counts on its own
    void_document(ready, second.id, reason="打印时填错企业")
    third = issue_document(ready, inspection, "责改", now=ISSUED_AT)
    assert third.number_text == "（宁江）应急责改〔2026〕A3号"
    with ready.session() as session:
        voided = session.get(Document, second.id)
        assert (voided.state, voided.serial, voided.void_reason) == ("voided", 2, "打印时填错企业")
        assert {e.action for e in session.query(AuditEvent)} >= {"document.issue", "document.void"}
    next_year = issue_document(ready, inspection, "责改", now=dt.datetime(2027, 1, 2, 9, 0))
    assert next_year.number_text == "（宁江）应急责改〔2027〕A1号"


def test_numbers_never_go_back_even_if_the_counter_is_lost(ready) -> None:
    inspection = make_inspection(ready)
    for _ in range(3):
        issue_document(ready, inspection, "责改", now=ISSUED_AT)
    with ready.engine.begin() as connection:
        connection.execute(text("DELETE FROM document_counter"))
    assert issue_document(ready, inspection, "责改", now=ISSUED_AT).number_text.endswith("A4号")


def test_bureau_settings_change_the_number_and_the_remedy_clause(ready) -> None:
    save_bureau_settings(
        ready,
        BureauSettings(DISTRICT, "南京市江宁区应急管理局", "宁江应", "南京市江宁区人民政府", "", "南京铁路运输法院"),
    )
    set_device_series(ready, DISTRICT, "B")
    inspection = make_inspection(ready)
    issued = issue_document(ready, inspection, "责改", now=ISSUED_AT)
    assert issued.number_text == "（宁江应）应急责改〔2026〕B1号"
    with ready.session() as session:
        bureau = session.get(Document, issued.id).snapshot["bureau"]
    assert bureau["short_name"] == "宁江应" and bureau["review_department"] == ""


def test_without_a_series_nothing_is_numbered(database) -> None:
    inspection = make_inspection(database)
    with pytest.raises(HazdeskError, match=r"尚未分配“宁江”的文书编号序列.*--set A"):
        issue_document(database, inspection, "责改", now=ISSUED_AT)
    with pytest.raises(ValidationError, match="大写英文字母"):
        set_device_series(database, DISTRICT, "a1")
    set_device_series(database, DISTRICT, "A")
    with pytest.raises(ValidationError, match="已使用编号序列 A"):
        set_device_series(database, DISTRICT, "B")


def _device_worker(path: str, series: str, count: int, barrier) -> list[str]:
    """One offline laptop: its own database file and device id, issuing ``count`` orders."""
    db = open_database(path)
    try:
        ready_database(db, series)
        inspection = make_inspection(db)
        barrier.wait(timeout=60)
        return [issue_document(db, inspection, "责改", now=ISSUED_AT).number_text for _ in range(count)]
    finally:
        db.close()


def test_two_offline_devices_issuing_at_once_never_share_a_number(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        barrier = manager.Barrier(2)
        with context.Pool(2) as pool:
            jobs = [
                pool.apply_async(_device_worker, (str(tmp_path / f"{s}.sqlite"), s, 15, barrier)) for s in ("A", "B")
            ]
            laptop_a, laptop_b = (job.get(timeout=240) for job in jobs)
    assert not set(laptop_a) & set(laptop_b)
    assert laptop_a == [f"（宁江）应急责改〔2026〕A{n}号" for n in range(1, 16)]
    assert laptop_b == [f"（宁江）应急责改〔2026〕B{n}号" for n in range(1, 16)]
    ids = set()
    for series in ("A", "B"):
        db = open_database(tmp_path / f"{series}.sqlite")
        with db.session() as session:
            ids |= {d.id for d in session.query(Document)}
        db.close()
    assert len(ids) == 30


def test_threads_issuing_on_one_database_get_distinct_consecutive_numbers(ready) -> None:
    inspection = make_inspection(ready)
    numbers: list[str] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(8):
                numbers.append(issue_document(ready, inspection, "责改", now=ISSUED_AT).number_text)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(numbers) == sorted(f"（宁江）应急责改〔2026〕A{n}号" for n in range(1, 25))


def test_issued_document_refuses_edits_in_the_service_and_in_the_database(ready) -> None:
    inspection = make_inspection(ready)
    issued = issue_document(ready, inspection, "责改", now=ISSUED_AT)
    with pytest.raises(FrozenDocumentError, match="已签发，不能修改"):
        update_draft(ready, issued.id, number_text="（宁江）应急责改〔2026〕A99号")
    # Bypassing the service: the triggers of revision 0003 refuse it.
    for statement in (
        "UPDATE document SET number_text = 'x'",
        "UPDATE document SET snapshot = '{}'",
        "UPDATE document SET pdf_sha256 = 'f00'",
        "UPDATE document SET state = 'draft'",
        "UPDATE document SET deleted = 1",
        "DELETE FROM document",
    ):
        with pytest.raises(IntegrityError, match="issued document is frozen"), ready.engine.begin() as connection:
            connection.execute(text(statement))
    with pytest.raises(IntegrityError), ready.transaction() as session:
        session.get(Document, issued.id).snapshot = {"enterprise": {"name": "改过的名字"}}
    # Voiding is the one change allowed; after it the row is frozen entirely.
    void_document(ready, issued.id, reason="作废测试")
    with pytest.raises(IntegrityError), ready.engine.begin() as connection:
        connection.execute(text("UPDATE document SET state = 'issued', void_reason = ''"))
    with pytest.raises(FrozenDocumentError, match="已作废"):
        void_document(ready, issued.id, reason="再次作废")


def test_reprint_is_byte_identical_and_verify_says_ok(ready, tmp_path: Path) -> None:
    inspection = make_inspection(ready, findings=6)
    issued = issue_document(ready, inspection, "责改", now=ISSUED_AT, out=tmp_path / "original.pdf")
    again = reprint(ready, issued.id, out=tmp_path / "again.pdf")
    assert (tmp_path / "again.pdf").read_bytes() == (tmp_path / "original.pdf").read_bytes() == issued.pdf
    assert again.sha256 == issued.sha256
    result = verify_pdf(ready, tmp_path / "again.pdf")
    assert result.ok and result.code == "ok" and result.document_id == issued.id and result.notes == []


def test_reprint_in_a_fresh_process_is_byte_identical(ready, tmp_path: Path) -> None:
    import subprocess
    import sys

    inspection = make_inspection(ready)
    issued = issue_document(ready, inspection, "现决", now=ISSUED_AT)
    ready.close()
    code = (
        "import sys, uuid; from hazdesk.store.database import open_database; from hazdesk.documents import reprint;"
        f"db = open_database({str(ready.path)!r});"
        f"sys.stdout.buffer.write(reprint(db, uuid.UUID({str(issued.id)!r})).pdf)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True).stdout
    assert out == issued.pdf


def test_verify_reports_altered_unknown_foreign_voided_and_superseded(ready, tmp_path: Path) -> None:
    inspection = make_inspection(ready)
    issued = issue_document(ready, inspection, "责改", now=ISSUED_AT, out=tmp_path / "d.pdf")
    data = bytearray(issued.pdf)
    data[len(data) // 2] ^= 0x01
    (tmp_path / "altered.pdf").write_bytes(bytes(data))
    altered = verify_pdf(ready, tmp_path / "altered.pdf")
    assert (altered.ok, altered.code, altered.number_text) == (False, "altered", issued.number_text)
    assert "已被改动" in altered.reason

    other = open_database(tmp_path / "other.sqlite")
    try:
        unknown = verify_pdf(other, tmp_path / "d.pdf")
    finally:
        other.close()
    assert (unknown.ok, unknown.code) == (False, "unknown") and str(issued.id) in unknown.reason

    foreign = verify_pdf(ready, b"%PDF-1.4\n%%EOF\n")
    assert (foreign.ok, foreign.code) == (False, "not_hazdesk")

    correction = issue_document(ready, inspection, "责改", now=ISSUED_AT, supersedes=issued.id, out=tmp_path / "c.pdf")
    superseded = verify_pdf(ready, tmp_path / "d.pdf")
    assert (superseded.ok, superseded.code) == (False, "superseded") and correction.number_text in superseded.reason
    assert verify_pdf(ready, tmp_path / "c.pdf").ok
    with pytest.raises(ValidationError, match=r"已被.*更正"):
        issue_document(ready, inspection, "责改", now=ISSUED_AT, supersedes=issued.id)

    void_document(ready, correction.id, reason="企业名称有误")
    voided = verify_pdf(ready, tmp_path / "c.pdf")
    assert (voided.ok, voided.code) == (False, "voided") and "企业名称有误" in voided.reason


def test_verify_notices_a_changed_record(ready, tmp_path: Path) -> None:
    inspection = make_inspection(ready)
    issued = issue_document(ready, inspection, "责改", now=ISSUED_AT, out=tmp_path / "d.pdf")
    with ready.engine.begin() as connection:  # someone drops the guard and edits the record
        connection.execute(text("DROP TRIGGER document_issued_frozen"))
        connection.execute(text("UPDATE document SET snapshot = json_set(snapshot, '$.enterprise.name', '别家')"))
    result = verify_pdf(ready, tmp_path / "d.pdf")
    assert (result.ok, result.code) == (False, "record_changed")
    assert issued.number_text in result.reason


def test_review_needs_a_prior_order_and_two_officers_are_required(ready, tmp_path: Path) -> None:
    inspection = make_inspection(ready)
    reinspect_all(ready, inspection, on=dt.date(2026, 3, 20))
    with pytest.raises(ValidationError, match="须在该检查的责令限期整改指令书或现场处理措施决定书签发之后"):
        issue_document(ready, inspection, "复查", now=ISSUED_AT)
    issue_document(ready, inspection, "现决", now=ISSUED_AT)
    assert issue_document(ready, inspection, "复查", now=ISSUED_AT).number_text.endswith("A1号")

    lonely = make_inspection(ready, officers=1)
    with pytest.raises(ValidationError, match="至少两名执法人员"):
        issue_document(ready, lonely, "检记", now=ISSUED_AT, out=tmp_path / "x.pdf")
    with pytest.raises(ValidationError, match="文书种类“罚款”无效"):
        issue_document(ready, inspection, "罚款", now=ISSUED_AT)
    with pytest.raises(ValidationError, match="不存在"):
        issue_document(ready, uuid.uuid4(), "检记", now=ISSUED_AT)
    assert not (tmp_path / "x.pdf").exists()


def test_unwritable_output_rolls_the_number_back(ready, tmp_path: Path, monkeypatch) -> None:
    inspection = make_inspection(ready)
    with pytest.raises(HazdeskError, match=r"输出目录 .* 不存在"):
        issue_document(ready, inspection, "责改", now=ISSUED_AT, out=tmp_path / "missing" / "d.pdf")

    def full_disk(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("hazdesk.documents.service.os.replace", full_disk)
    with pytest.raises(HazdeskError, match=r"无法写入.*No space left"):
        issue_document(ready, inspection, "责改", now=ISSUED_AT, out=tmp_path / "d.pdf")
    monkeypatch.undo()
    assert list(tmp_path.glob("*.pdf")) == [] and list(tmp_path.glob(".*part")) == []
    assert _serials(ready) == []
    assert issue_document(ready, inspection, "责改", now=ISSUED_AT).number_text.endswith("A1号")


def test_batch_issues_a_days_documents_with_progress_failures_and_cancel(ready, tmp_path: Path) -> None:
    good = [make_inspection(ready) for _ in range(3)]
    lonely = make_inspection(ready, officers=1)
    seen: list[tuple[int, int]] = []
    result = batch_issue(
        ready,
        [*good, lonely],
        ["检记", "责改"],
        out_dir=tmp_path,
        now=ISSUED_AT,
        progress=lambda done, total, _msg: seen.append((done, total)),
    )
    assert len(result.issued) == 6 and len(result.failed) == 2 and not result.cancelled
    assert seen[-1] == (8, 8)
    assert sorted(p.name for p in tmp_path.glob("*.pdf")) == sorted(
        f"（宁江）应急{k}〔2026〕A{n}号.pdf" for k in ("检记", "责改") for n in (1, 2, 3)
    )
    assert all(i.pdf == b"" and i.path is not None for i in result.issued)
    calls: list[tuple] = []
    stop = batch_issue(
        ready, good, ["现决"], now=ISSUED_AT, cancel=lambda: len(calls) >= 1, progress=lambda *a: calls.append(a)
    )
    assert stop.cancelled and len(stop.issued) == 1


def test_a_draft_with_an_issued_document_cannot_be_discarded(ready, tmp_path: Path) -> None:
    from hazdesk.services.inspections import discard_draft
    from hazdesk.store.models import Finding, Inspection

    inspection = make_inspection(ready, findings=2)
    with ready.transaction() as session:
        session.get(Inspection, inspection).state = "draft"  # issued on site before completing
    issued = issue_document(ready, inspection, "责改", now=ISSUED_AT, out=tmp_path / "d.pdf")
    with pytest.raises(ValidationError, match=f"已签发执法文书 {issued.number_text}.*先在“执法文书”中作废"):
        discard_draft(ready, inspection)
    with ready.session() as session:
        assert not session.get(Inspection, inspection).deleted
        assert all(not f.deleted for f in session.query(Finding).filter(Finding.inspection_id == inspection))
    void_document(ready, issued.id, reason="草稿作废")
    discard_draft(ready, inspection)  # a voided number stays on record; the draft can go
    with ready.session() as session:
        assert session.get(Inspection, inspection).deleted
