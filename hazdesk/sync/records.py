"""Records in bundles: how each synced table's rows are written as JSON and checked when read.

Everything is derived from the SQLAlchemy models, so a column added by a later revision travels
without changes here. A value is written as JSON: UUIDs as 32 hex digits (the dashed form is read
too), dates and times in ISO 8601, binary as hex, JSON columns nested; checked values keep the
canonical form of :mod:`hazdesk.sync.values`. Reading checks every field before anything is applied:
the type, the length a PostgreSQL ``varchar(n)`` would enforce, 32/64-bit integer ranges, finite
numbers, the values a ``CHECK (x IN (…))`` constraint allows and simple ``CHECK (x >= 0)`` bounds.
Other CHECK constraints are left to the database, whose refusal rolls the whole import back.
"""

from __future__ import annotations

import ast
import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    Integer,
    LargeBinary,
    String,
    Table,
    Uuid,
)

from hazdesk.store.models import SYNCED_MODELS, Base
from hazdesk.sync.values import (
    BOUNDS,
    INT32,
    INT64,
    Column,
    RecordError,
    _check,
    _fast_checker,
    canonical_datetime,
    encode_value,
    to_python,
)

# Re-exported: callers deal with records and their values through this module.
__all__ = [
    "ATTACHMENT_OWNERS", "META", "NOT_SYNCED", "STAMPS_KEY", "Column", "Plan", "RecordError", "TableSpec",
    "canonical_datetime", "check_stamps", "encode_value", "specs", "to_python",
]  # fmt: skip

META = ("id", "origin_device_id", "hlc", "deleted")
STAMPS_KEY = "_fc"
# Device rows carry trust (public key, enrolment): they are made by enrolment, never by a bundle.
NOT_SYNCED = frozenset({"device"})
_IN = re.compile(r"^\s*(?:(\w+) IS NULL OR )?(\w+) IN \((.*)\)\s*$", re.S)
_BOUND = re.compile(r"^\s*(\w+) (>=|>|<=|<) (-?\d+(?:\.\d+)?)\s*$")
_NULL_OR_COMPARE = re.compile(r"^\s*(\w+) IS NULL OR (\w+) (>=|>|<=|<) (\w+)\s*$")
_EQUALS_OR_NULL = re.compile(r"^\s*(\w+) = '([^']*)' OR (\w+) IS (NOT )?NULL\s*$")


Plan = list[tuple[str, "int | None", Callable[[Any], Any], "Column"]]


