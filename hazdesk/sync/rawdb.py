"""Reading and writing synced rows in their checked form, below the ORM.

Imports move hundreds of thousands of rows; SQLAlchemy's per-value type processing and psycopg's
row-by-row ``executemany`` would cost more than the rows themselves. Here ids stay 32-hex strings
(SQLite stores exactly that; PostgreSQL reads it as a uuid), dates and times stay in their canonical
text, and new rows go in with one ``executemany`` (SQLite) or ``COPY`` (PostgreSQL). Everything runs
on the import's own connection, inside its transaction.
"""

from __future__ import annotations

import json
import operator
import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, String, Uuid, any_, bindparam, cast, literal_column, select
from sqlalchemy.dialects.postgresql import ARRAY

from hazdesk.sync import rowsql
from hazdesk.sync.records import STAMPS_KEY, TableSpec

CHUNK = 2000


def _id_in(connection: Connection, spec: TableSpec, ids: list[str]) -> Any:
    if connection.dialect.name == "postgresql":
        # One text[] parameter cast to uuid[]: psycopg would parse a query text per distinct number
        # of parameters, and making UUID objects only to print them again costs as much.
        return spec.table.c.id == any_(cast(bindparam("ids", ids, type_=ARRAY(String)), ARRAY(Uuid)))
    # Untyped on SQLite: the ids are compared as the very text it stores.
    return literal_column(f'"{spec.name}".id').in_(ids)


def hex_id(value: Any) -> str:
    return value.hex if isinstance(value, uuid.UUID) else str(value).replace("-", "").lower()


def existing_ids(connection: Connection, spec: TableSpec, ids: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(ids), CHUNK):
        query = select(spec.table.c.id).where(_id_in(connection, spec, ids[start : start + CHUNK]))
        found.update(hex_id(v) for v in connection.scalars(query))
    return found


def fetch(connection: Connection, spec: TableSpec, ids: list[str]) -> dict[str, tuple[dict[str, Any], Any]]:
    """The local rows with these ids, normalised like checked records, with their stored stamps."""
    names = [c.name for c in spec.columns]
    out: dict[str, tuple[dict[str, Any], Any]] = {}
    ids = sorted(existing_ids(connection, spec, ids))  # usually none: a cheap index probe first
    for start in range(0, len(ids), CHUNK):
        query = rowsql.select_records(connection, spec, _id_in(connection, spec, ids[start : start + CHUNK]))
        for record, _stamps, _hlc in connection.execute(query):
            values = json.loads(record)
            row = spec.normalize(dict(zip(names, values[:-1], strict=True)))
            out[row["id"]] = (row, values[-1])
    return out


def _storage(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "json":
        return json.dumps(value, ensure_ascii=False)
    if kind == "bytes":
        return bytes.fromhex(value)
    return value


def _rows(spec: TableSpec, columns: list[str], rows: Iterable[dict[str, Any]]) -> list[tuple[Any, ...]]:
    converted = [(n, spec.by_name[n].kind) for n in columns if spec.by_name[n].kind in ("json", "bytes")]
    pick = operator.itemgetter(*columns)
    if not converted:
        return [pick(row) for row in rows]
    out = []
    for row in rows:
        row = dict(row)
        for name, kind in converted:
            row[name] = _storage(kind, row[name])
        out.append(pick(row))
    return out


def insert(connection: Connection, spec: TableSpec, rows: list[list[Any]]) -> None:
    """New rows, each a list in the table's column order (anything after the columns is ignored)."""
    columns = [c.name for c in spec.columns]
    width = len(columns)
    converted = [(i, c.kind) for i, c in enumerate(spec.columns) if c.kind in ("json", "bytes")]
    values: list[Any] = []
    for row in rows:
        row = row[:width]
        for index, kind in converted:
            row[index] = _storage(kind, row[index])
        values.append(row)
    quoted = ", ".join(f'"{c}"' for c in columns)
    if connection.dialect.name == "postgresql":
        raw = connection.connection.driver_connection
        assert raw is not None
        with raw.cursor() as cursor, cursor.copy(f'COPY "{spec.name}" ({quoted}) FROM STDIN') as copy:
            for row in values:
                copy.write_row(row)
        return
    marks = ", ".join("?" for _ in columns)
    raw = connection.connection.driver_connection  # the same connection, inside the same transaction
    assert raw is not None
    cursor = raw.cursor()
    try:
        cursor.executemany(f'INSERT INTO "{spec.name}" ({quoted}) VALUES ({marks})', values)
    finally:
        cursor.close()


def update(connection: Connection, spec: TableSpec, columns: list[str], rows: list[dict[str, Any]]) -> None:
    """Set ``columns`` of each row (found by id); only changed columns, so triggers see no more."""
    mark = "%s" if connection.dialect.name == "postgresql" else "?"
    assignments = ", ".join(f'"{c}" = {mark}' for c in columns)
    values = _rows(spec, [*columns, "id"], rows)
    connection.exec_driver_sql(f'UPDATE "{spec.name}" SET {assignments} WHERE id = {mark}', values)  # type: ignore[arg-type]


__all__ = ["STAMPS_KEY", "existing_ids", "fetch", "hex_id", "insert", "update"]
