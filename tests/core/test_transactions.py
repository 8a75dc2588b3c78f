"""The transaction helper and the sync stamps every write receives."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from hazdesk.store.database import open_database
from hazdesk.store.models import Enterprise, Inspector
from hazdesk.sync.clock import HybridLogicalClock, pack, unpack


def _enterprise(name: str = "南京华联化工有限公司") -> Enterprise:
    return Enterprise(uscc="91320115MA1W8K6X2B", name=name, district_code="320115")


def test_an_error_inside_a_transaction_leaves_nothing_behind(database) -> None:
    with pytest.raises(RuntimeError), database.transaction() as session:
        session.add(_enterprise())
        session.flush()  # the row reached the database inside the transaction…
        raise RuntimeError("power cut")
    with database.session() as session:  # …and is gone after the rollback
        assert session.scalar(select(func.count()).select_from(Enterprise)) == 0


def test_new_rows_get_device_and_increasing_stamps_and_updates_restamp(database) -> None:
    with database.transaction() as session:
        first = _enterprise()
        second = Inspector(name="王建国", cert_no="32011520230017", district_code="320115")
        session.add_all([first, second])
    assert first.origin_device_id == database.device_id
    assert second.hlc != first.hlc
    stamp_before = first.hlc
    with database.transaction() as session:
        row = session.get(Enterprise, first.id)
        row.address = "江宁区丽水大街1号"
    with database.session() as session:
        updated = session.get(Enterprise, first.id)
        assert updated.hlc > stamp_before
        assert updated.origin_device_id == database.device_id
        assert updated.deleted is False


def test_stamps_stay_monotonic_across_reopening_even_with_the_wall_clock_behind(db_path) -> None:
    db = open_database(db_path)
    future = pack(int(dt.datetime(2030, 1, 1).timestamp() * 1000), 5)
    with db.transaction() as session:
        row = _enterprise()
        row.hlc = future  # e.g. a row received from a laptop whose clock runs ahead
        session.add(row)
    db.close()
    again = open_database(db_path)
    try:
        assert again.new_stamp() > future
    finally:
        again.close()


def test_clock_counter_breaks_ties_and_observes_remote_stamps() -> None:
    clock = HybridLogicalClock(wall=lambda: 1000)
    a, b = clock.now(), clock.now()
    assert unpack(a) == (1000, 0) and unpack(b) == (1000, 1)
    clock.observe(pack(5000, 7))
    assert unpack(clock.now()) == (5000, 8)


@given(st.lists(st.integers(min_value=0, max_value=2_000), min_size=1, max_size=200))
def test_clock_never_goes_backwards_whatever_the_wall_clock_does(walls: list[int]) -> None:
    values = iter(walls)
    clock = HybridLogicalClock(wall=lambda: next(values))
    stamps = [clock.now() for _ in walls]
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)
