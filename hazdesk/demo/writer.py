"""Bulk writing for the demo: plain ``executemany`` on the engine's SQLite connection, in a thread of
its own.

The ORM costs about a millisecond a row; a city build writes ~3 million rows within 90 seconds, so
rows arrive here as tuples already in SQLite's stored form (see :mod:`hazdesk.demo.rand`) and go in in
batches. Column lists are checked against the models once per table, so a schema change makes the
demo fail loudly instead of writing rows the application cannot read. Secondary indexes of the big
tables are dropped for the load and rebuilt at the end, inside the same transaction: building an index
from sorted data is several times faster than updating it row by row.

:class:`Loader` runs the writing in a background thread: ``sqlite3`` releases the GIL while SQLite
works on a row, so the next district's rows are generated meanwhile (a third off a city build on two
cores). Progress callbacks and the cancel flag stay on the caller's thread.
"""

from __future__ import annotations

import queue
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import TracebackType

from sqlalchemy import Engine, Table

from hazdesk.errors import HazdeskError
from hazdesk.store.models import Base

BATCH = 20_000
_DONE = object()


class BuildCancelled(HazdeskError):
    """The caller's cancel flag was raised; no demo rows were written (a new file is removed)."""

    def __init__(self) -> None:
        super().__init__("已取消生成演示数据，未写入任何演示数据")


@dataclass(frozen=True)
class BuildProgress:
    """One report for a progress bar: what is being written, how far that table is, how far the build is."""

    table: str  # table name, or "索引" while indexes are rebuilt
    rows: int  # rows of ``table`` written so far
    fraction: float  # 0–1 of the whole build (by rows, from the expected total)
    elapsed: float  # seconds since the build started


ProgressCallback = Callable[[BuildProgress], None]
CancelFlag = Callable[[], bool]


class BulkWriter:
    """Inserts rows on one connection inside the caller's transaction."""

    def __init__(self, connection: sqlite3.Connection | None, cancelled: CancelFlag) -> None:
        self.connection = connection  # None until the loader's thread has connected
        self.cancelled = cancelled
        self.counts: dict[str, int] = {}
        # Read by another thread for progress: plain attributes, each assignment atomic.
        self.total = 0
        self.table = ""
        self.table_rows = 0
        self._statements: dict[tuple[str, tuple[str, ...]], str] = {}

    def check_cancel(self) -> None:
        if self.cancelled():
            raise BuildCancelled

    def insert(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
        assert self.connection is not None
        statement = self._statement(table, tuple(columns))
        done = self.counts.get(table, 0)
        self.table, self.table_rows = table, done
        for start in range(0, len(rows), BATCH):
            self.check_cancel()
            batch = rows[start : start + BATCH]
            self.connection.executemany(statement, batch)
            done += len(batch)
            self.total += len(batch)
            self.table_rows = done
        self.counts[table] = done

    def _statement(self, table: str, columns: tuple[str, ...]) -> str:
        key = (table, columns)
        if key not in self._statements:
            check_columns(Base.metadata.tables[table], columns)
            names = ", ".join(columns)
            self._statements[key] = f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(columns))})"
        return self._statements[key]


def check_columns(table: Table, columns: tuple[str, ...]) -> None:
    """Every named column exists, and no required column without a default is left out."""
    known = set(table.columns.keys())
    unknown = [c for c in columns if c not in known]
    # Python-side defaults do not apply to raw INSERTs: only a server default may stand in for a value.
    missing = [c.name for c in table.columns if c.name not in columns and not c.nullable and c.server_default is None]
    if unknown or missing or len(set(columns)) != len(columns):
        raise RuntimeError(f"demo columns for {table.name} do not match the model: unknown={unknown} missing={missing}")


def drop_indexes(connection: sqlite3.Connection, tables: Sequence[str]) -> list[str]:
    """Drop the explicit secondary indexes of ``tables``; returns the statements that recreate them.

    Constraint indexes (primary keys, UNIQUE) have no SQL in ``sqlite_master`` and stay: they are the
    constraints themselves.
    """
    marks = ", ".join("?" * len(tables))
    found = connection.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({marks})"
        " ORDER BY name",
        tuple(tables),
    ).fetchall()
    for name, _sql in found:
        connection.execute(f'DROP INDEX "{name}"')
    return [sql for _name, sql in found]


