"""Reading and writing synced rows in their checked form, below the ORM.

Imports move hundreds of thousands of rows; SQLAlchemy's per-value type processing and psycopg's
row-by-row ``executemany`` would cost more than the rows themselves. Here ids stay 32-hex strings
(SQLite stores exactly that; PostgreSQL reads it as a uuid), dates and times stay in their canonical
text, and new rows go in with one ``executemany`` (SQLite) or ``COPY`` (PostgreSQL). New rows arrive
column-wise (a tuple per column, as :mod:`hazdesk.sync.columnar` checked them): converting a column
and zipping the columns into rows, or into ``COPY`` text (:func:`copy_text`, prepared by the import's
reading thread), happens in C. Everything runs on the import's own connection, inside its transaction.
"""

from __future__ import annotations

import contextlib
import json
import operator
import uuid
from collections.abc import Iterable, Iterator, Sequence
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
from typing import Any

from sqlalchemy import Connection, String, Uuid, any_, bindparam, cast, literal_column, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import DBAPIError

from hazdesk.sync import rowsql
from hazdesk.sync.records import STAMPS_KEY, Column, TableSpec

CHUNK = 2000
Columns = list[tuple[Any, ...]]

_encoder = json.JSONEncoder(ensure_ascii=False)
if c_make_encoder is not None:  # the C encoder itself: json.dumps with options builds an encoder per call
    _encode = c_make_encoder(None, _encoder.default, encode_basestring, None, ": ", ", ", False, False, True)

    def json_text(value: Any) -> str:
        """A JSON column's stored text, exactly ``json.dumps(value, ensure_ascii=False)``."""
        return "".join(_encode(value, 0))
else:  # pragma: no cover - CPython always has the C encoder
    json_text = _encoder.encode


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


def is_empty(connection: Connection, spec: TableSpec) -> bool:
    """No row at all (then none of an import's rows, whose ids it checks are distinct, can be here)."""
    return connection.exec_driver_sql(f'SELECT 1 FROM "{spec.name}" LIMIT 1').first() is None


