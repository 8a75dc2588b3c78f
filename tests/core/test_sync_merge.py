"""Merging: field by field by HLC stamp, conflicts kept, evidence frozen, tombstones final — and, as a
property, any order of bundles (with repeats) converging to the same office state."""

from __future__ import annotations

import datetime as dt
import shutil
import uuid
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from hazdesk.store.models import Enterprise, Finding, SyncConflict, SyncFieldStamp
from hazdesk.sync import fieldstamps
from hazdesk.sync.merge import ImmutableChanged, Version, merge, still_open
from hazdesk.sync.records import specs
from tests.core.test_sync_support import Site, content, empty_site, enroll, send, take_one

A, B, C = "a" * 32, "b" * 32, "c" * 32


def version(values: dict[str, Any], stamps: dict[str, tuple[int, str, int]], **meta: Any) -> Version:
    full = {"id": uuid.UUID(int=1), "origin_device_id": uuid.UUID(A), "hlc": max(s[0] for s in stamps.values()),
            "deleted": False, **values, **meta}  # fmt: skip
    return Version(full, dict(stamps))


def test_later_stamp_wins_field_by_field_and_the_concurrent_loser_is_kept() -> None:
    local = version({"name": "甲", "address": "一路"}, {"name": (10, A, 1), "address": (30, A, 1)})
    incoming = version({"name": "乙", "address": "二路"}, {"name": (20, B, 1), "address": (25, B, 1)})
    outcome = merge("enterprise", ["name", "address"], local, incoming)
    assert outcome.values["name"] == "乙" and outcome.values["address"] == "一路"
    assert outcome.values["hlc"] == 30
    assert {(c.field, c.loser_value, c.winner_value) for c in outcome.conflicts} == {  # both are kept
        ("name", "甲", "乙"),
        ("address", "二路", "一路"),
    }
    reverse = merge("enterprise", ["name", "address"], incoming, local)
    assert reverse.values == outcome.values and reverse.stamps == outcome.stamps


def test_an_edit_made_on_top_of_the_other_or_replaced_by_its_own_author_is_no_conflict() -> None:
    local = version({"name": "甲"}, {"name": (10, A, 1)})
    incoming = version({"name": "乙"}, {"name": (20, B, 10)})  # B saw 甲 (stamp 10) and changed it
    [lost] = merge("enterprise", ["name"], local, incoming).conflicts
    assert lost.loser_stamp == (10, A, 1)
    assert not still_open(lost.loser_stamp, "甲", lost.winner_stamp, "乙", [])
    concurrent = (20, B, 1)
    assert still_open((10, A, 1), "甲", concurrent, "乙", [])
    # A replaced its own 甲 later (stamp 15); B's concurrent edit still won: only the later A value is open.
    assert not still_open((10, A, 1), "甲", concurrent, "乙", [(15, A, 1)])
    assert still_open((15, A, 1), "丙", concurrent, "乙", [(10, A, 1)])
    assert not still_open((10, A, 1), "乙", concurrent, "乙", [])  # nothing lost


def test_equal_clocks_are_decided_by_device_id() -> None:
    local = version({"name": "甲"}, {"name": (10, A, 1)})
    incoming = version({"name": "乙"}, {"name": (10, B, 1)})
    assert merge("enterprise", ["name"], local, incoming).values["name"] == "乙"
    assert merge("enterprise", ["name"], incoming, local).values["name"] == "乙"


def test_a_tombstone_stays_whatever_the_clock() -> None:
    local = version({"name": "甲"}, {"name": (50, A, 1)}, deleted=False)
    old = version({"name": "甲"}, {"name": (5, B, 1)}, deleted=True)
    assert merge("finding", ["name"], local, old).values["deleted"] is True
    assert merge("finding", ["name"], old, local).values["deleted"] is True


