"""Reference data every database starts with: the city's districts and the checklist templates.

Both come from ``resources/`` and are the same on every device; installing is idempotent, so the
desktop runs it on every first start and after an upgrade that brings a new checklist.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from hazdesk.paths import resource_path
from hazdesk.store.checklists import install_checklists
from hazdesk.store.models import District

CITY_FILE = "nanjing.json"  # the city this installation serves; one file per city under resources/districts


@dataclass(frozen=True)
class DistrictInfo:
    code: str
    name: str
    short: str
    city: str


@cache
def districts() -> tuple[DistrictInfo, ...]:
    with resource_path("districts", CITY_FILE).open(encoding="utf-8") as handle:
        data = json.load(handle)
    return tuple(DistrictInfo(d["code"], d["name"], d.get("short", d["name"]), data["city"]) for d in data["districts"])


def install_districts(session: Session) -> int:
    existing = set(session.scalars(select(District.code)))
    added = [District(code=d.code, name=d.name, city=d.city) for d in districts() if d.code not in existing]
    session.add_all(added)
    session.flush()
    return len(added)


def install_reference_data(session: Session) -> None:
    install_districts(session)
    install_checklists(session)