def _storage(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "json":
        return json_text(value)
    if kind == "bytes":
        return bytes.fromhex(value)
    return value


def _stored_column(kind: str, values: Sequence[Any]) -> Sequence[Any]:
    if kind == "json":
        return [None if v is None else json_text(v) for v in values]
    if kind == "bytes":
        return [None if v is None else bytes.fromhex(v) for v in values]
    if kind == "bool":  # stored as 0/1 either way; an int binds without sqlite3's adapter lookup
        return [None if v is None else int(v) for v in values]
    return values


# Page cache for an import's transaction on SQLite. With the default 2 MB the pages of the tables and
# indexes being filled are spilled to the WAL and read back many times before the commit.
IMPORT_CACHE_KIB = 64 * 1024


@contextlib.contextmanager
def import_cache(connection: Connection) -> Iterator[None]:
    """SQLite: a page cache of ``IMPORT_CACHE_KIB`` on this connection while the block runs (restored
    before the connection goes back to the pool). Nothing on PostgreSQL."""
    if connection.dialect.name != "sqlite":
        yield
        return
    raw = connection.connection.driver_connection
    assert raw is not None
    before = int(raw.execute("PRAGMA cache_size").fetchone()[0])  # KiB when negative, else pages
    kib = -before if before < 0 else before * int(raw.execute("PRAGMA page_size").fetchone()[0]) // 1024
    larger = kib < IMPORT_CACHE_KIB
    if larger:
        raw.execute(f"PRAGMA cache_size = {-IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        if larger:
            raw.execute(f"PRAGMA cache_size = {before}")


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


# --- COPY text (PostgreSQL) ---------------------------------------------------------------------
_NULL = "\\N"
_BOOL_TEXT = {True: "t", False: "f", None: _NULL}
_COPY_SPECIAL = ("\\", "\t", "\n", "\r")


def _copy_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _copy_column(column: Column, values: Sequence[Any]) -> Sequence[str]:
    """One column's values as fields of ``COPY … FROM STDIN`` text (what psycopg's ``write_row`` writes)."""
    kind = column.kind
    if kind == "bool":
        return list(map(_BOOL_TEXT.__getitem__, values))
    nulls = column.nullable and None in values
    texts: Sequence[Any]
    if kind in ("int", "float", "json", "bytes"):
        text = {"int": str, "float": repr, "json": json_text, "bytes": _bytea_text}[kind]
        texts = [None if v is None else text(v) for v in values] if nulls else list(map(text, values))
    else:  # uuid, date, datetime (checked canonical text) and str
        texts = values
    if kind in ("str", "json"):
        joined = "".join(filter(None, texts))
        if any(special in joined for special in _COPY_SPECIAL):
            texts = [None if t is None else _copy_escape(t) for t in texts]
    if nulls:
        texts = [_NULL if t is None else t for t in texts]
    return texts


def _bytea_text(value: str) -> str:
    return "\\\\x" + value


def copy_text(spec: TableSpec, columns: Columns) -> bytes:
    """The rows of a checked chunk (its columns) as the data of ``COPY "table" (all columns) FROM STDIN``."""
    fields = [_copy_column(c, values) for c, values in zip(spec.columns, columns, strict=False)]
    return ("\n".join(map("\t".join, zip(*fields, strict=True))) + "\n").encode("utf-8")


def _copy_statement(spec: TableSpec, target: str) -> str:
    columns = ", ".join(f'"{c.name}"' for c in spec.columns)
    return f"COPY {target} ({columns}) FROM STDIN"


def copy_in(connection: Connection, spec: TableSpec, payload: bytes) -> None:
    """PostgreSQL: ``COPY`` rows (:func:`copy_text`) straight into their table — rows known to be new."""
    raw = connection.connection.driver_connection
    assert raw is not None
    dbapi = connection.dialect.loaded_dbapi
    statement = _copy_statement(spec, f'"{spec.name}"')
    try:
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            copy.write(payload)
    except dbapi.Error as exc:
        raise DBAPIError.instance(statement, None, exc, dbapi.Error) from exc


def duplicate_id(exc: DBAPIError, spec: TableSpec) -> bool:
    """Did the database refuse a row because its id is taken (the table's primary key)?"""
    orig = exc.orig
    diag = getattr(orig, "diag", None)
    return (
        getattr(orig, "sqlstate", None) == "23505"
        and diag is not None
        and diag.constraint_name == spec.table.primary_key.name
    )


def insert_new(connection: Connection, spec: TableSpec, payload: bytes) -> set[str]:
    """PostgreSQL: insert the rows (:func:`copy_text`) whose id is not here yet; returns the ids that
    were here already.

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
            with cursor.copy(_copy_statement(spec, stage)) as copy:
                copy.write(payload)
            # Only the ids that were here come back (usually none), not the thousands inserted.
            cursor.execute(
                f"WITH inserted AS ({statement} RETURNING id) "
                f"SELECT id FROM {stage} WHERE id NOT IN (SELECT id FROM inserted)"
            )
            return {hex_id(r[0]) for r in cursor.fetchall()}
    except dbapi.Error as exc:
        raise DBAPIError.instance(statement, None, exc, dbapi.Error) from exc


def insert_columns(connection: Connection, spec: TableSpec, columns: Columns) -> None:
    """New rows given column-wise (a tuple per column, in the table's order; anything after is ignored)."""
    if connection.dialect.name == "postgresql":
        copy_in(connection, spec, copy_text(spec, columns))
        return
    stored = [_stored_column(c.kind, values) for c, values in zip(spec.columns, columns, strict=False)]
    _sqlite_insert(connection, spec, zip(*stored, strict=True))


def insert(connection: Connection, spec: TableSpec, rows: list[list[Any]]) -> None:
    """New rows, each a list in the table's column order (anything after the columns is ignored)."""
    if rows:
        insert_columns(connection, spec, list(zip(*rows, strict=True)))


def _sqlite_insert(connection: Connection, spec: TableSpec, values: Iterable[Sequence[Any]]) -> None:
    columns = [c.name for c in spec.columns]
    quoted = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" for _ in columns)
    statement = f'INSERT INTO "{spec.name}" ({quoted}) VALUES ({marks})'
    raw = connection.connection.driver_connection  # the same connection, inside the same transaction
    assert raw is not None
    dbapi = connection.dialect.loaded_dbapi
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


__all__ = [
    "STAMPS_KEY", "copy_in", "copy_text", "duplicate_id", "existing_ids", "fetch", "hex_id", "import_cache", "insert",
    "insert_columns", "insert_new", "is_empty", "json_text", "update",
]  # fmt: skip
