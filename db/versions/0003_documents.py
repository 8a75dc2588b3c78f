"""Enforcement documents: bureau settings, per-device number series, number counters, frozen documents.

* ``bureau_setting`` (synced): the issuing bureau of a district — name, 简称 for the number line, the
  reconsideration bodies and the court of the remedy clause.
* ``document_series`` (synced): which device holds which number series within a bureau's 简称. A series
  is part of every number (``（宁江）应急责改〔2026〕A12号``), so laptops working offline never collide.
* ``document_counter`` (local): the last serial handed out per kind/year/series; updating it first
  takes the write lock, so numbers are assigned one at a time even with several threads.
* Triggers refuse any change to an issued document except voiding it, and any change at all to a
  voided one, on SQLite and PostgreSQL alike (the service checks too; this guards everything else).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_FROZEN = "hazdesk: issued document is frozen"
# Every column an issued document keeps for ever. state, void_reason and hlc may still change: an
# issued document can be voided (state -> voided, with a reason), and every change gets a new stamp.
_FROZEN_COLUMNS = (
    "id", "origin_device_id", "deleted", "kind", "inspection_id", "enterprise_id", "year", "series",
    "serial", "number_text", "snapshot", "pdf_sha256", "issued_at", "supersedes_id",
)  # fmt: skip


def _synced_columns() -> list[sa.Column]:
    return [
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("origin_device_id", sa.Uuid(), nullable=False),
        sa.Column("hlc", sa.BigInteger(), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default=sa.false(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "bureau_setting",
        sa.Column("district_code", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("short_name", sa.String(length=16), nullable=False),
        sa.Column("review_government", sa.String(length=128), nullable=False),
        sa.Column("review_department", sa.String(length=128), nullable=False),
        sa.Column("court", sa.String(length=128), nullable=False),
        *_synced_columns(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bureau_setting")),
        sa.UniqueConstraint("district_code", name=op.f("uq_bureau_setting_district_code")),
    )
    with op.batch_alter_table("bureau_setting", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bureau_setting_hlc"), ["hlc"], unique=False)

    op.create_table(
        "document_series",
        sa.Column("short_name", sa.String(length=16), nullable=False),
        sa.Column("code", sa.String(length=4), nullable=False),
        sa.Column("device_id", sa.Uuid(), nullable=False),
        *_synced_columns(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_series")),
        sa.UniqueConstraint("short_name", "code", name=op.f("uq_document_series_short_name_code")),
    )
    with op.batch_alter_table("document_series", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_document_series_hlc"), ["hlc"], unique=False)
        batch_op.create_index(batch_op.f("ix_document_series_device_id"), ["device_id"], unique=False)

    op.create_table(
        "document_counter",
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("series", sa.String(length=16), nullable=False),
        sa.Column("last_serial", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "year", "series", name=op.f("pk_document_counter")),
    )

    if op.get_bind().dialect.name == "sqlite":
        _sqlite_triggers()
    else:
        _postgres_triggers()


def _sqlite_triggers() -> None:
    changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in _FROZEN_COLUMNS)
    op.execute(
        f"""CREATE TRIGGER document_issued_frozen BEFORE UPDATE ON document
        WHEN OLD.state = 'issued' AND (NEW.state NOT IN ('issued', 'voided') OR {changed})
        BEGIN SELECT RAISE(ABORT, '{_FROZEN}'); END"""
    )
    op.execute(
        f"""CREATE TRIGGER document_voided_frozen BEFORE UPDATE ON document
        WHEN OLD.state = 'voided' AND (NEW.state IS NOT OLD.state OR NEW.void_reason IS NOT OLD.void_reason
            OR {changed})
        BEGIN SELECT RAISE(ABORT, '{_FROZEN}'); END"""
    )
    op.execute(
        f"""CREATE TRIGGER document_issued_kept BEFORE DELETE ON document
        WHEN OLD.state IN ('issued', 'voided')
        BEGIN SELECT RAISE(ABORT, '{_FROZEN}'); END"""
    )


def _postgres_triggers() -> None:
    # json has no equality operator on PostgreSQL: compare its text.
    cols = [f"{{0}}.{c}::text" if c == "snapshot" else f"{{0}}.{c}" for c in _FROZEN_COLUMNS]
    new_row = "(" + ", ".join(c.format("NEW") for c in cols) + ")"
    old_row = "(" + ", ".join(c.format("OLD") for c in cols) + ")"
    op.execute(
        f"""CREATE FUNCTION hazdesk_document_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'DELETE' THEN
                IF OLD.state IN ('issued', 'voided') THEN
                    RAISE EXCEPTION '{_FROZEN}' USING ERRCODE = 'integrity_constraint_violation';
                END IF;
                RETURN OLD;
            END IF;
            IF OLD.state = 'issued' AND (NEW.state NOT IN ('issued', 'voided')
                    OR {new_row} IS DISTINCT FROM {old_row}) THEN
                RAISE EXCEPTION '{_FROZEN}' USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            IF OLD.state = 'voided' AND ((NEW.state, NEW.void_reason)
                    IS DISTINCT FROM (OLD.state, OLD.void_reason)
                    OR {new_row} IS DISTINCT FROM {old_row}) THEN
                RAISE EXCEPTION '{_FROZEN}' USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            RETURN NEW;
        END $$"""
    )
    op.execute(
        "CREATE TRIGGER document_frozen BEFORE UPDATE OR DELETE ON document "
        "FOR EACH ROW EXECUTE FUNCTION hazdesk_document_frozen()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("document_issued_frozen", "document_voided_frozen", "document_issued_kept"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        op.execute("DROP TRIGGER IF EXISTS document_frozen ON document")
        op.execute("DROP FUNCTION IF EXISTS hazdesk_document_frozen()")
    op.drop_table("document_counter")
    with op.batch_alter_table("document_series", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_series_device_id"))
        batch_op.drop_index(batch_op.f("ix_document_series_hlc"))
    op.drop_table("document_series")
    with op.batch_alter_table("bureau_setting", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bureau_setting_hlc"))
    op.drop_table("bureau_setting")
