"""Alembic, driven from code: which revision a database is at, and upgrading it.

The Alembic environment and revisions live in the top-level ``db/`` folder (found through
:func:`hazdesk.paths.migrations_dir`, which also works in a frozen build).
"""

from __future__ import annotations

import functools

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

from hazdesk.errors import DatabaseError
from hazdesk.paths import migrations_dir


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.attributes["connection"] = connection
    return config


@functools.cache
def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(_config())


def head_revision() -> str:
    head = _scripts().get_current_head()
    if head is None:  # pragma: no cover - a packaging error, not a user error
        raise DatabaseError(f"迁移脚本缺失：{migrations_dir()}")
    return head


def known_revisions() -> set[str]:
    return {script.revision for script in _scripts().walk_revisions()}


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def refuse_unknown(current: str | None, *, where: str) -> None:
    """A revision this program does not know was written by a newer hazdesk: never touch it."""
    if current is not None and current not in known_revisions():
        raise DatabaseError(
            f"{where} 由更新版本的 hazdesk 创建（数据库版本 {current}，本程序最高支持 {head_revision()}）；"
            "请升级 hazdesk 后再打开，数据库未改动"
        )


def upgrade(connection: Connection, target: str = "head") -> None:
    command.upgrade(_config(connection), target)
    if connection.in_transaction():
        connection.commit()
