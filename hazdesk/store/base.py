"""Declarative base, naming convention and the columns every synced row carries."""

from __future__ import annotations

import uuid

from sqlalchemy import BigInteger, Boolean, MetaData, Uuid, false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Named constraints let later Alembic batch migrations drop and recreate them on SQLite.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Synced:
    """Columns of every row that travels in sync bundles (present since the first revision).

    * ``id``: a UUID made where the row was created, so rows from offline laptops never collide;
    * ``origin_device_id``: the laptop (or office desktop) that created the row;
    * ``hlc``: hybrid-logical-clock stamp of the last change (see :mod:`hazdesk.sync.clock`);
    * ``deleted``: tombstone — rows are never removed, so an old bundle cannot bring them back.
    """

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    origin_device_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    hlc: Mapped[int] = mapped_column(BigInteger, nullable=False, index=True)
    deleted: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, server_default=false())
