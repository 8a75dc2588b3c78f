"""Applying the records of one bundle inside the import's transaction.

For each table, in reference order, records are read in chunks of thousands: parsed and checked
(column-wise when they are well-formed, :mod:`hazdesk.sync.columnar`; record by record otherwise,
:mod:`hazdesk.sync.records`), their references resolved against the bundle and the database, then
new rows inserted in bulk and known rows merged (:mod:`hazdesk.sync.merge`). A chunk travels both as
arrays in the table's column order with their field stamps last (the form they had in the bundle)
and as columns (a tuple per column, stamps last), from which ids, references and new rows are taken
without a Python loop per row. A table that was empty when its member began cannot hold any of the
member's rows (their ids are checked distinct), so its rows go straight in, without asking which are
already here. Nothing here commits: the importer's transaction makes it all or nothing.

On PostgreSQL, asking which rows are here (``INSERT … ON CONFLICT`` from a staging table) costs the
server a fifth more than ``COPY`` straight into the table. So an import first *bets*: a table whose
first ids are all new (one probe) takes every row straight in. Should a row prove to be here after
all, the table's primary key refuses it; :class:`LostBet` then rolls the whole import back and the
importer applies the bundle again the careful way (staging every row). A bundle from a district is
nearly all new rows, so the bet nearly always holds; a lost one costs time, never correctness.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import json
import queue
import threading
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from hazdesk.sync import conflictlog, fieldstamps, rawdb
from hazdesk.sync.columnar import checked_columns
from hazdesk.sync.errors import BundleError, SyncCancelled
from hazdesk.sync.manifest import Entry
from hazdesk.sync.members import InnerReader, Member, table_of
from hazdesk.sync.merge import ImmutableChanged, Version, merge
from hazdesk.sync.records import ATTACHMENT_OWNERS, STAMPS_KEY, RecordError, TableSpec, check_stamps, specs

CHUNK = 2000
# Bigger on PostgreSQL: every chunk costs a few round trips and a temporary-table truncation.
PG_CHUNK = 10_000
PROBE = 2000  # ids of a table's first chunk looked up before betting that all its rows are new
_DONE = object()
Row = list[Any]


class LostBet(Exception):
    """A row taken for new was here already (PostgreSQL): apply the bundle again, carefully."""


@dataclass
class Chunk:
    """Checked records of one table: as arrays (column order, stamps last) and as columns, with the
    sets the applying thread looks up (made while reading, on the reading thread on PostgreSQL)."""

    rows: list[Row]
    columns: list[tuple[Any, ...]]
    ids: set[str]  # the distinct ids
    references: dict[int, set[Any]]  # column position → the distinct ids it points at
    payload: bytes | None = None  # PostgreSQL: the rows as COPY text, made by the reading thread

    @classmethod
    def of(cls, spec: TableSpec, rows: list[Row], columns: list[tuple[Any, ...]]) -> Chunk:
        references = {i: set(columns[i]) for i, c in enumerate(spec.columns) if c.references is not None}
        for values in references.values():
            values.discard(None)
        return cls(rows, columns, set(columns[spec.index["id"]]), references)


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


_gc_lock = threading.Lock()
_gc_pauses = 0
_gc_was_enabled = False


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector paused while a bundle is applied. Reading records makes a list per
    record — hundreds of thousands, each alive for a moment — and every few hundred of them the
    collector would walk the young ones and, now and then, every object of the process: a tenth of an
    import. Nothing an import makes needs the collector (no cycles); anything that does elsewhere is
    collected when the last import running ends."""
    global _gc_pauses, _gc_was_enabled
    with _gc_lock:
        if _gc_pauses == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pauses += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pauses -= 1
            if _gc_pauses == 0 and _gc_was_enabled:
                gc.enable()


def _shown(hex_id: str) -> str:
    """An id as people see it elsewhere in the desk (dashed)."""
    return str(uuid.UUID(hex=hex_id))


def _reject_json(value: str) -> Any:
    raise ValueError(f"非法数值 {value}")


_decoder = json.JSONDecoder(parse_constant=_reject_json)


def _parse(line: bytes) -> Any:
    return _decoder.decode(line.decode("utf-8"))


