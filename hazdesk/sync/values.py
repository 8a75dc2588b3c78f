"""Checking and converting single values of synced columns (see :mod:`hazdesk.sync.records`).

Checked values have one canonical form that merges compare directly: UUIDs as 32 lower-case hex
digits, dates as ``YYYY-MM-DD``, times as ``YYYY-MM-DD HH:MM:SS.ffffff`` (SQLAlchemy's storage form
on SQLite), binary as hex. :func:`to_python` gives the ORM's types back; :func:`encode_value` turns
the ORM's values into the bundle form.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

_HEX32 = re.compile(r"^[0-9a-fA-F]{32}$")
_HEX32_LOWER = re.compile(r"[0-9a-f]{32}")
_CANONICAL_DATETIME = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}")
_UUID36 = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_HEX = re.compile(r"^[0-9a-fA-F]*$")
INT32 = (-(2**31), 2**31 - 1)
INT64 = (-(2**63), 2**63 - 1)
BOUNDS: dict[str, Callable[[float, float], bool]] = {
    ">=": lambda a, b: a >= b,
    ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b,
    "<": lambda a, b: a < b,
}


class RecordError(ValueError):
    """One field of one record is wrong; the importer adds which bundle and row."""


@dataclass
class Column:
    name: str
    kind: str  # uuid str int float bool date datetime json bytes
    nullable: bool
    max_len: int | None = None
    int_range: tuple[int, int] = INT64
    allowed: frozenset[Any] | None = None
    bounds: list[tuple[str, float]] = field(default_factory=list)
    container: type | None = None  # list or dict for JSON columns, from the model's annotation
    references: str | None = None  # table a foreign key points to
    default: Callable[[], Any] | None = None


_ALLOWED_TYPES: dict[str, tuple[type, ...]] = {"str": (str,), "int": (int,)}


def _fast_checker(column: Column) -> Callable[[Any], Any]:
    """A checker for one column that accepts the common well-formed value in a few operations and
    falls back to :func:`_check` (which explains what is wrong) for anything else."""
    kind, nullable, allowed = column.kind, column.nullable, column.allowed

    def fallback(value: Any) -> Any:
        try:
            return _check(column, value)
        except RecordError as exc:
            raise RecordError(str(exc).removeprefix(f"字段 {column.name}：")) from None

    if column.bounds:
        return fallback
    if allowed is not None:
        # The value's type first: 1.0 and True equal 1, and a list is not hashable.
        types = _ALLOWED_TYPES.get(kind)
        if types is None:
            return fallback
        return lambda v: v if (type(v) in types and v in allowed) or (v is None and nullable) else fallback(v)
    if kind == "str":
        limit = column.max_len or 1 << 62
        return lambda v: (
            v if (type(v) is str and len(v) <= limit and "\x00" not in v) or (v is None and nullable) else fallback(v)
        )
    if kind == "uuid":
        match = _HEX32_LOWER.fullmatch
        return lambda v: v if (type(v) is str and match(v)) or (v is None and nullable) else fallback(v)
    if kind == "int":
        low, high = column.int_range
        return lambda v: v if (type(v) is int and low <= v <= high) or (v is None and nullable) else fallback(v)
    if kind == "float":
        finite = math.isfinite
        return lambda v: v if (type(v) is float and finite(v)) or (v is None and nullable) else fallback(v)
    if kind == "bool":
        return lambda v: v if type(v) is bool or (v is None and nullable) else fallback(v)
    if kind == "date":
        day = _DATE.fullmatch
        return lambda v: v if (type(v) is str and day(v) and _valid(v)) or (v is None and nullable) else fallback(v)
    if kind == "datetime":
        moment = _CANONICAL_DATETIME.fullmatch
        return lambda v: v if (type(v) is str and moment(v) and _valid(v)) or (v is None and nullable) else fallback(v)
    if kind == "json" and column.container is not None:
        container = column.container
        return lambda v: v if type(v) is container or (v is None and nullable) else fallback(v)
    return fallback


def _valid(value: str) -> bool:
    """A date or canonical time that the calendar has (2026-02-30 matches the pattern, not this)."""
    try:
        dt.datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _check(column: Column, value: Any) -> Any:
    if value is None:
        if column.nullable:
            return None
        raise RecordError(f"字段 {column.name}：不能为空")
    try:
        result = _DECODERS[column.kind](column, value)
    except RecordError as exc:
        raise RecordError(f"字段 {column.name}：{exc}") from None
    if column.allowed is not None and result not in column.allowed:
        shown = "、".join(sorted(str(v) for v in column.allowed))
        raise RecordError(f"字段 {column.name}：取值 {value!r} 不在允许范围（{shown}）内")
    for op, limit in column.bounds:
        if not BOUNDS[op](result, limit):
            raise RecordError(f"字段 {column.name}：取值 {value!r} 应 {op} {limit:g}")
    return result


# --- per-type decoders and encoders ----------------------------------------------------------
def _uuid(_c: Column, v: Any) -> str:
    if type(v) is str:
        if len(v) == 32 and _HEX32.match(v):
            return v.lower()
        if len(v) == 36 and _UUID36.match(v):
            return v.replace("-", "").lower()
    raise RecordError(f"应为 UUID，收到 {v!r:.60}")


def _str(c: Column, v: Any) -> str:
    if type(v) is not str:
        raise RecordError(f"应为文本，收到 {type(v).__name__}")
    if c.max_len is not None and len(v) > c.max_len:
        raise RecordError(f"长度 {len(v)} 超过上限 {c.max_len}")
    if "\x00" in v:
        raise RecordError("文本中含有 NUL 字符")
    return v


def _int(c: Column, v: Any) -> int:
    if type(v) is not int:
        raise RecordError(f"应为整数，收到 {v!r:.60}")
    low, high = c.int_range
    if not low <= v <= high:
        raise RecordError(f"整数 {v} 超出范围")
    return v


def _float(_c: Column, v: Any) -> float:
    try:
        ok = type(v) in (int, float) and math.isfinite(v)
    except OverflowError:  # an integer beyond any float
        ok = False
    if not ok:
        raise RecordError(f"应为数值，收到 {v!r:.60}")
    return float(v)


def _bool(_c: Column, v: Any) -> bool:
    if type(v) is not bool:
        raise RecordError(f"应为 true/false，收到 {v!r:.60}")
    return v


def _date(_c: Column, v: Any) -> str:
    if type(v) is not str or len(v) != 10 or not _DATE.match(v):
        raise RecordError(f"应为日期 YYYY-MM-DD，收到 {v!r:.60}")
    try:
        dt.date.fromisoformat(v)
    except ValueError:
        raise RecordError(f"应为日期 YYYY-MM-DD，收到 {v!r:.60}") from None
    return v


def _datetime(_c: Column, v: Any) -> str:
    if type(v) is not str or not 16 <= len(v) <= 26:
        raise RecordError(f"应为时间 YYYY-MM-DDTHH:MM:SS，收到 {v!r:.60}")
    try:
        value = dt.datetime.fromisoformat(v)
    except ValueError:
        raise RecordError(f"应为时间 YYYY-MM-DDTHH:MM:SS，收到 {v!r:.60}") from None
    if value.tzinfo is not None:
        raise RecordError("时间不应带时区（按当地时间记录）")
    return canonical_datetime(value)


def canonical_datetime(value: dt.datetime) -> str:
    """The one text form of a time in merges (and SQLAlchemy's storage form on SQLite)."""
    return (
        f"{value.year:04d}-{value.month:02d}-{value.day:02d} "
        f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}.{value.microsecond:06d}"
    )


