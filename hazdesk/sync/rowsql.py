"""Reading synced rows straight into their bundle form, as JSON the database itself writes.

Building 280,000 JSON records in Python costs more than the 3-second export budget; SQLite's
``json_array`` and PostgreSQL's ``json_build_array`` do it in C. The one thing they would get wrong
is SQLite's float output (15 significant digits): floats go through ``printf('%!.17g')`` so every
value survives the trip exactly. Booleans become ``true``/``false``, JSON columns nest, UUIDs are 32
hex digits (SQLite's storage) or the dashed form (PostgreSQL) — the reader accepts both.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Connection, Select, and_, literal_column, select
from sqlalchemy.sql.elements import ColumnClause

from hazdesk.store.models import SyncFieldStamp
from hazdesk.sync.records import TableSpec

STAMPS = SyncFieldStamp.__table__
_stamps = STAMPS


def _sqlite_value(spec: TableSpec, name: str) -> str:
    column = f'"{spec.name}"."{name}"'
    kind = spec.by_name[name].kind
    if kind == "json":
        return f"json({column})"
    if kind == "bool":
        return f"CASE WHEN {column} IS NULL THEN NULL WHEN {column} THEN json('true') ELSE json('false') END"
    if kind == "float":
        return f"CASE WHEN {column} IS NULL THEN NULL ELSE json(printf('%!.17g', {column})) END"
    if kind == "bytes":
        return f"lower(hex({column}))"
    return column


def _postgres_value(spec: TableSpec, name: str) -> str:
    column = f'"{spec.name}"."{name}"'
    if spec.by_name[name].kind == "bytes":
        return f"encode({column}, 'hex')"
    return column


def record_array(connection: Connection, spec: TableSpec) -> ColumnClause[bytes]:
    """One column: the row's values, then its field stamps (``_fc``), as UTF-8 JSON bytes."""
    names = [c.name for c in spec.columns]
    if connection.dialect.name == "sqlite":
        values = [_sqlite_value(spec, n) for n in names]
        return literal_column(f"CAST(json_array({', '.join(values)}, json(sync_field_stamp.stamps)) AS BLOB)")
    values = [_postgres_value(spec, n) for n in names]
    return literal_column(f"convert_to(json_build_array({', '.join(values)}, sync_field_stamp.stamps)::text, 'UTF8')")


def select_records(connection: Connection, spec: TableSpec, where: ColumnElement[bool]) -> Select[tuple[bytes, ...]]:
    """SELECT record bytes, raw stamps (NULL for rows never edited), hlc — for rows matching ``where``."""
    t = spec.table
    joined = t.outerjoin(_stamps, and_(_stamps.c.table_name == spec.name, _stamps.c.row_id == t.c.id))
    stamps_raw = literal_column("sync_field_stamp.stamps")
    return (
        select(record_array(connection, spec), stamps_raw, literal_column(f'"{spec.name}".hlc'))
        .select_from(joined)
        .where(where)
    )
