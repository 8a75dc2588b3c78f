"""Fixtures for the document tests and the benchmark: an enterprise, two officers, an inspection with
findings, written straight through the models so they do not depend on the services' rules."""

from __future__ import annotations

import datetime as dt
import uuid

from hazdesk.documents.settings import set_device_series
from hazdesk.store.database import Database
from hazdesk.store.models import (
    Enterprise,
    Finding,
    Inspection,
    InspectionInspector,
    Inspector,
    Reinspection,
)

DISTRICT = "320115"  # 江宁区 → （宁江）
DAY = dt.date(2026, 3, 5)
ISSUED_AT = dt.datetime(2026, 3, 5, 11, 20, 0)

FINDINGS = [
    (
        "储罐区",
        "甲醇储罐防火堤内有积油和杂物，防火堤排水阀处于常开状态",
        "《石油化工企业设计防火标准》（GB 50160-2008，2018年版）第6.2.17条",
        "立即清理防火堤内积油和杂物，排水阀恢复常关并挂牌管理",
        "major",
    ),
    (
        "合成车间二楼",
        "可燃气体检测报警器未定期检定，报警值设定记录缺失",
        "《石油化工可燃气体和有毒气体检测报警设计标准》（GB/T 50493-2019）第3.0.1条",
        "委托有资质的机构检定全部报警器，补齐报警值设定记录",
        "general",
    ),
    (
        "中控室",
        "重大危险源包保责任人未在公示牌上公示，值班记录不完整",
        "《危险化学品重大危险源监督管理暂行规定》第十三条",
        "在装置区显著位置公示包保责任人，完善值班记录",
        "general",
    ),
    (
        "装卸站台",
        "液化烃装车鹤位未设置静电接地报警装置",
        "《危险化学品企业特殊作业安全规范》（GB 30871-2022）相关条款",
        "增设静电接地报警器，装车前检查确认接地良好",
        "general",
    ),
]


def add_officers(db: Database, count: int = 2) -> list[uuid.UUID]:
    people = [("张伟", "32011520190023"), ("李静", "32011520200117"), ("王磊", "32011520210031")]
    ids = []
    with db.transaction() as session:
        for name, cert in people[:count]:
            row = Inspector(name=name, cert_no=cert, district_code=DISTRICT, bureau="南京市江宁区应急管理局")
            session.add(row)
            session.flush()
            ids.append(row.id)
    return ids


def make_inspection(
    db: Database,
    *,
    enterprise_name: str = "南京华联化工有限公司",
    findings: int = 3,
    officers: int = 2,
    summary: str = "检查了储罐区、合成车间、中控室和装卸站台，查阅了安全管理台账和特殊作业票证。",
    deadline_days: tuple[int, ...] = (0, 15, 15, 30),
    description_suffix: str = "",
) -> uuid.UUID:
    """An inspection on ``DAY`` with ``findings`` findings (the sample list repeated as needed)."""
    officer_ids = add_officers(db, officers)
    with db.transaction() as session:
        enterprise = Enterprise(
            uscc="91320115MA1XXXXX2A",
            name=enterprise_name,
            district_code=DISTRICT,
            address="南京市江宁区滨江经济开发区丽水大街1186号",
            legal_representative="陈建国",
            safety_contact="刘洋",
            phone="025-52101234",
        )
        session.add(enterprise)
        session.flush()
        inspection = Inspection(
            enterprise_id=enterprise.id,
            district_code=DISTRICT,
            kind="routine",
            place="生产装置区、罐区及中控室",
            started_at=dt.datetime.combine(DAY, dt.time(9, 30)),
            ended_at=dt.datetime.combine(DAY, dt.time(11, 5)),
            site_leader="刘洋",
            site_leader_title="安全总监",
            site_leader_phone="13805171234",
            summary=summary,
            state="completed",
        )
        session.add(inspection)
        session.flush()
        for seq, officer in enumerate(officer_ids):
            session.add(InspectionInspector(inspection_id=inspection.id, inspector_id=officer, seq=seq))
        for n in range(findings):
            location, text, basis, measure, severity = FINDINGS[n % len(FINDINGS)]
            days = deadline_days[n % len(deadline_days)]
            session.add(
                Finding(
                    enterprise_id=enterprise.id,
                    district_code=DISTRICT,
                    inspection_id=inspection.id,
                    description=f"{text}{description_suffix}" + (f"（第{n + 1}处）" if n >= len(FINDINGS) else ""),
                    location=location,
                    severity=severity,
                    legal_basis=basis,
                    measure=measure,
                    found_on=DAY,
                    deadline=DAY + dt.timedelta(days=days),
                )
            )
        return inspection.id


def reinspect_all(db: Database, inspection_id: uuid.UUID, *, on: dt.date, fail_first: bool = True) -> None:
    with db.transaction() as session:
        findings = session.query(Finding).filter(Finding.inspection_id == inspection_id).order_by(Finding.hlc).all()
        for n, finding in enumerate(findings):
            failed = fail_first and n == 0
            session.add(
                Reinspection(
                    finding_id=finding.id,
                    reinspected_on=on,
                    result="fail" if failed else "pass",
                    new_deadline=on + dt.timedelta(days=10) if failed else None,
                    note="防火堤排水阀已关闭，但堤内仍有少量积油" if failed else "",
                )
            )


def ready_database(db: Database, series: str = "A") -> None:
    set_device_series(db, DISTRICT, series)
