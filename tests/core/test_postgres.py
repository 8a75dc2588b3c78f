"""The same models and Alembic revisions on PostgreSQL (the municipal office's store).

Needs a server: HAZDESK_TEST_PG_URL names an admin URL (``.ci/run`` starts one with
packaging/pg-test-server.sh). Under CI=true a missing server fails these tests instead of skipping.
"""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from hazdesk.errors import DatabaseError
from hazdesk.store import migrations
from hazdesk.store.database import open_database
from hazdesk.store.models import Enterprise, Finding
from hazdesk.store.search import search_enterprises, search_keys

pytestmark = pytest.mark.postgres


def test_revisions_apply_and_the_store_works(pg_url: str) -> None:
    db = open_database(pg_url)
    try:
        assert db.report.revision_after == migrations.head_revision()
        with db.transaction() as session:
            pinyin, initials = search_keys("南京华联化工有限公司")
            enterprise = Enterprise(
                uscc="91320115MA1W8K6X2B",
                name="南京华联化工有限公司",
                district_code="320115",
                name_pinyin=pinyin,
                name_initials=initials,
            )
            session.add(enterprise)
        with db.session() as session:
            assert [h.name for h in search_enterprises(session, "华")] == ["南京华联化工有限公司"]
            assert [h.name for h in search_enterprises(session, "hlhg")] == ["南京华联化工有限公司"]
            assert [h.name for h in search_enterprises(session, "91320115")] == ["南京华联化工有限公司"]
            assert search_enterprises(session, "9132011_") == []  # LIKE wildcards are escaped
    finally:
        db.close()


def test_check_constraints_and_rollback_hold_on_postgres(pg_url: str) -> None:
    import datetime as dt

    from sqlalchemy.exc import IntegrityError

    db = open_database(pg_url)
    try:
        with pytest.raises(IntegrityError), db.transaction() as session:
            enterprise = Enterprise(uscc="91320115MA1W8K6X2B", name="甲", district_code="320115")
            session.add(enterprise)
            session.flush()
            session.add(
                Finding(
                    enterprise_id=enterprise.id,
                    district_code="320115",
                    description="状态非法",
                    found_on=dt.date(2026, 1, 1),
                    deadline=dt.date(2026, 1, 2),
                    status="lost",
                )
            )
        with db.session() as session:
            assert session.query(Enterprise).count() == 0
    finally:
        db.close()


def test_a_newer_schema_is_refused_on_postgres(pg_url: str) -> None:
    open_database(pg_url).close()
    engine = create_engine(pg_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    engine.dispose()
    with pytest.raises(DatabaseError, match="更新版本"):
        open_database(pg_url)


def test_unreachable_server_gets_a_clear_message() -> None:
    with pytest.raises(DatabaseError, match="无法连接数据库"):
        open_database("postgresql+psycopg://nobody:secret@127.0.0.1:1/none")
