"""一企一档: create and edit enterprises, their chemicals and major hazard sources.

Derived values are recomputed here and nowhere else: the pinyin search keys from the name, the
"两重点一重大" flags from processes, chemicals and hazard sources, and each hazard source's S, R and
level from its chemicals (GB 18218-2018). Bad input raises ValidationError naming the field.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from hazdesk.domain import gb18218, key_supervision, uscc
from hazdesk.errors import ValidationError
from hazdesk.services import Changes, audit
from hazdesk.store.database import Database
from hazdesk.store.models import (
    ENTERPRISE_ROLES,
    MONITORING_LEVELS,
    RISK_COLOURS,
    Enterprise,
    EnterpriseChemical,
    HazardSourceChemical,
    MajorHazardSource,
)
from hazdesk.store.search import search_keys

_DISTRICT_CODE = re.compile(r"^\d{6}$")
_LEVELS = {"一级": 1, "二级": 2, "三级": 3, "四级": 4}


@dataclass(frozen=True)
class EnterpriseInput:
    uscc: str
    name: str
    district_code: str
    address: str = ""
    industry: str = ""
    legal_representative: str = ""
    safety_contact: str = ""
    phone: str = ""
    roles: tuple[str, ...] = ()
    in_chemical_park: bool = False
    chemical_park: str = ""
    population_dense_area: bool = False
    standardization_grade: int | None = None
    risk_colour: str | None = None
    monitoring_level: str | None = None
    blacklisted: bool = False
    blacklist_reason: str = ""
    commissioned_year: int | None = None
    key_processes: tuple[str, ...] = ()
    longitude: float | None = None
    latitude: float | None = None
    notes: str = ""
    licences: tuple[dict[str, str], ...] = field(default_factory=tuple)


def _text(value: str, field_name: str, label: str, limit: int, *, required: bool = False) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationError(f"请填写{label}", field=field_name)
    if len(text) > limit:
        raise ValidationError(f"{label}过长（{len(text)} 字，最多 {limit} 字）", field=field_name)
    return text


def validate_enterprise(data: EnterpriseInput, *, today: dt.date | None = None) -> EnterpriseInput:
    """Check every field; returns the cleaned input. The first problem raises, naming its field."""
    today = today or dt.date.today()
    code = uscc.validate(data.uscc)
    name = _text(data.name, "name", "企业名称", 200, required=True)
    if not _DISTRICT_CODE.match(data.district_code or ""):
        raise ValidationError(f"区县代码应为 6 位数字，收到「{data.district_code}」", field="district_code")
    bad_roles = [r for r in data.roles if r not in ENTERPRISE_ROLES]
    if bad_roles:
        raise ValidationError(f"未知的企业类型：{'、'.join(bad_roles)}", field="roles")
    if data.risk_colour not in (None, *RISK_COLOURS):
        raise ValidationError(f"风险等级颜色无效：{data.risk_colour}", field="risk_colour")
    if data.monitoring_level not in (None, *MONITORING_LEVELS):
        raise ValidationError(f"监测预警等级无效：{data.monitoring_level}", field="monitoring_level")
    if data.standardization_grade not in (None, 1, 2, 3):
        raise ValidationError("安全生产标准化等级只能是一级、二级或三级", field="standardization_grade")
    if data.commissioned_year is not None and not 1900 <= data.commissioned_year <= today.year:
        raise ValidationError(
            f"投用年份 {data.commissioned_year} 不合理（应在 1900 至 {today.year} 之间）",
            field="commissioned_year",
        )
    if data.longitude is not None and not -180 <= data.longitude <= 180:
        raise ValidationError("经度应在 -180 至 180 之间", field="longitude")
    if data.latitude is not None and not -90 <= data.latitude <= 90:
        raise ValidationError("纬度应在 -90 至 90 之间", field="latitude")
    unknown = [p for p in data.key_processes if key_supervision.match_process(p) is None]
    if unknown:
        raise ValidationError(f"不是重点监管危险化工工艺：{'、'.join(unknown)}", field="key_processes")
    return EnterpriseInput(
        **{
            **data.__dict__,
            "uscc": code,
            "name": name,
            "address": _text(data.address, "address", "地址", 300),
            "industry": _text(data.industry, "industry", "行业", 100),
            "legal_representative": _text(data.legal_representative, "legal_representative", "法定代表人", 64),
            "safety_contact": _text(data.safety_contact, "safety_contact", "安全负责人", 64),
            "phone": _phone(data.phone),
            "chemical_park": _text(data.chemical_park, "chemical_park", "化工园区", 100),
            "blacklist_reason": _text(data.blacklist_reason, "blacklist_reason", "黑名单原因", 2000),
            "notes": _text(data.notes, "notes", "备注", 4000),
            "key_processes": tuple(key_supervision.match_process(p) or p for p in data.key_processes),
        }
    )


# Digits with the separators people write between numbers: "025-52101234", "+86 138 0517 1234",
# "025-5210 1234 转 8001", "(025)52101234 / 13805171234".
_PHONE = re.compile(r"^[0-9+()（）\- /、,，;；转分机extEXT.]*$")


def _phone(value: str) -> str:
    phone = _text(value, "phone", "联系电话", 32)
    if phone and (not _PHONE.match(phone) or sum(c.isdigit() for c in phone) < 5):
        raise ValidationError(
            f"联系电话“{phone}”不是电话号码：只能写数字和 + - ( ) / 、 等分隔符，例如 025-52101234", field="phone"
        )
    return phone


def _apply(enterprise: Enterprise, data: EnterpriseInput) -> None:
    for name, value in data.__dict__.items():
        if name in ("roles", "key_processes", "licences"):
            value = list(value)
        setattr(enterprise, name, value)
    enterprise.name_pinyin, enterprise.name_initials = search_keys(data.name)


def _check_unique_uscc(session: Session, code: str, own_id: uuid.UUID | None) -> None:
    clash = session.scalar(
        select(Enterprise).where(Enterprise.uscc == code, Enterprise.deleted.is_(False), Enterprise.id != own_id)
    )
    if clash is not None:
        raise ValidationError(f"统一社会信用代码 {code} 已属于「{clash.name}」", field="uscc")


def refresh_flags(session: Session, enterprise: Enterprise) -> None:
    """Recompute the 两重点一重大 flags from what is stored now."""
    chemicals = session.scalars(
        select(EnterpriseChemical).where(
            EnterpriseChemical.enterprise_id == enterprise.id, EnterpriseChemical.deleted.is_(False)
        )
    )
    levels = session.scalars(
        select(MajorHazardSource.level).where(
            MajorHazardSource.enterprise_id == enterprise.id,
            MajorHazardSource.deleted.is_(False),
            MajorHazardSource.level.is_not(None),
        )
    )
    flags = key_supervision.assess(enterprise.key_processes, [(c.name, c.cas or None) for c in chemicals], list(levels))
    enterprise.involves_key_process = flags.involves_key_process
    enterprise.involves_key_chemical = flags.involves_key_chemical
    enterprise.has_major_hazard = flags.has_major_hazard


def create_enterprise(db: Database, data: EnterpriseInput) -> tuple[uuid.UUID, Changes]:
    clean = validate_enterprise(data)
    with db.transaction() as session:
        _check_unique_uscc(session, clean.uscc, None)
        enterprise = Enterprise()
        _apply(enterprise, clean)
        session.add(enterprise)
        session.flush()
        refresh_flags(session, enterprise)
        audit.record(session, "enterprise.create", "enterprise", enterprise.id)
        return enterprise.id, Changes().add("enterprise", enterprise.id)


def update_enterprise(db: Database, enterprise_id: uuid.UUID, data: EnterpriseInput) -> Changes:
    clean = validate_enterprise(data)
    with db.transaction() as session:
        enterprise = _get(session, enterprise_id)
        _check_unique_uscc(session, clean.uscc, enterprise_id)
        _apply(enterprise, clean)
        refresh_flags(session, enterprise)
        audit.record(session, "enterprise.update", "enterprise", enterprise_id)
        return Changes().add("enterprise", enterprise_id)


def _get(session: Session, enterprise_id: uuid.UUID) -> Enterprise:
    enterprise = session.get(Enterprise, enterprise_id)
    if enterprise is None or enterprise.deleted:
        raise ValidationError("企业不存在或已注销", field="enterprise")
    return enterprise


def set_chemicals(
    db: Database, enterprise_id: uuid.UUID, chemicals: list[tuple[str, str, str, float | None]]
) -> Changes:
    """Replace the enterprise's chemical list: (name, cas, usage, max tonnes) per row."""
    with db.transaction() as session:
        enterprise = _get(session, enterprise_id)
        changes = Changes().add("enterprise", enterprise_id)
        for old in session.scalars(select(EnterpriseChemical).where(EnterpriseChemical.enterprise_id == enterprise_id)):
            if not old.deleted:
                old.deleted = True
                changes.add("enterprise_chemical", old.id)
        for index, (name, cas, usage, tonnes) in enumerate(chemicals, start=1):
            name = _text(name, "chemicals", f"第{index}个化学品名称", 200, required=True)
            if usage not in ENTERPRISE_ROLES:
                raise ValidationError(f"第{index}个化学品的用途无效：{usage}", field="chemicals")
            if tonnes is not None and not 0 <= tonnes <= 1_000_000:
                raise ValidationError(f"第{index}个化学品「{name}」的数量 {tonnes} 吨不合理", field="chemicals")
            row = EnterpriseChemical(
                enterprise_id=enterprise_id,
                name=name,
                cas=(cas or "").strip(),
                usage=usage,
                max_tonnes=tonnes,
            )
            session.add(row)
            session.flush()
            changes.add("enterprise_chemical", row.id)
        refresh_flags(session, enterprise)
        return changes


