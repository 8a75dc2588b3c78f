"""Bundles from signers this database does not know: kept, not applied, until the device is enrolled.

The parts are copied to ``<data root>/sync/quarantine/<bundle id>/`` (the USB stick will be gone by
the time the office enrols the laptop) and a ``sync_bundle`` row with status ``quarantined`` says
who signed it. :func:`release` tries them again; enrolment calls it.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from hazdesk.store.database import Database
from hazdesk.store.models import SyncBundle
from hazdesk.sync.container import Part, read_part
from hazdesk.sync.errors import BundleError

if TYPE_CHECKING:
    from hazdesk.sync.importer import ImportResult


def quarantine_dir(root: Path, bundle_id: uuid.UUID) -> Path:
    return root / "sync" / "quarantine" / str(bundle_id)


def hold(
    db: Database, root: Path, parts: Sequence[Part], bundle_id: uuid.UUID, signer: uuid.UUID, fp: str, digest: str
) -> Path:
    target = quarantine_dir(root, bundle_id)
    target.mkdir(parents=True, exist_ok=True)
    for part in parts:
        final = target / part.path.name
        if final.exists():
            continue
        temp = target / f".{part.path.name}.tmp"
        shutil.copyfile(part.path, temp)
        os.replace(temp, final)
    now = dt.datetime.now().replace(microsecond=0)
    created = _created(parts[0], now)
    with db.transaction() as session:
        record = session.get(SyncBundle, bundle_id)
        if record is None:
            record = SyncBundle(bundle_id=bundle_id, direction="in", status="quarantined", created_at=created)
            session.add(record)
        record.peer_device_id, record.signer_fingerprint = signer, fp
        record.file_name, record.body_sha256 = parts[0].path.name[:255], digest
        record.processed_at, record.stored_path = now, str(target)
        record.note = "签名者未登记，已隔离"
    return target


def _created(part: Part, default: dt.datetime) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(str(part.header.get("created_at")))
    except ValueError:
        return default


def held(db: Database) -> list[SyncBundle]:
    with db.session() as session:
        return list(
            session.scalars(
                select(SyncBundle)
                .where(SyncBundle.direction == "in", SyncBundle.status == "quarantined")
                .order_by(SyncBundle.processed_at)
            )
        )


def release(
    db: Database,
    root: Path,
    *,
    passphrase: bytes | None = None,
    cancel: Callable[[], bool] | None = None,
) -> list[ImportResult]:
    """Import the quarantined bundles whose signers are now enrolled; drop those now refused."""
    from hazdesk.sync.importer import ImportResult, import_parts

    results: list[ImportResult] = []
    for record in held(db):
        folder = Path(record.stored_path)
        try:
            parts = [read_part(p) for p in sorted(folder.glob("*.hzb"))]
            if not parts:
                raise BundleError(f"隔离区中找不到数据包 {record.bundle_id} 的文件", code="io")
        except BundleError as exc:
            results.append(ImportResult([folder], "rejected", str(exc), bundle_id=record.bundle_id, code=exc.code))
            continue
        result = import_parts(db, parts, data_root=root, passphrase=passphrase, cancel=cancel, from_quarantine=True)
        results.append(result)
        if result.status == "applied":
            shutil.rmtree(folder, ignore_errors=True)
        elif result.status == "rejected":
            with db.transaction() as session:
                stale = session.get(SyncBundle, record.bundle_id)
                if stale is not None and stale.status == "quarantined":
                    session.delete(stale)
            shutil.rmtree(folder, ignore_errors=True)
    return results
