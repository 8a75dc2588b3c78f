"""A partial index of the enterprises whose names are not all Chinese, for pinyin-initials search.

The full pinyin of an all-Chinese name is a run of syllables, and no run of syllables starts with typed
initials like ``hlhg`` or ``gf`` (most cannot occur in one at all): such names are found by their short
initials key. Only names with Latin letters or other symbols need their long full-pinyin key scanned for
such a query; this index lists those few, so the scan of every enterprise's full pinyin is skipped
(see hazdesk.store.search). SQLite only, like ix_enterprise_search.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# Written out, not imported: this revision creates exactly this index whatever later code says.
_COLUMNS = ["deleted", "name", "address", "name_pinyin", "name_initials", "uscc", "district_code", "id"]
_WHERE = "name GLOB '*[^0-9()（）一-鿿]*'"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.create_index("ix_enterprise_search_mixed", "enterprise", _COLUMNS, sqlite_where=sa.text(_WHERE))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.drop_index("ix_enterprise_search_mixed", table_name="enterprise")
