"""Demo enterprises (一企一档): kinds of business, names, codes, licences, chemicals and risk grades.

An :class:`Archetype` is a kind of business (producer, 加油站, 带储存经营…). Its share differs between
urban, suburban and industrial districts, and it decides roles, industry, licence, the chemicals held
and how likely major hazard sources and key processes are, so the pieces of one file fit together.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from hazdesk.demo import names
from hazdesk.demo.archetypes import (
    ARCHETYPES,
    SAFETY_LICENCE,
    TRADE_LICENCE,
    TRANSPORT_LICENCE,
    USE_LICENCE,
    WASTE_LICENCE,
    Archetype,
)
from hazdesk.demo.chemistry import CHEMICALS, PROCESS_CHEMICALS, PROCESS_WEIGHTS
from hazdesk.demo.context import Context
from hazdesk.demo.hazards import HazardRows, make_hazard_sources
from hazdesk.demo.names import DistrictInfo
from hazdesk.demo.rand import DemoRandom, Weighted, db_json
from hazdesk.domain import key_supervision, uscc
from hazdesk.store.search import search_keys

_PROFILE_INDEX = {"urban": 0, "suburban": 1, "industrial": 2}
_PROCESSES = Weighted(list(PROCESS_WEIGHTS.items()))
_LICENCE_CODES = {SAFETY_LICENCE: "WH安许证字", TRADE_LICENCE: "危化经字", USE_LICENCE: "WH使许证字"}
_BLACKLIST_REASONS = (
    "拒不执行责令限期整改指令，经复查重大事故隐患仍未整改，依法列入安全生产严重失信主体名单",
    "发生生产安全事故后瞒报，依法列入安全生产严重失信主体名单",
    "未取得许可擅自经营危险化学品，依法列入安全生产严重失信主体名单",
)


@dataclass(slots=True)
class DemoEnterprise:
    """What later stages (inspections, findings) need to know about an enterprise."""

    id: str
    name: str
    district: DistrictInfo
    archetype: Archetype
    roles: tuple[str, ...]
    key_processes: tuple[str, ...]
    chemicals: tuple[str, ...]
    mhs_levels: tuple[int, ...]
    unit_names: tuple[str, ...]
    risk_colour: str
    safety_contact: str
    phone: str
    inspection_weight: float = field(default=1.0)


@dataclass
class EnterpriseRows:
    enterprises: list[tuple[object, ...]] = field(default_factory=list)
    chemicals: list[tuple[object, ...]] = field(default_factory=list)
    hazards: HazardRows = field(default_factory=HazardRows)
    made: list[DemoEnterprise] = field(default_factory=list)


ENTERPRISE_COLUMNS = (
    "id",
    "origin_device_id",
    "hlc",
    "uscc",
    "name",
    "district_code",
    "address",
    "longitude",
    "latitude",
    "industry",
    "legal_representative",
    "safety_contact",
    "phone",
    "roles",
    "in_chemical_park",
    "chemical_park",
    "population_dense_area",
    "licences",
    "standardization_grade",
    "risk_colour",
    "monitoring_level",
    "blacklisted",
    "blacklist_reason",
    "commissioned_year",
    "key_processes",
    "involves_key_process",
    "involves_key_chemical",
    "has_major_hazard",
    "name_pinyin",
    "name_initials",
    "notes",
)
ENTERPRISE_CHEMICAL_COLUMNS = ("id", "origin_device_id", "hlc", "enterprise_id", "name", "cas", "usage", "max_tonnes")


def make_enterprises(ctx: Context, district: DistrictInfo, count: int, device: str) -> EnterpriseRows:
    rng = ctx.rng("enterprises", district.code)
    mix = Weighted([(a, a.mix[_PROFILE_INDEX[district.profile]]) for a in ARCHETYPES])
    out = EnterpriseRows()
    for _ in range(count):
        _one(ctx, rng, district, rng.pick(mix), device, out)
    return out


def _one(
    ctx: Context, rng: DemoRandom, district: DistrictInfo, kind: Archetype, device: str, out: EnterpriseRows
) -> None:
    enterprise_id = rng.uuid_hex()
    park = None
    if kind.plant and district.chemical_parks and kind.code in {"producer", "gas", "logistics"}:
        park = rng.choice(district.chemical_parks) if rng.chance(0.7) else None
    place = names.address(rng, district, park=park, industrial=kind.plant)
    name = _name(rng, kind, place, district, ctx.names)
    roles = kind.roles + tuple(r for r, p in kind.optional_roles if rng.chance(p))
    processes: tuple[str, ...] = ()
    if rng.chance(kind.process_share):
        picked = {rng.pick(_PROCESSES) for _ in range(1 if rng.chance(0.7) else 2)}
        processes = tuple(p for p in PROCESS_CHEMICALS if p in picked)  # catalog order, not draw order
    chemicals = _chemicals(rng, kind, processes)
    legal_rep = names.person_name(rng)
    people = _people_nearby(rng, park is not None, district.profile)
    hazards = make_hazard_sources(
        ctx,
        rng,
        enterprise_id,
        device,
        kind.code,
        processes,
        chemicals,
        people,
        legal_rep,
        district.code,
        major=rng.chance(kind.mhs_share),
    )
    out.hazards.extend(hazards.rows)
    tonnes = dict(chemicals)
    for chem, held in hazards.tonnes_by_chemical.items():  # the file declares at least what the units hold
        tonnes[chem] = max(tonnes.get(chem) or 0.0, held)
    levels = hazards.levels
    flags = key_supervision.assess(processes, [(c, CHEMICALS[c].cas) for c in tonnes], levels)
    risk = _risk_colour(rng, kind, processes, levels)
    safety_contact = names.person_name(rng)
    phone = names.mobile(rng) if rng.chance(0.6) else names.landline(rng)
    blacklisted = rng.chance(0.004 if kind.code != "trader" else 0.008)
    pinyin, initials = search_keys(name)
    out.enterprises.append(
        (
            enterprise_id,
            device,
            next(ctx.stamps),
            _uscc(rng, district.code, ctx.usccs),
            name,
            district.code,
            place.text,
            place.longitude,
            place.latitude,
            rng.choice(kind.industries),
            legal_rep,
            safety_contact,
            phone,
            db_json(list(roles)),
            int(park is not None),
            place.park,
            int(park is None and rng.chance({"urban": 0.4, "suburban": 0.12}.get(district.profile, 0.06))),
            db_json(_licences(ctx, rng, kind, roles, district)),
            _standardization(rng, kind),
            risk,
            _monitoring(rng, levels),
            int(blacklisted),
            rng.choice(_BLACKLIST_REASONS) if blacklisted else "",
            ctx.today.year - int(rng.log_uniform(1, 36)) if kind.plant else None,
            db_json(list(processes)),
            int(flags.involves_key_process),
            int(flags.involves_key_chemical),
            int(flags.has_major_hazard),
            pinyin,
            initials,
            "",
        )
    )
    for chem, max_tonnes in tonnes.items():
        usage = "production" if chem in _process_core(processes) else _usage(rng, roles)
        out.chemicals.append(
            (rng.uuid_hex(), device, next(ctx.stamps), enterprise_id, chem, CHEMICALS[chem].cas, usage, max_tonnes)
        )
    weight = kind.inspection_weight * {"red": 2.0, "orange": 1.5, "yellow": 1.0, "blue": 0.8}[risk]
    out.made.append(
        DemoEnterprise(
            enterprise_id,
            name,
            district,
            kind,
            roles,
            processes,
            tuple(tonnes),
            levels,
            hazards.unit_names,
            risk,
            safety_contact,
            phone,
            weight * (1.5 if levels else 1.0),
        )
    )


def _name(rng: DemoRandom, kind: Archetype, place: names.Address, district: DistrictInfo, taken: set[str]) -> str:
    if kind.code == "station":
        return names.branch_name(rng, rng.choice(kind.words), place.road, "加油站", taken)
    if kind.code == "lpg":
        street = rng.choice(district.streets).removesuffix("街道").removesuffix("镇")
        return names.branch_name(rng, "燃气", street, "液化气供应站", taken)
    return names.company_name(rng, kind.words, taken)


def _uscc(rng: DemoRandom, district_code: str, taken: set[str]) -> str:
    """91 (企业) + 区划码 + 主体标识码 + 校验码. Newer codes (since 2015) have "MA" identifiers."""
    while True:
        if rng.chance(0.6):
            body = "MA" + "".join(rng.choice(uscc.ALPHABET) for _ in range(7))
        else:
            body = "".join(rng.choice("0123456789") for _ in range(8)) + rng.choice(uscc.ALPHABET[:11])
        first17 = f"91{district_code}{body}"
        code = first17 + uscc.check_character(first17)
        if code not in taken:
            taken.add(code)
            return code


def _process_core(processes: tuple[str, ...]) -> set[str]:
    return {c for p in processes for c in PROCESS_CHEMICALS[p][:2]}


def _chemicals(rng: DemoRandom, kind: Archetype, processes: tuple[str, ...]) -> list[tuple[str, float | None]]:
    low, high = kind.chemical_count
    picked = [c for p in processes for c in PROCESS_CHEMICALS[p]]
    picked += rng.sample(kind.chemicals, min(len(kind.chemicals), rng.randint(low, high)))
    out: list[tuple[str, float | None]] = []
    for chem in dict.fromkeys(picked):
        out.append((chem, None if kind.tonnes is None else _round_tonnes(rng.log_uniform(*kind.tonnes))))
    return out


def _round_tonnes(value: float) -> float:
    if value < 1:
        return round(value, 2)
    if value < 20:
        return round(value, 1)
    return float(round(value))


def _usage(rng: DemoRandom, roles: tuple[str, ...]) -> str:
    for role in ("storage", "use", "trade", "transport", "disposal"):
        if role in roles and rng.chance(0.8):
            return role
    return roles[0]


def _people_nearby(rng: DemoRandom, in_park: bool, profile: str) -> int:
    """常住人口 within 500 m of the plant boundary (GB 18218 Table 5 sets α from it)."""
    bands = (0.55, 0.85, 0.95, 1.0) if in_park else (0.1, 0.35, 0.5, 0.7)
    roll = rng.random()
    if roll < bands[0]:
        return 0
    if roll < bands[1]:
        return rng.randint(1, 29)
    if roll < bands[2]:
        return rng.randint(30, 49)
    if roll < bands[3]:
        return rng.randint(50, 99)
    return int(rng.log_uniform(100, 3000 if profile == "urban" else 1500))


def _licences(
    ctx: Context, rng: DemoRandom, kind: Archetype, roles: tuple[str, ...], district: DistrictInfo
) -> list[dict[str, str]]:
    kinds = [kind.licence] if kind.licence and rng.chance(kind.licence_share) else []
    if "transport" in roles and TRANSPORT_LICENCE not in kinds:
        kinds.append(TRANSPORT_LICENCE)
    out = []
    for licence in kinds:
        # Licences run three years; renewal is due before expiry, and some files show a lapsed one.
        issued = ctx.today - dt.timedelta(days=rng.randint(0, 1000 if rng.chance(0.85) else 1500))
        until = dt.date(issued.year + 3, issued.month, min(issued.day, 28)) - dt.timedelta(days=1)
        serial = ctx.next_licence_serial(licence, issued.year)
        if licence in _LICENCE_CODES:
            number = (
                f"{names.city().get('licence_prefix', '苏(宁)')}{_LICENCE_CODES[licence]}[{issued.year}]{serial:06d}"
            )
        elif licence == TRANSPORT_LICENCE:
            number = f"苏交运管许可宁字{district.code}{serial:06d}号"
        else:
            number = f"JS{district.code}OOD{serial:04d}"
        issuer = (
            "南京市交通运输局"
            if licence == TRANSPORT_LICENCE
            else (
                "江苏省生态环境厅"
                if licence == WASTE_LICENCE
                else ("江苏省应急管理厅" if licence == SAFETY_LICENCE else f"南京市{district.name}应急管理局")
            )
        )
        out.append(
            {
                "kind": licence,
                "number": number,
                "issuer": issuer,
                "issued_on": issued.isoformat(),
                "valid_until": until.isoformat(),
            }
        )
    return out


def _standardization(rng: DemoRandom, kind: Archetype) -> int | None:
    if kind.code in {"producer", "gas"}:
        return rng.pick(Weighted([(1, 3), (2, 25), (3, 60), (None, 12)]))
    if kind.plant and rng.chance(0.3):
        return 3
    return None


def _risk_colour(rng: DemoRandom, kind: Archetype, processes: tuple[str, ...], levels: tuple[int, ...]) -> str:
    if processes or (levels and min(levels) <= 2):
        weights = (8, 30, 45, 17)
    elif kind.code in {"producer", "gas", "logistics", "trade_storage"}:
        weights = (2, 15, 45, 38)
    elif kind.code in {"station", "lpg", "disposal"}:
        weights = (0.5, 10, 50, 39.5)
    else:
        weights = (0.5, 5, 30, 64.5)
    return rng.pick(Weighted(list(zip(("red", "orange", "yellow", "blue"), weights, strict=True))))


def _monitoring(rng: DemoRandom, levels: tuple[int, ...]) -> str | None:
    """The national monitoring system covers enterprises with major hazard sources only."""
    if not levels:
        return None
    return rng.pick(Weighted([("green", 82), ("yellow", 14), ("red", 4)]))
