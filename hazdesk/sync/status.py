"""What the sync page and ``hazdesk sync status`` show: identity, peers, what waits to be sent,
bundles in and out, quarantined and refused bundles, open conflicts. Reads only."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from sqlalchemy import false, func, select

from hazdesk.store.database import Database
from hazdesk.store.models import Device, Inspection, SyncBundle, SyncConflict, SyncPeer, SyncRejection
from hazdesk.sync import peers
from hazdesk.sync.keys import sync_role
from hazdesk.sync.records import specs


@dataclass
class PeerStatus:
    device_id: uuid.UUID
    name: str
    role: str
    district_code: str
    fingerprint: str
    enrolled_at: dt.datetime | None
    acked_hlc: int
    last_seen_at: dt.datetime | None


@dataclass
class BundleStatus:
    bundle_id: uuid.UUID
    direction: str
    status: str
    peer_device_id: uuid.UUID | None
    file_name: str
    record_count: int
    processed_at: dt.datetime
    note: str


@dataclass
class RejectionStatus:
    at: dt.datetime
    file_name: str
    code: str
    reason: str


@dataclass
class SyncStatus:
    device_id: uuid.UUID
    role: str
    fingerprint: str
    peers: list[PeerStatus] = field(default_factory=list)
    pending: dict[str, int] = field(default_factory=dict)  # rows waiting for the office, per table
    drafts_held: int = 0  # draft inspections not sent until completed
    bundles: list[BundleStatus] = field(default_factory=list)
    quarantined: list[BundleStatus] = field(default_factory=list)
    rejections: list[RejectionStatus] = field(default_factory=list)
    open_conflicts: int = 0

    @property
    def pending_total(self) -> int:
        return sum(self.pending.values())


def sync_status(db: Database, *, recent: int = 20) -> SyncStatus:
    role = sync_role(db)
    with db.session() as session:
        me = session.get(Device, db.device_id)
        status = SyncStatus(db.device_id, role, (me.fingerprint or "") if me else "")
        for device, peer in session.execute(
            select(Device, SyncPeer)
            .outerjoin(SyncPeer, SyncPeer.device_id == Device.id)
            .where(Device.id != db.device_id)
        ):
            status.peers.append(
                PeerStatus(
                    device.id, device.name, device.role, device.district_code or "", device.fingerprint or "",
                    device.enrolled_at, peer.acked_hlc if peer else 0, peer.last_seen_at if peer else None,
                )
            )  # fmt: skip
        if role != "office":  # the office answers each district separately: nothing "waits" there
            offices = peers.office_peers(session)
            since = min((peers.acked_hlc(session, o.id) for o in offices), default=0)
            for name, spec in specs().items():
                count = session.scalar(select(func.count()).select_from(spec.table).where(spec.table.c.hlc > since))
                if count:
                    status.pending[name] = int(count or 0)
        status.drafts_held = int(
            session.scalar(select(func.count()).where(Inspection.state == "draft", Inspection.deleted.is_(false())))
            or 0
        )
        for bundle in session.scalars(select(SyncBundle).order_by(SyncBundle.processed_at.desc()).limit(recent)):
            item = _bundle(bundle)
            status.bundles.append(item)
        status.quarantined = [
            _bundle(b)
            for b in session.scalars(
                select(SyncBundle).where(SyncBundle.status == "quarantined").order_by(SyncBundle.processed_at)
            )
        ]
        status.rejections = [
            RejectionStatus(r.at, r.file_name, r.code, r.reason)
            for r in session.scalars(select(SyncRejection).order_by(SyncRejection.id.desc()).limit(recent))
        ]
        status.open_conflicts = int(
            session.scalar(select(func.count()).select_from(SyncConflict).where(SyncConflict.status == "open")) or 0
        )
    return status


def _bundle(bundle: SyncBundle) -> BundleStatus:
    return BundleStatus(
        bundle.bundle_id, bundle.direction, bundle.status, bundle.peer_device_id, bundle.file_name,
        bundle.record_count, bundle.processed_at, bundle.note,
    )  # fmt: skip
