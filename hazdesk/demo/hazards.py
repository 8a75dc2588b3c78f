"""Demo major hazard sources (重大危险源): production and storage units graded by GB 18218-2018.

Quantities are chosen backwards from a target S (Σ q/Q) so that most units are major hazards (S ≥ 1)
with a realistic spread, and a few sit just below the threshold (identified, not major). The stored
S, R, α, level, Q and β are then whatever :func:`hazdesk.domain.gb18218.assess_unit` says for the rounded
quantities — the demo never computes a grade itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from hazdesk.demo import names
from hazdesk.demo.chemistry import CHEMICALS, STORAGE_BY_CHEMICAL, STORAGE_UNITS, UnitTemplate, production_unit
from hazdesk.demo.context import Context
from hazdesk.demo.rand import DemoRandom, Weighted, db_json
from hazdesk.domain import gb18218
from hazdesk.domain.key_supervision import parse_level

MHS_COLUMNS = (
    "id",
    "origin_device_id",
    "hlc",
    "enterprise_id",
    "name",
    "unit_kind",
    "location",
    "people_within_500m",
    "s_value",
    "r_value",
    "alpha",
    "level",
    "responsible_persons",
    "record_no",
)
HAZARD_CHEMICAL_COLUMNS = (
    "id",
    "origin_device_id",
    "hlc",
    "source_id",
    "name",
    "cas",
    "hazard_class",
    "tonnes",
    "critical_tonnes",
    "beta",
)
_UNIT_COUNT = Weighted([(1, 60), (2, 28), (3, 9), (4, 3)])
_SPOTS = ("厂区东侧", "厂区西侧", "厂区南侧", "厂区北侧", "厂区东北角", "厂区西南角", "厂区中部", "二期厂区")
# Units an archetype without key processes plausibly has (producers also get their process units).
_STORAGE_FOR = {
    "gas": ("液氧储罐区", "氢气储罐区", "乙炔气瓶库"),
    "user": ("液氨储罐区", "氢气储罐区"),
    "lpg": ("液化烃球罐区",),
}


@dataclass
class HazardRows:
    sources: list[tuple[object, ...]] = field(default_factory=list)
    chemicals: list[tuple[object, ...]] = field(default_factory=list)

    def extend(self, other: HazardRows) -> None:
        self.sources.extend(other.sources)
        self.chemicals.extend(other.chemicals)


@dataclass
class EnterpriseHazards:
    rows: HazardRows
    levels: tuple[int, ...]  # one per unit that is a major hazard
    unit_names: tuple[str, ...]
    tonnes_by_chemical: dict[str, float]


@cache
def critical_tonnes(chemical: str) -> float:
    """Q of a chemical as the grader resolves it (one call per chemical, cached)."""
    chem = CHEMICALS[chemical]
    probe = gb18218.ChemicalInput(name=chem.name, cas=chem.cas, hazard_class=chem.hazard_class, tonnes=1)
    return gb18218.assess_unit("storage", 0, [probe]).chemicals[0].Q


def make_hazard_sources(
    ctx: Context,
    rng: DemoRandom,
    enterprise_id: str,
    device: str,
    archetype: str,
    processes: tuple[str, ...],
    chemicals: list[tuple[str, float | None]],
    people: int,
    legal_rep: str,
    district_code: str,
    *,
    major: bool,
) -> EnterpriseHazards:
    empty = EnterpriseHazards(HazardRows(), (), (), {})
    if not major:
        return empty
    templates = _candidate_units(archetype, processes, [c for c, _ in chemicals])
    if not templates:
        return empty
    count = min(rng.pick(_UNIT_COUNT), len(templates))
    rows = HazardRows()
    levels: list[int] = []
    unit_names: list[str] = []
    held: dict[str, float] = {}
    year = ctx.today.year - rng.randint(0, 6)
    for index, template in enumerate(rng.sample(templates, count), start=1):
        unit = _grade(rng, template, people)
        source_id = rng.uuid_hex()
        name = template.name if count == 1 else f"{index}#{template.name}"
        level = parse_level(unit.level) if unit.level else None
        if level is not None:
            levels.append(level)
        unit_names.append(name)
        persons = {"主要负责人": legal_rep, "技术负责人": names.person_name(rng), "操作负责人": names.person_name(rng)}
        serial = ctx.next_licence_serial(f"MHS{district_code}", year)
        rows.sources.append(
            (
                source_id,
                device,
                next(ctx.stamps),
                enterprise_id,
                name,
                unit.unit_kind,
                rng.choice(_SPOTS),
                people,
                unit.S,
                unit.R,
                unit.alpha,
                level,
                db_json(persons),
                f"{district_code}-{year}-{serial:03d}",
            )
        )
        for chem_name, result in unit.held:
            # Stored as the hazard-source service stores a graded unit: the grader's name (Table 1 wording).
            rows.chemicals.append(
                (
                    rng.uuid_hex(),
                    device,
                    next(ctx.stamps),
                    source_id,
                    result.name,
                    result.cas or "",
                    result.hazard_class or "",
                    result.tonnes,
                    result.Q,
                    result.beta,
                )
            )
            held[chem_name] = held.get(chem_name, 0.0) + result.tonnes
    return EnterpriseHazards(rows, tuple(sorted(levels)), tuple(unit_names), held)


def _candidate_units(archetype: str, processes: tuple[str, ...], chemicals: list[str]) -> list[UnitTemplate]:
    out = [u for u in (production_unit(p) for p in processes) if u.chemicals]
    wanted = _STORAGE_FOR.get(archetype)
    if wanted:
        out += [u for u in STORAGE_UNITS if u.name in wanted]
    else:
        for chem in chemicals:
            out += [u for u in STORAGE_BY_CHEMICAL.get(chem, ()) if u not in out]
        if not out:  # a producer or warehouse with only ungraded chemicals still keeps solvents in tanks
            out = [u for u in STORAGE_UNITS if u.name in {"溶剂罐区", "甲醇储罐区", "芳烃储罐区"}]
    return list(dict.fromkeys(out))


@dataclass
class _Graded:
    unit_kind: str
    S: float
    R: float
    alpha: float
    level: str | None
    held: list[tuple[str, gb18218.ChemicalResult]]


def _grade(rng: DemoRandom, template: UnitTemplate, people: int) -> _Graded:
    chosen = rng.sample(template.chemicals, rng.randint(1, min(4, len(template.chemicals))))
    # Target S: log-uniform 1.05–25 for most units, a few large ones, and some just under 1 (not major).
    roll = rng.random()
    target = (
        rng.log_uniform(1.05, 25) if roll < 0.86 else rng.log_uniform(25, 80) if roll < 0.9 else rng.uniform(0.4, 0.95)
    )
    shares = [rng.uniform(0.2, 1.0) for _ in chosen]
    total = sum(shares)
    inputs = []
    for chem_name, share in zip(chosen, shares, strict=True):
        chem = CHEMICALS[chem_name]
        tonnes = _round(target * share / total * critical_tonnes(chem_name))
        inputs.append(
            gb18218.ChemicalInput(name=chem.name, cas=chem.cas, hazard_class=chem.hazard_class, tonnes=tonnes)
        )
    unit = gb18218.assess_unit(template.kind, people, inputs)
    held = [(chosen[result.positions[0] - 1], result) for result in unit.chemicals]
    return _Graded(unit.unit_kind, unit.S, unit.R, unit.alpha, unit.level, held)


def _round(tonnes: float) -> float:
    """Design maxima as a file states them: 0.35 t, 4.8 t, 120 t."""
    if tonnes < 1:
        return round(tonnes, 2)
    if tonnes < 20:
        return round(tonnes, 1)
    return float(round(tonnes))