@dataclass(frozen=True)
class HazardSourceInput:
    name: str
    unit_kind: str  # production | storage
    people_within_500m: int
    chemicals: tuple[gb18218.ChemicalInput, ...]
    location: str = ""
    record_no: str = ""
    responsible_persons: dict[str, str] = field(default_factory=dict)


def grade(data: HazardSourceInput) -> gb18218.UnitAssessment:
    """The live grading the desk shows while chemicals and quantities are being edited."""
    return gb18218.assess_unit(data.unit_kind, data.people_within_500m, list(data.chemicals))


def save_hazard_source(
    db: Database, enterprise_id: uuid.UUID, data: HazardSourceInput, *, source_id: uuid.UUID | None = None
) -> tuple[uuid.UUID, Changes]:
    """Create or replace a major hazard source with its chemicals, graded per GB 18218-2018."""
    name = _text(data.name, "name", "重大危险源名称", 200, required=True)
    assessment = grade(data)  # raises ValidationError naming the chemical before anything is written
    with db.transaction() as session:
        enterprise = _get(session, enterprise_id)
        if source_id is None:
            source = MajorHazardSource(enterprise_id=enterprise_id)
            session.add(source)
        else:
            source = session.get(MajorHazardSource, source_id)
            if source is None or source.deleted or source.enterprise_id != enterprise_id:
                raise ValidationError("重大危险源不存在", field="source")
            for old in source.chemicals:
                old.deleted = True
        source.name = name
        source.unit_kind = data.unit_kind
        source.location = data.location.strip()
        source.record_no = data.record_no.strip()
        source.responsible_persons = dict(data.responsible_persons)
        source.people_within_500m = assessment.people_within_500m
        source.s_value = float(assessment.S)
        source.r_value = float(assessment.R)
        source.alpha = float(assessment.alpha)
        source.level = _LEVELS.get(assessment.level) if assessment.level else None
        session.flush()
        for result in assessment.chemicals:
            session.add(
                HazardSourceChemical(
                    source_id=source.id,
                    name=result.name,
                    cas=result.cas or "",
                    hazard_class=result.hazard_class or "",
                    tonnes=float(result.tonnes),
                    critical_tonnes=float(result.Q),
                    beta=float(result.beta),
                )
            )
        session.flush()
        refresh_flags(session, enterprise)
        audit.record(session, "hazard_source.save", "major_hazard_source", source.id, level=assessment.level)
        return source.id, Changes().add("major_hazard_source", source.id).add("enterprise", enterprise_id)


def delete_hazard_source(db: Database, enterprise_id: uuid.UUID, source_id: uuid.UUID) -> Changes:
    """Tombstone a 重大危险源 and its chemicals, then recompute the 两重点一重大 flags."""
    with db.transaction() as session:
        source = session.get(MajorHazardSource, source_id)
        enterprise = session.get(Enterprise, enterprise_id)
        if source is None or enterprise is None or source.enterprise_id != enterprise_id or source.deleted:
            return Changes()
        source.deleted = True
        for chemical in source.chemicals:
            chemical.deleted = True
        session.flush()
        refresh_flags(session, enterprise)
        audit.record(session, "hazard_source.delete", "major_hazard_source", source_id)
        return Changes().add("major_hazard_source", source_id).add("enterprise", enterprise_id)
