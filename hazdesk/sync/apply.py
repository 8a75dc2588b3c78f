"""Applying the records of one bundle inside the import's transaction.

For each table, in reference order, records are read in chunks of 2,000: parsed and checked
(column-wise when they are well-formed, :mod:`hazdesk.sync.columnar`; record by record otherwise,
:mod:`hazdesk.sync.records`), their references resolved against the bundle and the database, then
new rows inserted in bulk and known rows merged (:mod:`hazdesk.sync.merge`). Rows travel as lists
in the table's column order with their field stamps last, the form they had in the bundle.
Nothing here commits: the importer's transaction makes it all or nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import queue
import re
import threading
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from hazdesk.sync import conflictlog, fieldstamps, rawdb
from hazdesk.sync.columnar import chunk_ok
from hazdesk.sync.errors import BundleError, SyncCancelled
from hazdesk.sync.merge import ImmutableChanged, Version, merge
from hazdesk.sync.records import ATTACHMENT_OWNERS, STAMPS_KEY, RecordError, TableSpec, specs

CHUNK = 2000
# Bigger on PostgreSQL: every chunk costs a few round trips and a temporary-table truncation.
PG_CHUNK = 10_000
_HEX32 = re.compile(r"^[0-9a-f]{32}$")
_DONE = object()
Row = list[Any]


@dataclass
class TableCounts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class Applied:
    counts: dict[str, TableCounts] = field(default_factory=lambda: defaultdict(TableCounts))
    conflicts: int = 0
    highest: int = 0
    attachment_files: set[str] = field(default_factory=set)


def _shown(hex_id: str) -> str:
    """An id as people see it elsewhere in the desk (dashed)."""
    return str(uuid.UUID(hex=hex_id))


def _reject_json(value: str) -> Any:
    raise ValueError(f"非法数值 {value}")


_decoder = json.JSONDecoder(parse_constant=_reject_json)


def _parse(line: bytes) -> Any:
    return _decoder.decode(line.decode("utf-8"))


def _stamps(raw: Any, spec: TableSpec) -> dict[str, Any] | None:
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
            and _HEX32.match(stamp[1])
            and type(stamp[2]) is int
            and 0 <= stamp[2] < 2**63
        )
        if not ok:
            raise RecordError(f"{STAMPS_KEY} 中字段 {name} 的时间戳格式错误")
    return raw


class Applier:
    def __init__(self, connection: Connection, bundle_id: uuid.UUID, cancelled: Callable[[], bool]) -> None:
        self.connection = connection
        self.bundle_id = bundle_id
        self.cancelled = cancelled
        self.seen: dict[str, set[str]] = defaultdict(set)
        self.overlapping: set[str] = set()  # tables where some incoming rows were already here
        self.result = Applied()
        self.now = dt.datetime.now().replace(microsecond=0)

    def _refuse(self, message: str, code: str = "record") -> BundleError:
        return BundleError(message, code=code, bundle_id=self.bundle_id)

    # --- reading -----------------------------------------------------------------------------
    def apply_table(self, table: str, lines: Iterable[bytes]) -> None:
        """Apply one member's records. On PostgreSQL a second thread reads and checks the next chunk
        while this one waits for the server (which releases the GIL): imports take a third less."""
        spec = specs()[table]
        self.seen.setdefault(table, set())
        if self.connection.dialect.name != "postgresql":
            # SQLite binds every row's values holding the GIL: a reading thread would only compete.
            for chunk in self._chunks(spec, lines):
                self._apply_chunk(spec, chunk)
            return
        chunks: queue.Queue[Any] = queue.Queue(maxsize=3)
        stop = threading.Event()

        def put(item: Any) -> None:
            while not stop.is_set():
                try:
                    chunks.put(item, timeout=0.1)
                    return
                except queue.Full:
                    continue

        def produce() -> None:
            try:
                for chunk in self._chunks(spec, lines):
                    put(chunk)
                put(_DONE)
            except BaseException as exc:  # re-raised on the applying thread
                put(exc)

        reader = threading.Thread(target=produce, name="hazdesk-import-read", daemon=True)
        reader.start()
        try:
            while (item := chunks.get()) is not _DONE:
                if isinstance(item, BaseException):
                    raise item
                self._apply_chunk(spec, item)
        finally:
            stop.set()
            reader.join()

    def _chunks(self, spec: TableSpec, lines: Iterable[bytes]) -> Iterator[list[Row]]:
        self_refs = [i for i, c in enumerate(spec.columns) if c.references == spec.name]
        names: list[str] | None = None
        size = PG_CHUNK if self.connection.dialect.name == "postgresql" else CHUNK
        pending: list[bytes] = []
        first = 2  # line number of pending[0] (line 1 names the columns)
        whole: list[Row] = []
        for line in lines:
            if names is None:
                names = self._columns(spec, line)
                continue
            pending.append(line)
            if len(pending) >= size:
                rows = self._rows(spec, names, pending, first)
                first += len(pending)
                pending = []
                if self_refs:
                    whole.extend(rows)
                else:
                    yield rows
        if pending:
            rows = self._rows(spec, names or [], pending, first)
            if self_refs:
                whole.extend(rows)
            else:
                yield rows
        if whole:
            yield _parents_first(whole, spec, self_refs)

    def _columns(self, spec: TableSpec, line: bytes) -> list[str]:
        """The member's first line names the columns of the arrays that follow."""
        try:
            header = _parse(line)
        except ValueError:
            header = None
        columns = header.get("columns") if isinstance(header, dict) else None
        if not isinstance(columns, list) or header.get("table") != spec.name:  # type: ignore[union-attr]
            raise self._refuse(f"表 {spec.name} 的记录缺少列名行")
        if not columns or columns[-1] != STAMPS_KEY:
            raise self._refuse(f"表 {spec.name} 的列名行缺少 {STAMPS_KEY}")
        columns = columns[:-1]
        unknown = [c for c in columns if c not in spec.by_name]
        if unknown or len(set(columns)) != len(columns) or not all(isinstance(c, str) for c in columns):
            shown = ", ".join(map(str, unknown[:5]))
            raise self._refuse(f"表 {spec.name} 含有未知或重复的列 {shown}（数据包来自更新版本的 hazdesk？）")
        return columns

    def _rows(self, spec: TableSpec, names: list[str], lines: list[bytes], first: int) -> list[Row]:
        """Parse and check a chunk: the whole chunk at once when it is well-formed (the usual case),
        else line by line, normalising what may be normalised and naming what is wrong."""
        own_order = names == [c.name for c in spec.columns]
        if own_order:
            try:
                rows = _decoder.decode("[" + b",".join(lines).decode("utf-8") + "]")
            except ValueError:
                rows = None
            if rows is not None and chunk_ok(spec, rows):
                return rows
        plan = spec.plan(names)
        out: list[Row] = []
        for number, line in enumerate(lines, start=first):
            values: Any = None
            try:
                values = _parse(line)
                if type(values) is not list or len(values) != len(names) + 1:
                    raise RecordError(f"应为 {len(names) + 1} 个值的数组")
                record = spec.decode_array(plan, values)
                _stamps(values[-1], spec)
            except (ValueError, RecordError) as exc:
                index = names.index("id") if "id" in names else None
                row = values[index] if isinstance(values, list) and index is not None and len(values) > index else None
                where = f"记录 {str(row)[:36]}" if isinstance(row, str) else f"第 {number} 行"
                raise self._refuse(f"表 {spec.name} {where}：{exc}") from None
            out.append([record[c.name] for c in spec.columns] + [values[-1]])
        return out

    # --- references ----------------------------------------------------------------------------
    def _check_references(self, spec: TableSpec, rows: list[Row], ids: list[str]) -> None:
        wanted: dict[str, dict[str, str]] = defaultdict(dict)  # target → ref → referring row
        for index, column in enumerate(spec.columns):
            if column.references is None:
                continue
            known = self.seen[column.references]
            values = {r[index] for r in rows} - known
            values.discard(None)
            for row, value in zip(rows, ids, strict=True):
                if row[index] in values:
                    wanted[column.references].setdefault(row[index], value)
        if spec.name == "attachment":
            kind, owner = spec.index["owner_kind"], spec.index["owner_id"]
            for row, row_id in zip(rows, ids, strict=True):
                target = ATTACHMENT_OWNERS[row[kind]]
                if row[owner] not in self.seen[target]:
                    wanted[target].setdefault(row[owner], row_id)
        for target, refs in wanted.items():
            missing = set(refs) - rawdb.existing_ids(self.connection, specs()[target], list(refs))
            if missing:
                ref = sorted(missing)[0]
                raise self._refuse(
                    f"表 {spec.name} 记录 {_shown(refs[ref])} 引用的 {target} {_shown(ref)} "
                    f"既不在数据包中也不在数据库中（共 {len(missing)} 处悬空引用）",
                    "reference",
                )

    # --- merging and writing -------------------------------------------------------------------
    def _apply_chunk(self, spec: TableSpec, rows: list[Row]) -> None:
        if self.cancelled():
            raise SyncCancelled()
        ix = spec.index
        ids = [r[ix["id"]] for r in rows]
        seen = self.seen[spec.name]
        if len(set(ids)) != len(ids) or not seen.isdisjoint(ids):
            twice = next(i for n, i in enumerate(ids) if i in seen or i in ids[:n])
            raise self._refuse(f"表 {spec.name} 中记录 {_shown(twice)} 出现了两次")
        seen.update(ids)
        self._check_references(spec, rows, ids)
        self.result.highest = max(self.result.highest, max(r[ix["hlc"]] for r in rows))
        if spec.name == "attachment":
            sha, deleted = ix["sha256"], ix["deleted"]
            self.result.attachment_files.update(r[sha] for r in rows if not r[deleted])
        counts = self.result.counts[spec.name]
        stamp_rows: dict[str, dict[str, Any] | None] = {}
        fields = spec.data_columns
        if self.connection.dialect.name == "postgresql":
            present = rawdb.insert_new(self.connection, spec, rows)
            new_rows = [r for r in rows if r[ix["id"]] not in present] if present else rows
        elif spec.name not in self.overlapping and self._insert_all(spec, rows):
            new_rows = rows
        else:
            new_rows = []
        if new_rows:
            for row in new_rows:
                if row[-1] is not None:
                    hlc, origin = row[ix["hlc"]], row[ix["origin_device_id"]]
                    stamps = fieldstamps.expand(row[-1], fields, hlc, origin)
                    stamp_rows[row[ix["id"]]] = fieldstamps.compact(stamps, hlc, origin)
            counts.inserted += len(new_rows)
        if len(new_rows) == len(rows):
            fieldstamps.save(self.connection, spec.name, {uuid.UUID(hex=k): v for k, v in stamp_rows.items()})
            return
        self.overlapping.add(spec.name)
        done = {r[ix["id"]] for r in new_rows}
        rows = [r for r in rows if r[ix["id"]] not in done]
        local = rawdb.fetch(self.connection, spec, [r[ix["id"]] for r in rows])
        names = [c.name for c in spec.columns]
        inserts: list[Row] = []
        updates: dict[frozenset[str], list[dict[str, Any]]] = defaultdict(list)
        losers: list[dict[str, Any]] = []
        current: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
        for row in rows:
            own = row[-1]
            found = local.get(row[ix["id"]])
            if found is None:
                inserts.append(row)
                if own is not None:
                    hlc, origin = row[ix["hlc"]], row[ix["origin_device_id"]]
                    stamp_rows[row[ix["id"]]] = fieldstamps.compact(
                        fieldstamps.expand(own, fields, hlc, origin), hlc, origin
                    )
                continue
            record = dict(zip(names, row, strict=False))
            mine, stored = found
            before = fieldstamps.expand(stored, fields, mine["hlc"], mine["origin_device_id"])
            theirs = fieldstamps.expand(own, fields, record["hlc"], record["origin_device_id"])
            try:
                outcome = merge(spec.name, fields, Version(mine, before), Version(record, theirs))
            except ImmutableChanged as exc:
                reason = exc.reason or "证据与已签发文书只能追加，不能修改"
                raise self._refuse(
                    f"表 {spec.name} 记录 {_shown(record['id'])} 已存在且内容不同（字段 {', '.join(exc.fields[:5])}）："
                    f"{reason}；整个数据包未导入",
                    "immutable",
                ) from None
            losers.extend(self._losers(spec, record["id"], outcome.conflicts))
            current[record["id"]] = (outcome.stamps, outcome.values)
            changed = frozenset(name for name, value in outcome.values.items() if mine[name] != value)
            if changed:
                updates[changed].append(outcome.values)
                counts.updated += 1
            else:
                counts.unchanged += 1
            if outcome.stamps != before or changed:
                kept = fieldstamps.compact(outcome.stamps, outcome.values["hlc"], outcome.values["origin_device_id"])
                if kept != stored:
                    stamp_rows[record["id"]] = kept
        if inserts:
            rawdb.insert(self.connection, spec, inserts)
            counts.inserted += len(inserts)
        for columns, changed_rows in updates.items():
            rawdb.update(self.connection, spec, sorted(columns), changed_rows)
        fieldstamps.save(self.connection, spec.name, {uuid.UUID(hex=k): v for k, v in stamp_rows.items()})
        if losers:
            self.result.conflicts += conflictlog.settle(
                self.connection, spec.name, losers, current, self.bundle_id, self.now
            )

    def _insert_all(self, spec: TableSpec, rows: list[Row]) -> bool:
        """Insert the chunk as new rows, betting none of them is here yet (true of nearly every chunk
        of a first import). A savepoint takes the bet back when one is: the caller then looks each
        row up and merges. After one lost bet the rest of the table goes the careful way. (SQLite
        only: on PostgreSQL a hundred savepoints in one transaction slow every later row check.)"""
        try:
            with self.connection.begin_nested():
                rawdb.insert(self.connection, spec, rows)
        except IntegrityError:
            return False
        return True

    def _losers(self, spec: TableSpec, row_id: str, conflicts: list[Any]) -> Iterator[dict[str, Any]]:
        for conflict in conflicts:
            yield {
                "table_name": spec.name,
                "row_id": uuid.UUID(hex=row_id),
                "field": conflict.field,
                "winner_value": conflict.winner_value,
                "winner_hlc": conflict.winner_stamp[0],
                "winner_device": uuid.UUID(hex=conflict.winner_stamp[1]),
                "loser_value": conflict.loser_value,
                "loser_hlc": conflict.loser_stamp[0],
                "loser_device": uuid.UUID(hex=conflict.loser_stamp[1]),
                "loser_base": conflict.loser_stamp[2],
                "bundle_id": self.bundle_id,
                "detected_at": self.now,
                "status": "open",
            }


def _parents_first(rows: list[Row], spec: TableSpec, refs: list[int]) -> list[Row]:
    """Order rows that point at rows of the same table (a document superseding another) parents first."""
    id_index = spec.index["id"]
    by_id = {r[id_index]: r for r in rows}
    placed: set[str] = set()
    ordered: list[Row] = []

    def visit(row: Row, depth: int = 0) -> Iterator[Row]:
        if row[id_index] in placed or depth > len(rows):
            return
        placed.add(row[id_index])
        for index in refs:
            parent = by_id.get(row[index])
            if parent is not None:
                yield from visit(parent, depth + 1)
        yield row

    for row in rows:
        ordered.extend(visit(row))
    return ordered
