"""The records of hazdesk (see DESIGN.md, "Records").

Coded values (statuses, severities, roles…) are stored as short ASCII codes with a CHECK constraint;
their Chinese and English labels live in :mod:`hazdesk.domain`. Wall-clock times of inspections are
stored as naive local times (what the inspector writes on the document); ordering for sync uses the
HLC stamp, never these.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hazdesk.store.base import Base, Synced

# --- coded values ----------------------------------------------------------------------------
FINDING_STATUSES = ("pending", "rectified", "closed", "failed")  # 待整改/已整改待复查/复查合格/复查不合格
SEVERITIES = ("general", "major")  # 一般隐患 / 重大隐患
ANSWERS = ("conform", "nonconform", "na")  # 符合 / 不符合 / 不适用
UNIT_KINDS = ("production", "storage")  # 生产单元 / 储存单元
MHS_LEVELS = (1, 2, 3, 4)  # 一级…四级
RISK_COLOURS = ("red", "orange", "yellow", "blue")  # 红/橙/黄/蓝 安全风险分级
MONITORING_LEVELS = ("red", "yellow", "green")  # 红/黄/绿 监测预警
ENTERPRISE_ROLES = ("production", "storage", "use", "trade", "transport", "disposal")
DOCUMENT_KINDS = ("检记", "责改", "复查", "现决")
DOCUMENT_STATES = ("draft", "issued", "voided")
INSPECTION_STATES = ("draft", "completed")
INSPECTOR_ROLES = ("inspector", "lead", "office")
DEVICE_ROLES = ("district", "office")


def _in(column: str, values: tuple[Any, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


# --- local, not synced -----------------------------------------------------------------------
class LocalSetting(Base):
    """Per-database settings that never leave this machine (device identity, preferences)."""

    __tablename__ = "local_setting"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON, nullable=True)


class District(Base):
    """An administrative district (区/县) by its GB/T 2260 code. Reference data, same on every device."""

    __tablename__ = "district"

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(64), nullable=False)
    city: Mapped[str] = mapped_column(String(64), nullable=False, default="")


# --- people and machines ---------------------------------------------------------------------
class Device(Synced, Base):
    """A laptop or office desktop; its Ed25519 public key signs its sync bundles."""

    __tablename__ = "device"
    __table_args__ = (CheckConstraint(_in("role", DEVICE_ROLES), name="role"),)

    name: Mapped[str] = mapped_column(String(128), nullable=False)
    role: Mapped[str] = mapped_column(String(16), nullable=False, default="district")
    district_code: Mapped[str | None] = mapped_column(String(12))
    public_key: Mapped[bytes | None] = mapped_column(LargeBinary(64))
    fingerprint: Mapped[str | None] = mapped_column(String(64), index=True)
    enrolled_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class Inspector(Synced, Base):
    """执法人员: an enforcement officer with a 行政执法证 number (证号)."""

    __tablename__ = "inspector"
    __table_args__ = (CheckConstraint(_in("role", INSPECTOR_ROLES), name="role"),)

    name: Mapped[str] = mapped_column(String(64), nullable=False)
    cert_no: Mapped[str] = mapped_column(String(32), nullable=False, index=True)  # 执法证号
    district_code: Mapped[str] = mapped_column(String(12), nullable=False)
    bureau: Mapped[str] = mapped_column(String(128), nullable=False, default="")
    role: Mapped[str] = mapped_column(String(16), nullable=False, default="inspector")
    phone: Mapped[str | None] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)


# --- 一企一档 ---------------------------------------------------------------------------------
# Names with a character other than a CJK ideograph, a digit or a bracket (Latin letters, full-width
# letters, symbols…) match this GLOB pattern: the condition of ix_enterprise_search_mixed. The query in
# hazdesk.store.search repeats it literally, which is how SQLite knows it may use that partial index.
MIXED_SCRIPT_PATTERN = "*[^0-9()（）一-鿿]*"


class Enterprise(Synced, Base):
    """一企一档: one enterprise's file.

    ``key_processes`` are names from the 18 重点监管危险化工工艺; the three ``involves_*``/``has_*``
    flags ("两重点一重大") are derived from processes, chemicals and major hazard sources by
    :mod:`hazdesk.domain.key_supervision` and stored only so lists can filter on them.
    """

    __tablename__ = "enterprise"
    __table_args__ = (
        CheckConstraint(f"risk_colour IS NULL OR {_in('risk_colour', RISK_COLOURS)}", name="risk_colour"),
        CheckConstraint(
            f"monitoring_level IS NULL OR {_in('monitoring_level', MONITORING_LEVELS)}",
            name="monitoring_level",
        ),
        Index("ix_enterprise_district_name", "district_code", "name"),
        Index("ix_enterprise_uscc", "uscc"),
        # Search scans this narrow covering index instead of the wide table (SQLite only: on PostgreSQL
        # the row would exceed the btree size limit, and the office searches rarely).
        Index(
            "ix_enterprise_search",
            "deleted",
            "name",
            "address",
            "name_pinyin",
            "name_initials",
            "uscc",
            "district_code",
            "id",
        ).ddl_if(dialect="sqlite"),
        # The few enterprises whose names are not all Chinese: the only ones whose full pinyin a query of
        # initials like "hlhg" can match (see hazdesk.store.search). SQLite only, like the index above.
        Index(
            "ix_enterprise_search_mixed",
            "deleted",
            "name",
            "address",
            "name_pinyin",
            "name_initials",
            "uscc",
            "district_code",
            "id",
            sqlite_where=text(f"name GLOB '{MIXED_SCRIPT_PATTERN}'"),
        ).ddl_if(dialect="sqlite"),
    )

    uscc: Mapped[str] = mapped_column(String(18), nullable=False)  # 统一社会信用代码
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    district_code: Mapped[str] = mapped_column(String(12), nullable=False)
    address: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    longitude: Mapped[float | None] = mapped_column(Float)
    latitude: Mapped[float | None] = mapped_column(Float)
    industry: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    legal_representative: Mapped[str] = mapped_column(String(64), nullable=False, default="")  # 法定代表人
    safety_contact: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    phone: Mapped[str] = mapped_column(String(32), nullable=False, default="")
    roles: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)  # ENTERPRISE_ROLES
    in_chemical_park: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    chemical_park: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    population_dense_area: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    licences: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
    standardization_grade: Mapped[int | None] = mapped_column(Integer)  # 安全生产标准化 1/2/3 级
    risk_colour: Mapped[str | None] = mapped_column(String(8))
    monitoring_level: Mapped[str | None] = mapped_column(String(8))
    blacklisted: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    blacklist_reason: Mapped[str] = mapped_column(Text, nullable=False, default="")
    commissioned_year: Mapped[int | None] = mapped_column(Integer)  # 装置投用年份: old plants > 10 years
    key_processes: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    involves_key_process: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    involves_key_chemical: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    has_major_hazard: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # Search keys kept beside the name (see hazdesk.store.search): full pinyin and every initials reading.
    name_pinyin: Mapped[str] = mapped_column(String(800), nullable=False, default="")
    name_initials: Mapped[str] = mapped_column(String(400), nullable=False, default="")
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")

    chemicals: Mapped[list[EnterpriseChemical]] = relationship(back_populates="enterprise")
    hazard_sources: Mapped[list[MajorHazardSource]] = relationship(back_populates="enterprise")


class EnterpriseChemical(Synced, Base):
    """A hazardous chemical an enterprise produces, stores, uses or trades (with its maximum quantity)."""

    __tablename__ = "enterprise_chemical"

    enterprise_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("enterprise.id"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    cas: Mapped[str] = mapped_column(String(32), nullable=False, default="")
    usage: Mapped[str] = mapped_column(String(16), nullable=False, default="storage")  # ENTERPRISE_ROLES
    max_tonnes: Mapped[float | None] = mapped_column(Float)

    enterprise: Mapped[Enterprise] = relationship(back_populates="chemicals")


class MajorHazardSource(Synced, Base):
    """重大危险源: one production or storage unit identified and graded per GB 18218-2018.

    ``s_value``, ``r_value``, ``alpha`` and ``level`` are the grader's result for the unit's chemicals,
    stored so lists and reports need not recompute; the desk recomputes them whenever a chemical changes.
    """

    __tablename__ = "major_hazard_source"
    __table_args__ = (
        CheckConstraint(_in("unit_kind", UNIT_KINDS), name="unit_kind"),
        CheckConstraint(f"level IS NULL OR {_in('level', MHS_LEVELS)}", name="level"),
        CheckConstraint("people_within_500m >= 0", name="people"),
    )

    enterprise_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("enterprise.id"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    unit_kind: Mapped[str] = mapped_column(String(16), nullable=False)
    location: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    people_within_500m: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    s_value: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    r_value: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    alpha: Mapped[float] = mapped_column(Float, nullable=False, default=0.5)
    level: Mapped[int | None] = mapped_column(Integer)  # None: below S = 1, not a major hazard
    # 包保责任人: {"主要负责人": …, "技术负责人": …, "操作负责人": …}
    responsible_persons: Mapped[dict[str, str]] = mapped_column(JSON, nullable=False, default=dict)
    record_no: Mapped[str] = mapped_column(String(64), nullable=False, default="")  # 备案编号

    enterprise: Mapped[Enterprise] = relationship(back_populates="hazard_sources")
    chemicals: Mapped[list[HazardSourceChemical]] = relationship(back_populates="source")


class HazardSourceChemical(Synced, Base):
    """One chemical in a major hazard unit: design-maximum quantity q and the Q and β it was graded with."""

    __tablename__ = "hazard_source_chemical"
    __table_args__ = (CheckConstraint("tonnes >= 0", name="tonnes"),)

    source_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("major_hazard_source.id"), nullable=False, index=True
    )
    name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    cas: Mapped[str] = mapped_column(String(32), nullable=False, default="")
    hazard_class: Mapped[str] = mapped_column(String(8), nullable=False, default="")  # GB 18218 表2 符号
    tonnes: Mapped[float] = mapped_column(Float, nullable=False)
    critical_tonnes: Mapped[float] = mapped_column(Float, nullable=False)  # Q
    beta: Mapped[float] = mapped_column(Float, nullable=False)

    source: Mapped[MajorHazardSource] = relationship(back_populates="chemicals")


# --- checklists ------------------------------------------------------------------------------
class ChecklistTemplate(Synced, Base):
    """A checklist as loaded from ``resources/checklists``. Ids are derived from the code and version
    (uuid5), so every device that loads the same file has the same rows."""

    __tablename__ = "checklist_template"
    __table_args__ = (UniqueConstraint("code", "version"),)

    code: Mapped[str] = mapped_column(String(64), nullable=False)
    version: Mapped[str] = mapped_column(String(32), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    source: Mapped[str] = mapped_column(Text, nullable=False, default="")

    items: Mapped[list[ChecklistItem]] = relationship(back_populates="template", order_by="ChecklistItem.seq")


class ChecklistItem(Synced, Base):
    __tablename__ = "checklist_item"
    __table_args__ = (
        UniqueConstraint("template_id", "code"),
        CheckConstraint(_in("severity_if_nonconforming", SEVERITIES), name="severity"),
    )

    template_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("checklist_template.id"), nullable=False)
    code: Mapped[str] = mapped_column(String(32), nullable=False)
    seq: Mapped[int] = mapped_column(Integer, nullable=False)
    section: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    text: Mapped[str] = mapped_column(Text, nullable=False)
    label: Mapped[str] = mapped_column(String(100), nullable=False, default="")  # short name for lists
    finding_text: Mapped[str] = mapped_column(Text, nullable=False, default="")  # hazard wording for 不符合
    legal_basis: Mapped[str] = mapped_column(Text, nullable=False, default="")
    severity_if_nonconforming: Mapped[str] = mapped_column(String(8), nullable=False, default="general")
    default_measure: Mapped[str] = mapped_column(Text, nullable=False, default="")

    template: Mapped[ChecklistTemplate] = relationship(back_populates="items")


# --- inspections and findings ----------------------------------------------------------------
class Inspection(Synced, Base):
    """现场检查: evidence, append-only once completed."""

    __tablename__ = "inspection"
    __table_args__ = (
        CheckConstraint(_in("state", INSPECTION_STATES), name="state"),
        CheckConstraint("ended_at IS NULL OR ended_at >= started_at", name="time_span"),
        Index("ix_inspection_enterprise_started", "enterprise_id", "started_at"),
        Index("ix_inspection_district_started", "district_code", "started_at"),
    )

    enterprise_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("enterprise.id"), nullable=False)
    district_code: Mapped[str] = mapped_column(String(12), nullable=False)
    template_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("checklist_template.id"))
    kind: Mapped[str] = mapped_column(String(32), nullable=False, default="routine")  # 日常/专项/复查…
    place: Mapped[str] = mapped_column(String(200), nullable=False, default="")  # 检查场所
    started_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    site_leader: Mapped[str] = mapped_column(String(64), nullable=False, default="")  # 被检查单位现场负责人
    site_leader_title: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    site_leader_phone: Mapped[str] = mapped_column(String(32), nullable=False, default="")
    summary: Mapped[str] = mapped_column(Text, nullable=False, default="")  # 检查情况
    state: Mapped[str] = mapped_column(String(16), nullable=False, default="draft")

    inspectors: Mapped[list[InspectionInspector]] = relationship(
        back_populates="inspection", order_by="InspectionInspector.seq"
    )
    answers: Mapped[list[InspectionAnswer]] = relationship(back_populates="inspection")


class InspectionInspector(Synced, Base):
    """The officers on one inspection (at least two, checked by the service before completing)."""

    __tablename__ = "inspection_inspector"
    __table_args__ = (UniqueConstraint("inspection_id", "inspector_id"),)

    inspection_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("inspection.id"), nullable=False)
    inspector_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("inspector.id"), nullable=False, index=True)
    seq: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

    inspection: Mapped[Inspection] = relationship(back_populates="inspectors")
    inspector: Mapped[Inspector] = relationship()


class InspectionAnswer(Synced, Base):
    """One checklist item answered 符合 / 不符合 / 不适用, with a note."""

    __tablename__ = "inspection_answer"
    __table_args__ = (
        UniqueConstraint("inspection_id", "item_id"),
        CheckConstraint(_in("result", ANSWERS), name="result"),
    )

    inspection_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("inspection.id"), nullable=False)
    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("checklist_item.id"), nullable=False)
    result: Mapped[str] = mapped_column(String(16), nullable=False)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")

    inspection: Mapped[Inspection] = relationship(back_populates="answers")
    item: Mapped[ChecklistItem] = relationship()


class Finding(Synced, Base):
    """隐患: a hazard found at an enterprise, with its rectification order and lifecycle.

    ``district_code`` is copied from the enterprise when the finding is made so the district's overdue
    list is one index range scan. Overdue is derived from ``deadline`` and today, never stored.
    """

    __tablename__ = "finding"
    __table_args__ = (
        CheckConstraint(_in("status", FINDING_STATUSES), name="status"),
        CheckConstraint(_in("severity", SEVERITIES), name="severity"),
        Index("ix_finding_enterprise_status", "enterprise_id", "status"),
        Index("ix_finding_district_status_deadline", "district_code", "status", "deadline"),
        Index("ix_finding_status_deadline", "status", "deadline"),
        Index("ix_finding_inspection", "inspection_id"),
    )

    enterprise_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("enterprise.id"), nullable=False)
    district_code: Mapped[str] = mapped_column(String(12), nullable=False)
    inspection_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("inspection.id"))
    item_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("checklist_item.id"))
    description: Mapped[str] = mapped_column(Text, nullable=False)
    location: Mapped[str] = mapped_column(String(200), nullable=False, default="")  # 隐患部位
    severity: Mapped[str] = mapped_column(String(8), nullable=False, default="general")
    legal_basis: Mapped[str] = mapped_column(Text, nullable=False, default="")
    measure: Mapped[str] = mapped_column(Text, nullable=False, default="")  # 整改措施
    found_on: Mapped[dt.date] = mapped_column(Date, nullable=False)
    deadline: Mapped[dt.date] = mapped_column(Date, nullable=False)  # 整改期限
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="pending")
    rectified_on: Mapped[dt.date | None] = mapped_column(Date)  # 企业报告整改完成
    closed_on: Mapped[dt.date | None] = mapped_column(Date)  # 复查合格

    enterprise: Mapped[Enterprise] = relationship()
    inspection: Mapped[Inspection | None] = relationship()
    reinspections: Mapped[list[Reinspection]] = relationship(
        back_populates="finding", order_by="Reinspection.reinspected_on"
    )


class Reinspection(Synced, Base):
    """复查: one re-inspection of one finding. 合格 closes it; 不合格 sets a new deadline."""

    __tablename__ = "reinspection"
    __table_args__ = (
        CheckConstraint("result IN ('pass', 'fail')", name="result"),
        # A pass never carries a new deadline; a fail may not have one yet (status stays 复查不合格
        # until the inspector sets it, see hazdesk.services.findings).
        CheckConstraint("result = 'fail' OR new_deadline IS NULL", name="pass_has_no_deadline"),
    )

    finding_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("finding.id"), nullable=False, index=True)
    inspection_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("inspection.id"))
    reinspected_on: Mapped[dt.date] = mapped_column(Date, nullable=False)
    result: Mapped[str] = mapped_column(String(8), nullable=False)
    new_deadline: Mapped[dt.date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    inspector_ids: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)

    finding: Mapped[Finding] = relationship(back_populates="reinspections")


class Attachment(Synced, Base):
    """A photo (or other file) kept content-addressed under the data directory by its SHA-256.

    The file is never overwritten; the row says which record it belongs to (``owner_kind`` + ``owner_id``)
    so the same picture attached twice is two rows over one file.
    """

    __tablename__ = "attachment"
    __table_args__ = (
        CheckConstraint(
            "owner_kind IN ('finding', 'reinspection', 'inspection', 'enterprise')", name="owner"
        ),
        Index("ix_attachment_owner", "owner_kind", "owner_id"),
    )

    owner_kind: Mapped[str] = mapped_column(String(16), nullable=False)
    owner_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    size: Mapped[int] = mapped_column(BigInteger, nullable=False)
    mime_type: Mapped[str] = mapped_column(String(64), nullable=False, default="image/jpeg")
    original_name: Mapped[str] = mapped_column(String(255), nullable=False, default="")
    caption: Mapped[str] = mapped_column(Text, nullable=False, default="")
    taken_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    longitude: Mapped[float | None] = mapped_column(Float)
    latitude: Mapped[float | None] = mapped_column(Float)


class Document(Synced, Base):
    """An enforcement document (执法文书). Once ``issued`` it is frozen: number, snapshot and PDF hash
    never change; a correction is a new document whose ``supersedes_id`` names the old one."""

    __tablename__ = "document"
    __table_args__ = (
        CheckConstraint(_in("kind", DOCUMENT_KINDS), name="kind"),
        CheckConstraint(_in("state", DOCUMENT_STATES), name="state"),
        UniqueConstraint("kind", "year", "series", "serial"),
        Index("ix_document_inspection", "inspection_id"),
    )

    kind: Mapped[str] = mapped_column(String(8), nullable=False)
    inspection_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("inspection.id"))
    enterprise_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("enterprise.id"), nullable=False)
    state: Mapped[str] = mapped_column(String(8), nullable=False, default="draft")
    year: Mapped[int | None] = mapped_column(Integer)
    series: Mapped[str | None] = mapped_column(String(16))  # the issuing device's number series
    serial: Mapped[int | None] = mapped_column(Integer)
    number_text: Mapped[str | None] = mapped_column(String(64))  # （简称）应急责改〔2026〕N号
    snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    issued_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    supersedes_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("document.id"))
    void_reason: Mapped[str] = mapped_column(Text, nullable=False, default="")


class AuditEvent(Synced, Base):
    """Who did what, when: append-only, travels with sync for the office's record."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_entity", "entity", "entity_id"),)

    at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)
    inspector_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    action: Mapped[str] = mapped_column(String(64), nullable=False)
    entity: Mapped[str] = mapped_column(String(64), nullable=False)
    entity_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)


