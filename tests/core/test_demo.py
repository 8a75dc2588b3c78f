"""``hazdesk demo``: a small build checked through the real database — counts, codes, lifecycle, grading,
determinism, and that a database with data is refused untouched."""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from collections import defaultdict
from pathlib import Path

import pytest
from sqlalchemy import select

from hazdesk.cli import main
from hazdesk.demo import SCALES, BuildCancelled, build_demo, has_data
from hazdesk.demo import findings as findings_module
from hazdesk.demo.findings import simulate
from hazdesk.demo.rand import stream
from hazdesk.domain import gb18218, key_supervision, lifecycle, uscc
from hazdesk.domain.lifecycle import FindingStatus
from hazdesk.store import queries
from hazdesk.store.database import open_database
from hazdesk.store.models import Enterprise, Finding, Inspection, LocalSetting
from hazdesk.store.search import search_enterprises, search_keys

TODAY = dt.date(2026, 3, 16)  # a Monday
SEED = 7
TINY = SCALES["tiny"]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "tiny.sqlite"
    build_demo(path, "tiny", seed=SEED, today=TODAY)
    return path


def _rows(path: Path, sql: str, *args: object) -> list[tuple[object, ...]]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute(sql, args).fetchall()
    finally:
        connection.close()


def _dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every table's rows in primary-key order, without the clock stamps (they come from the wall clock)."""
    connection = sqlite3.connect(path)
    try:
        tables = [r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        out = {}
        for table in sorted(tables):
            columns = [r[1] for r in connection.execute(f"PRAGMA table_info({table})") if r[1] != "hlc"]
            rows = connection.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall()
            out[table] = sorted(rows, key=repr)
        return out
    finally:
        connection.close()


def test_counts_match_the_scale_and_the_report(tmp_path: Path) -> None:
    report = build_demo(tmp_path / "d.sqlite", "tiny", seed=SEED, today=TODAY)
    path = report.path
    for table, count in report.counts.items():
        assert _rows(path, f"SELECT count(*) FROM {table}")[0][0] == count, table
    assert report.counts["enterprise"] == TINY.enterprises
    assert report.counts["inspection"] == TINY.inspections
    assert 0.8 * TINY.findings <= report.counts["finding"] <= 1.2 * TINY.findings
    assert report.counts["inspector"] >= 8
    assert report.counts["major_hazard_source"] >= 1
    assert _rows(path, "SELECT count(*) FROM district")[0][0] == 11
    assert _rows(path, "SELECT count(*) FROM checklist_template")[0][0] >= 2
    assert not Path(f"{path}.partial").exists()


def test_database_is_sound_and_opens_as_a_hazdesk_database(tiny: Path) -> None:
    assert _rows(tiny, "PRAGMA integrity_check") == [("ok",)]
    assert _rows(tiny, "PRAGMA foreign_key_check") == []
    assert _rows(tiny, "PRAGMA journal_mode")[0][0] == "wal"
    db = open_database(tiny)
    try:
        assert db.report.backup is None  # already at head: nothing to migrate
        with db.session() as session:
            enterprise = session.scalars(select(Enterprise).order_by(Enterprise.name)).first()
            assert enterprise is not None
            assert isinstance(enterprise.roles, list) and enterprise.roles
            assert all({"kind", "number", "valid_until"} <= set(lic) for lic in enterprise.licences)
            finding = session.scalars(select(Finding)).first()
            assert finding is not None and isinstance(finding.deadline, dt.date)
            inspection = session.scalars(select(Inspection)).first()
            assert inspection is not None and isinstance(inspection.started_at, dt.datetime)
            # the file is the district's laptop in the demo
            device = session.get(LocalSetting, "device_id")
            assert device is not None
            assert _rows(
                tiny, "SELECT role, district_code FROM device WHERE id = ?", device.value.replace("-", "")
            ) == [("district", "320115")]
    finally:
        db.close()


def test_every_uscc_is_valid_unique_and_in_the_district(tiny: Path) -> None:
    rows = _rows(tiny, "SELECT uscc, name, district_code FROM enterprise")
    assert all(uscc.is_valid(code) and code[2:8] == district for code, _, district in rows)
    assert len({code for code, _, _ in rows}) == len(rows)
    assert len({name for _, name, _ in rows}) == len(rows)
    assert {district for _, _, district in rows} == {"320115"}


def test_pinyin_keys_are_filled_and_searchable(tiny: Path) -> None:
    rows = _rows(tiny, "SELECT name, name_pinyin, name_initials FROM enterprise")
    assert all((pinyin, initials) == search_keys(name) for name, pinyin, initials in rows)
    name, _, initials = rows[0]
    db = open_database(tiny)
    try:
        with db.session() as session:
            hits = search_enterprises(session, initials.split()[0])
        assert name in [hit.name for hit in hits]
    finally:
        db.close()


def test_findings_cover_every_state_and_deadlines_spread_around_today(tiny: Path) -> None:
    rows = _rows(tiny, "SELECT status, severity, deadline FROM finding")
    assert {status for status, _, _ in rows} == {s.value for s in FindingStatus}
    assert {severity for _, severity, _ in rows} == {"general", "major"}
    db = open_database(tiny)
    try:
        with db.session() as session:
            assert queries.overdue_findings(session, today=TODAY)
            assert queries.due_soon_findings(session, today=TODAY, within_days=7)
            later = [d for s, _, d in rows if s == "pending" and dt.date.fromisoformat(d) > TODAY + dt.timedelta(7)]
            assert later, "some deadlines are further away than a week"
    finally:
        db.close()


def test_inspections_have_two_inspectors_in_working_hours(tiny: Path) -> None:
    teams = dict(_rows(tiny, "SELECT inspection_id, count(*) FROM inspection_inspector GROUP BY inspection_id"))
    inspections = _rows(tiny, "SELECT id, started_at, ended_at, state, template_id FROM inspection")
    assert len(teams) == len(inspections)
    assert min(teams.values()) >= 2
    for _id, started, ended, state, template in inspections:
        start = dt.datetime.fromisoformat(started)
        assert start.weekday() < 5 and dt.time(8, 30) <= start.time() <= dt.time(15, 0)
        assert start.date() <= TODAY and template is not None
        if state == "completed":
            end = dt.datetime.fromisoformat(ended)
            assert start < end and end.time() <= dt.time(18, 30)
        else:
            assert ended is None
    assert {state for *_, state, _ in inspections} == {"completed", "draft"}


def test_findings_from_items_have_nonconforming_answers(tiny: Path) -> None:
    missing = _rows(
        tiny,
        "SELECT f.id FROM finding f LEFT JOIN inspection_answer a"
        " ON a.inspection_id = f.inspection_id AND a.item_id = f.item_id"
        " WHERE f.item_id IS NOT NULL AND (a.id IS NULL OR a.result != 'nonconform')",
    )
    assert missing == []
    # major findings come from items that make 重大隐患, and copy the item's basis and measure
    mismatched = _rows(
        tiny,
        "SELECT f.id FROM finding f JOIN checklist_item i ON i.id = f.item_id"
        " WHERE f.severity != i.severity_if_nonconforming OR f.legal_basis != i.legal_basis"
        " OR f.measure != i.default_measure",
    )
    assert mismatched == []


def test_simulated_histories_obey_the_lifecycle_rules() -> None:
    """Every move the generator makes is one lifecycle.transition allows, on the day it happens."""
    rng = stream(SEED, "test-lifecycle")
    seen = set()
    for _ in range(5_000):
        found = TODAY - dt.timedelta(days=rng.randint(0, 400))
        days = rng.choice((0, 7, 15, 30))
        outcome = simulate(rng, found, days, rng.chance(0.2), TODAY)
        state, deadline = FindingStatus.PENDING, found + dt.timedelta(days=days)
        for target, on, new_deadline in outcome.moves:
            assert found <= on <= TODAY
            state = lifecycle.transition(state, target, today=on, deadline=deadline, new_deadline=new_deadline)
            deadline = new_deadline or deadline
        assert (state.value, deadline) == (outcome.status, outcome.deadline)
        verdicts = ["pass" if t == "closed" else "fail" for t, *_ in outcome.moves if t in ("closed", "failed")]
        assert verdicts == [result for _, result, _ in outcome.events]
        seen.add(outcome.status)
    assert seen == {s.value for s in FindingStatus}


def test_stored_findings_agree_with_their_reinspections(tiny: Path) -> None:
    history: dict[str, list[tuple[str, str, str | None]]] = defaultdict(list)
    for finding_id, on, result, new_deadline in _rows(
        tiny, "SELECT finding_id, reinspected_on, result, new_deadline FROM reinspection ORDER BY reinspected_on, hlc"
    ):
        history[finding_id].append((on, result, new_deadline))
    reopened = 0
    for finding_id, status, found_on, deadline, rectified_on, closed_on in _rows(
        tiny, "SELECT id, status, found_on, deadline, rectified_on, closed_on FROM finding"
    ):
        events = history.get(finding_id, [])
        assert found_on <= deadline and all(found_on <= on <= TODAY.isoformat() for on, _, _ in events)
        assert all(new is None for _, result, new in events if result == "pass")  # the DB CHECK, too
        assert all(result == "fail" for _, result, _ in events[:-1])  # 复查合格 is final
        if status == "closed":  # 复查合格: the last re-inspection passed, on the day it was closed
            assert events[-1][:2] == (closed_on, "pass")
            assert rectified_on is None or rectified_on <= closed_on
        else:
            assert closed_on is None and all(result == "fail" for _, result, _ in events)
        if status == "failed":  # 复查不合格, no new deadline yet
            assert events[-1][1:] == ("fail", None)
        if status in ("pending", "rectified") and events and events[-1][2] is not None:
            assert deadline == events[-1][2]  # reopened with the deadline the re-inspection set
        if status == "rectified":
            assert rectified_on is not None and rectified_on <= TODAY.isoformat()
        if status == "pending":
            assert rectified_on is None
            reopened += bool(events)
    assert reopened >= 1, "some findings went back to 待整改 after a failed re-inspection"


def _age_and_status(path: Path, today: dt.date) -> dict[str, float]:
    """Checks every finding's dates are in order; returns figures on how status depends on age."""
    last_check: dict[str, str] = {}
    for finding_id, on in _rows(path, "SELECT finding_id, max(reinspected_on) FROM reinspection GROUP BY finding_id"):
        last_check[finding_id] = on
    first_check = dict(_rows(path, "SELECT finding_id, min(reinspected_on) FROM reinspection GROUP BY finding_id"))
    overdue, old, old_open = [], 0, 0
    for finding_id, status, found_on, deadline, rectified_on, closed_on in _rows(
        path, "SELECT id, status, found_on, deadline, rectified_on, closed_on FROM finding"
    ):
        # found_on <= rectified <= re-inspected (closed), deadline >= found_on, nothing after today
        assert found_on <= deadline
        assert found_on <= first_check.get(finding_id, found_on)
        assert last_check.get(finding_id, found_on) <= today.isoformat()
        if rectified_on is not None:
            assert found_on <= rectified_on <= today.isoformat()
            if status == "rectified":  # reported after the last re-inspection that sent it back
                assert last_check.get(finding_id, found_on) <= rectified_on
        if status == "closed":
            assert closed_on == last_check[finding_id] and (rectified_on or found_on) <= closed_on
        if status in ("pending", "failed") and deadline < today.isoformat():
            overdue.append((today - dt.date.fromisoformat(deadline)).days)
        if (today - dt.date.fromisoformat(found_on)).days > 365:
            old += 1
            old_open += status != "closed"
    return {
        "overdue": len(overdue),
        "max_overdue_days": max(overdue, default=0),
        "overdue_within_120_days": sum(days <= 120 for days in overdue) / max(1, len(overdue)),
        "old_open_share": old_open / max(1, old),
    }


def test_old_findings_are_closed_and_overdue_ones_recent(tiny: Path) -> None:
    figures = _age_and_status(tiny, TODAY)
    assert figures["overdue"] > 0
    assert figures["max_overdue_days"] <= 365
    assert figures["old_open_share"] < 0.02


def test_simulated_status_depends_on_age() -> None:
    """Over three years of findings: the old ones are closed, overdue means weeks or months, never years."""
    rng = stream(SEED, "test-age")
    overdue, old, old_open, recent_open = [], 0, 0, 0
    for _ in range(20_000):
        found = TODAY - dt.timedelta(days=int(3 * 365 * rng.random()))
        outcome = simulate(rng, found, rng.choice((0, 7, 15, 30)), rng.chance(0.2), TODAY)
        age = (TODAY - found).days
        if outcome.status in ("pending", "failed") and outcome.deadline < TODAY:
            overdue.append((TODAY - outcome.deadline).days)
        if age > 365:
            old += 1
            old_open += outcome.status != "closed"
        elif age <= 90:
            recent_open += outcome.status != "closed"
    assert max(overdue) <= 365
    assert sum(days <= 120 for days in overdue) >= 0.75 * len(overdue)  # mostly weeks to a few months late
    assert sum(days > 120 for days in overdue) >= 1  # and a few long ones
    assert old_open < 0.02 * old
    assert recent_open > 10 * old_open  # what is open was found in the last months


def test_hazard_sources_are_graded_as_gb18218_grades_them(tiny: Path) -> None:
    sources = _rows(
        tiny, "SELECT id, unit_kind, people_within_500m, s_value, r_value, alpha, level FROM major_hazard_source"
    )
    assert sources
    for source_id, kind, people, s_value, r_value, alpha, level in sources:
        chemicals = _rows(
            tiny,
            "SELECT name, cas, hazard_class, tonnes, critical_tonnes, beta FROM hazard_source_chemical"
            " WHERE source_id = ?",
            source_id,
        )
        assert 1 <= len(chemicals) <= 4
        fresh = gb18218.assess_unit(
            kind,
            people,
            [
                gb18218.ChemicalInput(name=n, cas=c or None, hazard_class=h or None, tonnes=t)
                for n, c, h, t, _, _ in chemicals
            ],
        )
        assert level == (key_supervision.parse_level(fresh.level) if fresh.level else None)
        assert (s_value, r_value, alpha) == pytest.approx((fresh.S, fresh.R, fresh.alpha))
        assert [(q, b) for *_, q, b in chemicals] == [(c.Q, c.beta) for c in fresh.chemicals]
    assert sum(1 for *_, level in sources if level is not None) > len(sources) / 2  # most are major hazards


def test_key_supervision_flags_follow_the_stored_file(tiny: Path) -> None:
    chemicals = defaultdict(list)
    for enterprise_id, name, cas in _rows(tiny, "SELECT enterprise_id, name, cas FROM enterprise_chemical"):
        chemicals[enterprise_id].append((name, cas or None))
    levels = defaultdict(list)
    for enterprise_id, level in _rows(
        tiny, "SELECT enterprise_id, level FROM major_hazard_source WHERE level IS NOT NULL"
    ):
        levels[enterprise_id].append(level)
    db = open_database(tiny)
    try:
        with db.session() as session:
            for e in session.scalars(select(Enterprise)):
                flags = key_supervision.assess(e.key_processes, chemicals[e.id.hex], levels[e.id.hex])
                assert (e.involves_key_process, e.involves_key_chemical, e.has_major_hazard) == (
                    flags.involves_key_process,
                    flags.involves_key_chemical,
                    flags.has_major_hazard,
                )
    finally:
        db.close()


def test_same_seed_same_data_other_seed_other_data(tmp_path: Path, tiny: Path) -> None:
    again = build_demo(tmp_path / "again.sqlite", "tiny", seed=SEED, today=TODAY).path
    assert _dump(again) == _dump(tiny)
    other = build_demo(tmp_path / "other.sqlite", "tiny", seed=SEED + 1, today=TODAY).path
    names = {r[0] for r in _rows(other, "SELECT name FROM enterprise")}
    assert names != {r[0] for r in _rows(tiny, "SELECT name FROM enterprise")}


def test_cli_refuses_a_database_with_data_and_leaves_it_unchanged(
    tiny: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = hashlib.sha256(tiny.read_bytes()).hexdigest()
    code = main(["demo", "--db", str(tiny), "--scale", "tiny", "--today", TODAY.isoformat(), "--quiet"])
    assert code == 1
    assert "已有数据，演示数据只能写入新数据库" in capsys.readouterr().err
    assert hashlib.sha256(tiny.read_bytes()).hexdigest() == before


def test_cli_builds_a_new_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "cli.sqlite"
    assert main(["demo", "--db", str(path), "--scale", "tiny", "--seed", "3", "--today", "2026-03-16", "--quiet"]) == 0
    out = capsys.readouterr()
    assert "演示数据已写入" in out.out and out.err == ""
    assert has_data(path)


def test_cancel_leaves_no_file(tmp_path: Path) -> None:
    path = tmp_path / "cancelled.sqlite"
    with pytest.raises(BuildCancelled):
        build_demo(path, "tiny", seed=SEED, today=TODAY, cancel=lambda: True)
    assert list(tmp_path.iterdir()) == []


def test_a_failed_build_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Foreign keys are checked once at the end of a new file's load; a broken row fails the whole build."""
    real = findings_module.make_findings

    def broken(*args: object, **kwargs: object) -> findings_module.FindingRows:
        rows = real(*args, **kwargs)  # type: ignore[arg-type]
        rows.findings[0] = (*rows.findings[0][:3], "0" * 32, *rows.findings[0][4:])  # no such enterprise
        return rows

    monkeypatch.setattr(findings_module, "make_findings", broken)
    with pytest.raises(RuntimeError, match="foreign keys"):
        build_demo(tmp_path / "broken.sqlite", "tiny", seed=SEED, today=TODAY)
    assert list(tmp_path.iterdir()) == []


def test_fills_an_empty_database_in_place_or_not_at_all(tmp_path: Path) -> None:
    path = tmp_path / "fresh.sqlite"
    open_database(path).close()  # what the desktop's first start leaves behind
    own_device = _rows(path, "SELECT value FROM local_setting WHERE key = 'device_id'")
    calls = iter(range(10**6))
    with pytest.raises(BuildCancelled):  # cancelled half-way: one transaction, rolled back
        build_demo(path, "tiny", seed=SEED, today=TODAY, cancel=lambda: next(calls) > 5)
    assert not has_data(path)
    build_demo(path, "tiny", seed=SEED, today=TODAY)
    assert has_data(path)
    assert _rows(path, "SELECT value FROM local_setting WHERE key = 'device_id'") == own_device
    assert _rows(path, "PRAGMA foreign_key_check") == []


@pytest.mark.slow
def test_district_scale(tmp_path: Path) -> None:
    report = build_demo(tmp_path / "district.sqlite", "district", seed=1, today=TODAY)
    assert report.counts["enterprise"] == 3_000
    assert report.counts["inspection"] == 10_000
    assert 45_000 <= report.counts["finding"] <= 55_000
    assert _rows(report.path, "PRAGMA foreign_key_check") == []
    assert {status for (status,) in _rows(report.path, "SELECT DISTINCT status FROM finding")} == {
        s.value for s in FindingStatus
    }
    figures = _age_and_status(report.path, TODAY)
    assert figures["overdue"] >= 100
    assert figures["max_overdue_days"] <= 365
    assert figures["overdue_within_120_days"] >= 0.8
    assert figures["old_open_share"] < 0.02
