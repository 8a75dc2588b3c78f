"""Sync bundles: inspection plans (synced) and the bookkeeping of bundles, peers, field stamps and conflicts.

* ``inspection_plan`` (synced): plans the office sends to districts in its receipt bundles.
* ``sync_field_stamp``: per-field HLC stamps of rows edited after creation (field-level merge).
* ``sync_peer``: per other device — its encryption key and what it has acknowledged.
* ``sync_bundle``: bundles exported and imported (applied or quarantined), remembered so a bundle is
  never applied twice; ``sync_rejection``: refused files and why.
* ``sync_conflict``: concurrent edits that lost a merge, with both values, for office review.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "inspection_plan",
        sa.Column("district_code", sa.String(length=12), nullable=False),
        sa.Column("enterprise_id", sa.Uuid(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("origin_device_id", sa.Uuid(), nullable=False),
        sa.Column("hlc", sa.BigInteger(), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.CheckConstraint("status IN ('planned', 'done', 'cancelled')", name=op.f("ck_inspection_plan_status")),
        sa.ForeignKeyConstraint(
            ["enterprise_id"], ["enterprise.id"], name=op.f("fk_inspection_plan_enterprise_id_enterprise")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_plan")),
    )
    op.create_index("ix_inspection_plan_district_due", "inspection_plan", ["district_code", "due_on"])
    op.create_index(op.f("ix_inspection_plan_hlc"), "inspection_plan", ["hlc"])

    op.create_table(
        "sync_field_stamp",
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("row_id", sa.Uuid(), nullable=False),
        sa.Column("stamps", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("table_name", "row_id", name=op.f("pk_sync_field_stamp")),
    )
    op.create_table(
        "sync_peer",
        sa.Column("device_id", sa.Uuid(), nullable=False),
        sa.Column("encryption_key", sa.LargeBinary(length=32), nullable=True),
        sa.Column("acked_hlc", sa.BigInteger(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("device_id", name=op.f("pk_sync_peer")),
    )
    op.create_table(
        "sync_bundle",
        sa.Column("bundle_id", sa.Uuid(), nullable=False),
        sa.Column("direction", sa.String(length=3), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("peer_device_id", sa.Uuid(), nullable=True),
        sa.Column("signer_fingerprint", sa.String(length=64), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("body_sha256", sa.String(length=64), nullable=False),
        sa.Column("since_hlc", sa.BigInteger(), nullable=False),
        sa.Column("hlc_max", sa.BigInteger(), nullable=False),
        sa.Column("record_count", sa.Integer(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("processed_at", sa.DateTime(), nullable=False),
        sa.Column("stored_path", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.CheckConstraint("direction IN ('in', 'out')", name=op.f("ck_sync_bundle_direction")),
        sa.CheckConstraint(
            "status IN ('exported', 'acknowledged', 'applied', 'quarantined')",
            name=op.f("ck_sync_bundle_status"),
        ),
        sa.PrimaryKeyConstraint("bundle_id", name=op.f("pk_sync_bundle")),
    )
    op.create_index("ix_sync_bundle_direction_status", "sync_bundle", ["direction", "status"])
    op.create_index(op.f("ix_sync_bundle_peer_device_id"), "sync_bundle", ["peer_device_id"])
    op.create_table(
        "sync_rejection",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("bundle_id", sa.Uuid(), nullable=True),
        sa.Column("signer_fingerprint", sa.String(length=64), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_rejection")),
    )
    op.create_table(
        "sync_conflict",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("row_id", sa.Uuid(), nullable=False),
        sa.Column("field", sa.String(length=64), nullable=False),
        sa.Column("winner_value", sa.JSON(), nullable=True),
        sa.Column("winner_hlc", sa.BigInteger(), nullable=False),
        sa.Column("winner_device", sa.Uuid(), nullable=False),
        sa.Column("loser_value", sa.JSON(), nullable=True),
        sa.Column("loser_hlc", sa.BigInteger(), nullable=False),
        sa.Column("loser_device", sa.Uuid(), nullable=False),
        sa.Column("loser_base", sa.BigInteger(), nullable=False),
        sa.Column("bundle_id", sa.Uuid(), nullable=True),
        sa.Column("detected_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("status IN ('open', 'kept', 'taken', 'superseded')", name=op.f("ck_sync_conflict_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_conflict")),
        sa.UniqueConstraint(
            "table_name",
            "row_id",
            "field",
            "loser_hlc",
            "loser_device",
            name=op.f("uq_sync_conflict_table_name_row_id_field_loser_hlc_loser_device"),
        ),
    )
    op.create_index("ix_sync_conflict_status", "sync_conflict", ["status"])


def downgrade() -> None:
    op.drop_index("ix_sync_conflict_status", table_name="sync_conflict")
    op.drop_table("sync_conflict")
    op.drop_table("sync_rejection")
    op.drop_index(op.f("ix_sync_bundle_peer_device_id"), table_name="sync_bundle")
    op.drop_index("ix_sync_bundle_direction_status", table_name="sync_bundle")
    op.drop_table("sync_bundle")
    op.drop_table("sync_peer")
    op.drop_table("sync_field_stamp")
    op.drop_index(op.f("ix_inspection_plan_hlc"), table_name="inspection_plan")
    op.drop_index("ix_inspection_plan_district_due", table_name="inspection_plan")
    op.drop_table("inspection_plan")
