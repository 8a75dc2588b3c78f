"""Checking a chunk of records column by column, at C speed, for the common case.

A chunk of thousands of records from our own exporter is well-formed: every UUID lower-case hex,
every time in canonical form. Checking such a chunk column-wise — one ``join`` and one
``bytes.fromhex`` for a column of ids, one calendar check per *distinct* date — costs a fraction of
checking value by value in Python. When any column looks unusual the chunk goes the slow way
(:meth:`hazdesk.sync.records.TableSpec.decode_array`), which normalises what may be normalised and
names the field that is wrong — so this path decides nothing the slow one would not.

The columns it checked are handed on (:func:`checked_columns`): the importer resolves references,
finds ids and writes rows column-wise too.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Collection, Sequence
from functools import partial
from operator import is_not
from typing import Any

from hazdesk.sync.records import RecordError, TableSpec, check_stamps
from hazdesk.sync.values import BOUNDS, Column

_DATE = re.compile(r"\d{4}-\d\d-\d\d").fullmatch
_DATETIME = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}").fullmatch
_present = partial(is_not, None)
_NONE = type(None)
# The Python type a column of each kind holds (a value of a CHECK … IN list must have it too: 1.0 and
# True equal 1, and would otherwise pass for an allowed integer).
_KIND_TYPES: dict[str, frozenset[type]] = {
    "str": frozenset({str}),
    "int": frozenset({int}),
    "float": frozenset({float, int}),
    "bool": frozenset({bool}),
}


def _types_within(values: Collection[Any], allowed: Collection[type]) -> bool:
    return set(map(type, values)) <= set(allowed)


def _calendar(parse: Callable[[str], Any], values: Collection[str]) -> bool:
    try:
        list(map(parse, values))
    except ValueError:
        return False
    return True


def _lower_hex_ids(present: Sequence[Any]) -> bool:
    """Are all these 32 lower-case hex digits? (One join and one ``fromhex`` for the whole column.)"""
    try:
        text = "".join(present)  # TypeError for anything but text
    except TypeError:
        return False
    if not set(map(len, present)) <= {32}:
        return False
    try:
        raw = bytes.fromhex(text)  # hex digits of either case; skips whitespace, which the length catches
    except ValueError:
        return False
    return 2 * len(raw) == len(text) and text.lower() == text


def _calendar_text(present: Sequence[Any], pattern: Callable[[str], Any], parse: Callable[[str], Any]) -> bool:
    """Dates or canonical times: each distinct value matches the pattern and is a real day and time."""
    try:
        distinct = set(present)
    except TypeError:  # unhashable: a list where a date belongs
        return False
    return _types_within(distinct, (str,)) and all(map(pattern, distinct)) and _calendar(parse, distinct)


def _allowed_ok(column: Column, present: Sequence[Any]) -> bool:
    allowed = column.allowed
    assert allowed is not None
    try:
        distinct = set(present)
    except TypeError:  # unhashable (a list where a code belongs)
        return False
    if not distinct <= allowed:
        return False
    if all(type(value) is str for value in allowed):
        return True  # only text equals text: the values are the allowed strings themselves
    types = _KIND_TYPES.get(column.kind)
    return types is not None and _types_within(present, types)


def _column_ok(column: Column, values: Sequence[Any]) -> bool:
    """Every value of one column well-formed and canonical (``None`` only where the column allows it)."""
    kind = column.kind
    present: Sequence[Any] = list(filter(_present, values)) if column.nullable else values
    if column.allowed is not None:
        return _allowed_ok(column, present)
    if kind == "uuid":
        return _lower_hex_ids(present)
    if kind == "str":
        try:
            text = "".join(present)
        except TypeError:
            return False
        if "\x00" in text:
            return False
        limit = column.max_len
        return limit is None or len(text) <= limit or max(map(len, present), default=0) <= limit
    if kind == "int":
        if not _types_within(present, (int,)):
            return False
        low, high = column.int_range
        ok = not present or (min(present) >= low and max(present) <= high)
        return ok and all(_bound(column, present))
    if kind == "float":
        if not _types_within(present, (float, int)):
            return False
        try:
            return all(map(math.isfinite, present)) and all(_bound(column, present))
        except OverflowError:  # an integer beyond any float
            return False
    if kind == "bool":
        return _types_within(present, (bool,))
    if kind == "date":
        return _calendar_text(present, _DATE, dt.date.fromisoformat)
    if kind == "datetime":
        return _calendar_text(present, _DATETIME, dt.datetime.fromisoformat)
    if kind == "json":
        if column.container is None:
            return True
        return _types_within(values, (column.container, _NONE) if column.nullable else (column.container,))
    return False  # bytes: rare, the slow way


def _bound(column: Column, present: Sequence[Any]) -> list[bool]:
    if not column.bounds or not present:
        return [True]
    low, high = min(present), max(present)
    checks = {">=": low, ">": low, "<=": high, "<": high}
    return [BOUNDS[op](checks[op], limit) for op, limit in column.bounds]


def checked_columns(spec: TableSpec, rows: list[Any]) -> list[tuple[Any, ...]] | None:
    """The chunk's columns (one tuple per column in the table's order, the stamps last) when every
    array is well-formed and canonical; ``None`` when some record needs the slow way."""
    width = len(spec.columns) + 1
    if not rows or set(map(type, rows)) != {list} or set(map(len, rows)) != {width}:
        return None
    columns = list(zip(*rows, strict=True))
    for column, values in zip(spec.columns, columns, strict=False):
        if not _column_ok(column, values):
            return None
    if min(columns[spec.index["hlc"]]) <= 0:
        return None
    for names, holds in spec.column_checks:
        if not all(map(holds, *(columns[spec.index[name]] for name in names))):
            return None
    stamps = columns[-1]
    if stamps.count(None) != len(stamps):
        try:
            for raw in stamps:
                check_stamps(raw, spec)
        except RecordError:
            return None
    for position, column in enumerate(spec.columns):
        if column.kind == "float" and int in set(map(type, columns[position])):
            # 5 for 5.0 (PostgreSQL writes floats that way): the float the slow way makes of it.
            values = tuple(float(v) if type(v) is int else v for v in columns[position])
            columns[position] = values
            for row, value in zip(rows, values, strict=True):
                row[position] = value
    return columns
