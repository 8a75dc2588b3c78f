"""Opening a hazdesk database: checks, migrations, sessions and the one transaction helper.

``open_database`` is the only way in. It refuses what is not a hazdesk database with a message that
names the file and the problem, keeps a copy of an SQLite file before migrating it, refuses a
database written by a newer hazdesk, and hands back a :class:`Database` whose sessions stamp every
synced row with this device's id and a hybrid-logical-clock stamp.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from hazdesk.errors import DatabaseError
from hazdesk.store import migrations
from hazdesk.store.base import Synced
from hazdesk.store.models import SYNCED_MODELS, LocalSetting
from hazdesk.sync.clock import HybridLogicalClock

SQLITE_HEADER = b"SQLite format 3\x00"


@dataclass(frozen=True)
class OpenReport:
    """What opening did: the revision found, the one now in force, and the backup made (if any)."""

    revision_before: str | None
    revision_after: str
    backup: Path | None


class Database:
    """An open store. Thread-safe: each thread takes its own sessions from :meth:`session`."""

    def __init__(self, engine: Engine, path: Path | None, report: OpenReport) -> None:
        self.engine = engine
        self.path = path
        self.report = report
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self.device_id = self._ensure_device_id()
        self.clock = HybridLogicalClock(self._highest_stamp())
        event.listen(self._sessions, "before_flush", self._stamp_changes)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def session(self) -> Session:
        """A session for reading (or for a caller that manages its own commit)."""
        return self._sessions()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: commits when the block ends, rolls back on any exception and re-raises.

        Every multi-step write goes through here, so a failure half-way leaves nothing behind.
        """
        with self._sessions() as session, session.begin():
            yield session

    def close(self) -> None:
        self.engine.dispose()

    # --- stamping ---------------------------------------------------------------------------
    def _stamp_changes(self, session: Session, _context: object, _instances: object) -> None:
        for obj in session.new:
            if isinstance(obj, Synced):
                if obj.origin_device_id is None:
                    obj.origin_device_id = self.device_id
                if obj.hlc is None:
                    obj.hlc = self.clock.now()
        for obj in session.dirty:
            if isinstance(obj, Synced) and session.is_modified(obj, include_collections=False):
                obj.hlc = self.clock.now()

    def new_stamp(self) -> int:
        """A stamp for rows written outside the ORM (bulk inserts)."""
        return self.clock.now()

    def _ensure_device_id(self) -> uuid.UUID:
        with self.transaction() as session:
            setting = session.get(LocalSetting, "device_id")
            if setting is None:
                setting = LocalSetting(key="device_id", value=str(uuid.uuid4()))
                session.add(setting)
            return uuid.UUID(setting.value)

    def _highest_stamp(self) -> int:
        # Each table's hlc column is indexed, so this is one index probe per table. Starting the
        # clock here makes stamps monotonic across restarts without persisting the clock itself.
        highest = 0
        with self.session() as session:
            for model in SYNCED_MODELS:
                value = session.scalar(select(func.max(model.hlc)))
                if value is not None and value > highest:
                    highest = value
        return highest


def open_database(target: str | os.PathLike[str], *, create: bool = True) -> Database:
    """Open (creating and migrating as needed) the database at a file path or SQLAlchemy URL."""
    url = _to_url(target)
    if url.startswith("sqlite"):
        path = Path(make_url(url).database or "")
        _check_sqlite_file(path, create=create)
        engine = _sqlite_engine(url)
        report = _migrate_sqlite(engine, url, path)
        return Database(engine, path, report)
    engine = create_engine(url, pool_pre_ping=True)
    try:
        report = _migrate_server(engine)
    except OperationalError as exc:
        engine.dispose()
        raise DatabaseError(
            f"无法连接数据库 {make_url(url).render_as_string(hide_password=True)}：{exc.orig}"
        ) from exc
    return Database(engine, None, report)