@dataclass
class TableSpec:
    name: str
    table: Table
    columns: list[Column]
    data_columns: list[str]  # all columns but the sync meta
    by_name: dict[str, Column]
    index: dict[str, int]  # position of each column in ``columns`` (and in a record's array)
    row_checks: list[tuple[str, Callable[[dict[str, Any]], bool]]]
    unparsed_checks: list[str]
    # The same checks as functions of the columns they read, for checking a chunk column-wise.
    column_checks: list[tuple[list[str], Callable[..., bool]]] = field(default_factory=list)

    def encode(self, row: Mapping[str, Any]) -> dict[str, Any]:
        return {c.name: encode_value(c.kind, row[c.name]) for c in self.columns}

    def normalize(self, row: dict[str, Any]) -> dict[str, Any]:
        """A row read from this database in the checked form, without refusing anything: data the
        desk itself wrote is not re-judged (an import must not fail over a local row)."""
        for column in self.columns:
            value = row[column.name]
            if value is None:
                continue
            if column.kind == "uuid":
                row[column.name] = value.replace("-", "").lower()
            elif column.kind == "datetime":
                row[column.name] = canonical_datetime(dt.datetime.fromisoformat(value))
            elif column.kind == "float":
                row[column.name] = float(value)
            elif column.kind == "bool":
                row[column.name] = bool(value)
        return row

    def decode_value(self, column: Column, value: Any) -> Any:
        return _check(column, value)

    def plan(self, names: list[str]) -> Plan:
        """How to read arrays whose columns are ``names`` (a member's header line)."""
        positions = {name: i for i, name in enumerate(names)}
        return [(c.name, positions.get(c.name), _fast_checker(c), c) for c in self.columns]

    def decode_array(self, plan: Plan, values: list[Any]) -> dict[str, Any]:
        """One record from a member's array, checked (the fast path of :meth:`decode`)."""
        try:
            out = {name: check(values[index]) for name, index, check, _ in plan if index is not None}
        except RecordError:
            for name, index, check, _ in plan:  # again, slowly, to say which field
                if index is not None:
                    try:
                        check(values[index])
                    except RecordError as exc:
                        raise RecordError(f"字段 {name}：{exc}") from None
            raise
        if len(out) != len(plan):
            for name, index, _, column in plan:
                if index is None:
                    out[name] = _missing(column)
        return self._checked_row(out)

    def decode(self, record: Any) -> dict[str, Any]:
        if not isinstance(record, dict):
            raise RecordError("记录不是 JSON 对象")
        unknown = [k for k in record if k not in self.by_name and k != STAMPS_KEY]
        if unknown:
            raise RecordError(f"未知字段 {', '.join(sorted(unknown)[:5])}（数据包来自更新版本的 hazdesk？）")
        out: dict[str, Any] = {}
        for column in self.columns:
            name = column.name
            out[name] = _check(column, record[name]) if name in record else _missing(column)
        return self._checked_row(out)

    def _checked_row(self, out: dict[str, Any]) -> dict[str, Any]:
        """Checks that span the whole row: a positive stamp and the table's CHECK constraints."""
        if out["hlc"] <= 0:
            raise RecordError("字段 hlc：时间戳必须为正数")
        for text, holds in self.row_checks:
            if not holds(out):
                raise RecordError(f"违反约束「{text}」")
        return out


_HEX32 = re.compile(r"[0-9a-f]{32}").fullmatch


def check_stamps(raw: Any, spec: TableSpec) -> dict[str, Any] | None:
    """A record's field stamps (``_fc``): ``None``, or ``{"*" or field: [hlc, device hex, base]}``."""
    if raw is None:
        return None
    if not isinstance(raw, dict) or len(raw) > len(spec.data_columns) + 1:
        raise RecordError(f"{STAMPS_KEY}（字段时间戳）格式错误")
    for name, stamp in raw.items():
        if name != "*" and name not in spec.data_columns:
            raise RecordError(f"{STAMPS_KEY} 中有未知字段 {name!r:.40}")
        ok = (
            isinstance(stamp, list)
            and len(stamp) == 3
            and type(stamp[0]) is int
            and 0 < stamp[0] < 2**63
            and isinstance(stamp[1], str)
            and _HEX32(stamp[1])
            and type(stamp[2]) is int
            and 0 <= stamp[2] < 2**63
        )
        if not ok:
            raise RecordError(f"{STAMPS_KEY} 中字段 {name} 的时间戳格式错误")
    return raw


def _missing(column: Any) -> Any:
    """The value of a field a record left out: a column the sender's older schema did not have."""
    if column.default is not None:
        return column.default()
    if column.nullable:
        return None
    raise RecordError(f"缺少字段 {column.name}")


# --- building the specs from the models --------------------------------------------------------
def _kind(column: Any) -> tuple[str, dict[str, Any]]:
    t = column.type
    if isinstance(t, Uuid):
        return "uuid", {}
    if isinstance(t, String):
        return "str", {"max_len": t.length}
    if isinstance(t, BigInteger):
        return "int", {"int_range": INT64}
    if isinstance(t, Integer):
        return "int", {"int_range": INT32}
    if isinstance(t, Float):
        return "float", {}
    if isinstance(t, Boolean):
        return "bool", {}
    if isinstance(t, DateTime):
        return "datetime", {}
    if isinstance(t, Date):
        return "date", {}
    if isinstance(t, JSON):
        return "json", {}
    if isinstance(t, LargeBinary):
        return "bytes", {"max_len": t.length}
    raise TypeError(f"sync does not know how to carry {column.table.name}.{column.name} ({t!r})")


