"""Demo findings (隐患) and re-inspections (复查), each finding lived through its lifecycle up to "today".

For every finding the enterprise reports the rectification (mostly in time, some late, some never), an
inspector comes back, and the re-inspection passes or fails; a failure either sets a new deadline on
the spot (back to 待整改, as :func:`hazdesk.services.findings.reinspect` does) or leaves the finding
复查不合格 until the deadline is set later — weeks or months later when the case went on to a penalty.
A few findings slip through and are re-inspected only when the overdue list catches them, weeks or
months past the deadline. Nothing owed stays unattended for a year past its deadline, as in a district
that works its overdue list: old findings are closed, and what is still open was found in recent months.

Whatever has not happened by "today" has not happened yet, which is what leaves findings pending,
overdue, due soon, rectified awaiting re-inspection or failed. Every move is one
:func:`hazdesk.domain.lifecycle.transition` allows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache

from hazdesk.demo import texts
from hazdesk.demo.context import Context
from hazdesk.demo.inspections import Visit
from hazdesk.demo.rand import DemoRandom, Weighted, db_date, db_json, uuid_text
from hazdesk.domain.checklists import finding_prefill, get_template

FINDING_COLUMNS = (
    "id",
    "origin_device_id",
    "hlc",
    "enterprise_id",
    "district_code",
    "inspection_id",
    "item_id",
    "description",
    "location",
    "severity",
    "legal_basis",
    "measure",
    "found_on",
    "deadline",
    "status",
    "rectified_on",
    "closed_on",
)
REINSPECTION_COLUMNS = (
    "id",
    "origin_device_id",
    "hlc",
    "finding_id",
    "inspection_id",
    "reinspected_on",
    "result",
    "new_deadline",
    "note",
    "inspector_ids",
)
# Days to rectify (立即 = 0). 重大隐患 are ordered 立即 by default (see services.inspections) or given a month.
_DAYS = {"general": Weighted([(0, 10), (7, 25), (15, 40), (30, 25)]), "major": Weighted([(0, 35), (15, 20), (30, 45)])}
_NEW_DAYS = Weighted([(7, 30), (15, 40), (30, 30)])
DETAIL_SHARE = 0.4  # findings where the inspector added what was seen on site
LOST_SHARE = 0.05  # findings nobody came back for in time: what the overdue and 待复查 lists exist to catch
ON_THE_SPOT = 0.7  # failed re-inspections that set the new deadline there and then (back to 待整改)
PENALTY_SHARE = 0.4  # the others referred for a penalty: 复查不合格 until the case is decided
# Days past the deadline until a slipped finding is re-inspected, and from a failed re-inspection referred
# for a penalty until the case is decided and the new deadline set (90 days by law, extensions happen):
# mostly weeks to a few months, rarely most of a year.
_LATE = Weighted([((7, 30), 30), ((31, 60), 27), ((61, 120), 28), ((121, 240), 12), ((241, 330), 3)])
_PENALTY_DAYS = Weighted([((20, 60), 30), ((61, 120), 45), ((121, 240), 20), ((241, 330), 5)])
LATEST = 360  # days past its deadline by which anything still owed is acted on (re-inspected, re-ordered)


@dataclass
class FindingRows:
    findings: list[tuple[object, ...]] = field(default_factory=list)
    reinspections: list[tuple[object, ...]] = field(default_factory=list)
    notes: dict[tuple[str, int], str] = field(default_factory=dict)  # answer notes: (visit id, item index)


@dataclass(slots=True)
class Outcome:
    """Where a finding stands today, and every lifecycle move that brought it there."""

    status: str
    deadline: dt.date
    rectified_on: dt.date | None
    closed_on: dt.date | None
    events: list[tuple[dt.date, str, dt.date | None]]  # re-inspections: (on, pass/fail, new deadline set then)
    moves: list[tuple[str, dt.date, dt.date | None]]  # (state moved to, on, new deadline): for the tests

    def moved(self, status: str, on: dt.date, new_deadline: dt.date | None = None) -> None:
        self.moves.append((status, on, new_deadline))
        self.status = status
        if status == "rectified":
            self.rectified_on = on
        elif status == "closed":
            self.closed_on = on
        elif status == "pending":  # reopened with a new deadline: the old report no longer stands
            self.deadline, self.rectified_on = new_deadline or self.deadline, None


def make_findings(ctx: Context, visits: list[Visit], device: str) -> FindingRows:
    rng = ctx.rng("findings", visits[0].enterprise.district.code if visits else "")
    out = FindingRows()
    for visit in visits:
        if visit.picks:
            found_on, team = db_date(visit.day), db_json([uuid_text(i) for i in visit.team[:2]])
            for index in visit.picks:
                _one(ctx, rng, visit, index, found_on, team, device, out)
    return out


@cache
def _prefill(template: str, index: int) -> tuple[str, str, str, str]:
    """(statement without its full stop, severity, legal basis, measure) of a checklist item, once per item."""
    prefill = finding_prefill(get_template(template).items[index])
    stated = prefill["description"].rstrip("。？?")
    return stated, prefill["severity"], prefill["legal_basis"], prefill["measure"]


def _one(
    ctx: Context,
    rng: DemoRandom,
    visit: Visit,
    index: int | None,
    found_on: str,
    team: str,
    device: str,
    out: FindingRows,
) -> None:
    e = visit.enterprise
    if index is None:
        description, legal_basis, measure = rng.choice(texts.FREE_FORM)
        severity, location, item_id = "general", rng.choice(e.archetype.locations), None
    else:
        item = visit.template.data.items[index]
        stated, severity, legal_basis, measure = _prefill(visit.template.data.code, index)
        location = texts.location_for(rng, item.section, e.archetype.locations, e.unit_names)
        # Same wording as services.inspections makes from a 不符合 answer and its note.
        note = texts.detail(rng, item.section, location) if rng.chance(DETAIL_SHARE) else ""
        description = f"{stated}：{note}" if note else f"{stated}。"
        out.notes[visit.id, index] = note
        item_id = visit.template.item_ids[index]
    if severity == "major":
        visit.majors += 1
    outcome = simulate(rng, visit.day, rng.pick(_DAYS[severity]), severity == "major", ctx.today)
    finding_id = rng.uuid_hex()
    out.findings.append(
        (
            finding_id,
            device,
            next(ctx.stamps),
            e.id,
            e.district.code,
            visit.id,
            item_id,
            description,
            location,
            severity,
            legal_basis,
            measure,
            found_on,
            db_date(outcome.deadline),
            outcome.status,
            db_date(outcome.rectified_on),
            db_date(outcome.closed_on),
        )
    )
    for on, result, new_deadline in outcome.events:
        out.reinspections.append(
            (
                rng.uuid_hex(),
                device,
                next(ctx.stamps),
                finding_id,
                None,
                db_date(on),
                result,
                db_date(new_deadline),
                _note(result, new_deadline),
                team,
            )
        )


def _note(result: str, new_deadline: dt.date | None) -> str:
    if result == "pass":
        return "经复查，该隐患已整改完毕，符合要求，同意销号。"
    if new_deadline is None:
        return "经复查，该隐患未整改到位，另行确定整改期限；拟依法立案调查。"
    return (
        f"经复查，该隐患未整改到位，责令于{new_deadline.year}年{new_deadline.month}月{new_deadline.day}日前整改完毕。"
    )


def simulate(rng: DemoRandom, found: dt.date, days: int, major: bool, today: dt.date) -> Outcome:
    """The finding's history from ``found`` to ``today``; see the module docstring."""
    deadline = found + dt.timedelta(days=days)
    start = found
    out = Outcome("pending", deadline, None, None, [], [])
    for round_ in range(4):
        if round_ == 0 and rng.chance(LOST_SHARE):  # slipped through: back only when the overdue list says so
            report = found + dt.timedelta(days=rng.randint(1, max(1, days))) if rng.chance(0.4) else None
            visit = _working_day(_act_by(deadline, deadline + dt.timedelta(days=_days(rng, _LATE))))
        elif days == 0 and round_ == 0 and rng.chance(0.6):
            report = found  # put right while the inspectors were still there
            visit = found
        else:
            report, visit = _report_and_visit(rng, start, deadline)
        if report is not None and report > today:
            return out
        if report is not None:
            out.moved("rectified", report)
        if visit > today:
            return out
        on_time = report is not None and report <= deadline
        chance = 0.95 if round_ >= 2 else (0.9 if on_time else 0.8 if report else 0.35) - (0.1 if major else 0)
        if round_ == 3 or rng.chance(chance):
            out.events.append((visit, "pass", None))
            out.moved("closed", visit)
            return out
        out.moved("failed", visit)
        if rng.chance(ON_THE_SPOT):  # new deadline set on the spot: back to 待整改
            new_deadline = max(visit, deadline) + dt.timedelta(days=30 if major else rng.pick(_NEW_DAYS))
            out.events.append((visit, "fail", new_deadline))
            out.moved("pending", visit, new_deadline)
            start, deadline = visit, new_deadline
            continue
        out.events.append((visit, "fail", None))
        # The new order follows within days, or once the penalty case is decided.
        wait = _days(rng, _PENALTY_DAYS) if rng.chance(PENALTY_SHARE) else rng.randint(1, 20)
        set_on = max(visit + dt.timedelta(days=1), _act_by(deadline, visit + dt.timedelta(days=wait)))
        if set_on > today:
            return out
        deadline = max(set_on, deadline) + dt.timedelta(days=30 if major else rng.pick(_NEW_DAYS))
        out.moved("pending", set_on, deadline)
        start = set_on
    return out  # not reached: the fourth re-inspection always passes


