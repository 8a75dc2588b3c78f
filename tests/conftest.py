"""Shared test set-up.

Qt runs offscreen (set before any QApplication exists). ``require(tool)`` is how a test tier asks for
an outside part (poppler's pdftotext, zbarimg, a PostgreSQL server): without it the test is skipped
on a developer's machine but FAILS under CI=true, so a missing install step can never hide.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require(condition: bool, what: str) -> None:
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI=true but {what} is missing: .ci/run must install it")
    pytest.skip(f"{what} is not available")


def require_tool(name: str) -> str:
    path = shutil.which(name)
    require(path is not None, f"the program {name!r}")
    assert path is not None
    return path


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "hazdesk.sqlite"


@pytest.fixture
def database(db_path: Path):
    from hazdesk.store.database import open_database

    db = open_database(db_path)
    yield db
    db.close()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database per test; HAZDESK_TEST_PG_URL names the server's admin URL
    (packaging/test.sh starts one). Fails under CI=true when the server is missing."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin_url = os.environ.get("HAZDESK_TEST_PG_URL", "")
    require(bool(admin_url), "a PostgreSQL server (HAZDESK_TEST_PG_URL)")
    name = f"hazdesk_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # any failure to reach the server
        require(False, f"a reachable PostgreSQL server at {admin_url} ({exc})")
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
