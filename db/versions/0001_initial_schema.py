"""Initial schema: every record of DESIGN.md with sync columns (id, origin device, HLC, tombstone).

Revision ID: 0001
Revises:
Create Date: 2026-11-22 05:01:20.101692
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "attachment",
        sa.Column("owner_kind", sa.String(length=16), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("mime_type", sa.String(length=64), nullable=False),
        sa.Column("original_name", sa.String(length=255), nullable=False),
        sa.Column("caption", sa.Text(), nullable=False),
        sa.Column("taken_at", sa.DateTime(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("origin_device_id", sa.Uuid(), nullable=False),
        sa.Column("hlc", sa.BigInteger(), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.CheckConstraint(
            "owner_kind IN ('finding', 'reinspection', 'inspection', 'enterprise')",
            name=op.f("ck_attachment_owner"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachment")),
    )
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attachment_hlc"), ["hlc"], unique=False)
        batch_op.create_index("ix_attachment_owner", ["owner_kind", "owner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_attachment_sha256"), ["sha256"], unique=False)

    op.create_table(
        "audit_event",
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("inspector_id", sa.Uuid(), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("entity", sa.String(length=64), nullable=False),
        sa.Column("entity_id", sa.Uuid(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("origin_device_id", sa.Uuid(), nullable=False),
        sa.Column("hlc", sa.BigInteger(), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index("ix_audit_event_entity", ["entity", "entity_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_event_hlc"), ["hlc"], unique=False)

    op.create_table(
        "checklist_template",
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("version", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("origin_device_id", sa.Uuid(), nullable=False),
        sa.Column("hlc", sa.BigInteger(), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checklist_template")),
        sa.UniqueConstraint("code", "version", name=op.f("uq_checklist_template_code_version")),
    )
    with op.batch_alter_table("checklist_template", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_checklist_template_hlc"), ["hlc"], unique=False)

    op.create_table(
        "device",
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("district_code", sa.String(length=12), nullable=True),
        sa.Column("public_key", sa.LargeBinary(length=64), nullable=True),
        sa.Column("fingerprint", sa.String(length=64), nullable=True),
        sa.Column("enrolled_at", sa.DateTime(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("origin_device_id", sa.Uuid(), nullable=False),
        sa.Column("hlc", sa.BigInteger(), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.CheckConstraint("role IN ('district', 'office')", name=op.f("ck_device_role")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_device")),
    )
    with op.batch_alter_table("device", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_device_fingerprint"), ["fingerprint"], unique=False)
        batch_op.create_index(batch_op.f("ix_device_hlc"), ["hlc"], unique=False)

    op.create_table(
        "district",
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("city", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_district")),
    )
    op.create_table(
        "enterprise",
        sa.Column("uscc", sa.String(length=18), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("district_code", sa.String(length=12), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("industry", sa.String(length=100), nullable=False),
        sa.Column("legal_representative", sa.String(length=64), nullable=False),
        sa.Column("safety_contact", sa.String(length=64), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("in_chemical_park", sa.Boolean(), nullable=False),
        sa.Column("chemical_park", sa.String(length=100), nullable=False),
        sa.Column("population_dense_area", sa.Boolean(), nullable=False),
        sa.Column("licences", sa.JSON(), nullable=False),
        sa.Column("standardization_grade", sa.Integer(), nullable=True),
        sa.Column("risk_colour", sa.String(length=8), nullable=True),
        sa.Column("monitoring_level", sa.String(length=8), nullable=True),
        sa.Column("blacklisted", sa.Boolean(), nullable=False),
        sa.Column("blacklist_reason", sa.Text(), nullable=False),
        sa.Column("commissioned_year", sa.Integer(), nullable=True),
        sa.Column("key_processes", sa.JSON(), nullable=False),
        sa.Column("involves_key_process", sa.Boolean(), nullable=False),
        sa.Column("involves_key_chemical", sa.Boolean(), nullable=False),
        sa.Column("has_major_hazard", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("origin_device_id", sa.Uuid(), nullable=False),
        sa.Column("hlc", sa.BigInteger(), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.CheckConstraint(
            "monitoring_level IS NULL OR monitoring_level IN ('red', 'yellow', 'green')",
            name=op.f("ck_enterprise_monitoring_level"),
        ),
        sa.CheckConstraint(
            "risk_colour IS NULL OR risk_colour IN ('red', 'orange', 'yellow', 'blue')",
            name=op.f("ck_enterprise_risk_colour"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enterprise")),
    )
    with op.batch_alter_table("enterprise", schema=None) as batch_op:
        batch_op.create_index("ix_enterprise_district_name", ["district_code", "name"], unique=False)
        batch_op.create_index(batch_op.f("ix_enterprise_hlc"), ["hlc"], unique=False)
        batch_op.create_index("ix_enterprise_uscc", ["uscc"], unique=False)

    op.create_table(
        "inspector",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("cert_no", sa.String(length=32), nullable=False),
        sa.Column("district_code", sa.String(length=12), nullable=False),
        sa.Column("bureau", sa.String(length=128), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("origin_device_id", sa.Uuid(), nullable=False),
        sa.Column("hlc", sa.BigInteger(), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.CheckConstraint("role IN ('inspector', 'lead', 'office')", name=op.f("ck_inspector_role")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspector")),
    )
    with op.batch_alter_table("inspector", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inspector_cert_no"), ["cert_no"], unique=False)
        batch_op.create_index(batch_op.f("ix_inspector_hlc"), ["hlc"], unique=False)

    op.create_table(
        "local_setting",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_local_setting")),
    )
    op.create_table(
        "checklist_item",
        sa.Column("template_id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("section", sa.String(length=100), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("finding_text", sa.Text(), nullable=False),
        sa.Column("legal_basis", sa.Text(), nullable=False),
        sa.Column("severity_if_nonconforming", sa.String(length=8), nullable=False),
        sa.Column("default_measure", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("origin_device_id", sa.Uuid(), nullable=False),
        sa.Column("hlc", sa.BigInteger(), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.CheckConstraint(
            "severity_if_nonconforming IN ('general', 'major')", name=op.f("ck_checklist_item_severity")
        ),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["checklist_template.id"],
            name=op.f("fk_checklist_item_template_id_checklist_template"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checklist_item")),
        sa.UniqueConstraint("template_id", "code", name=op.f("uq_checklist_item_template_id_code")),
    )
    with op.batch_alter_table("checklist_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_checklist_item_hlc"), ["hlc"], unique=False)

    op.create_table(
        "enterprise_chemical",
        sa.Column("enterprise_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("cas", sa.String(length=32), nullable=False),
        sa.Column("usage", sa.String(length=16), nullable=False),
        sa.Column("max_tonnes", sa.Float(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("origin_device_id", sa.Uuid(), nullable=False),
        sa.Column("hlc", sa.BigInteger(), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_id"], ["enterprise.id"], name=op.f("fk_enterprise_chemical_enterprise_id_enterprise")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enterprise_chemical")),
    )
    with op.batch_alter_table("enterprise_chemical", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_enterprise_chemical_enterprise_id"), ["enterprise_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_enterprise_chemical_hlc"), ["hlc"], unique=False)

    op.create_table(
        "inspection",
        sa.Column("enterprise_id", sa.Uuid(), nullable=False),
        sa.Column("district_code", sa.String(length=12), nullable=False),
        sa.Column("template_id", sa.Uuid(), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("site_leader", sa.String(length=64), nullable=False),
        sa.Column("site_leader_title", sa.String(length=64), nullable=False),
        sa.Column("site_leader_phone", sa.String(length=32), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("origin_device_id", sa.Uuid(), nullable=False),
        sa.Column("hlc", sa.BigInteger(), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.CheckConstraint("state IN ('draft', 'completed')", name=op.f("ck_inspection_state")),
        sa.CheckConstraint(
            "ended_at IS NULL OR ended_at >= started_at", name=op.f("ck_inspection_time_span")
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"], ["enterprise.id"], name=op.f("fk_inspection_enterprise_id_enterprise")
        ),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["checklist_template.id"],
            name=op.f("fk_inspection_template_id_checklist_template"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection")),
    )
    with op.batch_alter_table("inspection", schema=None) as batch_op:
        batch_op.create_index("ix_inspection_district_started", ["district_code", "started_at"], unique=False)
        batch_op.create_index(
            "ix_inspection_enterprise_started", ["enterprise_id", "started_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_inspection_hlc"), ["hlc"], unique=False)

    op.create_table(
        "major_hazard_source",
        sa.Column("enterprise_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("unit_kind", sa.String(length=16), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("people_within_500m", sa.Integer(), nullable=False),
        sa.Column("s_value", sa.Float(), nullable=False),
        sa.Column("r_value", sa.Float(), nullable=False),
        sa.Column("alpha", sa.Float(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=True),
        sa.Column("responsible_persons", sa.JSON(), nullable=False),
        sa.Column("record_no", sa.String(length=64), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("origin_device_id", sa.Uuid(), nullable=False),
        sa.Column("hlc", sa.BigInteger(), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.CheckConstraint(
            "unit_kind IN ('production', 'storage')", name=op.f("ck_major_hazard_source_unit_kind")
        ),
        sa.CheckConstraint(
            "level IS NULL OR level IN (1, 2, 3, 4)", name=op.f("ck_major_hazard_source_level")
        ),
        sa.CheckConstraint("people_within_500m >= 0", name=op.f("ck_major_hazard_source_people")),
        sa.ForeignKeyConstraint(
            ["enterprise_id"], ["enterprise.id"], name=op.f("fk_major_hazard_source_enterprise_id_enterprise")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_major_hazard_source")),
    )
    with op.batch_alter_table("major_hazard_source", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_major_hazard_source_enterprise_id"), ["enterprise_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_major_hazard_source_hlc"), ["hlc"], unique=False)

    op.create_table(
        "document",
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("inspection_id", sa.Uuid(), nullable=True),
        sa.Column("enterprise_id", sa.Uuid(), nullable=False),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("series", sa.String(length=16), nullable=True),
        sa.Column("serial", sa.Integer(), nullable=True),
        sa.Column("number_text", sa.String(length=64), nullable=True),
        sa.Column("snapshot", sa.JSON(), nullable=True),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=True),
        sa.Column("issued_at", sa.DateTime(), nullable=True),
        sa.Column("supersedes_id", sa.Uuid(), nullable=True),
        sa.Column("void_reason", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("origin_device_id", sa.Uuid(), nullable=False),
        sa.Column("hlc", sa.BigInteger(), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.CheckConstraint("kind IN ('检记', '责改', '复查', '现决')", name=op.f("ck_document_kind")),
        sa.CheckConstraint("state IN ('draft', 'issued', 'voided')", name=op.f("ck_document_state")),
        sa.ForeignKeyConstraint(
            ["enterprise_id"], ["enterprise.id"], name=op.f("fk_document_enterprise_id_enterprise")
        ),
        sa.ForeignKeyConstraint(
            ["inspection_id"], ["inspection.id"], name=op.f("fk_document_inspection_id_inspection")
        ),
        sa.ForeignKeyConstraint(
            ["supersedes_id"], ["document.id"], name=op.f("fk_document_supersedes_id_document")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document")),
        sa.UniqueConstraint(
            "kind", "year", "series", "serial", name=op.f("uq_document_kind_year_series_serial")
        ),
    )
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_document_hlc"), ["hlc"], unique=False)
        batch_op.create_index("ix_document_inspection", ["inspection_id"], unique=False)

    op.create_table(
        "finding",
        sa.Column("enterprise_id", sa.Uuid(), nullable=False),
        sa.Column("district_code", sa.String(length=12), nullable=False),
        sa.Column("inspection_id", sa.Uuid(), nullable=True),
        sa.Column("item_id", sa.Uuid(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("severity", sa.String(length=8), nullable=False),
        sa.Column("legal_basis", sa.Text(), nullable=False),
        sa.Column("measure", sa.Text(), nullable=False),
        sa.Column("found_on", sa.Date(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("rectified_on", sa.Date(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("origin_device_id", sa.Uuid(), nullable=False),
        sa.Column("hlc", sa.BigInteger(), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.CheckConstraint("severity IN ('general', 'major')", name=op.f("ck_finding_severity")),
        sa.CheckConstraint(
            "status IN ('pending', 'rectified', 'closed', 'failed')", name=op.f("ck_finding_status")
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"], ["enterprise.id"], name=op.f("fk_finding_enterprise_id_enterprise")
        ),
        sa.ForeignKeyConstraint(
            ["inspection_id"], ["inspection.id"], name=op.f("fk_finding_inspection_id_inspection")
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["checklist_item.id"], name=op.f("fk_finding_item_id_checklist_item")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finding")),
    )
    with op.batch_alter_table("finding", schema=None) as batch_op:
        batch_op.create_index(
            "ix_finding_district_status_deadline", ["district_code", "status", "deadline"], unique=False
        )
        batch_op.create_index("ix_finding_enterprise_status", ["enterprise_id", "status"], unique=False)
        batch_op.create_index(batch_op.f("ix_finding_hlc"), ["hlc"], unique=False)
        batch_op.create_index("ix_finding_inspection", ["inspection_id"], unique=False)
        batch_op.create_index("ix_finding_status_deadline", ["status", "deadline"], unique=False)

    op.create_table(
        "hazard_source_chemical",
        sa.Column("source_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("cas", sa.String(length=32), nullable=False),
        sa.Column("hazard_class", sa.String(length=8), nullable=False),
        sa.Column("tonnes", sa.Float(), nullable=False),
        sa.Column("critical_tonnes", sa.Float(), nullable=False),
        sa.Column("beta", sa.Float(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("origin_device_id", sa.Uuid(), nullable=False),
        sa.Column("hlc", sa.BigInteger(), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.CheckConstraint("tonnes >= 0", name=op.f("ck_hazard_source_chemical_tonnes")),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["major_hazard_source.id"],
            name=op.f("fk_hazard_source_chemical_source_id_major_hazard_source"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hazard_source_chemical")),
    )
    with op.batch_alter_table("hazard_source_chemical", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hazard_source_chemical_hlc"), ["hlc"], unique=False)
        batch_op.create_index(batch_op.f("ix_hazard_source_chemical_source_id"), ["source_id"], unique=False)

    op.create_table(
        "inspection_answer",
        sa.Column("inspection_id", sa.Uuid(), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("result", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("origin_device_id", sa.Uuid(), nullable=False),
        sa.Column("hlc", sa.BigInteger(), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.CheckConstraint(
            "result IN ('conform', 'nonconform', 'na')", name=op.f("ck_inspection_answer_result")
        ),
        sa.ForeignKeyConstraint(
            ["inspection_id"], ["inspection.id"], name=op.f("fk_inspection_answer_inspection_id_inspection")
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["checklist_item.id"], name=op.f("fk_inspection_answer_item_id_checklist_item")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_answer")),
        sa.UniqueConstraint(
            "inspection_id", "item_id", name=op.f("uq_inspection_answer_inspection_id_item_id")
        ),
    )
    with op.batch_alter_table("inspection_answer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inspection_answer_hlc"), ["hlc"], unique=False)

    op.create_table(
        "inspection_inspector",
        sa.Column("inspection_id", sa.Uuid(), nullable=False),
        sa.Column("inspector_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("origin_device_id", sa.Uuid(), nullable=False),
        sa.Column("hlc", sa.BigInteger(), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspection.id"],
            name=op.f("fk_inspection_inspector_inspection_id_inspection"),
        ),
        sa.ForeignKeyConstraint(
            ["inspector_id"], ["inspector.id"], name=op.f("fk_inspection_inspector_inspector_id_inspector")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_inspector")),
        sa.UniqueConstraint(
            "inspection_id", "inspector_id", name=op.f("uq_inspection_inspector_inspection_id_inspector_id")
        ),
    )
    with op.batch_alter_table("inspection_inspector", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inspection_inspector_hlc"), ["hlc"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_inspection_inspector_inspector_id"), ["inspector_id"], unique=False
        )

    op.create_table(
        "reinspection",
        sa.Column("finding_id", sa.Uuid(), nullable=False),
        sa.Column("inspection_id", sa.Uuid(), nullable=True),
        sa.Column("reinspected_on", sa.Date(), nullable=False),
        sa.Column("result", sa.String(length=8), nullable=False),
        sa.Column("new_deadline", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("inspector_ids", sa.JSON(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("origin_device_id", sa.Uuid(), nullable=False),
        sa.Column("hlc", sa.BigInteger(), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.CheckConstraint(
            "result = 'fail' OR new_deadline IS NULL", name=op.f("ck_reinspection_pass_has_no_deadline")
        ),
        sa.CheckConstraint("result IN ('pass', 'fail')", name=op.f("ck_reinspection_result")),
        sa.ForeignKeyConstraint(
            ["finding_id"], ["finding.id"], name=op.f("fk_reinspection_finding_id_finding")
        ),
        sa.ForeignKeyConstraint(
            ["inspection_id"], ["inspection.id"], name=op.f("fk_reinspection_inspection_id_inspection")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reinspection")),
    )
    with op.batch_alter_table("reinspection", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reinspection_finding_id"), ["finding_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_reinspection_hlc"), ["hlc"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("reinspection", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reinspection_hlc"))
        batch_op.drop_index(batch_op.f("ix_reinspection_finding_id"))

    op.drop_table("reinspection")
    with op.batch_alter_table("inspection_inspector", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspection_inspector_inspector_id"))
        batch_op.drop_index(batch_op.f("ix_inspection_inspector_hlc"))

    op.drop_table("inspection_inspector")
    with op.batch_alter_table("inspection_answer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspection_answer_hlc"))

    op.drop_table("inspection_answer")
    with op.batch_alter_table("hazard_source_chemical", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hazard_source_chemical_source_id"))
        batch_op.drop_index(batch_op.f("ix_hazard_source_chemical_hlc"))

    op.drop_table("hazard_source_chemical")
    with op.batch_alter_table("finding", schema=None) as batch_op:
        batch_op.drop_index("ix_finding_status_deadline")
        batch_op.drop_index("ix_finding_inspection")
        batch_op.drop_index(batch_op.f("ix_finding_hlc"))
        batch_op.drop_index("ix_finding_enterprise_status")
        batch_op.drop_index("ix_finding_district_status_deadline")

    op.drop_table("finding")
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.drop_index("ix_document_inspection")
        batch_op.drop_index(batch_op.f("ix_document_hlc"))

    op.drop_table("document")
    with op.batch_alter_table("major_hazard_source", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_major_hazard_source_hlc"))
        batch_op.drop_index(batch_op.f("ix_major_hazard_source_enterprise_id"))

    op.drop_table("major_hazard_source")
    with op.batch_alter_table("inspection", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspection_hlc"))
        batch_op.drop_index("ix_inspection_enterprise_started")
        batch_op.drop_index("ix_inspection_district_started")

    op.drop_table("inspection")
    with op.batch_alter_table("enterprise_chemical", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enterprise_chemical_hlc"))
        batch_op.drop_index(batch_op.f("ix_enterprise_chemical_enterprise_id"))

    op.drop_table("enterprise_chemical")
    with op.batch_alter_table("checklist_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_checklist_item_hlc"))

    op.drop_table("checklist_item")
    op.drop_table("local_setting")
    with op.batch_alter_table("inspector", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspector_hlc"))
        batch_op.drop_index(batch_op.f("ix_inspector_cert_no"))

    op.drop_table("inspector")
    with op.batch_alter_table("enterprise", schema=None) as batch_op:
        batch_op.drop_index("ix_enterprise_uscc")
        batch_op.drop_index(batch_op.f("ix_enterprise_hlc"))
        batch_op.drop_index("ix_enterprise_district_name")

    op.drop_table("enterprise")
    op.drop_table("district")
    with op.batch_alter_table("device", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_device_hlc"))
        batch_op.drop_index(batch_op.f("ix_device_fingerprint"))

    op.drop_table("device")
    with op.batch_alter_table("checklist_template", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_checklist_template_hlc"))

    op.drop_table("checklist_template")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_event_hlc"))
        batch_op.drop_index("ix_audit_event_entity")

    op.drop_table("audit_event")
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attachment_sha256"))
        batch_op.drop_index("ix_attachment_owner")
        batch_op.drop_index(batch_op.f("ix_attachment_hlc"))

    op.drop_table("attachment")