def test_evidence_is_immutable() -> None:
    local = version({"note": "合格"}, {"note": (10, A, 0)})
    assert merge("reinspection", ["note"], local, version({"note": "合格"}, {"note": (12, A, 0)})).values["hlc"] == 12
    with pytest.raises(ImmutableChanged) as error:
        merge("reinspection", ["note"], local, version({"note": "不合格"}, {"note": (99, A, 0)}))
    assert error.value.fields == ["note"]


def test_a_completed_inspection_beats_any_draft_and_keeps_the_draft_edit_as_a_conflict() -> None:
    done = version({"state": "completed", "summary": "完成"}, {"state": (20, A, 0), "summary": (15, A, 0)})
    draft = version({"state": "draft", "summary": "草稿改"}, {"state": (1, A, 0), "summary": (30, B, 0)})
    for left, right in ((done, draft), (draft, done)):
        outcome = merge("inspection", ["state", "summary"], left, right)
        assert outcome.values["state"] == "completed" and outcome.values["summary"] == "完成"
        assert ("summary", "草稿改") in [(c.field, c.loser_value) for c in outcome.conflicts]
    other = version({"state": "completed", "summary": "另一个"}, {"state": (21, B, 0), "summary": (21, B, 0)})
    with pytest.raises(ImmutableChanged):
        merge("inspection", ["state", "summary"], done, other)


def test_an_issued_document_can_be_voided_but_not_changed_or_deleted() -> None:
    fields = ["state", "void_reason", "number_text"]
    issued = version({"state": "issued", "void_reason": "", "number_text": "N1"},
                     {"state": (10, A, 0), "void_reason": (10, A, 0), "number_text": (10, A, 0)})  # fmt: skip
    voided = version({"state": "voided", "void_reason": "笔误", "number_text": "N1"},
                     {"state": (5, B, 0), "void_reason": (5, B, 0), "number_text": (10, A, 0)})  # fmt: skip
    for left, right in ((issued, voided), (voided, issued)):
        assert merge("document", fields, left, right).values["state"] == "voided"
    with pytest.raises(ImmutableChanged):
        merge("document", fields, issued, version({**issued.values, "number_text": "N2"}, issued.stamps))
    with pytest.raises(ImmutableChanged, match="deleted"):
        merge("document", fields, issued, version({**issued.values, "deleted": True}, issued.stamps))


def test_compact_stamps_round_trip() -> None:
    stamps = {"a": (5, A, 0), "b": (5, A, 0), "c": (9, B, 5)}
    stored = fieldstamps.compact(stamps, 9, A)
    assert stored == {"*": [5, A, 0], "c": [9, B, 5]}
    assert fieldstamps.expand(stored, ["a", "b", "c"], 9, A) == stamps
    assert fieldstamps.compact({"a": (9, A, 0)}, 9, A) is None


def test_local_edits_record_which_fields_changed(tmp_path: Path) -> None:
    site = empty_site(tmp_path, "laptop")
    try:
        with site.db.transaction() as session:
            enterprise = Enterprise(uscc="91320115MA1W8K6X2B", name="华联化工", district_code="320115")
            session.add(enterprise)
        with site.db.session() as session:
            assert session.get(SyncFieldStamp, ("enterprise", enterprise.id)) is None
            created = session.get(Enterprise, enterprise.id).hlc
        with site.db.transaction() as session:
            session.get(Enterprise, enterprise.id).address = "江宁区一路 1 号"
        with site.db.session() as session:
            row = session.get(Enterprise, enterprise.id)
            stored = session.get(SyncFieldStamp, ("enterprise", enterprise.id)).stamps
        me = site.db.device_id.hex
        fields = specs()["enterprise"].data_columns
        stamps = fieldstamps.expand(stored, fields, row.hlc, me)
        assert stamps["address"] == (row.hlc, me, 0)  # it replaced its own unsent value: the base stays
        assert stamps["name"] == (created, me, 0)
    finally:
        site.close()


