"""Crash safety: a process importing a large bundle is killed (SIGKILL) at random moments, 20 times.

Each time the office database opens, ``PRAGMA integrity_check`` says ok, either all of the bundle is
there or none of it, and importing again works.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import insert

from hazdesk.store.models import Enterprise, Finding
from tests.core.test_sync_support import empty_site, enroll, send, take_one

pytestmark = [pytest.mark.slow, pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")]
ROUNDS = 20
CHILD = """
import sys
from pathlib import Path
from hazdesk.store.database import open_database
from hazdesk.sync.importer import import_files
db = open_database(sys.argv[1])
print("ready", flush=True)
results = import_files(db, [Path(p) for p in sys.argv[3:]], data_root=Path(sys.argv[2]))
print(results[0].status, flush=True)
"""


def _fill(site, enterprises: int = 6000, findings: int = 40000) -> None:
    """Many plain rows, written in bulk (a big district without the demo's detail)."""
    rng = random.Random(5)
    stamp = site.db.new_stamp()
    me = site.db.device_id
    ids = [uuid.UUID(int=rng.getrandbits(128), version=4) for _ in range(enterprises)]
    with site.db.transaction() as session:
        session.execute(
            insert(Enterprise),
            [
                {"id": i, "origin_device_id": me, "hlc": stamp, "deleted": False, "uscc": f"91320115{n:010d}",
                 "name": f"测试化工企业{n}号有限公司", "district_code": "320115", "address": f"江宁区测试路{n}号",
                 "roles": ["storage"], "licences": [], "key_processes": []}
                for n, i in enumerate(ids)
            ],
        )  # fmt: skip
        session.execute(
            insert(Finding),
            [
                {"id": uuid.uuid4(), "origin_device_id": me, "hlc": stamp, "deleted": False,
                 "enterprise_id": rng.choice(ids), "district_code": "320115", "description": f"隐患描述 {n}",
                 "found_on": dt.date(2026, 1, 1), "deadline": dt.date(2026, 2, 1), "status": "pending"}
                for n in range(findings)
            ],
        )  # fmt: skip


def _counts(path: Path) -> tuple[int, int, int]:
    # closing(): ``with sqlite3.connect()`` only ends the transaction and leaves the connection open.
    # A connection left open here would, when garbage-collected later, checkpoint its stale WAL into
    # the file the next round has just copied in — the test itself would corrupt the database.
    with closing(sqlite3.connect(path)) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return (
            raw.execute("SELECT count(*) FROM enterprise").fetchone()[0],
            raw.execute("SELECT count(*) FROM finding").fetchone()[0],
            raw.execute("SELECT count(*) FROM sync_bundle WHERE status = 'applied'").fetchone()[0],
        )


def _open_handles(database: Path) -> list[str]:
    """Files of ``database`` (with -wal/-shm) this process has open; Linux only, [] elsewhere."""
    fds = Path("/proc/self/fd")
    if not fds.is_dir():
        return []
    found = []
    for fd in fds.iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith(str(database)):
            found.append(target)
    return found


def test_killing_an_import_at_random_moments_never_half_applies(tmp_path: Path) -> None:
    district = empty_site(tmp_path, "district")
    office = empty_site(tmp_path, "office", role="office")
    enroll(office, district)
    _fill(district)
    bundle = send(district, tmp_path / "stick", to=office)
    district.close()
    office.close()
    pristine = tmp_path / "pristine"
    shutil.copytree(tmp_path / "office-data", pristine / "office-data")
    shutil.copy2(tmp_path / "office.sqlite", pristine / "office.sqlite")
    empty = _counts(pristine / "office.sqlite")
    assert empty[2] == 0

    def run(kill_after: float | None) -> str:
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(tmp_path / "office.sqlite"), str(tmp_path / "office-data"),
             *map(str, bundle.paths)],
            stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        if kill_after is None:
            out = child.stdout.read().strip()
            assert child.wait(timeout=120) == 0
            return out
        time.sleep(kill_after)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        child.stdout.close()
        return "killed"

    started = time.perf_counter()
    assert run(None) == "applied"
    duration = time.perf_counter() - started
    full = _counts(tmp_path / "office.sqlite")
    assert full[:2] == (6000 + empty[0], 40000 + empty[1]) and full[2] == 1

    rng = random.Random(20)
    outcomes = []
    for _ in range(ROUNDS):
        assert not _open_handles(tmp_path / "office.sqlite"), "this process still holds the database open"
        shutil.copy2(pristine / "office.sqlite", tmp_path / "office.sqlite")
        for suffix in ("-wal", "-shm"):
            Path(f"{tmp_path / 'office.sqlite'}{suffix}").unlink(missing_ok=True)
        run(rng.uniform(0.0, duration))
        state = _counts(tmp_path / "office.sqlite")
        assert state in (empty, full), state  # all or nothing
        outcomes.append(state == full)
        site = empty_site(tmp_path, "office", role="office")  # opens (and checks) the database
        try:
            again = take_one(site, bundle.paths)
            assert again.status == ("already" if state == full else "applied"), again.message
        finally:
            site.close()
        assert _counts(tmp_path / "office.sqlite") == full
    assert not all(outcomes), "every kill came too late to interrupt the import"