def _days(rng: DemoRandom, spans: Weighted[tuple[int, int]]) -> int:
    low, high = rng.pick(spans)
    return rng.randint(low, high)


def _act_by(deadline: dt.date, day: dt.date) -> dt.date:
    """``day``, or the last day by which what is owed since ``deadline`` gets attention, if that is earlier."""
    return min(day, deadline + dt.timedelta(days=LATEST))


def _working_day(day: dt.date) -> dt.date:
    """Saturday and Sunday → the Monday after."""
    return day + dt.timedelta(days=7 - day.weekday()) if day.weekday() >= 5 else day


def _report_and_visit(rng: DemoRandom, start: dt.date, deadline: dt.date) -> tuple[dt.date | None, dt.date]:
    """When the enterprise reports the work done (None: never), and when an inspector comes to check."""
    allowed = max(1, (deadline - start).days)
    roll = rng.random()
    if roll < 0.8:
        report: dt.date | None = start + dt.timedelta(days=rng.randint(1, allowed))
    elif roll < 0.92:
        report = deadline + dt.timedelta(days=rng.randint(1, 20))
    else:
        report = None
    if report is None:
        visit = deadline + dt.timedelta(days=rng.randint(1, 10))
    elif rng.chance(0.7):
        visit = report + dt.timedelta(days=rng.randint(1, 10))
    else:
        visit = max(report, deadline) + dt.timedelta(days=rng.randint(0, 7))
    return report, _working_day(visit)
