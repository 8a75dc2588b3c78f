"""Shared set-up for the sync tests (this module holds no tests).

Sites are real SQLite files (or a PostgreSQL database) with their own data directory for keys and
photos, as on separate machines. District data comes from the demo builder (tiny scale).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import uuid
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import MetaData, select

from hazdesk.store.database import Database, open_database
from hazdesk.sync import members
from hazdesk.sync.container import PartWriter
from hazdesk.sync.exporter import FORMAT, FORMAT_VERSION, ExportResult, export_bundle
from hazdesk.sync.importer import ImportResult, import_files
from hazdesk.sync.keys import DeviceKeys, PublicIdentity, ensure_identity, set_sync_role
from hazdesk.sync.peers import trust
from hazdesk.sync.records import specs

TODAY = dt.date(2026, 3, 1)
# Tables whose rows are bookkeeping of the sync itself (compared separately where it matters).
SYNC_LOCAL = ("sync_bundle", "sync_rejection", "sync_peer", "sync_field_stamp", "sync_conflict")


@dataclass
class Site:
    name: str
    db: Database
    root: Path
    target: str
    keys: DeviceKeys
    identity: PublicIdentity

    def reopen(self) -> None:
        self.db.close()
        self.db = open_database(self.target)

    def close(self) -> None:
        self.db.close()


def _site(name: str, target: str, root: Path, role: str, district_code: str | None = None) -> Site:
    db = open_database(target)
    if role == "office":
        set_sync_role(db, "office")
    keys, identity = ensure_identity(db, root, district_code=district_code)
    return Site(name, db, root, target, keys, identity)


def district_site(tmp: Path, name: str, code: str = "320115", *, seed: int = 1, scale: str = "tiny") -> Site:
    from hazdesk.demo.build import build_demo

    path = tmp / f"{name}.sqlite"
    build_demo(path, scale, seed=seed, today=TODAY, district=code)
    return _site(name, str(path), tmp / f"{name}-data", "district")


def empty_site(
    tmp: Path, name: str, *, role: str = "district", url: str | None = None, district_code: str = "320115"
) -> Site:
    code = district_code if role == "district" else None
    return _site(name, url or str(tmp / f"{name}.sqlite"), tmp / f"{name}-data", role, code)


def enroll(office: Site, *districts: Site) -> None:
    """The office enrols the laptops; each laptop holds the office's key file (as after an export)."""
    for site in districts:
        trust(office.db, site.identity)
        trust(site.db, office.identity)


def send(source: Site, out: Path, to: Site | None = None, **kwargs: Any) -> ExportResult:
    return export_bundle(source.db, out, data_root=source.root, to=to.identity if to else None, **kwargs)


def take(site: Site, paths: Iterable[Path], **kwargs: Any) -> list[ImportResult]:
    return import_files(site.db, list(paths), data_root=site.root, **kwargs)


def take_one(site: Site, paths: Iterable[Path]) -> ImportResult:
    results = take(site, paths)
    assert len(results) == 1, results
    return results[0]


def dump(db: Database, *, exclude: Iterable[str] = ()) -> dict[str, list[str]]:
    """Every row of every table (reflected, so nothing is missed), as sorted text."""
    skip = set(exclude)
    meta = MetaData()
    with db.engine.connect() as connection:
        meta.reflect(connection)
        out: dict[str, list[str]] = {}
        for table in meta.sorted_tables:
            if table.name in skip:
                continue
            out[table.name] = sorted(repr(tuple(row)) for row in connection.execute(select(table)))
    return out


def content(db: Database, tables: Iterable[str] | None = None) -> dict[str, dict[uuid.UUID, dict[str, Any]]]:
    """The synced rows as {table: {id: {column: value}}}."""
    out: dict[str, dict[uuid.UUID, dict[str, Any]]] = {}
    with db.engine.connect() as connection:
        for name in tables if tables is not None else specs():
            t = specs()[name].table
            out[name] = {row.id: dict(row._mapping) for row in connection.execute(select(t))}
    return out


# --- forging bundles (hostile tests) -----------------------------------------------------------
def raw_member(name: str, data: bytes, *, compress: bool = True, declared: int | None = None) -> bytes:
    stored = zlib.compress(data, 6) if compress else data
    meta = {
        "name": name,
        "codec": "zlib" if compress else "none",
        "size": len(data) if declared is None else declared,
        "stored": len(stored),
    }
    raw = json.dumps(meta).encode()
    return len(raw).to_bytes(4, "big") + raw + stored


def records_lines(table: str, rows: list[dict[str, Any]]) -> bytes:
    columns = [c.name for c in specs()[table].columns]
    header = json.dumps({"table": table, "columns": [*columns, "_fc"]}).encode()
    lines = [json.dumps([row.get(c) for c in columns] + [row.get("_fc")], ensure_ascii=False).encode() for row in rows]
    return b"\n".join([header, *lines]) + b"\n"


def manifest_for(site: Site, bundle_id: uuid.UUID, entries: list[tuple[str, bytes]], **changes: Any) -> dict[str, Any]:
    import hashlib

    from hazdesk.store import migrations

    manifest: dict[str, Any] = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "bundle_id": str(bundle_id),
        "created_at": dt.datetime(2026, 3, 1, 12, 0).isoformat(),
        "schema_revision": migrations.head_revision(),
        "source": {"device_id": str(site.db.device_id), "fingerprint": site.keys.fingerprint},
        "destination": None,
        "full": False,
        "clock": {"since": 0, "until": 1 << 50, "min": 0, "max": 0},
        "counts": {},
        "acks": [],
        "members": [{"name": n, "size": len(d), "sha256": hashlib.sha256(d).hexdigest()} for n, d in entries],
    }
    manifest.update(changes)
    return manifest


def forge(
    site: Site,
    out: Path,
    inner: bytes,
    *,
    bundle_id: uuid.UUID | None = None,
    header: dict[str, Any] | None = None,
    signing: DeviceKeys | None = None,
) -> list[Path]:
    """A bundle signed by ``site`` (or ``signing``) around the given inner stream bytes."""
    bundle_id = bundle_id or uuid.uuid4()
    keys = signing or site.keys
    head: dict[str, Any] = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "bundle_id": str(bundle_id),
        "created_at": dt.datetime(2026, 3, 1, 12, 0).isoformat(),
        "signer": {
            "device_id": str(site.db.device_id),
            "public_key": base64.b64encode(site.keys.signing_public).decode(),
            "fingerprint": site.keys.fingerprint,
        },
        "recipient": None,
        "encryption": None,
    }
    head.update(header or {})
    out.mkdir(parents=True, exist_ok=True)
    writer = PartWriter(out, f"forged-{bundle_id.hex[:8]}", head, keys.signing)
    writer.write(inner)
    return writer.finish()


def inner_stream(manifest: dict[str, Any], body: list[bytes]) -> bytes:
    data = json.dumps(manifest).encode()
    return members.INNER_MAGIC + raw_member(members.MANIFEST, data, compress=False) + b"".join(body) + bytes(4)
