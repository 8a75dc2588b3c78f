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
from sqlalchemy.exc import DBAPIError

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


def _values(spec: TableSpec, rows: list[list[Any]]) -> list[list[Any]]:
    width = len(spec.columns)
    converted = [(i, c.kind) for i, c in enumerate(spec.columns) if c.kind in ("json", "bytes")]
    values: list[Any] = []
    for row in rows:
        row = row[:width]
        for index, kind in converted:
            row[index] = _storage(kind, row[index])
        values.append(row)
    return values


def insert_new(connection: Connection, spec: TableSpec, rows: list[list[Any]]) -> set[str]:
    """PostgreSQL: insert the rows whose id is not here yet; returns the ids that were here already.

    The chunk is copied into a temporary table and moved over with ``ON CONFLICT (id) DO NOTHING``:
    about as fast as copying straight in, and it says which rows were already here without looking
    each id up first and without savepoints (of which PostgreSQL tolerates few per transaction).
    """
    columns = ", ".join(f'"{c.name}"' for c in spec.columns)
    stage = f'"_hz_stage_{spec.name}"'
    raw = connection.connection.driver_connection
    assert raw is not None
    dbapi = connection.dialect.loaded_dbapi
    statement = f'INSERT INTO "{spec.name}" ({columns}) SELECT {columns} FROM {stage} ON CONFLICT (id) DO NOTHING'
    try:
        with raw.cursor() as cursor:
            cursor.execute(f'CREATE TEMP TABLE IF NOT EXISTS {stage} (LIKE "{spec.name}") ON COMMIT DROP')
            cursor.execute(f"TRUNCATE {stage}")
            with cursor.copy(f"COPY {stage} ({columns}) FROM STDIN") as copy:
                for row in _values(spec, rows):
                    copy.write_row(row)
            # Only the ids that were here come back (usually none), not the thousands inserted.
            cursor.execute(
                f"WITH inserted AS ({statement} RETURNING id) "
                f"SELECT id FROM {stage} WHERE id NOT IN (SELECT id FROM inserted)"
            )
            return {hex_id(r[0]) for r in cursor.fetchall()}
    except dbapi.Error as exc:
        raise DBAPIError.instance(statement, None, exc, dbapi.Error) from exc


def insert(connection: Connection, spec: TableSpec, rows: list[list[Any]]) -> None:
    """New rows, each a list in the table's column order (anything after the columns is ignored)."""
    columns = [c.name for c in spec.columns]
    values = _values(spec, rows)
    quoted = ", ".join(f'"{c}"' for c in columns)
    raw = connection.connection.driver_connection  # the same connection, inside the same transaction
    assert raw is not None
    dbapi = connection.dialect.loaded_dbapi
    if connection.dialect.name == "postgresql":
        statement = f'COPY "{spec.name}" ({quoted}) FROM STDIN'
        try:
            with raw.cursor() as cursor, cursor.copy(statement) as copy:
                for row in values:
                    copy.write_row(row)
        except dbapi.Error as exc:
            raise DBAPIError.instance(statement, None, exc, dbapi.Error) from exc
        return
    marks = ", ".join("?" for _ in columns)
    statement = f'INSERT INTO "{spec.name}" ({quoted}) VALUES ({marks})'
    cursor = raw.cursor()
    try:
        cursor.executemany(statement, values)
    except dbapi.Error as exc:
        # As SQLAlchemy would have raised it (IntegrityError, OperationalError…), for the importer.
        raise DBAPIError.instance(statement, None, exc, dbapi.Error) from exc
    finally:
        cursor.close()


def update(connection: Connection, spec: TableSpec, columns: list[str], rows: list[dict[str, Any]]) -> None:
    """Set ``columns`` of each row (found by id); only changed columns, so triggers see no more."""
    mark = "%s" if connection.dialect.name == "postgresql" else "?"
    assignments = ", ".join(f'"{c}" = {mark}' for c in columns)
    values = _rows(spec, [*columns, "id"], rows)
    connection.exec_driver_sql(f'UPDATE "{spec.name}" SET {assignments} WHERE id = {mark}', values)  # type: ignore[arg-type]


__all__ = ["STAMPS_KEY", "existing_ids", "fetch", "hex_id", "insert", "update"]
