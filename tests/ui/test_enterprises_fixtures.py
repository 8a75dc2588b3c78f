"""Shared set-up of the 企业 page tests: an AppContext over a real SQLite file, and a small district
built through the services (enterprises, chemicals, a graded hazard source, findings, an inspection).

Imported by the other ``test_enterprises*`` modules; it holds no tests itself.
"""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QFontDatabase

from hazdesk.domain import uscc
from hazdesk.domain.gb18218 import ChemicalInput
from hazdesk.services.enterprises import (
    EnterpriseInput,
    HazardSourceInput,
    create_enterprise,
    save_hazard_source,
    set_chemicals,
)
from hazdesk.services.findings import FindingInput, add_finding
from hazdesk.services.inspections import InspectionStart, start_inspection
from hazdesk.store.models import District, Inspector

TODAY = dt.date(2026, 3, 2)
CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")


def code(body: str) -> str:
    """A valid USCC from its first 17 characters."""
    return body + uscc.check_character(body)


ENTERPRISES = [
    # name, USCC body, district, extra fields
    ("南京华联化工有限公司", "91320115MA1W8K6X2", "320115", {"risk_colour": "red", "monitoring_level": "yellow"}),
    ("华联", "91320116MA1XY0PQ3", "320116", {"risk_colour": "blue"}),
    (
        "江苏扬子石化仓储有限公司",
        "91320113MA1Y00A01",
        "320113",
        {"risk_colour": "orange", "address": "栖霞区华联路8号"},
    ),
    ("南京联华物流有限公司", "91320117MA0000000", "320117", {"blacklisted": True, "blacklist_reason": "非法储存"}),
    ("金陵燃气有限公司", "91320115MA2000123", "320115", {"monitoring_level": "green", "key_processes": ("氯化工艺",)}),
    ("长江涂料有限公司", "91320115MA2000999", "320115", {"risk_colour": "yellow"}),
]


def load_cjk_font() -> None:
    """Chinese renders as boxes without a CJK font; the system one is found by fontconfig, but a bare
    machine may have none registered."""
    if CJK_FONT.exists() and not any("WenQuanYi" in f for f in QFontDatabase.families()):
        QFontDatabase.addApplicationFont(str(CJK_FONT))


@pytest.fixture
def ctx(database, tmp_path, qapp):
    from ui.context import AppContext

    load_cjk_font()
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    context = AppContext(database, tmp_path, settings, today=lambda: TODAY)
    yield context
    settings.sync()


@pytest.fixture
def district(ctx) -> dict[str, uuid.UUID]:
    """Six enterprises in four districts; 华联化工 has chemicals, a 三级 hazard source, findings and an inspection."""
    db = ctx.db
    with db.transaction() as session:
        for district_code, name in (
            ("320113", "栖霞区"),
            ("320115", "江宁区"),
            ("320116", "六合区"),
            ("320117", "溧水区"),
        ):
            session.add(District(code=district_code, name=name, city="南京市"))
        inspectors = [
            Inspector(name=name, cert_no=f"32011500{n}", district_code="320115")
            for n, name in enumerate(("王强", "李娜"))
        ]
        session.add_all(inspectors)
    ids: dict[str, uuid.UUID] = {}
    for name, body, district_code, extra in ENTERPRISES:
        data = EnterpriseInput(uscc=code(body), name=name, district_code=district_code, **extra)
        ids[name], _ = create_enterprise(db, data)
    main = ids["南京华联化工有限公司"]
    set_chemicals(db, main, [("液氯", "7782-50-5", "storage", 20.0), ("甲醇", "67-56-1", "use", 5.0)])
    chlorine = (ChemicalInput(name="氯", tonnes=20),)
    save_hazard_source(db, main, HazardSourceInput("液氯储罐区", "storage", 40, chlorine, record_no="BA-001"))
    add_finding(
        db,
        enterprise_id=main,
        data=FindingInput("液氯储罐区未设置泄漏报警"),
        deadline=7,
        today=TODAY - dt.timedelta(days=30),
    )
    add_finding(db, enterprise_id=main, data=FindingInput("安全标志缺失"), deadline=15, today=TODAY)
    add_finding(
        db,
        enterprise_id=ids["长江涂料有限公司"],
        data=FindingInput("涂料仓库超量储存"),
        deadline=15,
        today=TODAY,
    )
    start_inspection(
        db,
        InspectionStart(
            enterprise_id=main,
            inspector_ids=tuple(i.id for i in inspectors),
            started_at=dt.datetime(2026, 2, 1, 9, 30),
            place="液氯储罐区",
        ),
    )
    return ids
