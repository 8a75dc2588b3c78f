"""Opening databases: creation, checks, refusals — each refusal names the file and changes nothing."""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from hazdesk.errors import DatabaseError
from hazdesk.store import migrations
from hazdesk.store.database import open_database


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_database_is_created_at_head_with_wal_and_foreign_keys(db_path: Path) -> None:
    db = open_database(db_path)
    try:
        assert db.report.revision_before is None
        assert db.report.revision_after == migrations.head_revision()
        assert db.report.backup is None
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        db.close()


def test_reopening_keeps_device_identity_and_makes_no_backup(db_path: Path) -> None:
    first = open_database(db_path)
    device = first.device_id
    first.close()
    again = open_database(db_path)
    try:
        assert again.device_id == device
        assert again.report.backup is None
        assert again.report.revision_before == again.report.revision_after
    finally:
        again.close()
    assert [p.name for p in db_path.parent.iterdir() if ".before-" in p.name] == []


def test_a_file_that_is_not_a_database_is_refused_untouched(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.sqlite"
    bogus.write_text("这不是数据库 — just some notes\n" * 50, encoding="utf-8")
    before = _digest(bogus)
    with pytest.raises(DatabaseError) as caught:
        open_database(bogus)
    assert str(bogus) in str(caught.value)
    assert "不是 hazdesk 数据库" in str(caught.value)
    assert _digest(bogus) == before


def test_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="目录"):
        open_database(tmp_path)


def test_a_missing_file_is_refused_when_creation_is_not_wanted(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="不存在"):
        open_database(tmp_path / "missing.sqlite", create=False)
    assert not (tmp_path / "missing.sqlite").exists()


def test_a_database_from_a_newer_hazdesk_is_refused_and_left_as_it_was(db_path: Path) -> None:
    open_database(db_path).close()
    raw = sqlite3.connect(db_path)
    raw.execute("UPDATE alembic_version SET version_num = '9999_future'")
    raw.commit()
    raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw.close()
    before = _digest(db_path)
    with pytest.raises(DatabaseError) as caught:
        open_database(db_path)
    message = str(caught.value)
    assert "更新版本" in message and "9999_future" in message and str(db_path) in message
    assert _digest(db_path) == before
    assert not any(".before-" in p.name for p in db_path.parent.iterdir())


@contextlib.contextmanager
def _read_only(folder: Path) -> Iterator[None]:
    """Make a folder read-only for this process. Root ignores permission bits, so as root the folder
    is bind-mounted read-only (as a write-protected stick or a read-only share would be)."""
    if os.geteuid() != 0:
        os.chmod(folder, 0o555)
        try:
            yield
        finally:
            os.chmod(folder, 0o755)
        return
    subprocess.run(["mount", "--bind", str(folder), str(folder)], check=True)
    try:
        subprocess.run(["mount", "-o", "remount,ro,bind", str(folder)], check=True)
        yield
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_a_read_only_data_directory_gets_a_clear_message(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    with _read_only(locked), pytest.raises(DatabaseError) as caught:
        open_database(locked / "db.sqlite")
    assert "不可写" in str(caught.value) and str(locked) in str(caught.value)
    assert list(locked.iterdir()) == []


def test_a_read_only_database_file_gets_a_clear_message(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    path = folder / "db.sqlite"
    open_database(path).close()
    before = _digest(path)
    with _read_only(folder), pytest.raises(DatabaseError) as caught:
        open_database(path)
    assert "只读" in str(caught.value) and str(path) in str(caught.value)
    assert _digest(path) == before


def test_cli_db_upgrade_in_fresh_processes_reports_up_to_date(db_path: Path) -> None:
    # Each open in a fresh process: the migration check runs every time and changes nothing.
    open_database(db_path).close()
    for _ in range(2):
        out = subprocess.run(
            [sys.executable, "-m", "hazdesk", "db", "upgrade", "--db", str(db_path)],
            capture_output=True,
            text=True,
            check=True,
        )
        assert "已是最新版本" in out.stdout


def test_cli_db_upgrade_reports_a_bad_file_in_one_line(tmp_path: Path) -> None:
    bogus = tmp_path / "x.sqlite"
    bogus.write_bytes(b"\x00\x01garbage" * 100)
    result = subprocess.run(
        [sys.executable, "-m", "hazdesk", "db", "upgrade", "--db", str(bogus)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(bogus) in lines[0]


def test_foreign_keys_are_enforced(database) -> None:
    import datetime as dt
    import uuid

    from sqlalchemy.exc import IntegrityError

    from hazdesk.store.models import Finding

    with pytest.raises(IntegrityError), database.transaction() as session:
        session.add(
            Finding(
                enterprise_id=uuid.uuid4(),  # no such enterprise
                district_code="320115",
                description="悬空引用",
                found_on=dt.date(2026, 1, 1),
                deadline=dt.date(2026, 1, 8),
            )
        )
    with database.session() as session:
        assert session.execute(text("SELECT count(*) FROM finding")).scalar() == 0