SYNCED_MODELS: tuple[type[Synced], ...] = (
    Device,
    Inspector,
    Enterprise,
    EnterpriseChemical,
    MajorHazardSource,
    HazardSourceChemical,
    ChecklistTemplate,
    ChecklistItem,
    Inspection,
    InspectionInspector,
    InspectionAnswer,
    Finding,
    Reinspection,
    Attachment,
    Document,
    AuditEvent,
)

__all__ = [
    "SYNCED_MODELS",
    "Attachment",
    "AuditEvent",
    "Base",
    "ChecklistItem",
    "ChecklistTemplate",
    "Device",
    "District",
    "Document",
    "Enterprise",
    "EnterpriseChemical",
    "Finding",
    "HazardSourceChemical",
    "Inspection",
    "InspectionAnswer",
    "InspectionInspector",
    "Inspector",
    "LocalSetting",
    "MajorHazardSource",
    "Reinspection",
]


# --- enforcement documents: settings and numbering (revision 0003, see hazdesk.documents) -------
class BureauSetting(Synced, Base):
    """文书设置: the bureau that issues a district's documents.

    ``short_name`` is the 简称 of the number line （宁江）应急责改〔2026〕A12号; the review bodies and the
    court fill the 60-day reconsideration / 6-month litigation clause. The id is derived from the
    district code (uuid5), so two laptops that set the same district's row offline merge into one.
    """

    __tablename__ = "bureau_setting"
    __table_args__ = (UniqueConstraint("district_code"),)

    district_code: Mapped[str] = mapped_column(String(12), nullable=False)
    name: Mapped[str] = mapped_column(String(128), nullable=False)  # 南京市江宁区应急管理局
    short_name: Mapped[str] = mapped_column(String(16), nullable=False)  # 宁江
    review_government: Mapped[str] = mapped_column(String(128), nullable=False)  # 复议: 人民政府
    review_department: Mapped[str] = mapped_column(String(128), nullable=False)  # 复议: 上级部门
    court: Mapped[str] = mapped_column(String(128), nullable=False)  # 行政诉讼: 人民法院


