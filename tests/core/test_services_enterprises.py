"""一企一档 services on a real database: validation names the field, derived values are recomputed."""

from __future__ import annotations

import pytest

from hazdesk.domain.gb18218 import ChemicalInput
from hazdesk.errors import ValidationError
from hazdesk.services.enterprises import (
    EnterpriseInput,
    HazardSourceInput,
    create_enterprise,
    save_hazard_source,
    set_chemicals,
    update_enterprise,
)
from hazdesk.store.models import Enterprise, MajorHazardSource
from hazdesk.store.search import search_enterprises

VALID = "91350100M000100Y43"


def _input(**overrides) -> EnterpriseInput:
    base = dict(
        uscc=VALID, name="<b>华联</b>&化工有限公司", district_code="320115", address="江宁区𠮷祥路8号"
    )
    return EnterpriseInput(**{**base, **overrides})


def _dump(database) -> list[tuple]:
    with database.engine.connect() as c:
        return [
            tuple(r) for t in ("enterprise", "audit_event") for r in c.exec_driver_sql(f"SELECT * FROM {t}")
        ]


def test_create_keeps_the_name_exactly_and_makes_it_searchable(database) -> None:
    enterprise_id, changes = create_enterprise(database, _input(key_processes=("氨基化工艺",)))
    assert changes.touches("enterprise")
    with database.session() as session:
        row = session.get(Enterprise, enterprise_id)
        assert row.name == "<b>华联</b>&化工有限公司"
        assert row.key_processes == ["胺基化工艺"]  # the common misspelling maps to the catalog name
        assert row.involves_key_process and not row.has_major_hazard
        assert [h.id for h in search_enterprises(session, "华联</b>&化")] == [enterprise_id]
        # Latin letters in a name count in its initials: <b>华联</b>&化工 → b h l b h g …
        assert [h.id for h in search_enterprises(session, "bhlbhg")] == [enterprise_id]


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"uscc": "91350100M000100Y4Z"}, "uscc", "校验码"),
        ({"name": "   "}, "name", "企业名称"),
        ({"name": "化" * 201}, "name", "过长"),
        ({"district_code": "江宁"}, "district_code", "6 位数字"),
        ({"roles": ("smuggling",)}, "roles", "smuggling"),
        ({"commissioned_year": 2999}, "commissioned_year", "2999"),
        ({"key_processes": ("烹饪工艺",)}, "key_processes", "烹饪工艺"),
        ({"latitude": 123.0}, "latitude", "纬度"),
        ({"phone": "abc"}, "phone", "不是电话号码"),
        ({"phone": "025-5210abc"}, "phone", "025-5210abc"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(database, overrides, field, words) -> None:
    before = _dump(database)
    with pytest.raises(ValidationError) as caught:
        create_enterprise(database, _input(**overrides))
    assert caught.value.field == field and words in str(caught.value)
    assert _dump(database) == before


def test_duplicate_uscc_is_refused_naming_the_holder(database) -> None:
    create_enterprise(database, _input())
    with pytest.raises(ValidationError, match="华联"):
        create_enterprise(database, _input(name="另一家公司"))


def test_update_recomputes_search_keys(database) -> None:
    enterprise_id, _ = create_enterprise(database, _input())
    update_enterprise(database, enterprise_id, _input(name="扬子石化仓储有限公司"))
    with database.session() as session:
        assert [h.id for h in search_enterprises(session, "yzsh")] == [enterprise_id]
        assert search_enterprises(session, "bhlbhg") == []


def test_key_chemicals_and_major_hazard_sources_set_the_flags(database) -> None:
    enterprise_id, _ = create_enterprise(database, _input())
    set_chemicals(database, enterprise_id, [("液氯", "7782-50-5", "storage", 20.0)])
    source = HazardSourceInput(
        name="液氯储罐区",
        unit_kind="storage",
        people_within_500m=40,
        chemicals=(ChemicalInput(name="氯", tonnes=20),),
    )
    source_id, _ = save_hazard_source(database, enterprise_id, source)
    with database.session() as session:
        row = session.get(Enterprise, enterprise_id)
        assert row.involves_key_chemical and row.has_major_hazard
        mhs = session.get(MajorHazardSource, source_id)
        # GB 18218 worked example: S = 4, R = 1.2 × 4 × 20/5 = 19.2 → 三级
        assert (mhs.s_value, mhs.r_value, mhs.alpha, mhs.level) == (4.0, 19.2, 1.2, 3)
        assert [(c.critical_tonnes, c.beta) for c in mhs.chemicals] == [(5.0, 4.0)]

    # Editing the quantity below the threshold: no longer a major hazard, the flag follows.
    smaller = HazardSourceInput(
        name="液氯储罐区",
        unit_kind="storage",
        people_within_500m=40,
        chemicals=(ChemicalInput(name="氯", tonnes=2),),
    )
    save_hazard_source(database, enterprise_id, smaller, source_id=source_id)
    with database.session() as session:
        mhs = session.get(MajorHazardSource, source_id)
        assert mhs.level is None and mhs.s_value == 0.4
        assert [c.tonnes for c in mhs.chemicals if not c.deleted] == [2.0]
        assert session.get(Enterprise, enterprise_id).has_major_hazard is False


def test_a_bad_chemical_quantity_is_refused_before_anything_is_written(database) -> None:
    enterprise_id, _ = create_enterprise(database, _input())
    before = _dump(database)
    bad = HazardSourceInput(
        name="罐区",
        unit_kind="storage",
        people_within_500m=10,
        chemicals=(ChemicalInput(name="氯", tonnes=-5),),
    )
    with pytest.raises(ValidationError, match="氯"):
        save_hazard_source(database, enterprise_id, bad)
    assert _dump(database) == before


@pytest.mark.parametrize("phone", ["025-52101234", "+86 138 0517 1234", "025-5210 1234 转 8001", "(025)52101234"])
def test_phone_numbers_as_people_write_them_are_kept(database, phone) -> None:
    enterprise_id, _ = create_enterprise(database, _input(phone=phone))
    with database.session() as session:
        assert session.get(Enterprise, enterprise_id).phone == phone
