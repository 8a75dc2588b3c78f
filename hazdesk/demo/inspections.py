"""Demo inspectors and inspections (现场检查): who went where and when, with which checklist, what they
answered, and which items turned into findings.

Visits are spread over the last few years with more of them recently (workloads grew), always on
working days in working hours, by two to four of the district's officers who were in service that day.
A visit's findings are drawn from the checklist items that apply to the enterprise (a trader has no
tank farm), with 重大隐患 items much rarer than general ones, as on real inspection records.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache

from hazdesk.demo import names
from hazdesk.demo.context import Context
from hazdesk.demo.enterprises import DemoEnterprise
from hazdesk.demo.names import DistrictInfo
from hazdesk.demo.rand import DemoRandom, Weighted, db_datetime
from hazdesk.domain.checklists import ChecklistItem, ChecklistTemplate, get_template
from hazdesk.domain.lifecycle import Severity

INSPECTOR_COLUMNS = (
    "id",
    "origin_device_id",
    "hlc",
    "name",
    "cert_no",
    "district_code",
    "bureau",
    "role",
    "phone",
    "active",
)
INSPECTION_COLUMNS = (
    "id",
    "origin_device_id",
    "hlc",
    "enterprise_id",
    "district_code",
    "template_id",
    "kind",
    "place",
    "started_at",
    "ended_at",
    "site_leader",
    "site_leader_title",
    "site_leader_phone",
    "summary",
    "state",
)
INSPECTION_INSPECTOR_COLUMNS = ("id", "origin_device_id", "hlc", "inspection_id", "inspector_id", "seq")
ANSWER_COLUMNS = ("id", "origin_device_id", "hlc", "inspection_id", "item_id", "result", "note")

_TEAM_SIZE = Weighted([(2, 80), (3, 17), (4, 3)])
_KINDS = Weighted([("routine", 72), ("special", 20), ("complaint", 4), ("joint", 4)])
_LIQUEFIED_HC = {"液化石油气", "丙烯", "1,3-丁二烯", "乙烯"}
_LIQUEFIED = _LIQUEFIED_HC | {"液氨", "液氯", "氯乙烯", "二甲醚"}
_TOXIC_GAS = {"光气", "液氯", "硫化氢"}
_PRODUCERS = {"producer", "gas"}
_CRITERION = re.compile(r"^MH-\d{2}$")
MAJOR_ITEM_WEIGHT = 0.05  # a 重大隐患 item is this many times as likely to fail as a general one
FREE_FORM_SHARE = 0.08  # findings noted outside the checklist


@dataclass(slots=True)
class DemoInspector:
    id: str
    name: str
    active_from: dt.date
    active_until: dt.date | None


@dataclass(frozen=True)
class Template:
    data: ChecklistTemplate
    id: str
    item_ids: tuple[str, ...]  # parallel to data.items


@dataclass(slots=True)
class Visit:
    id: str
    enterprise: DemoEnterprise
    day: dt.date
    kind: str
    template: Template
    team: list[str]
    picks: list[int | None]  # item indexes that became findings; None: a hazard outside the checklist
    applicable: tuple[bool, ...]
    draft: bool = False
    latest: bool = False
    findings: int = 0
    majors: int = 0


def make_inspectors(
    ctx: Context, district: DistrictInfo, count: int, device: str
) -> tuple[list[tuple[object, ...]], list[DemoInspector]]:
    rng = ctx.rng("inspectors", district.code)
    rows, people = [], []
    start = ctx.today - dt.timedelta(days=365 * ctx.scale.years)
    for index in range(count):
        joined = rng.randint(2008, ctx.today.year) if index >= 2 else rng.randint(2005, 2015)
        left = ctx.today - dt.timedelta(days=rng.randint(60, 700)) if index >= 2 and rng.chance(0.08) else None
        active_from = max(start, dt.date(joined, 3, 1))
        if left is not None and left <= active_from:
            left = None
        person = DemoInspector(rng.uuid_hex(), names.person_name(rng), active_from, left)
        cert_no = f"{district.code}{joined}{ctx.next_licence_serial('cert' + district.code, joined):04d}"
        role = "lead" if index < 2 else "inspector"
        rows.append(
            (
                person.id,
                device,
                next(ctx.stamps),
                person.name,
                cert_no,
                district.code,
                district.bureau,
                role,
                names.mobile(rng),
                int(left is None),
            )
        )
        people.append(person)
    return rows, people


def plan_visits(
    ctx: Context,
    district: DistrictInfo,
    enterprises: list[DemoEnterprise],
    inspectors: list[DemoInspector],
    templates: dict[str, Template],
    count: int,
    findings: int,
) -> list[Visit]:
    rng = ctx.rng("inspections", district.code)
    span = 365 * ctx.scale.years
    who = Weighted([(e, e.inspection_weight) for e in enterprises])
    visits = []
    for _ in range(count):
        enterprise = rng.pick(who)
        day = _working_day(ctx.today - dt.timedelta(days=int(span * rng.random() ** 1.35)))
        kind = rng.pick(_KINDS)
        code = "MH-2017-121" if kind == "special" and enterprise.archetype.plant else "HC-GENERAL"
        template = templates.get(code) or next(iter(templates.values()))
        active = [
            p.id for p in inspectors if p.active_from <= day and (p.active_until is None or day <= p.active_until)
        ]
        pool = active if len(active) >= 2 else [p.id for p in inspectors]  # the law asks for two at least
        team = rng.sample(pool, min(len(pool), rng.pick(_TEAM_SIZE)))
        visits.append(
            Visit(rng.uuid_hex(), enterprise, day, kind, template, team, [], applicability(template, enterprise))
        )
    visits.sort(key=lambda v: (v.day, v.id))
    for visit in visits[-max(1, count // 2000) :]:  # the last few are still being recorded
        visit.draft = True
    latest: dict[str, Visit] = {}
    for visit in visits:
        latest[visit.enterprise.id] = visit
    for visit in latest.values():
        visit.latest = True
    _pick_findings(rng, visits, findings)
    return visits


def _working_day(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=max(0, day.weekday() - 4))  # Saturday, Sunday → the Friday before


def _pick_findings(rng: DemoRandom, visits: list[Visit], target: int) -> None:
    special = [v for v in visits if not v.draft and v.template.data.code == "MH-2017-121"]
    general = [v for v in visits if not v.draft and v.template.data.code != "MH-2017-121"]
    mean = max(0.5, (target - 0.5 * len(special)) / max(1, len(general)))
    for visit in special:
        count = rng.pick(Weighted([(0, 60), (1, 30), (2, 10)]))
        _draw_items(rng, visit, count, weight_major=1.0)
    for visit in general:
        count = 0 if rng.chance(0.1) else max(1, round(rng.gammavariate(2.0, mean / 0.9 / 2.0)))
        _draw_items(rng, visit, count, weight_major=MAJOR_ITEM_WEIGHT)


def _draw_items(rng: DemoRandom, visit: Visit, count: int, *, weight_major: float) -> None:
    weights = _item_weights(visit.template.data.code, visit.applicable, weight_major)
    available = sum(visit.applicable)
    chosen: set[int] = set()
    for _ in range(count):
        if rng.chance(FREE_FORM_SHARE) and weight_major < 1.0:
            visit.picks.append(None)
        elif weights is not None and len(chosen) < available:
            index = rng.pick(weights)
            while index in chosen:
                index = rng.pick(weights)
            chosen.add(index)
            visit.picks.append(index)
    visit.findings = len(visit.picks)


@cache
def _item_weights(code: str, applicable: tuple[bool, ...], weight_major: float) -> Weighted[int] | None:
    items = get_template(code).items
    pairs = [
        (i, weight_major if item.severity_if_nonconforming == Severity.MAJOR else 1.0)
        for i, item in enumerate(items)
        if applicable[i]
    ]
    return Weighted(pairs) if pairs else None


def applicability(template: Template, enterprise: DemoEnterprise) -> tuple[bool, ...]:
    return _applicability(template.data.code, _signature(enterprise))


def _signature(e: DemoEnterprise) -> tuple[object, ...]:
    held = set(e.chemicals)
    return (
        e.archetype.code,
        e.archetype.plant,
        bool(e.key_processes),
        bool(e.mhs_levels),
        bool(e.mhs_levels) and min(e.mhs_levels) <= 2,
        bool(held & _LIQUEFIED_HC),
        bool(held & _LIQUEFIED),
        bool(held & _TOXIC_GAS),
        "storage" in e.roles,
    )


@cache
def _applicability(code: str, signature: tuple[object, ...]) -> tuple[bool, ...]:
    return tuple(_applies(item, signature) for item in get_template(code).items)


def _applies(item: ChecklistItem, signature: tuple[object, ...]) -> bool:
    kind, plant, process, mhs, mhs_high, lhc, liquefied, toxic, storage = signature
    producer = kind in _PRODUCERS
    criterion = item.major_criterion or (item.code if _CRITERION.match(item.code) else None)
    by_criterion = {
        "MH-03": process or mhs or toxic,
        "MH-04": process,
        "MH-05": mhs_high,
        "MH-06": lhc,
        "MH-07": liquefied,
        "MH-08": toxic,
        "MH-09": producer,
        "MH-13": producer,
        "MH-14": producer,
        "MH-19": producer,
        "MH-10": plant,
        "MH-11": plant,
        "MH-15": plant,
        "MH-02": plant,
        "MH-18": plant,
        "MH-20": storage,
    }
    if criterion in by_criterion:
        return bool(by_criterion[criterion])
    section = item.section
    rules = (
        ("重大危险源", mhs),
        ("自动化控制", producer or mhs),
        ("设备设施", plant),
        ("选址", producer or mhs),
        ("环保设施", kind in {"producer", "disposal"}),
        ("储存", storage),
        ("特殊作业", plant),
    )
    return next((bool(ok) for word, ok in rules if word in section), True)


def visit_rows(
    ctx: Context, visits: list[Visit], device: str
) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """Inspection and inspection_inspector rows (call after findings are made: the summary counts them)."""
    rng = ctx.rng("visit-rows", visits[0].enterprise.district.code if visits else "")
    inspections, links = [], []
    for visit in visits:
        e = visit.enterprise
        start = dt.datetime.combine(visit.day, dt.time(8, 30)) + dt.timedelta(minutes=10 * rng.randint(0, 39))
        end = None if visit.draft else start + dt.timedelta(minutes=10 * rng.randint(6, 21))
        if rng.chance(0.7):
            leader, phone = e.safety_contact, e.phone
        else:
            leader, phone = names.person_name(rng), names.mobile(rng)
        inspections.append(
            (
                visit.id,
                device,
                next(ctx.stamps),
                e.id,
                e.district.code,
                visit.template.id,
                visit.kind,
                e.archetype.places,
                db_datetime(start),
                db_datetime(end),
                leader,
                names.title(rng),
                phone,
                _summary(visit),
                "draft" if visit.draft else "completed",
            )
        )
        for seq, inspector_id in enumerate(visit.team):
            links.append((rng.uuid_hex(), device, next(ctx.stamps), visit.id, inspector_id, seq))
    return inspections, links


def _summary(visit: Visit) -> str:
    if visit.draft:
        return ""
    basis = f"检查组依据《{visit.template.data.name}》对{visit.enterprise.archetype.places}进行了现场检查，"
    if not visit.findings:
        return basis + "未发现明显事故隐患，已告知企业持续做好隐患排查治理工作。"
    major = f"（其中重大事故隐患{visit.majors}项）" if visit.majors else ""
    return basis + f"发现事故隐患{visit.findings}项{major}，已当场告知现场负责人，并依法下达责令限期整改指令书。"


def answer_rows(
    ctx: Context, visits: list[Visit], notes: dict[tuple[str, int], str], device: str
) -> list[tuple[object, ...]]:
    """Every item for an enterprise's latest inspection (if recent), else the 不符合 answers behind findings.

    ``notes`` maps (visit id, item index) to what the inspector wrote for a 不符合 answer.
    """
    rng = ctx.rng("answers", visits[0].enterprise.district.code if visits else "")
    recent = ctx.today - dt.timedelta(days=ctx.scale.full_answer_days)
    rows = []
    for visit in visits:
        ids = visit.template.item_ids
        failed = {i for i in visit.picks if i is not None}
        if visit.draft:  # answered the first part of the list so far
            for index in range(len(ids) * rng.randint(2, 6) // 10):
                result = "conform" if visit.applicable[index] else "na"
                rows.append((rng.uuid_hex(), device, next(ctx.stamps), visit.id, ids[index], result, ""))
        elif visit.latest and visit.day >= recent:
            for index, item_id in enumerate(ids):
                if index in failed:
                    result, note = "nonconform", notes.get((visit.id, index), "")
                else:
                    result, note = ("conform" if visit.applicable[index] else "na"), ""
                rows.append((rng.uuid_hex(), device, next(ctx.stamps), visit.id, item_id, result, note))
        else:
            for index in sorted(failed):
                rows.append(
                    (
                        rng.uuid_hex(),
                        device,
                        next(ctx.stamps),
                        visit.id,
                        ids[index],
                        "nonconform",
                        notes.get((visit.id, index), ""),
                    )
                )
    return rows