def _json(c: Column, v: Any) -> Any:
    if c.container is not None and not isinstance(v, c.container):
        raise RecordError(f"应为 {'列表' if c.container is list else '对象'}，收到 {type(v).__name__}")
    return v


def _bytes(c: Column, v: Any) -> str:
    if type(v) is not str or len(v) % 2 or not _HEX.match(v):
        raise RecordError("应为十六进制文本")
    if c.max_len is not None and len(v) // 2 > c.max_len:
        raise RecordError(f"长度 {len(v) // 2} 超过上限 {c.max_len}")
    return v.lower()


_DECODERS: dict[str, Callable[[Column, Any], Any]] = {
    "uuid": _uuid, "str": _str, "int": _int, "float": _float, "bool": _bool,
    "date": _date, "datetime": _datetime, "json": _json, "bytes": _bytes,
}  # fmt: skip


def _identity(v: Any) -> Any:
    return v


_ENCODERS: dict[str, Callable[[Any], Any]] = {
    "uuid": lambda v: None if v is None else v.hex,
    "str": _identity, "int": _identity, "bool": _identity, "json": _identity,
    "float": lambda v: None if v is None else float(v),
    "date": lambda v: None if v is None else v.isoformat(),
    "datetime": lambda v: None if v is None else v.isoformat(),
    "bytes": lambda v: None if v is None else v.hex(),
}  # fmt: skip
_TO_PYTHON: dict[str, Callable[[Any], Any]] = {
    "uuid": lambda v: uuid.UUID(hex=v),
    "date": dt.date.fromisoformat,
    "datetime": dt.datetime.fromisoformat,
    "bytes": bytes.fromhex,
}


def encode_value(kind: str, value: Any) -> Any:
    """A Python value (as the ORM holds it) in its bundle form."""
    return _ENCODERS[kind](value)


def to_python(kind: str, value: Any) -> Any:
    """A checked bundle value (as merges compare it) as the Python value the ORM expects."""
    if value is None or kind not in _TO_PYTHON:
        return value
    return _TO_PYTHON[kind](value)
