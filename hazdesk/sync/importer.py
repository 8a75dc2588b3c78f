"""Taking bundles in: verify → (quarantine an unknown signer) → decrypt → validate → apply → remember.

Every bundle is applied in one transaction together with the row that remembers its id, so an
import either happened completely or not at all (a crash, a cancel or a refusal leaves nothing), and
importing the same bundle again is recognised from its signed trailer without reading it again.
A refused bundle is recorded in ``sync_rejection`` afterwards, in a transaction of its own.

Threading as for the export: any thread, ``progress``/``cancel`` called on it.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import shutil
import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.exc import DBAPIError, IntegrityError

from hazdesk.errors import HazdeskError
from hazdesk.paths import data_dir
from hazdesk.store.database import Database
from hazdesk.store.models import SyncBundle, SyncRejection
from hazdesk.sync import peers, quarantine, rawdb
from hazdesk.sync.apply import Applier, LostBet, TableCounts, collector_paused
from hazdesk.sync.container import BodyReader, Part, order_parts, read_part, verify_part
from hazdesk.sync.errors import BundleError, SyncCancelled
from hazdesk.sync.exporter import FORMAT, FORMAT_VERSION
from hazdesk.sync.keys import fingerprint
from hazdesk.sync.manifest import Entry, Manifest, open_body, read_manifest
from hazdesk.sync.members import InnerReader, Member

Progress = Callable[[str, int, int], None]


@dataclass
class ImportResult:
    """What happened to one bundle. ``status``: applied, already, quarantined or rejected."""

    files: list[Path]
    status: str
    message: str
    bundle_id: uuid.UUID | None = None
    source: uuid.UUID | None = None
    code: str = ""
    counts: dict[str, TableCounts] = field(default_factory=dict)
    conflicts: int = 0
    acknowledged: int = 0
    missing_files: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status in ("applied", "already", "quarantined")


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def _signer(part: Part) -> tuple[uuid.UUID, bytes]:
    signer = part.header.get("signer")
    try:
        assert isinstance(signer, dict)
        device = uuid.UUID(str(signer["device_id"]))
        key = base64.b64decode(str(signer["public_key"]), validate=True)
        assert len(key) == 32 and signer.get("fingerprint") == fingerprint(key)
    except (AssertionError, KeyError, ValueError, binascii.Error) as exc:
        raise BundleError(f"{part.path.name}：签名者信息缺失或格式错误", code="signature") from exc
    return device, key


def _check_header(part: Part) -> uuid.UUID:
    header = part.header
    if header.get("format") != FORMAT:
        raise BundleError(f"{part.path.name}：不是 hazdesk 数据包（格式 {header.get('format')!r}）", code="not_bundle")
    if header.get("version") != FORMAT_VERSION:
        raise BundleError(
            f"{part.path.name}：数据包格式版本 {header.get('version')!r} 不受支持（本程序支持 {FORMAT_VERSION}）；"
            "请升级 hazdesk",
            code="version",
        )
    try:
        return part.bundle_id
    except ValueError as exc:
        raise BundleError(f"{part.path.name}：数据包编号无效", code="format") from exc


def _body_digest(parts: Sequence[Part]) -> str:
    return hashlib.sha256("".join(str(p.trailer.get("body_sha256")) for p in parts).encode()).hexdigest()


def import_files(
    db: Database,
    paths: Sequence[Path],
    *,
    data_root: Path | None = None,
    passphrase: bytes | None = None,
    progress: Progress | None = None,
    cancel: Callable[[], bool] | None = None,
) -> list[ImportResult]:
    """Import bundle files (the parts of one bundle may be given in any order, among others)."""
    root = data_root if data_root is not None else data_dir()
    groups: dict[uuid.UUID, list[Part]] = defaultdict(list)
    results: list[ImportResult] = []
    for path in paths:
        try:
            part = read_part(Path(path))
            groups[_check_header(part)].append(part)
        except BundleError as exc:
            results.append(_rejected(db, [Path(path)], exc))
    for parts in groups.values():
        results.append(import_parts(db, parts, data_root=root, passphrase=passphrase, progress=progress, cancel=cancel))
    return results


def import_parts(
    db: Database,
    parts: Sequence[Part],
    *,
    data_root: Path,
    passphrase: bytes | None = None,
    progress: Progress | None = None,
    cancel: Callable[[], bool] | None = None,
    from_quarantine: bool = False,
) -> ImportResult:
    files = [p.path for p in parts]
    try:
        return _import(db, list(parts), data_root, passphrase, progress, cancel, from_quarantine)
    except SyncCancelled:
        raise
    except BundleError as exc:
        return _rejected(db, files, exc)
    except HazdeskError as exc:
        return _rejected(db, files, BundleError(str(exc), code="error"))


def _import(
    db: Database,
    parts: list[Part],
    root: Path,
    passphrase: bytes | None,
    progress: Progress | None,
    cancel: Callable[[], bool] | None,
    from_quarantine: bool,
) -> ImportResult:
    cancelled = cancel or (lambda: False)
    report = progress or (lambda _s, _d, _t: None)
    parts = order_parts(parts)
    bundle_id = _check_header(parts[0])
    signer, public_key = _signer(parts[0])
    files = [p.path for p in parts]
    digest = _body_digest(parts)

    with db.session() as session:
        known = session.get(SyncBundle, bundle_id)
        if known is not None and known.direction == "in" and known.status == "applied":
            # Signatures over header and trailer are cheap; the trailer's body hash identifies the
            # content, so an unchanged re-import is recognised without reading the body.
            for part in parts:
                verify_part(part, public_key, body=False)
            if known.body_sha256 != digest:
                raise BundleError(
                    f"数据包 {bundle_id} 已于 {known.processed_at:%Y-%m-%d %H:%M} 导入，"
                    "但这次的内容不同（重放或伪造）；未导入",
                    code="replay",
                    bundle_id=bundle_id,
                )
            return ImportResult(
                files, "already", f"数据包 {bundle_id} 已于 {known.processed_at:%Y-%m-%d %H:%M} 导入过，未重复导入",
                bundle_id=bundle_id, source=known.peer_device_id,
            )  # fmt: skip
        standing = peers.trust_of(session, signer, public_key)

    total = sum(p.body_size for p in parts)
    done = 0
    for part in parts:

        def step(n: int) -> None:
            nonlocal done
            done += n
            report("校验签名", done, total)

        verify_part(part, public_key, progress=step, cancelled=cancelled)

    fp = fingerprint(public_key)
    if standing == peers.Trust.MISMATCH:
        raise BundleError(
            f"数据包 {bundle_id} 的签名密钥与设备 {signer} 登记的密钥不符（指纹 {fp[:16]}…）；未导入",
            code="signature", bundle_id=bundle_id, signer=fp,
        )  # fmt: skip
    if standing == peers.Trust.UNKNOWN:
        if from_quarantine:
            return ImportResult(files, "quarantined", f"签名者 {fp[:16]}… 仍未登记", bundle_id=bundle_id, source=signer)
        stored = quarantine.hold(db, root, parts, bundle_id, signer, fp, digest)
        return ImportResult(
            files, "quarantined",
            f"数据包 {bundle_id} 的签名者（设备 {signer}，指纹 {fp[:16]}…）未登记：已隔离保存于 {stored}，"
            "登记该设备后自动导入",
            bundle_id=bundle_id, source=signer, code="unknown_signer",
        )  # fmt: skip

    result: ImportResult | None = None
    for bet in (True, False):  # a lost bet was rolled back: apply the bundle again, the careful way
        body = BodyReader(parts)
        try:
            stream = open_body(db, root, parts[0], bundle_id, body, passphrase)
            inner = InnerReader(stream)
            manifest = read_manifest(inner, db, bundle_id, signer)
            result = _apply(db, root, inner, body, manifest, parts, digest, report, cancelled, bet=bet)
        except LostBet:
            continue
        finally:
            body.close()
        break
    assert result is not None
    result.files = files
    return result


def _apply(
    db: Database,
    root: Path,
    inner: InnerReader,
    body: BodyReader,
    manifest: Manifest,
    parts: list[Part],
    digest: str,
    report: Progress,
    cancelled: Callable[[], bool],
    *,
    bet: bool,
) -> ImportResult:
    from hazdesk.sync.attachment_io import store_stream

    bundle_id = manifest.bundle_id
    listed = list(manifest.members)
    try:
        with collector_paused(), db.transaction() as session, rawdb.import_cache(session.connection()):
            connection = session.connection()
            applier = Applier(connection, bundle_id, cancelled, bet=bet)

            def store_file(entry: Entry, member: Member) -> None:
                store_stream(root, entry.sha256, inner.chunks(member, entry.sha256), cancelled)

            applier.apply_members(inner, listed, store_file, lambda index, total: report("导入记录", index, total))
            body.finish()
            acknowledged = peers.apply_acks(session, manifest.source, manifest.acks)
            applied = applier.result
            record = session.get(SyncBundle, bundle_id)  # present when it was quarantined before
            held_copy = record.stored_path if record is not None else ""
            if record is None:
                record = SyncBundle(bundle_id=bundle_id)
                session.add(record)
            record.direction, record.status, record.peer_device_id = "in", "applied", manifest.source
            record.signer_fingerprint, record.file_name = manifest.fingerprint, parts[0].path.name[:255]
            record.body_sha256, record.since_hlc, record.hlc_max = digest, manifest.since, manifest.until
            record.record_count, record.counts = sum(manifest.counts.values()), manifest.counts
            record.created_at, record.processed_at = manifest.created_at, _now()
            record.stored_path, record.note = "", ""
            session.flush()  # while the import's page cache still holds what it wrote
    except IntegrityError as exc:
        raise BundleError(
            f"数据包 {bundle_id} 的记录违反数据库约束（{_constraint(exc)}）；整个数据包未导入",
            code="constraint",
            bundle_id=bundle_id,
        ) from exc
    except DBAPIError as exc:
        raise BundleError(
            f"写入数据库失败：{exc.orig}；整个数据包未导入", code="database", bundle_id=bundle_id
        ) from exc
    if held_copy:  # applied now: the quarantined copy has served its purpose
        shutil.rmtree(held_copy, ignore_errors=True)
    db.clock.observe(applied.highest)
    missing = sorted(sha for sha in applied.attachment_files if not (root / "attachments" / sha[:2] / sha).is_file())
    total = sum(c.inserted + c.updated for c in applied.counts.values())
    message = f"已导入数据包 {bundle_id}：新增或更新 {total} 条记录"
    if applied.conflicts:
        message += f"，{applied.conflicts} 处并发修改已列入冲突清单待复核"
    if missing:
        message += f"；{len(missing)} 张照片文件不在数据包中"
    return ImportResult(
        [], "applied", message, bundle_id=bundle_id, source=manifest.source,
        counts=dict(applied.counts), conflicts=applied.conflicts, acknowledged=acknowledged, missing_files=missing,
    )  # fmt: skip


def _constraint(exc: IntegrityError) -> str:
    text = str(exc.orig)
    return text.splitlines()[0][:200] if text else type(exc.orig).__name__


def _rejected(db: Database, files: list[Path], exc: BundleError) -> ImportResult:
    """Remember the refusal (its own transaction: the import's was rolled back)."""
    name = files[0].name if files else ""
    try:
        with db.transaction() as session:
            session.add(
                SyncRejection(
                    at=_now(), file_name=name[:255], bundle_id=exc.bundle_id,
                    signer_fingerprint=exc.signer[:64], code=exc.code[:32], reason=str(exc),
                )
            )  # fmt: skip
    except DBAPIError:
        pass  # the refusal itself is what matters; a locked or read-only database must not hide it
    return ImportResult(files, "rejected", str(exc), bundle_id=exc.bundle_id, code=exc.code)
