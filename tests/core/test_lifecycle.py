"""Finding lifecycle: the full transition matrix, deadlines, overdue / due-soon on boundary days."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hazdesk.domain.lifecycle import (
    FindingStatus,
    Severity,
    allowed_targets,
    days_overdue,
    deadline_for,
    is_due_soon,
    is_open,
    is_overdue,
    label,
    transition,
)
from hazdesk.errors import TransitionError, ValidationError

P, R, C, F = FindingStatus.PENDING, FindingStatus.RECTIFIED, FindingStatus.CLOSED, FindingStatus.FAILED
TODAY = date(2026, 3, 10)
DEADLINE = date(2026, 3, 5)  # already passed on TODAY, so deadline rules never block the matrix below

ALLOWED = {(P, R), (P, C), (P, F), (R, C), (R, F), (F, P)}


def _kwargs(current: FindingStatus, target: FindingStatus) -> dict[str, date]:
    kw = {"today": TODAY, "deadline": DEADLINE}
    if (current, target) == (F, P):
        kw["new_deadline"] = TODAY + timedelta(days=15)
    return kw


def test_stored_codes_are_stable() -> None:
    assert [s.value for s in FindingStatus] == ["pending", "rectified", "closed", "failed"]
    assert [s.value for s in Severity] == ["general", "major"]
    assert FindingStatus("failed") is F


def test_labels() -> None:
    assert [label(s) for s in FindingStatus] == ["待整改", "已整改待复查", "复查合格", "复查不合格"]
    assert label(Severity.MAJOR) == "重大隐患" and label(Severity.GENERAL) == "一般隐患"
    assert label(C, "en") == "Passed re-inspection"
    assert all(label(v, "en") for v in [*FindingStatus, *Severity])


@pytest.mark.parametrize(("current", "target"), sorted(ALLOWED))
def test_allowed_transition(current: FindingStatus, target: FindingStatus) -> None:
    assert transition(current, target, **_kwargs(current, target)) is target
    assert target in allowed_targets(current)


FORBIDDEN = sorted(set(itertools.product(FindingStatus, repeat=2)) - ALLOWED)


def test_matrix_is_complete() -> None:
    assert len(ALLOWED) + len(FORBIDDEN) == 16
    assert {(s, t) for s in FindingStatus for t in allowed_targets(s)} == ALLOWED


@pytest.mark.parametrize(("current", "target"), FORBIDDEN)
def test_forbidden_transition(current: FindingStatus, target: FindingStatus) -> None:
    with pytest.raises(TransitionError) as exc:
        transition(current, target, **_kwargs(current, target))
    message = str(exc.value)
    assert f"「{label(current)}」" in message and f"「{label(target)}」" in message
    assert message.startswith("不能从")


def test_closed_is_final_and_says_to_open_a_new_finding() -> None:
    with pytest.raises(TransitionError, match=r"不能从「复查合格」改为「待整改」.*新的隐患"):
        transition(C, P, today=TODAY, deadline=DEADLINE)
    assert allowed_targets(C) == frozenset()


def test_transition_accepts_stored_codes() -> None:
    assert transition("pending", "rectified", today=TODAY) is R  # type: ignore[arg-type]


# --- pending → failed waits for the deadline ---


def test_pending_to_failed_before_deadline_is_refused() -> None:
    with pytest.raises(TransitionError, match="还未到"):
        transition(P, F, today=TODAY, deadline=TODAY + timedelta(days=1))


def test_pending_to_failed_on_deadline_day() -> None:
    assert transition(P, F, today=TODAY, deadline=TODAY) is F


def test_rectified_to_failed_before_deadline_is_allowed() -> None:
    assert transition(R, F, today=TODAY, deadline=TODAY + timedelta(days=5)) is F


def test_pending_to_closed_before_deadline_is_allowed() -> None:
    assert transition(P, C, today=TODAY, deadline=TODAY + timedelta(days=5)) is C


def test_pending_to_failed_needs_deadline() -> None:
    with pytest.raises(ValueError):
        transition(P, F, today=TODAY)


# --- failed → pending needs a new, later deadline ---


def test_reopen_without_new_deadline() -> None:
    with pytest.raises(TransitionError, match="新的整改期限"):
        transition(F, P, today=TODAY, deadline=DEADLINE)


@pytest.mark.parametrize("new", [DEADLINE, DEADLINE - timedelta(days=1)])
def test_new_deadline_must_be_later_than_old(new: date) -> None:
    with pytest.raises(ValidationError, match="必须晚于原整改期限") as exc:
        transition(F, P, today=DEADLINE - timedelta(days=3), deadline=DEADLINE, new_deadline=new)
    assert exc.value.field == "new_deadline"


def test_new_deadline_not_before_reinspection_day() -> None:
    with pytest.raises(ValidationError, match="不能早于复查日期"):
        transition(F, P, today=TODAY, deadline=DEADLINE, new_deadline=TODAY - timedelta(days=1))


def test_new_deadline_may_be_reinspection_day() -> None:
    assert transition(F, P, today=TODAY, deadline=DEADLINE, new_deadline=TODAY) is P


def test_new_deadline_refused_for_other_moves() -> None:
    with pytest.raises(ValidationError, match="不需要新的整改期限"):
        transition(P, R, today=TODAY, new_deadline=TODAY + timedelta(days=7))


def test_reopen_needs_old_deadline() -> None:
    with pytest.raises(ValueError):
        transition(F, P, today=TODAY, new_deadline=TODAY)


# --- deadlines ---


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        ("immediate", TODAY),
        (7, date(2026, 3, 17)),
        (15, date(2026, 3, 25)),
        (30, date(2026, 4, 9)),
        (date(2026, 6, 1), date(2026, 6, 1)),
        (TODAY, TODAY),
        (datetime(2026, 3, 12, 18, 30), date(2026, 3, 12)),
    ],
)
def test_deadline_for(choice: object, expected: date) -> None:
    assert deadline_for(choice, TODAY) == expected  # type: ignore[arg-type]


def test_deadline_crosses_year_end() -> None:
    assert deadline_for(30, date(2025, 12, 20)) == date(2026, 1, 19)


@pytest.mark.parametrize("choice", [0, 1, 10, 60, -7, True, "7", "tomorrow", None, 7.0])
def test_deadline_bad_choice(choice: object) -> None:
    with pytest.raises(ValidationError, match="整改期限只能选择"):
        deadline_for(choice, TODAY)  # type: ignore[arg-type]


def test_explicit_deadline_in_the_past() -> None:
    with pytest.raises(ValidationError, match="不能早于今天") as exc:
        deadline_for(TODAY - timedelta(days=1), TODAY)
    assert exc.value.field == "deadline"


# --- open / overdue / due soon ---


def test_is_open() -> None:
    assert [is_open(s) for s in FindingStatus] == [True, True, False, True]


@pytest.mark.parametrize(
    ("status", "deadline", "overdue", "days"),
    [
        (P, TODAY, False, 0),  # the deadline day itself is not overdue
        (P, TODAY - timedelta(days=1), True, 1),
        (P, TODAY - timedelta(days=40), True, 40),
        (P, TODAY + timedelta(days=1), False, 0),
        (F, TODAY - timedelta(days=2), True, 2),
        (R, TODAY - timedelta(days=2), False, 0),  # waiting for the inspector, not the enterprise
        (C, TODAY - timedelta(days=2), False, 0),
    ],
)
def test_overdue(status: FindingStatus, deadline: date, overdue: bool, days: int) -> None:
    assert is_overdue(status, deadline, TODAY) is overdue
    assert days_overdue(status, deadline, TODAY) == days


@pytest.mark.parametrize(
    ("offset", "within", "expected"),
    [(-1, 7, False), (0, 7, True), (1, 7, True), (7, 7, True), (8, 7, False), (0, 0, True), (1, 0, False)],
)
def test_due_soon_boundaries(offset: int, within: int, expected: bool) -> None:
    assert is_due_soon(P, TODAY + timedelta(days=offset), TODAY, within) is expected


@pytest.mark.parametrize("status", [R, C])
def test_due_soon_only_when_owed(status: FindingStatus) -> None:
    assert not is_due_soon(status, TODAY + timedelta(days=1), TODAY)


def test_due_soon_rejects_negative_window() -> None:
    with pytest.raises(ValueError):
        is_due_soon(P, TODAY, TODAY, -1)


# --- random walks ---


@given(
    steps=st.lists(st.tuples(st.integers(0, 10), st.integers(0, 30), st.integers(1, 30)), max_size=40),
    start=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1)),
)
def test_random_walk_stays_in_enum_and_closed_stays_closed(
    steps: list[tuple[int, int, int]], start: date
) -> None:
    status, today, deadline = P, start, start + timedelta(days=7)
    for pick, days_later, extension in steps:
        today += timedelta(days=days_later)
        targets = sorted(allowed_targets(status))
        if status is C:
            assert targets == []
            for target in FindingStatus:
                with pytest.raises(TransitionError):
                    transition(status, target, today=today, deadline=deadline)
            continue
        target = targets[pick % len(targets)]
        new_deadline = max(today, deadline + timedelta(days=1)) + timedelta(days=extension)
        if (status, target) == (P, F) and today < deadline:
            with pytest.raises(TransitionError):
                transition(status, target, today=today, deadline=deadline)
            continue
        kw = {"new_deadline": new_deadline} if (status, target) == (F, P) else {}
        status = transition(status, target, today=today, deadline=deadline, **kw)
        if kw:
            deadline = new_deadline
        assert status in set(FindingStatus)