class DocumentSeries(Synced, Base):
    """编号序列: the series a device numbers its documents in, within one bureau 简称.

    Assigned once per laptop (by the district lead at enrolment); it is printed in every number, so
    laptops issuing offline at the same time never produce the same number. The id is derived from
    (简称, code): two devices claiming one code become one row and a sync conflict, not two series.
    """

    __tablename__ = "document_series"
    __table_args__ = (UniqueConstraint("short_name", "code"),)

    short_name: Mapped[str] = mapped_column(String(16), nullable=False)
    code: Mapped[str] = mapped_column(String(4), nullable=False)  # A, B, … AZ
    device_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False, index=True)


class DocumentCounter(Base):
    """The last serial handed out per kind, year and series on this machine (local, not synced).

    Issuing updates this row before anything else in its transaction: that takes the write lock, so
    two threads issuing at once are serialised and never read the same "next number".
    """

    __tablename__ = "document_counter"

    kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    series: Mapped[str] = mapped_column(String(16), primary_key=True)
    last_serial: Mapped[int] = mapped_column(Integer, nullable=False)


SYNCED_MODELS = (*SYNCED_MODELS, BureauSetting, DocumentSeries)
__all__ += ["BureauSetting", "DocumentCounter", "DocumentSeries"]


# --- sync: inspection plans and bundle bookkeeping (revision 0004, see hazdesk.sync) ---------------
PLAN_STATES = ("planned", "done", "cancelled")  # 计划中 / 已完成 / 已取消
BUNDLE_DIRECTIONS = ("in", "out")
BUNDLE_STATES = ("exported", "acknowledged", "applied", "quarantined")  # 已导出/已确认/已导入/已隔离
# 待复核 / 保留现值 / 采用落选值 / 已被同一作者的后续修改取代
CONFLICT_STATES = ("open", "kept", "taken", "superseded")


