"""The devices a database exchanges bundles with: trust (enrolment), encryption keys, acknowledgements.

Trust lives in the ``device`` table (public key, fingerprint, ``enrolled_at``), which bundles never
write: only an enrolment (office) or choosing the office's key file (district) does. Everything else
about a peer — its X25519 key and how far it has acknowledged our bundles — is in ``sync_peer``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from hazdesk.errors import ValidationError
from hazdesk.store.database import Database
from hazdesk.store.models import Device, SyncBundle, SyncPeer
from hazdesk.sync.clock import pack, unpack
from hazdesk.sync.keys import PublicIdentity, display_fingerprint

# Rows stamped shortly before an export may commit after the export read the database (a writer
# takes its stamp before it takes the write lock). Acknowledging a bundle moves the watermark only
# to this much before the bundle's cut, so such rows are sent again next time instead of never.
ACK_MARGIN_MS = 2 * 60 * 1000
MAX_ACKS = 2000


class Trust(StrEnum):
    TRUSTED = "trusted"
    UNKNOWN = "unknown"
    MISMATCH = "mismatch"  # a known device id signing with a different key


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def _upsert_peer(session: Session, identity: PublicIdentity) -> SyncPeer:
    peer = session.get(SyncPeer, identity.device_id)
    if peer is None:
        peer = SyncPeer(device_id=identity.device_id, acked_hlc=0)
        session.add(peer)
    peer.encryption_key = identity.encryption_key
    return peer


def trust(db: Database, identity: PublicIdentity, *, expected_fingerprint: str | None = None) -> Device:
    """Record ``identity`` as a trusted peer (enrolment at the office; the office key at a district).

    ``expected_fingerprint`` is what the person read off the other screen; the beginning is enough
    (spaces and case ignored, at least 16 hex digits).
    """
    if expected_fingerprint is not None:
        wanted = expected_fingerprint.replace(" ", "").replace("-", "").lower()
        if len(wanted) < 16 or not identity.fingerprint.startswith(wanted):
            raise ValidationError(
                f"指纹不符：公钥文件为 {display_fingerprint(identity.fingerprint)}，"
                f"核对的是 {expected_fingerprint}；未登记",
                field="fingerprint",
            )
    if identity.device_id == db.device_id:
        raise ValidationError("这是本机自己的公钥，无需登记", field="device")
    with db.transaction() as session:
        device = session.get(Device, identity.device_id)
        if device is None:
            device = Device(id=identity.device_id, name=identity.name or str(identity.device_id)[:8])
            session.add(device)
        device.name = identity.name or device.name
        device.role = identity.role
        device.district_code = identity.district_code or None
        device.public_key = identity.signing_key
        device.fingerprint = identity.fingerprint
        device.enrolled_at = _now()
        _upsert_peer(session, identity)
        session.flush()
        session.expunge(device)
        return device


def enrolled_devices(session: Session, *, role: str = "district") -> list[PublicIdentity]:
    """Enrolled devices with both keys known, as identities a bundle can be addressed to."""
    rows = session.execute(
        select(Device, SyncPeer)
        .join(SyncPeer, SyncPeer.device_id == Device.id)
        .where(Device.role == role, Device.enrolled_at.is_not(None), Device.public_key.is_not(None))
        .order_by(Device.name)
    )
    return [
        PublicIdentity(d.id, d.name, d.role, d.district_code or "", d.public_key, p.encryption_key)
        for d, p in rows
        if p.encryption_key is not None and d.public_key is not None
    ]


def trust_of(session: Session, device_id: uuid.UUID, public_key: bytes) -> Trust:
    device = session.get(Device, device_id)
    if device is None or device.enrolled_at is None or device.deleted or device.public_key is None:
        return Trust.UNKNOWN  # (a device listed without a key, as set-up data may, is not enrolled)
    if device.public_key != public_key:
        return Trust.MISMATCH
    return Trust.TRUSTED


def office_peers(session: Session) -> list[Device]:
    return list(
        session.scalars(
            select(Device).where(
                Device.role == "office", Device.enrolled_at.is_not(None), Device.public_key.is_not(None)
            )
        )
    )


def encryption_key(session: Session, device_id: uuid.UUID) -> bytes | None:
    peer = session.get(SyncPeer, device_id)
    return peer.encryption_key if peer is not None else None


def acked_hlc(session: Session, device_id: uuid.UUID | None) -> int:
    if device_id is None:
        return 0
    peer = session.get(SyncPeer, device_id)
    return peer.acked_hlc if peer is not None else 0


def acks_for(session: Session, device_id: uuid.UUID) -> list[str]:
    """Bundles from ``device_id`` applied here, newest first: they go back as acknowledgements."""
    rows = session.scalars(
        select(SyncBundle.bundle_id)
        .where(
            SyncBundle.direction == "in",
            SyncBundle.status == "applied",
            SyncBundle.peer_device_id == device_id,
        )
        .order_by(SyncBundle.processed_at.desc())
        .limit(MAX_ACKS)
    )
    return [str(b) for b in rows]


def apply_acks(session: Session, from_device: uuid.UUID, bundle_ids: list[uuid.UUID]) -> int:
    """Mark our bundles that ``from_device`` acknowledges, and move its watermark. Returns how many."""
    if not bundle_ids:
        return 0
    marked = 0
    highest = 0
    for start in range(0, len(bundle_ids), 500):
        chunk = bundle_ids[start : start + 500]
        for bundle in session.scalars(
            select(SyncBundle).where(SyncBundle.bundle_id.in_(chunk), SyncBundle.direction == "out")
        ):
            # A bundle addressed to nobody in particular counts for whichever office took it in.
            if bundle.peer_device_id not in (None, from_device):
                continue
            if bundle.status != "acknowledged":
                bundle.status = "acknowledged"
                bundle.note = f"{_now():%Y-%m-%d %H:%M} 已由对方确认"
                marked += 1
            highest = max(highest, bundle.hlc_max)
    if highest:
        peer = session.get(SyncPeer, from_device)
        if peer is None:
            peer = SyncPeer(device_id=from_device, acked_hlc=0)
            session.add(peer)
        millis, _ = unpack(highest)
        peer.acked_hlc = max(peer.acked_hlc, pack(max(millis - ACK_MARGIN_MS, 0), 0))
        peer.last_seen_at = _now()
    return marked