def _default(column: Any) -> Callable[[], Any] | None:
    default = column.default
    if default is None:
        return None
    if default.is_scalar:
        value = default.arg
        return lambda: value
    if default.is_callable:
        fn = default.arg
        return lambda: fn(None)
    return None


def _container(model: type, name: str) -> type | None:
    # Models use `from __future__ import annotations`: the annotation is the string "Mapped[list[str]]".
    for klass in model.__mro__:
        annotation = str(getattr(klass, "__annotations__", {}).get(name, ""))
        if annotation.startswith("Mapped[list"):
            return list
        if annotation.startswith("Mapped[dict"):
            return dict
    return None


def _row_check(text: str) -> tuple[list[str], Callable[..., bool]] | None:
    """The two multi-column CHECK shapes the models use, as Python (others are left to the database):
    the columns the check reads and a function of their values, in that order."""
    if (m := _NULL_OR_COMPARE.match(text)) and m.group(1) == m.group(2):
        left, op, right = m.group(2), m.group(3), m.group(4)
        compare = BOUNDS[op]
        return [left, right], lambda a, b: a is None or b is None or compare(a, b)
    if m := _EQUALS_OR_NULL.match(text):
        column, value, other, negated = m.group(1), m.group(2), m.group(3), bool(m.group(4))
        if negated:
            return [column, other], lambda a, b: a == value or b is not None
        return [column, other], lambda a, b: a == value or b is None
    return None


def _on_row(names: list[str], holds: Callable[..., bool]) -> Callable[[dict[str, Any]], bool]:
    return lambda row: holds(*(row[name] for name in names))


def _build(model: type) -> TableSpec:
    table: Table = model.__table__  # type: ignore[attr-defined]
    columns: list[Column] = []
    for sa_column in table.columns:
        kind, extra = _kind(sa_column)
        fks = list(sa_column.foreign_keys)
        columns.append(
            Column(
                name=sa_column.name,
                kind=kind,
                nullable=bool(sa_column.nullable),
                references=fks[0].column.table.name if fks else None,
                container=_container(model, sa_column.key) if kind == "json" else None,
                default=_default(sa_column),
                **extra,
            )
        )
    by_name = {c.name: c for c in columns}
    unparsed: list[str] = []
    row_checks: list[tuple[str, Callable[[dict[str, Any]], bool]]] = []
    column_checks: list[tuple[list[str], Callable[..., bool]]] = []
    for constraint in table.constraints:
        if not isinstance(constraint, CheckConstraint):
            continue
        text = str(constraint.sqltext)
        if (match := _IN.match(text)) and (match.group(1) in (None, match.group(2))):
            values = ast.literal_eval(f"({match.group(3)},)")
            target = by_name[match.group(2)]
            target.allowed = frozenset(values)
        elif match := _BOUND.match(text):
            by_name[match.group(1)].bounds.append((match.group(2), float(match.group(3))))
        elif (check := _row_check(text)) is not None:
            row_checks.append((text, _on_row(*check)))
            column_checks.append(check)
        else:
            unparsed.append(f"{table.name}: {text}")
    return TableSpec(
        name=table.name,
        table=table,
        columns=columns,
        data_columns=[c.name for c in columns if c.name not in META],
        by_name=by_name,
        index={c.name: i for i, c in enumerate(columns)},
        row_checks=row_checks,
        unparsed_checks=unparsed,
        column_checks=column_checks,
    )


@cache
def specs() -> dict[str, TableSpec]:
    """Every synced table in an order where a row's references come before it."""
    models = {m.__tablename__: m for m in SYNCED_MODELS if m.__tablename__ not in NOT_SYNCED}  # type: ignore[attr-defined]
    ordered = [t.name for t in Base.metadata.sorted_tables if t.name in models]
    # Attachments point at their owner through (owner_kind, owner_id), not a foreign key, and audit
    # events at anything: both go last so their targets are already in place.
    ordered.sort(key=lambda name: name in ("attachment", "audit_event"))
    return {name: _build(models[name]) for name in ordered}


ATTACHMENT_OWNERS = {"finding": "finding", "reinspection": "reinspection", "inspection": "inspection",
                     "enterprise": "enterprise"}  # fmt: skip