class InspectionPlan(Synced, Base):
    """检查计划: an inspection the office (or the district lead) plans for an enterprise or a district.

    Travels to the district in the office's receipt bundles; the district marks it done.
    """

    __tablename__ = "inspection_plan"
    __table_args__ = (
        CheckConstraint(_in("status", PLAN_STATES), name="status"),
        Index("ix_inspection_plan_district_due", "district_code", "due_on"),
    )

    district_code: Mapped[str] = mapped_column(String(12), nullable=False)
    enterprise_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("enterprise.id"))
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    kind: Mapped[str] = mapped_column(String(32), nullable=False, default="routine")
    due_on: Mapped[dt.date] = mapped_column(Date, nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="planned")
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")


class SyncFieldStamp(Base):
    """Per-field HLC stamps of one synced row, kept only once the row has been edited or merged.

    ``stamps`` is ``{"*": [hlc, device_hex, base], "field": [hlc, device_hex, base], …}``: a field not
    named takes ``"*"``. ``base`` is the stamp of the newest value of another device that the edit
    replaced, so a merge can tell an edit made on top of another (no conflict) from a concurrent one.
    A row without an entry has every field stamped with its own ``hlc`` and ``origin_device_id``.
    """

    __tablename__ = "sync_field_stamp"

    table_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    row_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    stamps: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)