class Applier:
    def __init__(
        self, connection: Connection, bundle_id: uuid.UUID, cancelled: Callable[[], bool], *, bet: bool = True
    ) -> None:
        self.connection = connection
        self.bundle_id = bundle_id
        self.cancelled = cancelled
        self.postgres = connection.dialect.name == "postgresql"
        self.bet = bet and self.postgres  # False: every row through the staging table (PostgreSQL)
        self.straight: dict[str, bool] = {}  # table → its rows go straight in (the bet, decided once)
        self.seen: dict[str, set[str]] = defaultdict(set)
        self.overlapping: set[str] = set()  # tables where some incoming rows were already here
        self.result = Applied()
        self.now = dt.datetime.now().replace(microsecond=0)

    def _refuse(self, message: str, code: str = "record") -> BundleError:
        return BundleError(message, code=code, bundle_id=self.bundle_id)

    # --- reading -----------------------------------------------------------------------------
    def apply_members(
        self,
        inner: InnerReader,
        listed: list[Entry],
        store_file: Callable[[Entry, Member], None],
        report: Callable[[int, int], None],
    ) -> None:
        """Apply every member in the manifest's order: records here, photos through ``store_file``
        (which must read the member). ``report(index, total)`` as each member begins.

        On PostgreSQL a second thread reads, checks and formats the records ahead — across members —
        while this one waits for the server (which releases the GIL): this thread does little but
        send. Photos are handed back to this thread, which stores them while the reader waits."""
        if self.postgres:
            self._apply_read_ahead(inner, listed, store_file, report)
            return
        # SQLite binds every row's values holding the GIL: a reading thread would only compete.
        for index, entry, member in _members(inner, listed):
            report(index, len(listed))
            table = table_of(member.name)
            if table is None:
                store_file(entry, member)
                continue
            spec, fresh = self._begin(table)
            for chunk in self._chunks(spec, inner.blocks(member, entry.sha256)):
                self._apply_chunk(spec, chunk, fresh)

    def _begin(self, table: str) -> tuple[TableSpec, bool]:
        """A member of records begins: its table, and whether that table is empty (every row new)."""
        spec = specs()[table]
        self.seen.setdefault(table, set())
        return spec, rawdb.is_empty(self.connection, spec)

    def _apply_read_ahead(
        self,
        inner: InnerReader,
        listed: list[Entry],
        store_file: Callable[[Entry, Member], None],
        report: Callable[[int, int], None],
    ) -> None:
        items: queue.Queue[Any] = queue.Queue(maxsize=3)
        stop = threading.Event()
        stored = threading.Event()  # this thread has read the photo member handed to it

        def put(item: Any) -> bool:
            while not stop.is_set():
                try:
                    items.put(item, timeout=0.1)
                    return True
                except queue.Full:
                    continue
            return False

        def produce() -> None:
            try:
                for index, entry, member in _members(inner, listed):
                    table = table_of(member.name)
                    if table is None:
                        stored.clear()
                        if not put(("file", index, entry, member)):
                            return
                        while not stored.wait(0.1):
                            if stop.is_set():
                                return
                        continue
                    spec = specs()[table]
                    if not put(("table", index, spec)):
                        return
                    for chunk in self._chunks(spec, inner.blocks(member, entry.sha256)):
                        chunk.payload = rawdb.copy_text(spec, chunk.columns)
                        if not put(chunk):
                            return
                put(_DONE)
            except BaseException as exc:  # re-raised on the applying thread
                put(exc)

        reader = threading.Thread(target=produce, name="hazdesk-import-read", daemon=True)
        reader.start()
        try:
            spec, fresh = None, False
            while (item := items.get()) is not _DONE:
                if isinstance(item, BaseException):
                    raise item
                if isinstance(item, Chunk):
                    assert spec is not None
                    self._apply_chunk(spec, item, fresh)
                    continue
                kind, index, *rest = item
                report(index, len(listed))
                if kind == "file":
                    store_file(*rest)
                    stored.set()
                else:
                    spec, fresh = self._begin(rest[0].name)
        finally:
            stop.set()
            reader.join()

    def _chunks(self, spec: TableSpec, blocks: Iterable[bytes]) -> Iterator[Chunk]:
        self_refs = [i for i, c in enumerate(spec.columns) if c.references == spec.name]
        names: list[str] | None = None
        size = PG_CHUNK if self.postgres else CHUNK
        pending: list[bytes] = []
        count = 0  # line breaks in pending: about the number of records
        first = 2  # line number of the first pending record (line 1 names the columns)
        whole: list[Row] = []
        for block in blocks:
            if names is None:
                block = block.lstrip(b"\n")  # empty lines are skipped everywhere
                if not block:
                    continue
                header, _, block = block.partition(b"\n")
                names = self._columns(spec, header)
            if block:
                pending.append(block)
                count += block.count(b"\n")
            if count < size:
                continue
            rows, columns = self._rows(spec, names, b"".join(pending), first)
            first += len(rows)
            pending, count = [], 0
            if self_refs:
                whole.extend(rows)
            elif rows:
                yield Chunk.of(spec, rows, columns)
        if pending:
            rows, columns = self._rows(spec, names or [], b"".join(pending), first)
            if self_refs:
                whole.extend(rows)
            elif rows:
                yield Chunk.of(spec, rows, columns)
        if whole:
            ordered = _parents_first(whole, spec, self_refs)
            yield Chunk.of(spec, ordered, list(zip(*ordered, strict=True)))

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

    def _rows(self, spec: TableSpec, names: list[str], data: bytes, first: int) -> tuple[list[Row], list[tuple]]:
        """Parse and check a run of lines: the whole run at once when it is well-formed (the usual
        case), else line by line, normalising what may be normalised and naming what is wrong."""
        if names == [c.name for c in spec.columns]:
            body = data[:-1] if data.endswith(b"\n") else data
            try:
                rows = _decoder.decode("[" + body.replace(b"\n", b",").decode("utf-8") + "]")
            except ValueError:
                rows = None
            # As many arrays as lines: no line held two records, nor two lines one.
            if rows is not None and len(rows) == body.count(b"\n") + 1:
                columns = checked_columns(spec, rows)
                if columns is not None:
                    return rows, columns
        plan = spec.plan(names)
        out: list[Row] = []
        for number, line in enumerate((line for line in data.split(b"\n") if line), start=first):
            values: Any = None
            try:
                values = _parse(line)
                if type(values) is not list or len(values) != len(names) + 1:
                    raise RecordError(f"应为 {len(names) + 1} 个值的数组")
                record = spec.decode_array(plan, values)
                check_stamps(values[-1], spec)
            except (ValueError, RecordError) as exc:
                index = names.index("id") if "id" in names else None
                row = values[index] if isinstance(values, list) and index is not None and len(values) > index else None
                where = f"记录 {str(row)[:36]}" if isinstance(row, str) else f"第 {number} 行"
                raise self._refuse(f"表 {spec.name} {where}：{exc}") from None
            out.append([record[c.name] for c in spec.columns] + [values[-1]])
        return out, list(zip(*out, strict=True))

    # --- references ----------------------------------------------------------------------------
    def _check_references(self, spec: TableSpec, chunk: Chunk) -> None:
        wanted: dict[str, dict[str, str]] = defaultdict(dict)  # target → ref → referring row
        ids = chunk.columns[spec.index["id"]]
        for index, column in enumerate(spec.columns):
            if column.references is None:
                continue
            values = chunk.references[index] - self.seen[column.references]
            if values:  # usually none: the rows pointed at came earlier in the bundle
                for ref, row_id in zip(chunk.columns[index], ids, strict=True):
                    if ref in values:
                        wanted[column.references].setdefault(ref, row_id)
        if spec.name == "attachment":
            kinds, owners = chunk.columns[spec.index["owner_kind"]], chunk.columns[spec.index["owner_id"]]
            for kind, owner, row_id in zip(kinds, owners, ids, strict=True):
                target = ATTACHMENT_OWNERS[kind]
                if owner not in self.seen[target]:
                    wanted[target].setdefault(owner, row_id)
        for target, refs_of in wanted.items():
            missing = set(refs_of) - rawdb.existing_ids(self.connection, specs()[target], list(refs_of))
            if missing:
                ref = sorted(missing)[0]
                raise self._refuse(
                    f"表 {spec.name} 记录 {_shown(refs_of[ref])} 引用的 {target} {_shown(ref)} "
                    f"既不在数据包中也不在数据库中（共 {len(missing)} 处悬空引用）",
                    "reference",
                )

    # --- merging and writing -------------------------------------------------------------------
    def _apply_chunk(self, spec: TableSpec, chunk: Chunk, fresh: bool) -> None:
        """``fresh``: the table was empty when this member began (every row is new)."""
        if self.cancelled():
            raise SyncCancelled()
        ix = spec.index
        columns = chunk.columns
        ids = columns[ix["id"]]
        seen = self.seen[spec.name]
        if len(chunk.ids) != len(ids) or not seen.isdisjoint(chunk.ids):
            raise self._refuse(f"表 {spec.name} 中记录 {_shown(_first_repeat(ids, seen))} 出现了两次")
        seen.update(chunk.ids)
        self._check_references(spec, chunk)
        self.result.highest = max(self.result.highest, max(columns[ix["hlc"]]))
        if spec.name == "attachment":
            shas, deleted = columns[ix["sha256"]], columns[ix["deleted"]]
            self.result.attachment_files.update(sha for sha, gone in zip(shas, deleted, strict=True) if not gone)
        counts = self.result.counts[spec.name]
        # Rows that may be here already (merged below); every other row of the chunk is inserted now.
        maybe_here: set[str] | None
        if self.postgres:
            payload = chunk.payload if chunk.payload is not None else rawdb.copy_text(spec, columns)
            if self._straight_in(spec, fresh, ids):
                self._copy_betting(spec, payload)
                maybe_here = set()
            else:
                maybe_here = rawdb.insert_new(self.connection, spec, payload)
        elif fresh:
            rawdb.insert_columns(self.connection, spec, columns)
            maybe_here = set()
        elif spec.name not in self.overlapping and self._insert_all(spec, columns):
            maybe_here = set()
        else:
            maybe_here = None  # all of them: each is looked up
        stamp_rows: dict[str, dict[str, Any] | None] = {}
        if maybe_here is not None:
            counts.inserted += len(ids) - len(maybe_here)
            stamp_rows = self._new_stamps(spec, columns, maybe_here)
            if not maybe_here:
                fieldstamps.save(self.connection, spec.name, {uuid.UUID(hex=k): v for k, v in stamp_rows.items()})
                return
        self.overlapping.add(spec.name)
        rows = chunk.rows if maybe_here is None else [r for r in chunk.rows if r[ix["id"]] in maybe_here]
        fields = spec.data_columns
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
        for changed_columns, changed_rows in updates.items():
            rawdb.update(self.connection, spec, sorted(changed_columns), changed_rows)
        fieldstamps.save(self.connection, spec.name, {uuid.UUID(hex=k): v for k, v in stamp_rows.items()})
        if losers:
            self.result.conflicts += conflictlog.settle(
                self.connection, spec.name, losers, current, self.bundle_id, self.now
            )

    def _straight_in(self, spec: TableSpec, fresh: bool, ids: tuple[str, ...]) -> bool:
        """PostgreSQL: do this table's rows go straight in? Decided at its first chunk: when it was
        empty, or none of the first ids is here (betting that no later one is either)."""
        if not self.bet:
            return False
        decided = self.straight.get(spec.name)
        if decided is None:
            decided = fresh or not rawdb.existing_ids(self.connection, spec, list(ids[:PROBE]))
            self.straight[spec.name] = decided
        return decided

    def _copy_betting(self, spec: TableSpec, payload: bytes) -> None:
        try:
            rawdb.copy_in(self.connection, spec, payload)
        except IntegrityError as exc:
            if rawdb.duplicate_id(exc, spec):
                raise LostBet(spec.name) from exc
            raise  # another constraint: the bundle is refused

    def _new_stamps(
        self, spec: TableSpec, columns: list[tuple[Any, ...]], skip: set[str]
    ) -> dict[str, dict[str, Any] | None]:
        """The stored field stamps of the chunk's rows inserted as new (those edited after they were made)."""
        own = columns[-1]
        if own.count(None) == len(own):
            return {}
        ix, fields = spec.index, spec.data_columns
        out: dict[str, dict[str, Any] | None] = {}
        for row_id, stamps, hlc, origin in zip(
            columns[ix["id"]], own, columns[ix["hlc"]], columns[ix["origin_device_id"]], strict=True
        ):
            if stamps is not None and row_id not in skip:
                out[row_id] = fieldstamps.compact(fieldstamps.expand(stamps, fields, hlc, origin), hlc, origin)
        return out

    def _insert_all(self, spec: TableSpec, columns: list[tuple[Any, ...]]) -> bool:
        """Insert the chunk as new rows, betting none of them is here yet (true of nearly every chunk
        of a first import). A savepoint takes the bet back when one is: the caller then looks each
        row up and merges. After one lost bet the rest of the table goes the careful way. (SQLite
        only: on PostgreSQL a hundred savepoints in one transaction slow every later row check.)"""
        try:
            with self.connection.begin_nested():
                rawdb.insert_columns(self.connection, spec, columns)
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


def _members(inner: InnerReader, listed: list[Entry]) -> Iterator[tuple[int, Entry, Member]]:
    """The members in the manifest's order (each must be read before the next is asked for)."""
    for index, entry in enumerate(listed):
        member = inner.next_member()
        if member is None or member.name != entry.name or member.size != entry.size:
            got = "结尾" if member is None else member.name
            raise BundleError(f"数据包成员顺序或大小与清单不符（应为 {entry.name}，实际 {got}）", code="manifest")
        yield index, entry, member
    if inner.next_member() is not None:
        raise BundleError("数据包含有清单之外的成员", code="manifest")


def _first_repeat(ids: Iterable[str], seen: set[str]) -> str:
    earlier: set[str] = set()
    for row_id in ids:
        if row_id in seen or row_id in earlier:
            return row_id
        earlier.add(row_id)
    raise AssertionError("no id repeats")


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
