"""Builds ``rev0001.sqlite``: a database as hazdesk wrote it at schema revision 0001, with data.

Kept for the record of how the fixture was made; the committed file is what the upgrade test opens,
so do not regenerate it with a newer schema. Run: ``python tests/data/make_rev0001.py``.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import uuid
from pathlib import Path

from sqlalchemy import create_engine

from hazdesk.store import migrations

HERE = Path(__file__).resolve().parent
TARGET = HERE / "rev0001.sqlite"
DEVICE = uuid.UUID("00000000-0000-4000-8000-000000000001")


def _id(n: int) -> str:
    return uuid.UUID(int=n, version=4).hex


def main() -> None:
    TARGET.unlink(missing_ok=True)
    engine = create_engine(f"sqlite:///{TARGET}")
    with engine.connect() as connection:
        migrations.upgrade(connection, "0001")
    engine.dispose()

    db = sqlite3.connect(TARGET)
    sync = (DEVICE.hex, 1 << 16, 0)
    db.execute("INSERT INTO local_setting VALUES ('device_id', ?)", (json.dumps(str(DEVICE)),))
    db.execute("INSERT INTO district VALUES ('320115', '江宁区', '南京市')")
    db.execute(
        "INSERT INTO device (name, role, district_code, id, origin_device_id, hlc, deleted)"
        " VALUES ('江宁执法终端01', 'district', '320115', ?, ?, ?, ?)",
        (DEVICE.hex, *sync),
    )
    for n, (name, cert) in enumerate([("王建国", "32011520230017"), ("李敏", "32011520230018")], start=10):
        db.execute(
            "INSERT INTO inspector (name, cert_no, district_code, bureau, role, active, id, origin_device_id,"
            " hlc, deleted) VALUES (?, ?, '320115', '南京市江宁区应急管理局', 'inspector', 1, ?, ?, ?, ?)",
            (name, cert, _id(n), *sync),
        )
    enterprises = [
        (20, "91320115MA1W8K6X2B", "南京华联化工有限公司", "江宁区滨江开发区丽水大街1号"),
        (21, "91320115MA1XY0PQ3F", "<b>单</b>&氏精细化学品（南京）有限公司", "江宁区汤山街道𠮷祥路8号"),
    ]
    for n, uscc, name, address in enterprises:
        db.execute(
            "INSERT INTO enterprise (uscc, name, district_code, address, industry, legal_representative,"
            " safety_contact, phone, roles, in_chemical_park, chemical_park, population_dense_area, licences,"
            " blacklisted, blacklist_reason, key_processes, involves_key_process, involves_key_chemical,"
            " has_major_hazard, notes, id, origin_device_id, hlc, deleted)"
            " VALUES (?, ?, '320115', ?, '化学原料和化学制品制造业', '张三', '李四', '025-52100000',"
            " ?, 1, '江宁滨江化工集中区', 0, ?, 0, '', ?, 1, 1, 1, '', ?, ?, ?, ?)",
            (
                uscc,
                name,
                address,
                json.dumps(["production", "storage"]),
                json.dumps([{"kind": "安全生产许可证", "number": "(苏)WH安许证字[2024]000123"}], ensure_ascii=False),
                json.dumps(["氯化工艺"], ensure_ascii=False),
                _id(n),
                *sync,
            ),
        )
    db.execute(
        "INSERT INTO enterprise_chemical (enterprise_id, name, cas, usage, max_tonnes, id, origin_device_id, hlc,"
        " deleted) VALUES (?, '氯', '7782-50-5', 'storage', 20, ?, ?, ?, ?)",
        (_id(20), _id(30), *sync),
    )
    db.execute(
        "INSERT INTO major_hazard_source (enterprise_id, name, unit_kind, location, people_within_500m, s_value,"
        " r_value, alpha, level, responsible_persons, record_no, id, origin_device_id, hlc, deleted)"
        " VALUES (?, '液氯储罐区', 'storage', '厂区东北角', 40, 4.0, 19.2, 1.2, 3, ?, 'WHY-320115-001', ?, ?, ?, ?)",
        (_id(20), json.dumps({"主要负责人": "张三"}, ensure_ascii=False), _id(40), *sync),
    )
    db.execute(
        "INSERT INTO hazard_source_chemical (source_id, name, cas, hazard_class, tonnes, critical_tonnes, beta,"
        " id, origin_device_id, hlc, deleted) VALUES (?, '氯', '7782-50-5', '', 20, 5, 4, ?, ?, ?, ?)",
        (_id(40), _id(41), *sync),
    )
    db.execute(
        "INSERT INTO checklist_template (code, version, name, source, id, origin_device_id, hlc, deleted)"
        " VALUES ('major-hazard-2017-121', '2017', '重大生产安全事故隐患判定标准', '安监总管三〔2017〕121号', ?, ?, ?, ?)",
        (_id(50), *sync),
    )
    db.execute(
        "INSERT INTO checklist_item (template_id, code, seq, section, text, label, finding_text, legal_basis,"
        " severity_if_nonconforming, default_measure, id, origin_device_id, hlc, deleted)"
        " VALUES (?, 'MH-02', 2, '人员', '特种作业人员未持证上岗。', '特种作业持证', '特种作业人员未持证上岗。',"
        " '安监总管三〔2017〕121号 第2项', 'major', '立即停止无证人员作业', ?, ?, ?, ?)",
        (_id(50), _id(51), *sync),
    )
    started = dt.datetime(2026, 3, 2, 9, 30)
    db.execute(
        "INSERT INTO inspection (enterprise_id, district_code, template_id, kind, place, started_at, ended_at,"
        " site_leader, site_leader_title, site_leader_phone, summary, state, id, origin_device_id, hlc, deleted)"
        " VALUES (?, '320115', ?, 'routine', '液氯储罐区', ?, ?, '李四', '安全总监', '13800000000', '检查情况良好',"
        " 'completed', ?, ?, ?, ?)",
        (_id(20), _id(50), started.isoformat(" "), (started + dt.timedelta(hours=2)).isoformat(" "), _id(60), *sync),
    )
    for seq, inspector in enumerate((_id(10), _id(11))):
        db.execute(
            "INSERT INTO inspection_inspector (inspection_id, inspector_id, seq, id, origin_device_id, hlc, deleted)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (_id(60), inspector, seq, _id(61 + seq), *sync),
        )
    db.execute(
        "INSERT INTO inspection_answer (inspection_id, item_id, result, note, id, origin_device_id, hlc, deleted)"
        " VALUES (?, ?, 'nonconform', '两名操作工无证', ?, ?, ?, ?)",
        (_id(60), _id(51), _id(70), *sync),
    )
    db.execute(
        "INSERT INTO finding (enterprise_id, district_code, inspection_id, item_id, description, location, severity,"
        " legal_basis, measure, found_on, deadline, status, id, origin_device_id, hlc, deleted)"
        " VALUES (?, '320115', ?, ?, '特种作业人员未持证上岗', '液氯充装站', 'major', '安监总管三〔2017〕121号 第2项',"
        " '立即停止无证人员作业', '2026-03-02', '2026-03-09', 'failed', ?, ?, ?, ?)",
        (_id(20), _id(60), _id(51), _id(80), *sync),
    )
    db.execute(
        "INSERT INTO reinspection (finding_id, reinspected_on, result, new_deadline, note, inspector_ids, id,"
        " origin_device_id, hlc, deleted) VALUES (?, '2026-03-09', 'fail', '2026-03-24', '仍有一人无证', ?, ?, ?, ?, ?)",
        (_id(80), json.dumps([str(uuid.UUID(_id(10))), str(uuid.UUID(_id(11)))]), _id(81), *sync),
    )
    db.execute(
        "INSERT INTO attachment (owner_kind, owner_id, sha256, size, mime_type, original_name, caption, id,"
        " origin_device_id, hlc, deleted) VALUES ('finding', ?, ?, 1234, 'image/jpeg', 'IMG_0001.jpg', '现场照片',"
        " ?, ?, ?, ?)",
        (_id(80), "ab" * 32, _id(90), *sync),
    )
    db.execute(
        "INSERT INTO audit_event (at, action, entity, entity_id, detail, id, origin_device_id, hlc, deleted)"
        " VALUES ('2026-03-02 11:30:00', 'finding.create', 'finding', ?, '{}', ?, ?, ?, ?)",
        (_id(80), _id(95), *sync),
    )
    db.commit()
    db.execute("PRAGMA journal_mode=DELETE")
    db.execute("VACUUM")
    db.close()
    print(f"wrote {TARGET} ({TARGET.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