class SyncPeer(Base):
    """What this database knows about another device it exchanges bundles with (local, not synced)."""

    __tablename__ = "sync_peer"

    device_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    encryption_key: Mapped[bytes | None] = mapped_column(LargeBinary(32))  # X25519 public key
    # Highest stamp the peer has acknowledged (minus a safety margin): incremental exports start here.
    acked_hlc: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    last_seen_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class SyncBundle(Base):
    """A bundle written here (``out``) or taken in here (``in``); rejected attempts are in
    :class:`SyncRejection`. Importing records the bundle in the same transaction as its rows."""

    __tablename__ = "sync_bundle"
    __table_args__ = (
        CheckConstraint(_in("direction", BUNDLE_DIRECTIONS), name="direction"),
        CheckConstraint(_in("status", BUNDLE_STATES), name="status"),
        Index("ix_sync_bundle_direction_status", "direction", "status"),
    )

    bundle_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    direction: Mapped[str] = mapped_column(String(3), nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    peer_device_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)  # source or destination
    signer_fingerprint: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    file_name: Mapped[str] = mapped_column(String(255), nullable=False, default="")
    body_sha256: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    since_hlc: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    hlc_max: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    record_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    counts: Mapped[dict[str, int]] = mapped_column(JSON, nullable=False, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)
    processed_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)
    stored_path: Mapped[str] = mapped_column(Text, nullable=False, default="")  # quarantined copy
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")


