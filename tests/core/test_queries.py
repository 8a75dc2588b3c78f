"""The daily lists (overdue, due soon, awaiting re-inspection) and counts on a real database."""

from __future__ import annotations

import datetime as dt

import pytest

from hazdesk.store.models import Enterprise, Finding
from hazdesk.store.queries import (
    awaiting_reinspection,
    due_soon_findings,
    enterprise_findings,
    finding_counts,
    overdue_findings,
)

TODAY = dt.date(2026, 11, 22)


@pytest.fixture
def findings(database):
    """Two districts; each finding is named after what it should count as."""
    rows = [
        # (district, description, status, severity, deadline offset from today)
        ("320115", "overdue-old", "pending", "major", -30),
        ("320115", "overdue-yesterday", "failed", "general", -1),
        ("320115", "due-today", "pending", "general", 0),
        ("320115", "due-in-7", "pending", "general", 7),
        ("320115", "due-in-8", "pending", "general", 8),
        ("320115", "rectified-late", "rectified", "major", -5),  # waits for 复查: not overdue
        ("320115", "closed-late", "closed", "major", -50),
        ("320115", "deleted-overdue", "pending", "general", -3),
        ("320116", "other-district-overdue", "pending", "general", -2),
    ]
    with database.transaction() as session:
        enterprises = {}
        for district in ("320115", "320116"):
            enterprises[district] = Enterprise(
                uscc="91320115MA1W8K6X2B", name=f"企业{district}", district_code=district
            )
            session.add(enterprises[district])
        session.flush()
        for district, description, status, severity, offset in rows:
            session.add(
                Finding(
                    enterprise_id=enterprises[district].id,
                    district_code=district,
                    description=description,
                    status=status,
                    severity=severity,
                    found_on=TODAY - dt.timedelta(days=60),
                    deadline=TODAY + dt.timedelta(days=offset),
                    deleted=description.startswith("deleted"),
                )
            )
    return database, enterprises


def test_overdue_lists_owed_findings_past_their_deadline_oldest_first(findings) -> None:
    database, _ = findings
    with database.session() as session:
        rows = overdue_findings(session, today=TODAY, district_code="320115")
        assert [r.description for r in rows] == ["overdue-old", "overdue-yesterday"]
        assert [r.days_overdue(TODAY) for r in rows] == [30, 1]
        assert rows[0].enterprise_name == "企业320115"
        everywhere = overdue_findings(session, today=TODAY)
        assert [r.description for r in everywhere] == [
            "overdue-old",
            "other-district-overdue",
            "overdue-yesterday",
        ]
        assert [r.description for r in overdue_findings(session, today=TODAY, limit=1, offset=1)] == [
            "other-district-overdue"
        ]


def test_due_soon_includes_today_and_the_window_edge(findings) -> None:
    database, _ = findings
    with database.session() as session:
        rows = due_soon_findings(session, today=TODAY, within_days=7, district_code="320115")
        assert [r.description for r in rows] == ["due-today", "due-in-7"]


def test_awaiting_reinspection_and_enterprise_findings(findings) -> None:
    database, enterprises = findings
    with database.session() as session:
        assert [r.description for r in awaiting_reinspection(session, district_code="320115")] == [
            "rectified-late"
        ]
        open_rows = enterprise_findings(session, enterprises["320115"].id, open_only=True)
        assert "closed-late" not in {r.description for r in open_rows}
        assert "deleted-overdue" not in {r.description for r in open_rows}
        assert len(enterprise_findings(session, enterprises["320115"].id)) == 7


def test_counts(findings) -> None:
    database, _ = findings
    with database.session() as session:
        counts = finding_counts(session, today=TODAY, district_code="320115")
        assert counts.by_status == {"pending": 4, "rectified": 1, "closed": 1, "failed": 1}
        assert counts.overdue == 2
        assert counts.major_open == 2  # overdue-old and rectified-late; closed-late is closed
        assert counts.open == 6
        assert counts.due_soon == 2  # due-today and due-in-7; due-in-8 is outside the window
