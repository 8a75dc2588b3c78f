"""Upgrading real files saved by earlier revisions, and the schema the revisions build."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from hazdesk.store import migrations
from hazdesk.store.database import open_database
from hazdesk.store.models import Base, Enterprise
from hazdesk.store.search import search_enterprises

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "rev0001.sqlite"


def _dump(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table, sorted — columns added later are left out so revisions compare."""
    with sqlite3.connect(path) as raw:
        tables = [
            r[0]
            for r in raw.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
                " AND name != 'alembic_version'"
            )
        ]
        out = {}
        for table in tables:
            old_columns = [r[1] for r in raw.execute(f"PRAGMA table_info({table})")]
            out[table] = (old_columns, sorted(raw.execute(f"SELECT * FROM {table}").fetchall(), key=repr))
        return out


def test_revision_0001_file_upgrades_to_head_losing_nothing(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    shutil.copy(FIXTURE, path)
    before = _dump(path)
    assert sum(len(rows) for _, rows in before.values()) >= 15

    db = open_database(path)
    try:
        assert db.report.revision_before == "0001"
        assert db.report.revision_after == migrations.head_revision()
        backup = db.report.backup
        assert backup is not None and backup.exists()
        # The backup is the untouched old file.
        assert _dump(backup) == before
        with db.session() as session:
            names = {e.name: e for e in session.query(Enterprise)}
            assert "<b>单</b>&氏精细化学品（南京）有限公司" in names
            # Revision 0002 filled search keys for rows that existed before it.
            hualian = names["南京华联化工有限公司"]
            assert "hlhg" in hualian.name_initials
            assert [h.name for h in search_enterprises(session, "hlhg")] == ["南京华联化工有限公司"]
            # 单 has several readings (dan, shan, chan): every one is kept for initials search.
            shan = names["<b>单</b>&氏精细化学品（南京）有限公司"]
            readings = shan.name_initials.split()
            assert any(r.startswith("bd") for r in readings) and any(r.startswith("bs") for r in readings)
    finally:
        db.close()

    after = _dump(path)
    for table, (columns, rows) in before.items():
        new_columns, new_rows = after[table]
        keep = [new_columns.index(c) for c in columns]
        assert sorted((tuple(r[i] for i in keep) for r in new_rows), key=repr) == rows, table

    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert raw.execute("PRAGMA foreign_key_check").fetchall() == []


def test_revisions_build_exactly_the_models(database) -> None:
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_upgrade_is_idempotent_and_reports_no_change(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    open_database(path).close()
    db = open_database(path)
    try:
        assert db.report.revision_before == db.report.revision_after == migrations.head_revision()
    finally:
        db.close()


def test_the_fast_head_check_matches_the_revision_scripts() -> None:
    assert migrations.script_head() == migrations.HEAD_REVISION


def test_opening_an_up_to_date_database_does_not_import_alembic(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = tmp_path / "db.sqlite"
    open_database(path).close()
    code = (
        "import sys\n"
        "from hazdesk.store.database import open_database\n"
        f"open_database({str(path)!r}).close()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'alembic'))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
