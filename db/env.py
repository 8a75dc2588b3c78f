"""Alembic environment for hazdesk (SQLite and PostgreSQL).

hazdesk runs migrations from code (hazdesk.store.migrations) and passes its own connection in
``config.attributes["connection"]``; for a developer's ``alembic`` command line a URL in
``sqlalchemy.url`` works too. Logging is left to the application: no fileConfig here.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from hazdesk.store.models import Base

config = context.config


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        # SQLite cannot ALTER most things: batch mode copies the table (see tech-notes: keys off first).
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


_connection = config.attributes.get("connection")
if _connection is not None:
    _run(_connection)
else:
    _engine = create_engine(config.get_main_option("sqlalchemy.url") or "sqlite:///hazdesk-dev.sqlite")
    with _engine.connect() as _conn:
        _run(_conn)