# --- property: any order, with repeats, converges ----------------------------------------------
FIELDS = {
    "enterprise": {
        "name": st.sampled_from(["华联化工", "扬子石化", "金陵化工厂", "南钢气体"]),
        "address": st.sampled_from(["一路", "二路", "三路"]),
        "risk_colour": st.sampled_from([None, "red", "orange", "yellow", "blue"]),
        "notes": st.text(alphabet="隐患整改复查合格ab", max_size=6),
        "blacklisted": st.booleans(),
    },
    "finding": {
        "status": st.sampled_from(["pending", "rectified", "closed", "failed"]),
        "measure": st.sampled_from(["停用", "更换阀门", "增设报警仪"]),
        "deadline": st.dates(dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
    },
}
edit = st.one_of(
    st.tuples(st.just("edit"), st.integers(0, 2), st.sampled_from(["enterprise", "finding"]), st.integers(0, 2),
              st.data()),
    st.tuples(st.just("delete"), st.integers(0, 2), st.sampled_from(["enterprise", "finding"]), st.integers(0, 2),
              st.none()),
    st.tuples(st.just("export"), st.integers(0, 2), st.none(), st.none(), st.none()),
    st.tuples(st.just("create"), st.integers(0, 2), st.just("finding"), st.integers(0, 2), st.none()),
)  # fmt: skip


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory):
    """Three laptops of one district sharing base rows through the office, saved as files: each
    example starts from a copy, so examples are independent (and Hypothesis can shrink them)."""
    tmp = tmp_path_factory.mktemp("city")
    world = tmp / "world"
    world.mkdir()
    office = empty_site(world, "office", role="office")
    laptops = [empty_site(world, f"laptop{i}") for i in range(3)]
    enroll(office, *laptops)
    with laptops[0].db.transaction() as session:
        for i in range(3):
            enterprise = Enterprise(uscc=f"9132011500000000{i}X", name=f"企业{i}", district_code="320115")
            session.add(enterprise)
            session.flush()
            session.add(Finding(enterprise_id=enterprise.id, district_code="320115", description=f"隐患{i}",
                                found_on=dt.date(2026, 1, 5), deadline=dt.date(2026, 2, 5)))  # fmt: skip
    base = send(laptops[0], tmp / "base", to=office)
    assert take_one(office, base.paths).status == "applied"
    for laptop in laptops[1:]:
        receipt = send(office, tmp / f"receipt-{laptop.name}", to=laptop)
        assert take_one(laptop, receipt.paths).status == "applied"
    with laptops[0].db.session() as session:
        ids = {
            "enterprise": sorted(session.scalars(select(Enterprise.id))),
            "finding": sorted(session.scalars(select(Finding.id))),
        }
    for site in (office, *laptops):
        site.close()
    return tmp, world, ids


def _open(world: Path, name: str, role: str = "district") -> Site:
    from tests.core.test_sync_support import _site

    return _site(name, str(world / f"{name}.sqlite"), world / f"{name}-data", role)


def _copy_world(world: Path, target: Path) -> Path:
    shutil.copytree(world, target)
    return target


