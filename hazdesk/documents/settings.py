"""Document settings: the issuing bureau per district, this device's number series, the font path.

Bureau settings and series assignments are synced rows (every laptop of a district prints the same
bureau name and remedy clause; the office sees which laptop holds which series). The font path is a
``LocalSetting``: it names a file on this machine only.
"""

from __future__ import annotations

import functools
import json
import re
import uuid
from dataclasses import asdict, dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from hazdesk.errors import ValidationError
from hazdesk.paths import resource_path
from hazdesk.store.database import Database
from hazdesk.store.models import BureauSetting, DocumentSeries, LocalSetting

FONT_PATH_KEY = "documents.font_path"
_NAMESPACE = uuid.UUID("6f1d8a52-3c1e-4e55-9a57-0d0c2b1e7a11")  # hazdesk document settings (uuid5 ids)
SERIES_PATTERN = re.compile(r"^[A-Z]{1,3}$")

# Administrative cases against a district government or its departments in Nanjing are heard by the
# 南京铁路运输法院 (centralised jurisdiction); other cities have to be configured.
_COURTS = {"南京市": "南京铁路运输法院"}


@dataclass(frozen=True)
class BureauSettings:
    """文书设置 of one district's bureau (see :class:`hazdesk.store.models.BureauSetting`)."""

    district_code: str
    name: str  # 南京市江宁区应急管理局
    short_name: str  # 宁江 → （宁江）应急责改〔2026〕A12号
    review_government: str  # 行政复议机关: 南京市江宁区人民政府
    review_department: str  # 行政复议机关 (may be empty: since 2024 复议 goes to the government only)
    court: str  # 行政诉讼: 南京铁路运输法院

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


# Used when a district is not in resources/districts: the example bureau of the product brief.
FALLBACK = BureauSettings(
    district_code="",
    name="南京市江宁区应急管理局",
    short_name="宁江",
    review_government="南京市江宁区人民政府",
    review_department="南京市应急管理局",
    court="南京铁路运输法院",
)


@functools.cache
def _known_districts() -> dict[str, BureauSettings]:
    """Defaults derived from the district catalogues: 简称 = the city's one-character abbreviation (宁,
    from the licence prefix 苏(宁)) + the district's first character (江宁 → 宁江)."""
    out: dict[str, BureauSettings] = {}
    folder = resource_path("districts")
    if not folder.is_dir():
        return out
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        city = data.get("city", "")
        abbreviation = re.search(r"[（(](.)[)）]", data.get("licence_prefix", ""))
        city_char = abbreviation.group(1) if abbreviation else city[:1]
        for district in data.get("districts", []):
            name = district["name"]
            out[district["code"]] = BureauSettings(
                district_code=district["code"],
                name=f"{city}{name}应急管理局",
                short_name=f"{city_char}{district.get('short', name)[:1]}",
                review_government=f"{city}{name}人民政府",
                review_department=f"{city}应急管理局",
                court=_COURTS.get(city, ""),
            )
    return out


def default_bureau(district_code: str) -> BureauSettings:
    known = _known_districts().get(district_code)
    if known is not None:
        return known
    return BureauSettings(**(FALLBACK.as_dict() | {"district_code": district_code}))


def bureau_settings(session: Session, district_code: str) -> BureauSettings:
    row = session.scalar(
        select(BureauSetting).where(BureauSetting.district_code == district_code, BureauSetting.deleted.is_(False))
    )
    if row is None:
        return default_bureau(district_code)
    return BureauSettings(
        district_code=row.district_code,
        name=row.name,
        short_name=row.short_name,
        review_government=row.review_government,
        review_department=row.review_department,
        court=row.court,
    )


def save_bureau_settings(db: Database, settings: BureauSettings) -> None:
    """Store a district's settings (all fields but ``review_department`` are required)."""
    labels = {
        "name": "机关名称",
        "short_name": "机关简称",
        "review_government": "复议机关（人民政府）",
        "court": "法院",
    }
    for field, label in labels.items():
        if not getattr(settings, field).strip():
            raise ValidationError(f"文书设置：{label}不能为空", field=field)
    if len(settings.short_name) > 8:
        raise ValidationError("文书设置：机关简称最多 8 个字", field="short_name")
    with db.transaction() as session:
        row_id = uuid.uuid5(_NAMESPACE, f"bureau:{settings.district_code}")
        row = session.get(BureauSetting, row_id)
        if row is None:
            row = BureauSetting(id=row_id, district_code=settings.district_code)
            session.add(row)
        row.deleted = False
        for field in ("name", "short_name", "review_government", "review_department", "court"):
            setattr(row, field, getattr(settings, field).strip())


# --- number series ----------------------------------------------------------------------------
def device_series(session: Session, short_name: str, device_id: uuid.UUID) -> str | None:
    """This device's series code within a bureau 简称, or None when it has none yet."""
    return session.scalar(
        select(DocumentSeries.code)
        .where(
            DocumentSeries.short_name == short_name,
            DocumentSeries.device_id == device_id,
            DocumentSeries.deleted.is_(False),
        )
        .order_by(DocumentSeries.code)
        .limit(1)
    )


def assign_series(session: Session, short_name: str, code: str, device_id: uuid.UUID) -> None:
    """Give ``device_id`` the series ``code`` (A–ZZZ) within ``short_name``; refuses a code held by
    another device and a second code for a device that already numbers documents in another one."""
    code = code.strip().upper()
    if not SERIES_PATTERN.match(code):
        raise ValidationError("编号序列须为 1–3 个大写英文字母，例如 A、B、AC", field="series")
    current = device_series(session, short_name, device_id)
    if current is not None and current != code:
        raise ValidationError(
            f"本机在“{short_name}”已使用编号序列 {current}；序列一经使用不再更改，以免编号重复", field="series"
        )
    row_id = uuid.uuid5(_NAMESPACE, f"series:{short_name}:{code}")
    row = session.get(DocumentSeries, row_id)
    if row is not None and not row.deleted and row.device_id != device_id:
        raise ValidationError(f"编号序列 {short_name}{code} 已分配给另一台设备（{row.device_id}）", field="series")
    if row is None:
        session.add(DocumentSeries(id=row_id, short_name=short_name, code=code, device_id=device_id))
    else:
        row.device_id = device_id
        row.deleted = False


def set_device_series(db: Database, district_code: str, code: str) -> str:
    """Assign this device a series in the bureau of ``district_code``; returns the bureau 简称."""
    with db.transaction() as session:
        short = bureau_settings(session, district_code).short_name
        assign_series(session, short, code, db.device_id)
    return short


# --- font path (this machine only) ------------------------------------------------------------
def font_path(session: Session) -> str | None:
    row = session.get(LocalSetting, FONT_PATH_KEY)
    return str(row.value) if row is not None and row.value else None


def set_font_path(db: Database, path: str | None) -> None:
    with db.transaction() as session:
        row = session.get(LocalSetting, FONT_PATH_KEY)
        if row is None:
            session.add(LocalSetting(key=FONT_PATH_KEY, value=path))
        else:
            row.value = path