class SyncRejection(Base):
    """A bundle file that was refused, and why (written after the refused import rolled back)."""

    __tablename__ = "sync_rejection"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)
    file_name: Mapped[str] = mapped_column(String(255), nullable=False, default="")
    bundle_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    signer_fingerprint: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    code: Mapped[str] = mapped_column(String(32), nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False)


class SyncConflict(Base):
    """A version of a field that lost a merge, kept with both values (冲突复核).

    Every losing version is kept; ``status`` says which a person must review (``open``) and which
    were superseded — replaced later by their own device, built upon by another edit, or equal to
    the value in force. It is recomputed over all versions of the field whenever one arrives, so the
    list is the same whatever order the bundles came in.
    """

    __tablename__ = "sync_conflict"
    __table_args__ = (
        CheckConstraint(_in("status", CONFLICT_STATES), name="status"),
        UniqueConstraint("table_name", "row_id", "field", "loser_hlc", "loser_device"),
        Index("ix_sync_conflict_status", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    table_name: Mapped[str] = mapped_column(String(64), nullable=False)
    row_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    field: Mapped[str] = mapped_column(String(64), nullable=False)
    winner_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    winner_hlc: Mapped[int] = mapped_column(BigInteger, nullable=False)
    winner_device: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    loser_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    loser_hlc: Mapped[int] = mapped_column(BigInteger, nullable=False)
    loser_device: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    loser_base: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    bundle_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    detected_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="open")
    resolved_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


SYNCED_MODELS = (*SYNCED_MODELS, InspectionPlan)
__all__ += ["InspectionPlan", "SyncBundle", "SyncConflict", "SyncFieldStamp", "SyncPeer", "SyncRejection"]
