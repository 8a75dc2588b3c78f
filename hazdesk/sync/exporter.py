"""Writing a bundle: select the rows (see :mod:`hazdesk.sync.scope`), spool them as JSON lines, then
write manifest, records and photos as one stream — encrypted to the destination if it has a key —
into signed part files under temporary names, renamed when complete.

Runs on any thread (the desktop runs it off the GUI thread): ``progress(stage, done, total)`` is
called from this thread, and ``cancel()`` returning true stops it at the next chunk, leaving the
output directory and the database as they were.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from hazdesk.errors import ValidationError
from hazdesk.paths import data_dir
from hazdesk.store import migrations
from hazdesk.store.attachments import attachment_path
from hazdesk.store.database import Database
from hazdesk.store.models import Device, SyncBundle
from hazdesk.sync import crypto, members, peers
from hazdesk.sync.collect import Collector, collect
from hazdesk.sync.container import DEFAULT_MAX_PART, PartWriter
from hazdesk.sync.errors import BundleError, SyncCancelled
from hazdesk.sync.keys import PublicIdentity, ensure_identity, public_key_file_name, write_public_key
from hazdesk.sync.records import specs

FORMAT = "hazdesk-bundle"
FORMAT_VERSION = 1
Progress = Callable[[str, int, int], None]
Cancel = Callable[[], bool]
_FETCH = 2000


@dataclass
class ExportResult:
    bundle_id: uuid.UUID
    paths: list[Path]
    destination: uuid.UUID | None
    encrypted: bool
    full: bool
    since: int
    cut: int
    counts: dict[str, int] = field(default_factory=dict)
    files: int = 0
    size: int = 0
    public_key_file: Path | None = None

    @property
    def records(self) -> int:
        return sum(self.counts.values())


def _resolve_destination(
    db: Database, to: PublicIdentity | None
) -> tuple[uuid.UUID | None, bytes | None, str | None, str]:
    """(device id, X25519 key, district scope, fingerprint) of the destination."""
    with db.session() as session:
        if to is None:
            offices = peers.office_peers(session)
            if len(offices) != 1:
                return None, None, None, ""
            office = offices[0]
            return office.id, peers.encryption_key(session, office.id), None, office.fingerprint or ""
        device = session.get(Device, to.device_id)
        known = device is not None and device.enrolled_at is not None and device.public_key == to.signing_key
    if to.role == "office":
        if not known:
            peers.trust(db, to)  # choosing the office's key file is the district's act of trust
        return to.device_id, to.encryption_key, None, to.fingerprint
    if not known:
        raise ValidationError(
            f"设备 {to.name or to.device_id} 尚未在本机登记（或其公钥已变）：请先 hazdesk office enroll", field="to"
        )
    if not to.district_code:
        raise ValidationError(f"设备 {to.name} 的公钥文件没有所属区县，无法确定回执范围", field="to")
    return to.device_id, to.encryption_key, to.district_code, to.fingerprint


def export_bundle(
    db: Database,
    out_dir: Path,
    *,
    data_root: Path | None = None,
    to: PublicIdentity | None = None,
    full: bool = False,
    passphrase: bytes | None = None,
    max_part_size: int = DEFAULT_MAX_PART,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> ExportResult:
    root = data_root if data_root is not None else data_dir()
    keys, identity = ensure_identity(db, root, passphrase)
    destination, recipient_key, district, recipient_fp = _resolve_destination(db, to)
    cancelled = cancel or (lambda: False)
    report = progress or (lambda _s, _d, _t: None)
    out_dir.mkdir(parents=True, exist_ok=True)
    bundle_id = uuid.uuid4()
    created = dt.datetime.now().replace(microsecond=0)

    with db.engine.connect() as connection, connection.begin():
        since = 0
        if not full:
            with db.session() as session:
                since = (
                    peers.acked_hlc(session, destination)
                    if destination
                    else min((peers.acked_hlc(session, o.id) for o in peers.office_peers(session)), default=0)
                )
        connection.execute(select(func.count()).select_from(specs()["inspection"].table)).scalar()
        cut = db.clock.now()
        collector = Collector(connection, destination, district)
        try:
            try:
                collect(connection, collector, since, district, cancelled, report)
            finally:
                collector.compressor.close()
        except BaseException:
            for spool in collector.spools.values():
                spool.discard()
            raise
        with db.session() as session:
            acks = peers.acks_for(session, destination) if destination else []

    for spool in collector.spools.values():
        spool.close()
    manifest, files = _manifest(
        root, bundle_id, created, identity, destination, recipient_fp, full, since, cut, collector, acks
    )
    header: dict[str, Any] = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "bundle_id": str(bundle_id),
        "created_at": created.isoformat(),
        "signer": {
            "device_id": str(db.device_id),
            "public_key": base64.b64encode(keys.signing_public).decode("ascii"),
            "fingerprint": keys.fingerprint,
        },
        "recipient": None,
        "encryption": None,
    }
    key = None
    if recipient_key is not None:
        key, ephemeral = crypto.sender_key(recipient_key, bundle_id)
        header["recipient"] = {
            "device_id": str(destination),
            "fingerprint": recipient_fp,
            "key_id": hashlib.sha256(recipient_key).hexdigest(),
        }
        header["encryption"] = {
            "scheme": crypto.SCHEME,
            "ephemeral_key": base64.b64encode(ephemeral).decode("ascii"),
            "segment_size": crypto.SEGMENT_SIZE,
        }
    base = f"hazdesk-{created:%Y%m%d-%H%M%S}-{db.device_id.hex[:8]}-{bundle_id.hex[:8]}"
    writer = PartWriter(out_dir, base, header, keys.signing, max_part_size)
    try:
        sink: Any = crypto.EncryptingWriter(writer, key, bundle_id) if key is not None else writer
        total = sum(s.stored for s in collector.spools.values()) + sum(size for _, size in files)
        done = 0
        members.start(sink)
        members.write_stored(sink, members.MANIFEST, manifest)
        for spool in collector.spools.values():
            if cancelled():
                raise SyncCancelled()
            if spool.count:
                spool.copy_to(sink)
                done += spool.stored
                report("写入数据包", done, total)
        for sha, size in files:
            if cancelled():
                raise SyncCancelled()
            _copy_file(sink, root, sha, size)
            done += size
            report("写入数据包", done, total)
        members.end(sink)
        if key is not None:
            sink.close()
        paths = writer.finish()
    except BaseException:
        writer.abort()
        raise
    finally:
        for spool in collector.spools.values():
            spool.discard()

    counts = {name: s.count for name, s in collector.spools.items() if s.count}
    with db.transaction() as session:
        session.add(
            SyncBundle(
                bundle_id=bundle_id,
                direction="out",
                status="exported",
                peer_device_id=destination,
                signer_fingerprint=keys.fingerprint,
                file_name=paths[0].name,
                body_sha256=hashlib.sha256("".join(writer.body_hashes).encode()).hexdigest(),
                since_hlc=since,
                hlc_max=cut,
                record_count=sum(counts.values()),
                counts=counts,
                created_at=created,
                processed_at=dt.datetime.now().replace(microsecond=0),
            )
        )
    key_file = write_public_key(keys, identity, out_dir / public_key_file_name(identity))
    return ExportResult(
        bundle_id=bundle_id,
        paths=paths,
        destination=destination,
        encrypted=key is not None,
        full=full,
        since=since,
        cut=cut,
        counts=counts,
        files=len(files),
        size=sum(p.stat().st_size for p in paths),
        public_key_file=key_file,
    )


def export_receipts(
    db: Database,
    out_dir: Path,
    *,
    data_root: Path | None = None,
    passphrase: bytes | None = None,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> list[ExportResult]:
    """The office's answer to every enrolled district laptop: one bundle each (acknowledgements,
    corrections, plans), encrypted to that laptop."""
    with db.session() as session:
        devices = peers.enrolled_devices(session)
    return [
        export_bundle(
            db, out_dir, data_root=data_root, to=device, passphrase=passphrase, progress=progress, cancel=cancel
        )
        for device in devices
    ]


def _manifest(
    root: Path,
    bundle_id: uuid.UUID,
    created: dt.datetime,
    identity: PublicIdentity,
    destination: uuid.UUID | None,
    recipient_fp: str,
    full: bool,
    since: int,
    cut: int,
    collector: Collector,
    acks: list[str],
) -> tuple[bytes, list[tuple[str, int]]]:
    listed: list[dict[str, Any]] = []
    for spool in collector.spools.values():
        if spool.count:
            listed.append({"name": spool.name, "size": spool.size, "sha256": spool.sha256, "records": spool.count})
    files: list[tuple[str, int]] = []
    for sha in sorted(collector.files):
        path = attachment_path(root, sha)
        if path.is_file():
            size = path.stat().st_size
            files.append((sha, size))
            listed.append({"name": members.file_member(sha), "size": size, "sha256": sha})
    manifest = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "bundle_id": str(bundle_id),
        "created_at": created.isoformat(),
        "schema_revision": migrations.head_revision(),
        "source": {
            "device_id": str(identity.device_id),
            "name": identity.name,
            "role": identity.role,
            "district_code": identity.district_code,
            "fingerprint": identity.fingerprint,
        },
        "destination": {"device_id": str(destination), "fingerprint": recipient_fp} if destination else None,
        "full": full,
        "clock": {"since": since, "until": cut, "min": collector.clock_min, "max": collector.clock_max},
        "counts": {name: s.count for name, s in collector.spools.items() if s.count},
        "acks": acks,
        "members": listed,
    }
    return json.dumps(manifest, ensure_ascii=False, sort_keys=True).encode("utf-8"), files


def _copy_file(sink: Any, root: Path, sha: str, size: int) -> None:
    path = attachment_path(root, sha)
    sink.write(members._frame({"name": members.file_member(sha), "codec": "none", "size": size, "stored": size}))
    digest = hashlib.sha256()
    written = 0
    with path.open("rb") as handle:
        while chunk := handle.read(members.CHUNK):
            digest.update(chunk)
            written += len(chunk)
            sink.write(chunk)
    if written != size or digest.hexdigest() != sha:
        raise BundleError(f"附件文件 {path} 已损坏（内容与其 SHA-256 名称不符），导出中止", code="attachment")
