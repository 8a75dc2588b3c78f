"""Alembic, driven from code: which revision a database is at, and upgrading it.

The Alembic environment and revisions live in the top-level ``db/`` folder (found through
:func:`hazdesk.paths.migrations_dir`, which also works in a frozen build).

Opening an up-to-date database must be quick, so the common path — "is this database at our head
revision?" — reads ``alembic_version`` with plain SQL against :data:`HEAD_REVISION` and does not import
Alembic at all (importing it costs ~150 ms). Alembic is loaded only to migrate or to tell an older
revision from a newer one. tests/core/test_migrations.py checks HEAD_REVISION against the scripts.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from sqlalchemy import Connection, inspect, text

from hazdesk.errors import DatabaseError
from hazdesk.paths import migrations_dir

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

HEAD_REVISION = "0005"  # the newest file in db/versions; bump it with every new revision


def _config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.attributes["connection"] = connection
    return config


@functools.cache
def _scripts() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config())


def head_revision() -> str:
    return HEAD_REVISION


def script_head() -> str | None:
    """The head according to the revision scripts themselves (slow: imports Alembic)."""
    return _scripts().get_current_head()


def known_revisions() -> set[str]:
    return {script.revision for script in _scripts().walk_revisions()}


def current_revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    versions = [row[0] for row in connection.execute(text("SELECT version_num FROM alembic_version"))]
    if connection.in_transaction():
        connection.rollback()
    if len(versions) > 1:
        raise DatabaseError(f"数据库记录了多个结构版本（{', '.join(versions)}），无法判断；数据库未改动")
    return versions[0] if versions else None


def refuse_unknown(current: str | None, *, where: str) -> None:
    """A revision this program does not know was written by a newer hazdesk: never touch it."""
    if current is not None and current not in known_revisions():
        raise DatabaseError(
            f"{where} 由更新版本的 hazdesk 创建（数据库版本 {current}，本程序最高支持 {head_revision()}）；"
            "请升级 hazdesk 后再打开，数据库未改动"
        )


def upgrade(connection: Connection, target: str = "head") -> None:
    from alembic import command

    command.upgrade(_config(connection), target)
    if connection.in_transaction():
        connection.commit()
