"""``build_demo``: a realistic, reproducible demo database for one district laptop or the city office.

All or nothing. A new file is built under ``PATH.partial`` and renamed only when complete, so a crash,
Ctrl-C or a cancelled build never leaves a half-filled database at PATH. An existing file is used
only if it holds no enterprises, inspections or findings (a freshly set-up database); its reference
data (districts, checklists) is installed as at the desktop's first start, then everything else goes
in in one transaction, so a failure rolls back to that.

The same seed and "today" give the same ids, names, codes and dates. What differs between two builds
is what must: the clock stamps (``hlc``) of the rows, which come from this machine's clock.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from hazdesk.demo import enterprises as ent
from hazdesk.demo import findings as fnd
from hazdesk.demo import hazards as haz
from hazdesk.demo import inspections as ins
from hazdesk.demo.context import SCALES, Context, Scale
from hazdesk.demo.names import DistrictInfo, city, districts
from hazdesk.demo.rand import db_datetime, stream
from hazdesk.demo.writer import CancelFlag, Loader, ProgressCallback
from hazdesk.domain.checklists import list_templates
from hazdesk.errors import HazdeskError
from hazdesk.store.checklists import item_id, template_id
from hazdesk.store.database import Database, open_database
from hazdesk.store.models import LocalSetting
from hazdesk.store.reference_data import install_reference_data

DEFAULT_DISTRICT = "320115"  # 江宁区
# Tables whose secondary indexes are rebuilt after the load rather than maintained during it.
_BULK_TABLES = (
    "enterprise",
    "enterprise_chemical",
    "inspection",
    "inspection_inspector",
    "inspection_answer",
    "finding",
    "reinspection",
)
_DEVICE_COLUMNS = ("id", "origin_device_id", "hlc", "name", "role", "district_code", "enrolled_at")


@dataclass(frozen=True)
class DemoReport:
    path: Path
    scale: str
    seed: int
    today: dt.date
    districts: tuple[str, ...]
    counts: dict[str, int]  # rows written per table
    seconds: float
    size_bytes: int


def build_demo(
    db_path: str | os.PathLike[str],
    scale: str | Scale = "district",
    seed: int = 1,
    today: dt.date | None = None,
    district: str | None = None,
    progress: ProgressCallback | None = None,
    cancel: CancelFlag | None = None,
) -> DemoReport:
    """Build the demo into the SQLite file ``db_path`` (see the module docstring for the rules)."""
    started = time.monotonic()
    plan = _resolve_scale(scale)
    today = today or dt.date.today()
    scope = _scope(plan, district)
    path = _file_path(db_path)
    fresh = not path.exists()
    if not fresh and has_data(path):
        raise HazdeskError(f"数据库 {path} 已有数据，演示数据只能写入新数据库")
    target = path.with_name(path.name + ".partial") if fresh else path
    if fresh:
        _remove_database_files(target)  # left over from a build that was killed
    try:
        db = open_database(target)
        try:
            counts = _build(db, plan, seed, today, scope, progress, cancel, claim_identity=fresh)
        finally:
            db.close()
        if fresh:
            _publish(target, path)
    except BaseException:
        if fresh:
            _remove_database_files(target)
        raise
    return DemoReport(
        path,
        plan.name,
        seed,
        today,
        tuple(d.code for d in scope),
        counts,
        time.monotonic() - started,
        path.stat().st_size,
    )


def has_data(path: Path) -> bool:
    """Does the file hold enterprises, inspections or findings? Read-only: a refused file stays untouched."""
    try:
        connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return False  # open_database will say what is wrong with it
    try:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        return any(
            connection.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone() is not None
            for table in ("enterprise", "inspection", "finding")
            if table in tables
        )
    except sqlite3.Error:
        return False
    finally:
        connection.close()


def _resolve_scale(scale: str | Scale) -> Scale:
    if isinstance(scale, Scale):
        return scale
    if scale not in SCALES:
        raise HazdeskError(f"未知的演示数据规模「{scale}」：可选 district（区县）或 city（全市）")
    return SCALES[scale]


def _scope(plan: Scale, district: str | None) -> tuple[DistrictInfo, ...]:
    known = {d.code: d for d in districts()}
    if plan.whole_city:
        if district is not None:
            raise HazdeskError("全市规模（city）包含所有区，不能再指定 --district")
        return tuple(known.values())
    code = district or DEFAULT_DISTRICT
    if code not in known:
        choices = "、".join(f"{d.code} {d.name}" for d in known.values())
        raise HazdeskError(f"没有区划代码为 {code} 的区：可选 {choices}")
    return (known[code],)


def _file_path(db_path: str | os.PathLike[str]) -> Path:
    text = os.fspath(db_path)
    if "://" in text and not text.startswith("sqlite:///"):
        raise HazdeskError("演示数据只能写入 SQLite 数据库文件，请给出文件路径")
    return Path(text.removeprefix("sqlite:///")).expanduser().resolve()


def _remove_database_files(base: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            Path(f"{base}{suffix}").unlink()


def _publish(partial: Path, path: Path) -> None:
    if Path(f"{partial}-wal").exists():  # closing normally checkpoints and removes the WAL; make sure
        connection = sqlite3.connect(partial)
        try:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            connection.close()
    if path.exists():
        raise HazdeskError(f"生成期间 {path} 已被创建；为免覆盖，演示数据未保存")
    partial.replace(path)
    with contextlib.suppress(FileNotFoundError):
        Path(f"{partial}-shm").unlink()


def _device_ids(seed: int, scope: tuple[DistrictInfo, ...]) -> tuple[str, dict[str, str]]:
    office = stream(seed, "device", "office").uuid_hex()
    return office, {d.code: stream(seed, "device", d.code).uuid_hex() for d in scope}


def _build(
    db: Database,
    plan: Scale,
    seed: int,
    today: dt.date,
    scope: tuple[DistrictInfo, ...],
    progress: ProgressCallback | None,
    cancel: CancelFlag | None,
    *,
    claim_identity: bool,
) -> dict[str, int]:
    office, laptops = _device_ids(seed, scope)
    # A new demo file *is* a machine of the demo: the district's laptop, or the office desktop.
    identity = office if plan.whole_city else laptops[scope[0].code]
    with db.transaction() as session:
        if claim_identity:
            setting = session.get(LocalSetting, "device_id")
            assert setting is not None  # open_database wrote it
            setting.value = str(uuid.UUID(identity))
            db.device_id = uuid.UUID(identity)
        install_reference_data(session)  # districts and checklists, exactly as the desktop's first start
    templates = {
        t.code: ins.Template(
            t, template_id(t.code, t.version).hex, tuple(item_id(t.code, t.version, i.code).hex for i in t.items)
        )
        for t in list_templates()
    }
    ctx = Context(seed, today, plan, db.new_stamp())
    if claim_identity:
        db.engine.dispose()  # alone on the file: the journal mode can only change without other connections
    loader = Loader(
        db.engine,
        fresh_file=claim_identity,
        rebuild_indexes_of=_BULK_TABLES,
        expected_rows=plan.enterprises * 30 + plan.inspections * 4 + plan.findings * 3,  # rows, roughly
        progress=progress,
        cancel=cancel,
    )
    with loader:
        loader.insert("device", _DEVICE_COLUMNS, _device_rows(ctx, scope, office, laptops))
        for district, (companies, visits, findings, officers) in zip(scope, _split(plan, scope), strict=True):
            _district(ctx, loader, district, laptops[district.code], templates, companies, visits, findings, officers)
        counts = loader.finish()
    db.clock.observe(ctx.last_stamp())
    return counts


def _device_rows(
    ctx: Context, scope: tuple[DistrictInfo, ...], office: str, laptops: dict[str, str]
) -> list[tuple[object, ...]]:
    enrolled = db_datetime(dt.datetime.combine(ctx.today - dt.timedelta(days=400), dt.time(9, 30)))
    rows: list[tuple[object, ...]] = [
        (office, office, next(ctx.stamps), f"{city()['city']}应急管理局办公室", "office", None, enrolled)
    ]
    for d in scope:  # laptops are enrolled by the office, so the office "made" their rows
        rows.append((laptops[d.code], office, next(ctx.stamps), f"{d.name}执法终端01", "district", d.code, enrolled))
    return rows


def _split(plan: Scale, scope: tuple[DistrictInfo, ...]) -> list[tuple[int, int, int, int]]:
    """Enterprises by district weight (largest remainder); visits and findings follow the enterprises."""
    if len(scope) == 1:
        officers = 16 if plan.enterprises >= 1000 else 8
        return [(plan.enterprises, plan.inspections, plan.findings, officers)]
    total = sum(d.weight for d in scope)
    raw = [plan.enterprises * d.weight / total for d in scope]
    counts = [int(x) for x in raw]
    for index in sorted(range(len(scope)), key=lambda i: raw[i] - counts[i], reverse=True)[
        : plan.enterprises - sum(counts)
    ]:
        counts[index] += 1
    heaviest = max(d.weight for d in scope)
    return [
        (
            n,
            round(plan.inspections * n / plan.enterprises),
            round(plan.findings * n / plan.enterprises),
            8 + round(12 * d.weight / heaviest),
        )
        for n, d in zip(counts, scope, strict=True)
    ]


def _district(
    ctx: Context,
    loader: Loader,
    district: DistrictInfo,
    device: str,
    templates: dict[str, ins.Template],
    companies: int,
    visits_wanted: int,
    findings_wanted: int,
    officers: int,
) -> None:
    inspector_rows, inspectors = ins.make_inspectors(ctx, district, officers, device)
    loader.insert("inspector", ins.INSPECTOR_COLUMNS, inspector_rows)
    made = ent.make_enterprises(ctx, district, companies, device)
    loader.insert("enterprise", ent.ENTERPRISE_COLUMNS, made.enterprises)
    loader.insert("enterprise_chemical", ent.ENTERPRISE_CHEMICAL_COLUMNS, made.chemicals)
    loader.insert("major_hazard_source", haz.MHS_COLUMNS, made.hazards.sources)
    loader.insert("hazard_source_chemical", haz.HAZARD_CHEMICAL_COLUMNS, made.hazards.chemicals)
    visits = ins.plan_visits(ctx, district, made.made, inspectors, templates, visits_wanted, findings_wanted)
    found = fnd.make_findings(ctx, visits, device)  # before the inspection rows: summaries count findings
    inspection_rows, links = ins.visit_rows(ctx, visits, device)
    loader.insert("inspection", ins.INSPECTION_COLUMNS, inspection_rows)
    loader.insert("inspection_inspector", ins.INSPECTION_INSPECTOR_COLUMNS, links)
    loader.insert("finding", fnd.FINDING_COLUMNS, found.findings)
    loader.insert("reinspection", fnd.REINSPECTION_COLUMNS, found.reinspections)
    loader.insert("inspection_answer", ins.ANSWER_COLUMNS, ins.answer_rows(ctx, visits, found.notes, device))
