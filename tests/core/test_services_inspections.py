"""The field workflow through the services on a real database file: inspect with a checklist, a
不符合 answer becomes a finding, photos, rectification, 复查 closes or re-opens it."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from hazdesk.errors import TransitionError, ValidationError
from hazdesk.services.enterprises import EnterpriseInput, create_enterprise
from hazdesk.services.findings import (
    FindingInput,
    add_finding,
    attach_photo,
    attachments_of,
    delete_finding,
    reinspect,
    report_rectified,
    set_new_deadline,
)
from hazdesk.services.inspections import (
    InspectionStart,
    answer_item,
    complete_inspection,
    discard_draft,
    start_inspection,
)
from hazdesk.store.attachments import attachment_path
from hazdesk.store.checklists import install_checklists, template_id
from hazdesk.store.models import ChecklistItem, Finding, Inspection, Inspector, Reinspection
from hazdesk.store.queries import finding_counts

TODAY = dt.date(2026, 11, 22)
T121 = template_id("MH-2017-121", "2017")


@pytest.fixture
def world(database):
    with database.transaction() as session:
        assert install_checklists(session) >= 2
        assert install_checklists(session) == 0  # idempotent
        officers = [
            Inspector(name="王建国", cert_no="32011520230017", district_code="320115"),
            Inspector(name="李敏", cert_no="32011520230018", district_code="320115"),
        ]
        session.add_all(officers)
    enterprise_id, _ = create_enterprise(
        database,
        EnterpriseInput(uscc="91350100M000100Y43", name="南京华联化工有限公司", district_code="320115"),
    )
    return database, enterprise_id, [o.id for o in officers]


def _start(database, enterprise_id, officers, template=T121):
    inspection_id, _ = start_inspection(
        database,
        InspectionStart(
            enterprise_id=enterprise_id,
            inspector_ids=tuple(officers),
            started_at=dt.datetime(2026, 11, 22, 9, 30),
            template_id=template,
            place="液氯储罐区",
        ),
    )
    return inspection_id


def _items(database, template=T121) -> list[ChecklistItem]:
    with database.session() as session:
        return list(
            session.scalars(
                select(ChecklistItem).where(ChecklistItem.template_id == template).order_by(ChecklistItem.seq)
            )
        )


def test_one_inspector_is_not_enough(world) -> None:
    database, enterprise_id, officers = world
    with pytest.raises(ValidationError, match="两名"):
        _start(database, enterprise_id, officers[:1])
    with pytest.raises(ValidationError, match="两名"):
        _start(database, enterprise_id, [officers[0], officers[0]])


def test_full_flow_nonconforming_answer_to_closed_finding(world, tmp_path: Path) -> None:
    database, enterprise_id, officers = world
    inspection_id = _start(database, enterprise_id, officers)
    items = _items(database)
    assert len(items) == 20
    finding_id = None
    for item in items:
        result = "nonconform" if item.code == "MH-02" else "conform"
        created, _ = answer_item(
            database,
            inspection_id,
            item.id,
            result,
            note="两名操作工无证" if item.code == "MH-02" else "",
            today=TODAY,
        )
        if created:
            finding_id = created
    assert finding_id is not None
    with database.session() as session:
        finding = session.get(Finding, finding_id)
        assert finding.severity == "major"  # a 121号 criterion is a 重大隐患
        assert finding.description == "特种作业人员未持证上岗：两名操作工无证"
        assert finding.deadline == TODAY  # 重大隐患 default: 立即整改
        assert "重大生产安全事故隐患判定标准" in finding.legal_basis

    # A photo on the finding: downscaled, content-addressed.
    photo = tmp_path / "IMG_0001.png"
    Image.new("RGB", (4000, 3000), (200, 30, 30)).save(photo)
    attach_photo(
        database, tmp_path / "data", owner_kind="finding", owner_id=finding_id, source=photo
    )
    with database.session() as session:
        [stored] = attachments_of(session, "finding", finding_id)
        path = attachment_path(tmp_path / "data", stored.sha256)
        assert hashlib.sha256(path.read_bytes()).hexdigest() == stored.sha256
        with Image.open(path) as image:
            assert max(image.size) == 2048

    complete_inspection(
        database, inspection_id, ended_at=dt.datetime(2026, 11, 22, 11, 0), summary="发现重大隐患1项"
    )
    with pytest.raises(ValidationError, match="已完成"):
        answer_item(database, inspection_id, items[0].id, "nonconform", today=TODAY)

    with database.session() as session:
        assert finding_counts(session, today=TODAY, district_code="320115").open == 1
    report_rectified(database, finding_id, on=TODAY + dt.timedelta(days=3))
    on = TODAY + dt.timedelta(days=5)
    reinspect(database, finding_id, passed=True, on=on, inspector_ids=officers, today=on)
    with database.session() as session:
        finding = session.get(Finding, finding_id)
        assert finding.status == "closed" and finding.closed_on == TODAY + dt.timedelta(days=5)
        assert finding_counts(session, today=TODAY, district_code="320115").open == 0
    with pytest.raises(TransitionError):
        reinspect(
            database,
            finding_id,
            passed=False,
            on=TODAY + dt.timedelta(days=6),
            new_deadline=TODAY + dt.timedelta(days=20),
            inspector_ids=officers,
            today=TODAY + dt.timedelta(days=6),
        )


def test_failed_reinspection_sets_a_new_deadline_and_keeps_the_record(world) -> None:
    database, enterprise_id, officers = world
    finding_id, _ = add_finding(
        database,
        enterprise_id=enterprise_id,
        data=FindingInput(description="储罐区可燃气体报警器失效", legal_basis="GB/T 50493-2019"),
        deadline=15,
        today=TODAY,
    )
    report_rectified(database, finding_id, on=TODAY + dt.timedelta(days=10))
    new_deadline = TODAY + dt.timedelta(days=30)
    reinspect(
        database,
        finding_id,
        passed=False,
        on=TODAY + dt.timedelta(days=16),
        new_deadline=new_deadline,
        note="报警器仍未校验",
        inspector_ids=officers,
        today=TODAY + dt.timedelta(days=17),
    )
    with database.session() as session:
        finding = session.get(Finding, finding_id)
        assert (finding.status, finding.deadline) == ("pending", new_deadline)
        [record] = session.scalars(select(Reinspection).where(Reinspection.finding_id == finding_id))
        assert (record.result, record.new_deadline, record.note) == ("fail", new_deadline, "报警器仍未校验")


def test_failed_reinspection_without_deadline_waits_in_failed(world) -> None:
    database, enterprise_id, officers = world
    finding_id, _ = add_finding(
        database,
        enterprise_id=enterprise_id,
        data=FindingInput(description="安全标签缺失"),
        deadline=7,
        today=TODAY,
    )
    late = TODAY + dt.timedelta(days=8)
    reinspect(database, finding_id, passed=False, on=late, inspector_ids=officers, today=late)
    with pytest.raises(ValidationError, match="晚于"):
        set_new_deadline(database, finding_id, new_deadline=TODAY, today=late)
    set_new_deadline(database, finding_id, new_deadline=late + dt.timedelta(days=7), today=late)
    with database.session() as session:
        assert session.get(Finding, finding_id).status == "pending"


def test_premature_failure_and_bad_input_leave_the_finding_unchanged(world) -> None:
    database, enterprise_id, officers = world
    finding_id, _ = add_finding(
        database, enterprise_id=enterprise_id, data=FindingInput(description="x"), deadline=30, today=TODAY
    )
    with pytest.raises(TransitionError, match="还未到"):
        reinspect(
            database,
            finding_id,
            passed=False,
            on=TODAY + dt.timedelta(days=1),
            new_deadline=TODAY + dt.timedelta(days=60),
            inspector_ids=officers,
            today=TODAY + dt.timedelta(days=1),
        )
    with pytest.raises(ValidationError, match="隐患描述"):
        add_finding(
            database, enterprise_id=enterprise_id, data=FindingInput(description=" "), deadline=7, today=TODAY
        )
    with pytest.raises(ValidationError, match="不能早于今天"):
        add_finding(
            database,
            enterprise_id=enterprise_id,
            data=FindingInput(description="y"),
            deadline=TODAY - dt.timedelta(days=1),
            today=TODAY,
        )
    with database.session() as session:
        finding = session.get(Finding, finding_id)
        assert finding.status == "pending" and not finding.reinspections
        assert session.query(Finding).count() == 1


def test_a_photo_that_is_not_an_image_is_refused_by_name(world, tmp_path: Path) -> None:
    database, enterprise_id, _ = world
    finding_id, _ = add_finding(
        database, enterprise_id=enterprise_id, data=FindingInput(description="z"), deadline=7, today=TODAY
    )
    fake = tmp_path / "<b>现场&照片.jpg"
    fake.write_bytes(b"not really a jpeg")
    with pytest.raises(ValidationError, match="现场"):
        attach_photo(database, tmp_path / "data", owner_kind="finding", owner_id=finding_id, source=fake)
    with database.session() as session:
        assert attachments_of(session, "finding", finding_id) == []


def test_changing_a_draft_answer_takes_the_finding_back_and_discard_cleans_up(world) -> None:
    database, enterprise_id, officers = world
    inspection_id = _start(database, enterprise_id, officers)
    item = _items(database)[0]
    created, _ = answer_item(database, inspection_id, item.id, "nonconform", today=TODAY)
    answer_item(database, inspection_id, item.id, "conform", today=TODAY)
    with database.session() as session:
        assert session.get(Finding, created).deleted
    with pytest.raises(ValidationError, match="未作答"):
        complete_inspection(database, inspection_id, ended_at=dt.datetime(2026, 11, 22, 10, 0))
    with pytest.raises(ValidationError, match="早于开始时间"):
        complete_inspection(
            database, inspection_id, ended_at=dt.datetime(2026, 11, 22, 8, 0), allow_unanswered=True
        )
    created, _ = answer_item(database, inspection_id, item.id, "nonconform", today=TODAY)
    discard_draft(database, inspection_id)
    with database.session() as session:
        assert session.get(Inspection, inspection_id).deleted
        assert session.get(Finding, created).deleted


def test_a_draft_survives_reopening_the_database(world, db_path) -> None:
    from hazdesk.store.database import open_database

    database, enterprise_id, officers = world
    inspection_id = _start(database, enterprise_id, officers)
    item = _items(database)[3]
    answer_item(database, inspection_id, item.id, "na", note="无液化烃储罐", today=TODAY)
    database.close()  # the window closes (or the laptop dies) mid-inspection
    again = open_database(db_path)
    try:
        with again.session() as session:
            inspection = session.get(Inspection, inspection_id)
            assert inspection.state == "draft"
            assert [(a.result, a.note) for a in inspection.answers] == [("na", "无液化烃储罐")]
    finally:
        again.close()


def test_only_untouched_findings_can_be_deleted(world) -> None:
    database, enterprise_id, _ = world
    finding_id, _ = add_finding(
        database, enterprise_id=enterprise_id, data=FindingInput(description="w"), deadline=7, today=TODAY
    )
    report_rectified(database, finding_id, on=TODAY)
    with pytest.raises(ValidationError, match="不能删除"):
        delete_finding(database, finding_id)


def test_a_reinspection_needs_two_officers_and_dates_that_make_sense(world) -> None:
    database, enterprise_id, officers = world
    finding_id, _ = add_finding(
        database, enterprise_id=enterprise_id, data=FindingInput(description="防雷检测过期"), deadline=7, today=TODAY
    )
    report_rectified(database, finding_id, on=TODAY + dt.timedelta(days=3))
    day = TODAY + dt.timedelta(days=10)
    refused = [
        (dict(on=day, today=day, inspector_ids=officers[:1]), "复查须有至少两名执法人员"),
        (dict(on=day, today=day, inspector_ids=[]), "复查须有至少两名执法人员"),
        (dict(on=day, today=day - dt.timedelta(days=1), inspector_ids=officers), "晚于今天"),
        (dict(on=dt.date(2000, 1, 1), today=day, inspector_ids=officers), "早于隐患发现日期"),
        (dict(on=TODAY + dt.timedelta(days=2), today=day, inspector_ids=officers), "早于企业报告整改完成的日期"),
    ]
    for kwargs, message in refused:
        with pytest.raises(ValidationError, match=message):
            reinspect(database, finding_id, passed=True, **kwargs)
    for new_deadline, message in ((day, "须晚于复查日期"), (day + dt.timedelta(days=1), "已经过去")):
        with pytest.raises(ValidationError, match=message):
            reinspect(
                database,
                finding_id,
                passed=False,
                on=day,
                new_deadline=new_deadline,
                inspector_ids=officers,
                today=day + dt.timedelta(days=5),
            )
    with database.session() as session:
        assert session.get(Finding, finding_id).status == "rectified"
        assert session.scalars(select(Reinspection)).all() == []
    reinspect(database, finding_id, passed=True, on=day, today=day, inspector_ids=officers)
    with database.session() as session:
        assert session.get(Finding, finding_id).status == "closed"


def test_a_photo_comes_off_only_while_its_inspection_is_a_draft(world, tmp_path) -> None:
    from PIL import Image

    from hazdesk.services.findings import attach_photo, remove_photo
    from hazdesk.store.models import Attachment

    database, enterprise_id, officers = world
    picture = tmp_path / "现场.jpg"
    Image.new("RGB", (64, 48), (200, 30, 30)).save(picture)
    inspection_id = _start(database, enterprise_id, officers)
    finding_id, _ = add_finding(
        database,
        enterprise_id=enterprise_id,
        inspection_id=inspection_id,
        data=FindingInput(description="消防通道堵塞"),
        deadline=7,
        today=TODAY,
    )
    wrong, _ = attach_photo(database, tmp_path, owner_kind="finding", owner_id=finding_id, source=picture)
    kept, _ = attach_photo(database, tmp_path, owner_kind="finding", owner_id=finding_id, source=picture)
    remove_photo(database, wrong)
    with pytest.raises(ValidationError, match="不存在或已移除"):
        remove_photo(database, wrong)
    complete_inspection(database, inspection_id, ended_at=dt.datetime(2026, 11, 22, 11, 0), allow_unanswered=True)
    with pytest.raises(ValidationError, match="执法证据"):
        remove_photo(database, kept)
    standalone, _ = add_finding(
        database, enterprise_id=enterprise_id, data=FindingInput(description="标志缺失"), deadline=7, today=TODAY
    )
    loose, _ = attach_photo(database, tmp_path, owner_kind="finding", owner_id=standalone, source=picture)
    with pytest.raises(ValidationError, match="执法证据"):
        remove_photo(database, loose)  # not in a draft: it may already have been sent
    with database.session() as session:
        assert {a.id for a in session.query(Attachment)} == {kept, loose}