def _to_url(target: str | os.PathLike[str]) -> str:
    text = os.fspath(target)
    if "://" in text:
        return text
    return f"sqlite:///{Path(text).expanduser().resolve()}"


def _check_sqlite_file(path: Path, *, create: bool) -> None:
    if path.is_dir():
        raise DatabaseError(f"{path} 是一个目录，不是数据库文件")
    if path.exists():
        try:
            with path.open("rb") as handle:
                header = handle.read(len(SQLITE_HEADER))
        except OSError as exc:
            raise DatabaseError(f"无法读取数据库文件 {path}：{exc.strerror}") from exc
        if header and header != SQLITE_HEADER:
            raise DatabaseError(f"{path} 不是 hazdesk 数据库（不是 SQLite 文件）")
        if not os.access(path, os.W_OK):
            raise DatabaseError(f"数据库文件 {path} 是只读的，无法写入；请检查文件权限")
    elif not create:
        raise DatabaseError(f"数据库文件 {path} 不存在")
    directory = path.parent
    if not directory.exists():
        try:
            directory.mkdir(parents=True)
        except OSError as exc:
            raise DatabaseError(f"无法创建数据目录 {directory}：{exc.strerror}") from exc
    # SQLite's WAL needs to create -wal and -shm files beside the database.
    if not os.access(directory, os.W_OK | os.X_OK):
        raise DatabaseError(f"数据目录 {directory} 不可写，无法打开数据库；请选择可写的目录")


def _sqlite_engine(url: str, *, foreign_keys: bool = True) -> Engine:
    engine = create_engine(url)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        # Let SQLAlchemy, not pysqlite, decide when transactions begin (see the "begin" hook).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        # NORMAL in WAL mode survives a process crash; a power cut may lose the last commits
        # but never corrupts the file.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: object) -> None:
        connection.exec_driver_sql("BEGIN")  # type: ignore[attr-defined]

    return engine


def _migrate_sqlite(engine: Engine, url: str, path: Path) -> OpenReport:
    try:
        with engine.connect() as connection:
            current = migrations.current_revision(connection)
    except DBAPIError as exc:
        engine.dispose()
        raise DatabaseError(f"{path} 无法作为数据库打开：{exc.orig}") from exc
    head = migrations.head_revision()
    if current == head:
        return OpenReport(current, head, None)
    migrations.refuse_unknown(current, where=str(path))
    backup = _backup_sqlite(path, current) if current is not None else None
    # Foreign keys off while migrating: a batch migration recreates tables, and with keys on SQLite
    # would delete child rows through ON DELETE CASCADE.
    migrating = _sqlite_engine(url, foreign_keys=False)
    try:
        with migrating.connect() as connection:
            migrations.upgrade(connection)
            _check_foreign_keys(connection, path)
    finally:
        migrating.dispose()
    return OpenReport(current, head, backup)


def _check_foreign_keys(connection: object, path: Path) -> None:
    rows = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()  # type: ignore[attr-defined]
    if rows:
        raise DatabaseError(f"{path} 迁移后外键检查失败（{len(rows)} 处），已保留迁移前的备份")


def _backup_sqlite(path: Path, revision: str) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.stem}.before-{revision}-{stamp}{path.suffix or '.sqlite'}")
    try:
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            copy = sqlite3.connect(target)
            with copy:
                source.backup(copy)
            copy.close()
        finally:
            source.close()
    except sqlite3.Error as exc:
        raise DatabaseError(f"迁移前无法备份 {path} 到 {target}：{exc}；数据库未改动") from exc
    return target


def _migrate_server(engine: Engine) -> OpenReport:
    with engine.connect() as connection:
        current = migrations.current_revision(connection)
    head = migrations.head_revision()
    if current == head:
        return OpenReport(current, head, None)
    migrations.refuse_unknown(current, where=engine.url.render_as_string(hide_password=True))
    with engine.connect() as connection:
        migrations.upgrade(connection)
    return OpenReport(current, head, None)