def _state(site: Site) -> tuple[Any, ...]:
    rows = content(site.db)
    with site.db.engine.connect() as connection:
        stamps = {}
        for table, spec in specs().items():
            stored = dict(connection.execute(
                select(SyncFieldStamp.row_id, SyncFieldStamp.stamps).where(SyncFieldStamp.table_name == table)
            ).all())  # fmt: skip
            for row_id, row in rows[table].items():
                stamps[(table, row_id)] = fieldstamps.expand(
                    stored.get(row_id), spec.data_columns, row["hlc"], row["origin_device_id"].hex
                )
        conflicts = sorted(
            connection.execute(
                select(SyncConflict.table_name, SyncConflict.row_id, SyncConflict.field, SyncConflict.loser_hlc,
                       SyncConflict.loser_device, SyncConflict.loser_value).where(SyncConflict.status == "open")
            ).all()
        )  # fmt: skip
    return rows, stamps, conflicts


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(edit, min_size=3, max_size=14), orders=st.randoms(use_true_random=False))
def test_any_order_of_bundles_with_repeats_converges(city, steps, orders) -> None:
    tmp, world, ids = city
    run = _copy_world(world, tmp / uuid.uuid4().hex[:8])
    laptops = [_open(run, f"laptop{i}") for i in range(3)]
    bundles: list[list[Path]] = []
    try:
        for action, device, table, index, data in steps:
            laptop = laptops[device]
            model = {"enterprise": Enterprise, "finding": Finding}.get(table or "")
            with laptop.db.transaction() as session:
                if action == "edit":
                    row = session.get(model, ids[table][index])
                    field = data.draw(st.sampled_from(sorted(FIELDS[table])))
                    setattr(row, field, data.draw(FIELDS[table][field]))
                elif action == "delete":
                    session.get(model, ids[table][index]).deleted = True
                elif action == "create":
                    session.add(Finding(enterprise_id=ids["enterprise"][index], district_code="320115",
                                        description=f"新隐患 {device}", found_on=dt.date(2026, 3, 1),
                                        deadline=dt.date(2026, 4, 1)))  # fmt: skip
            if action == "export":
                bundles.append(send(laptop, run / f"b{len(bundles)}").paths)
        bundles.extend(send(laptop, run / f"final-{laptop.name}").paths for laptop in laptops)
    finally:
        for laptop in laptops:
            laptop.close()

    states = []
    for attempt in range(2):
        office = _open(_copy_world(world, run / f"office{attempt}"), "office", "office")
        try:
            order = list(bundles) + [orders.choice(bundles) for _ in range(3)]  # with repeats
            orders.shuffle(order)
            for paths in order:
                result = take_one(office, paths)
                assert result.status in ("applied", "already"), result.message
            states.append(_state(office))
            for paths in bundles:
                assert take_one(office, paths).status == "already"
            assert _state(office) == states[-1]
        finally:
            office.close()
    assert states[0][:2] == states[1][:2]  # rows and their field stamps
    assert states[0][2] == states[1][2]  # the open conflicts


def test_concurrent_edits_on_two_laptops_end_in_the_conflict_list(city) -> None:
    tmp, world, ids = city
    run = _copy_world(world, tmp / "conflict")
    target = ids["enterprise"][0]
    laptops = [_open(run, f"laptop{i}") for i in (1, 2)]
    office = _open(run, "office", "office")
    try:
        results = []
        for laptop, name in zip(laptops, ("一号", "二号"), strict=True):
            with laptop.db.transaction() as session:
                session.get(Enterprise, target).notes = f"{name}笔记"
            results.append(take_one(office, send(laptop, run / laptop.name).paths))
        assert [r.status for r in results] == ["applied", "applied"]
        # The second laptop's bundle made the conflict, and its import says so.
        assert (results[0].conflicts, results[1].conflicts) == (0, 1)
        assert "冲突清单" in results[1].message
        with office.db.session() as session:
            conflicts = session.scalars(
                select(SyncConflict).where(SyncConflict.row_id == target, SyncConflict.status == "open")
            ).all()
            kept = session.get(Enterprise, target).notes
        assert [c.field for c in conflicts] == ["notes"]
        assert {conflicts[0].loser_value, conflicts[0].winner_value} == {"一号笔记", "二号笔记"}
        assert kept == conflicts[0].winner_value

        from hazdesk.sync.conflicts import list_conflicts, resolve_conflict

        [view] = list_conflicts(office.db)
        resolve_conflict(office.db, view.id, take_losing_value=True)
        with office.db.session() as session:
            assert session.get(Enterprise, target).notes == view.losing_value
        assert list_conflicts(office.db) == []
        # The office's decision travels back and wins on the laptop without a new conflict.
        receipt = send(office, run / "receipt", to=laptops[1])
        assert take_one(laptops[1], receipt.paths).status == "applied"
        with laptops[1].db.session() as session:
            assert session.get(Enterprise, target).notes == view.losing_value
            assert session.query(SyncConflict).filter(SyncConflict.status == "open").count() == 0
    finally:
        for site in (office, *laptops):
            site.close()
