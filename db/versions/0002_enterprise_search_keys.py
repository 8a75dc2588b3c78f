"""Enterprise search keys: pinyin and initials beside the name, and a covering index for search.

Existing enterprises get their keys computed here, so a database from revision 0001 searches by
pinyin right after the upgrade.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_SEARCH_COLUMNS = ["deleted", "name", "address", "name_pinyin", "name_initials", "uscc", "district_code", "id"]


def upgrade() -> None:
    # Imported here, not at module level: the key function is part of the program this revision
    # ships with; later changes to it come with their own revision that recomputes the keys.
    from hazdesk.store.search import search_keys

    with op.batch_alter_table("enterprise") as batch:
        batch.add_column(sa.Column("name_pinyin", sa.String(800), nullable=False, server_default=""))
        batch.add_column(sa.Column("name_initials", sa.String(400), nullable=False, server_default=""))

    bind = op.get_bind()
    enterprise = sa.table(
        "enterprise",
        sa.column("id", sa.Uuid),
        sa.column("name", sa.String),
        sa.column("name_pinyin", sa.String),
        sa.column("name_initials", sa.String),
    )
    rows = bind.execute(sa.select(enterprise.c.id, enterprise.c.name)).all()
    updates = []
    for row in rows:
        full, initials = search_keys(row.name)
        updates.append({"key": row.id, "p": full, "i": initials})
    if updates:
        bind.execute(
            enterprise.update()
            .where(enterprise.c.id == sa.bindparam("key"))
            .values(name_pinyin=sa.bindparam("p"), name_initials=sa.bindparam("i")),
            updates,
        )
    if bind.dialect.name == "sqlite":
        op.create_index("ix_enterprise_search", "enterprise", _SEARCH_COLUMNS)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.drop_index("ix_enterprise_search", table_name="enterprise")
    with op.batch_alter_table("enterprise") as batch:
        batch.drop_column("name_initials")
        batch.drop_column("name_pinyin")