class Loader:
    """One transaction on one connection, fed from the caller's thread through a short queue.

    Use as a context manager: leaving the block by an exception (or a raised cancel flag) stops the
    writer and rolls its transaction back before the caller cleans up, so no connection is left open
    on a file about to be deleted.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        fresh_file: bool,
        rebuild_indexes_of: Sequence[str],
        expected_rows: int,
        progress: ProgressCallback | None,
        cancel: CancelFlag | None,
    ) -> None:
        self.engine = engine
        self.fresh_file = fresh_file
        self.tables = tuple(rebuild_indexes_of)
        self.expected_rows = max(1, expected_rows)
        self.progress = progress
        self.cancel = cancel
        self.started = time.monotonic()
        self._jobs: queue.Queue[object] = queue.Queue(maxsize=3)  # bounds the rows held in memory
        self._abort = threading.Event()
        self._error: BaseException | None = None
        self._writer = BulkWriter(None, self._abort.is_set)
        self._thread = threading.Thread(target=self._run, name="hazdesk-demo-writer", daemon=True)

    def __enter__(self) -> Loader:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if kind is not None:
            self._abort.set()
            self._thread.join()

    @property
    def counts(self) -> dict[str, int]:
        return dict(self._writer.counts)

    def insert(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
        self._send((table, tuple(columns), rows))

    def finish(self) -> dict[str, int]:
        """Wait for the last rows, the index rebuild and the commit; returns rows written per table."""
        self._send(_DONE)
        while self._thread.is_alive():
            self._thread.join(0.5)
            self._poll()
        self._poll()
        return self.counts

    def _send(self, job: object) -> None:
        while True:
            self._poll()
            try:
                self._jobs.put(job, timeout=0.2)
                return
            except queue.Full:
                continue

    def _poll(self) -> None:
        """Raise the writer's error, act on the cancel flag, report progress — on the caller's thread."""
        if self._error is not None:
            raise self._error
        if self.cancel is not None and self.cancel():
            self._abort.set()
            self._thread.join()
            raise BuildCancelled
        if self.progress is not None:
            w = self._writer
            fraction = min(0.99, w.total / self.expected_rows)
            self.progress(BuildProgress(w.table, w.table_rows, fraction, time.monotonic() - self.started))

    def _next_job(self) -> object:
        while True:
            if self._abort.is_set():
                raise BuildCancelled
            try:
                return self._jobs.get(timeout=0.2)
            except queue.Empty:
                continue

    def _run(self) -> None:
        try:
            with self.engine.connect() as connection:
                raw = connection.connection.driver_connection
                assert isinstance(raw, sqlite3.Connection)
                self._writer.connection = raw
                raw.execute("PRAGMA cache_size = -262144")  # 256 MB while loading; the engine is disposed after
                raw.execute("PRAGMA temp_store = MEMORY")
                if self.fresh_file:
                    # A new file under its .partial name is deleted on any failure, so it needs no journal:
                    # each page is written once instead of to the WAL and again at the checkpoint. Foreign
                    # keys are checked once at the end instead of row by row (a fifth of the load's time).
                    raw.execute("PRAGMA journal_mode = OFF")
                    raw.execute("PRAGMA foreign_keys = OFF")
                with connection.begin():
                    rebuild = drop_indexes(raw, self.tables)
                    while (job := self._next_job()) is not _DONE:
                        table, columns, rows = job  # type: ignore[misc]
                        self._writer.insert(table, columns, rows)
                    self._writer.table, self._writer.table_rows = "索引", 0
                    for sql in rebuild:
                        self._writer.check_cancel()
                        raw.execute(sql)
                    if self.fresh_file:
                        broken = raw.execute("PRAGMA foreign_key_check").fetchmany(3)
                        if broken:  # a generator bug: refuse to publish the file
                            raise RuntimeError(f"demo rows break foreign keys (table, rowid, parent): {broken}")
                if self.fresh_file:
                    raw.execute("PRAGMA journal_mode = WAL")  # what open_database expects of every file
                    raw.execute("PRAGMA foreign_keys = ON")
        except BaseException as exc:  # handed to the caller's thread by _poll
            self._error = exc
