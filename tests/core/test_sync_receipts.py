"""Two districts → the office → receipts back, with the office on SQLite and on PostgreSQL.

Every record arrives once and equal; the office's corrections and plans reach the district they
concern and no other; acknowledged bundles are marked delivered and not sent again.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from hazdesk.store.models import (
    Enterprise,
    Inspection,
    InspectionInspector,
    InspectionPlan,
    Inspector,
    SyncBundle,
)
from hazdesk.sync.peers import enrolled_devices
from hazdesk.sync.records import specs
from tests.core.test_sync_support import Site, content, district_site, dump, empty_site, enroll, send, take_one


@pytest.fixture
def pg_database(pg_url: str) -> str:
    return pg_url  # tests/conftest.py makes a fresh database per test


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def office(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Site]:
    url = request.getfixturevalue("pg_database") if request.param == "postgres" else None
    site = empty_site(tmp_path, "office", role="office", url=url)
    yield site
    site.close()


def _drafts(site: Site) -> set[uuid.UUID]:
    with site.db.session() as session:
        return set(session.scalars(select(Inspection.id).where(Inspection.state == "draft")))


def _expected(site: Site) -> dict[str, dict[uuid.UUID, dict]]:
    drafts = _drafts(site)
    out = {}
    for table, rows in content(site.db).items():
        out[table] = {
            k: v
            for k, v in rows.items()
            if not (k in drafts if table == "inspection" else v.get("inspection_id") in drafts)
        }
    return out


def test_two_districts_to_the_office_and_receipts_back(
    office: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hazdesk.sync import peers

    monkeypatch.setattr(peers, "ACK_MARGIN_MS", 0)  # the demo rows are seconds old
    jiangning = district_site(tmp_path, "jiangning", "320115", seed=1)
    gaochun = district_site(tmp_path, "gaochun", "320118", seed=1)
    try:
        enroll(office, jiangning, gaochun)
        sent = {}
        for district in (jiangning, gaochun):
            sent[district.name] = send(district, tmp_path / f"to-office-{district.name}", to=office)
            result = take_one(office, sent[district.name].paths)
            assert result.status == "applied", result.message

        # Every record arrives once, with equal contents (shared checklist rows merge into one).
        expected: dict[str, dict[uuid.UUID, dict]] = {name: {} for name in specs()}
        for district in (jiangning, gaochun):
            for table, rows in _expected(district).items():
                for row_id, row in rows.items():
                    if row_id in expected[table]:
                        assert {k: v for k, v in row.items() if k not in ("hlc", "origin_device_id")} == {
                            k: v for k, v in expected[table][row_id].items() if k not in ("hlc", "origin_device_id")
                        }, (table, row_id)
                        merged = expected[table][row_id]
                        merged["hlc"] = max(merged["hlc"], row["hlc"])
                        merged["origin_device_id"] = min(merged["origin_device_id"], row["origin_device_id"])
                    else:
                        expected[table][row_id] = dict(row)
        got = content(office.db)
        for table in specs():
            assert got[table] == expected[table], table
        again = take_one(office, sent["jiangning"].paths)
        assert again.status == "already"

        # The office corrects a registry entry of 江宁, plans an inspection there, and adds an
        # inspector from 高淳 to a 江宁 inspection (a joint inspection).
        with jiangning.db.session() as session:
            target = session.scalars(select(Enterprise).order_by(Enterprise.name).limit(1)).one()
            inspection = session.scalars(select(Inspection).where(Inspection.state == "completed").limit(1)).one()
        with gaochun.db.session() as session:
            visitor = session.scalars(select(Inspector).limit(1)).one()
        with office.db.transaction() as session:
            session.get(Enterprise, target.id).address = "江宁区科学园路 1 号（市局更正）"
            session.add(InspectionPlan(district_code="320115", enterprise_id=target.id, title="二季度专项检查",
                                       due_on=dt.date(2026, 6, 30)))  # fmt: skip
            session.add(InspectionInspector(inspection_id=inspection.id, inspector_id=visitor.id, seq=9))

        with office.db.session() as session:
            devices = {d.device_id: d for d in enrolled_devices(session)}
        assert set(devices) == {jiangning.db.device_id, gaochun.db.device_id}
        for district in (jiangning, gaochun):
            receipt = send(office, tmp_path / f"receipt-{district.name}", to=district)
            assert receipt.encrypted
            result = take_one(district, receipt.paths)
            assert result.status == "applied", result.message
            assert result.acknowledged == 1
            with district.db.session() as session:
                assert session.get(SyncBundle, sent[district.name].bundle_id).status == "acknowledged"

        with jiangning.db.session() as session:
            assert session.get(Enterprise, target.id).address.endswith("（市局更正）")
            assert [p.title for p in session.scalars(select(InspectionPlan))] == ["二季度专项检查"]
            assert session.get(Inspector, visitor.id) is not None  # brought along for the joint inspection
            assert session.scalars(select(Enterprise).where(Enterprise.district_code == "320118")).first() is None
        with gaochun.db.session() as session:
            assert session.scalars(select(InspectionPlan)).first() is None
            assert session.get(Enterprise, target.id) is None

        # Delivered: the next export carries nothing the office already has, and no echo of its own edits.
        nothing = send(jiangning, tmp_path / "second", to=office)
        assert nothing.records == 0, nothing.counts
        before = dump(office.db, exclude=("sync_bundle", "sync_peer"))
        assert take_one(office, nothing.paths).status == "applied"
        assert dump(office.db, exclude=("sync_bundle", "sync_peer")) == before
    finally:
        jiangning.close()
        gaochun.close()


@pytest.mark.postgres
def test_a_hostile_bundle_leaves_the_postgres_office_unchanged(pg_database: str, tmp_path: Path) -> None:
    from tests.core.test_sync_support import forge, inner_stream, manifest_for, raw_member, records_lines

    office = empty_site(tmp_path, "office", role="office", url=pg_database)
    district = district_site(tmp_path, "jiangning", "320115", seed=1)
    try:
        enroll(office, district)
        assert take_one(office, send(district, tmp_path / "good", to=office).paths).status == "applied"
        before = dump(office.db, exclude=("sync_rejection",))
        with office.db.session() as session:
            enterprise = session.scalars(select(Enterprise).limit(1)).one()
        from hazdesk.sync.records import encode_value

        spec = specs()["enterprise"]
        row = {c.name: encode_value(c.kind, getattr(enterprise, c.name)) for c in spec.columns}
        row["name"] = "名" * 201  # longer than varchar(200): PostgreSQL would refuse it, so must we
        data = records_lines("enterprise", [row])
        bundle = uuid.uuid4()
        name = "records/enterprise.jsonl"
        inner = inner_stream(manifest_for(district, bundle, [(name, data)]), [raw_member(name, data)])
        result = take_one(office, forge(district, tmp_path / "bad", inner, bundle_id=bundle))
        assert result.status == "rejected" and "超过上限" in result.message
        assert dump(office.db, exclude=("sync_rejection",)) == before
    finally:
        district.close()
        office.close()
