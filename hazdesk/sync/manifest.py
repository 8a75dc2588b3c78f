"""Opening a verified bundle body (decrypting it if needed) and reading and checking its manifest."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hazdesk.store import migrations
from hazdesk.store.database import Database
from hazdesk.sync import crypto
from hazdesk.sync.container import BodyReader, Part
from hazdesk.sync.errors import BundleError
from hazdesk.sync.keys import load_keys
from hazdesk.sync.members import MANIFEST, InnerReader, Source, check_member_name, member_cap, sha_of, table_of
from hazdesk.sync.records import specs

_SHA = re.compile(r"^[0-9a-f]{64}$")
MAX_ACKS = 100_000


@dataclass(frozen=True)
class Entry:
    name: str
    size: int
    sha256: str


@dataclass
class Manifest:
    bundle_id: uuid.UUID
    created_at: dt.datetime
    source: uuid.UUID
    fingerprint: str
    since: int
    until: int
    counts: dict[str, int]
    acks: list[uuid.UUID]
    members: list[Entry] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)


def _bad(message: str, bundle_id: uuid.UUID, code: str = "manifest") -> BundleError:
    return BundleError(f"数据包 {bundle_id} 的清单{message}", code=code, bundle_id=bundle_id)


def open_body(
    db: Database, root: Path, part: Part, bundle_id: uuid.UUID, body: BodyReader, passphrase: bytes | None
) -> Source:
    """The plaintext inner stream: the body itself, or a decrypting reader over it."""
    encryption = part.header.get("encryption")
    recipient = part.header.get("recipient")
    if encryption is None:
        return body
    if not isinstance(encryption, dict) or not isinstance(recipient, dict):
        raise BundleError("数据包的加密信息格式错误", code="format", bundle_id=bundle_id)
    if encryption.get("scheme") != crypto.SCHEME:
        raise BundleError(f"不支持的加密方式 {encryption.get('scheme')!r}", code="version", bundle_id=bundle_id)
    segment = encryption.get("segment_size")
    if not isinstance(segment, int) or not 4096 <= segment <= 64 * 1024**2:
        raise BundleError("数据包的加密分段大小无效", code="format", bundle_id=bundle_id)
    if str(recipient.get("device_id")) != str(db.device_id):
        raise BundleError(
            f"数据包 {bundle_id} 是加密发给设备 {recipient.get('device_id')} 的，不是本机（{db.device_id}）",
            code="not_for_us",
            bundle_id=bundle_id,
        )
    keys = load_keys(root, db.device_id, passphrase)
    if recipient.get("key_id") != hashlib.sha256(keys.encryption_public).hexdigest():
        raise BundleError(
            f"数据包 {bundle_id} 是用本机另一把（旧的）公钥加密的，无法解密", code="not_for_us", bundle_id=bundle_id
        )
    try:
        ephemeral = base64.b64decode(str(encryption.get("ephemeral_key")), validate=True)
    except (ValueError, binascii.Error) as exc:
        raise BundleError("数据包的加密参数无效", code="format", bundle_id=bundle_id) from exc
    if len(ephemeral) != 32:
        raise BundleError("数据包的加密参数无效", code="format", bundle_id=bundle_id)
    key = crypto.recipient_key(keys.encryption, ephemeral, bundle_id)
    return crypto.DecryptingReader(body, body.total, key, bundle_id, segment)


def _device_of(destination: Any) -> str:
    return str(destination.get("device_id")) if isinstance(destination, dict) else "?"


def _int(data: dict[str, Any], name: str, bundle_id: uuid.UUID) -> int:
    value = data.get(name)
    if type(value) is not int or value < 0 or value >= 2**63:
        raise _bad(f"中的 {name} 无效", bundle_id)
    return value


def read_manifest(inner: InnerReader, db: Database, bundle_id: uuid.UUID, signer: uuid.UUID) -> Manifest:
    from hazdesk.sync.exporter import FORMAT, FORMAT_VERSION

    member = inner.next_member()
    if member is None or member.name != MANIFEST:
        raise _bad("缺失（第一个成员不是 manifest.json）", bundle_id)
    try:
        data = json.loads(inner.read_all(member))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _bad("不是有效的 JSON", bundle_id) from exc
    if not isinstance(data, dict):
        raise _bad("格式错误", bundle_id)
    if data.get("format") != FORMAT or data.get("version") != FORMAT_VERSION:
        raise _bad(f"格式版本 {data.get('version')!r} 不受支持（本程序支持 {FORMAT_VERSION}）", bundle_id, "version")
    if data.get("bundle_id") != str(bundle_id):
        raise _bad("中的编号与文件头不一致", bundle_id)
    revision = data.get("schema_revision")
    if revision not in migrations.known_revisions():
        raise _bad(f"来自更新版本的 hazdesk（数据库版本 {revision!r}），请先升级本程序", bundle_id, "version")
    source = data.get("source")
    if not isinstance(source, dict) or source.get("device_id") != str(signer):
        raise _bad("中的来源设备与签名者不一致", bundle_id, "signature")
    destination = data.get("destination")
    if destination is not None and (
        not isinstance(destination, dict) or destination.get("device_id") != str(db.device_id)
    ):
        raise BundleError(
            f"数据包 {bundle_id} 是发给设备 {_device_of(destination)} 的，不是本机",
            code="not_for_us",
            bundle_id=bundle_id,
        )
    clock = data.get("clock")
    if not isinstance(clock, dict):
        raise _bad("缺少时钟范围", bundle_id)
    since, until = _int(clock, "since", bundle_id), _int(clock, "until", bundle_id)
    try:
        created = dt.datetime.fromisoformat(str(data.get("created_at")))
        acks_raw = data.get("acks") or []
        if not isinstance(acks_raw, list) or len(acks_raw) > MAX_ACKS:
            raise ValueError("acks")
        acks = [uuid.UUID(str(a)) for a in acks_raw]
    except ValueError as exc:
        raise _bad("中的创建时间或回执格式错误", bundle_id) from exc
    counts = data.get("counts") or {}
    if not isinstance(counts, dict) or not all(isinstance(v, int) and not isinstance(v, bool) for v in counts.values()):
        raise _bad("中的计数格式错误", bundle_id)
    manifest = Manifest(
        bundle_id, created, signer, str(source.get("fingerprint", ""))[:64], since, until, counts, acks, raw=data
    )
    manifest.members = _members(data.get("members"), bundle_id)
    return manifest


def _members(listed: Any, bundle_id: uuid.UUID) -> list[Entry]:
    if not isinstance(listed, list):
        raise _bad("中缺少成员列表", bundle_id)
    order = list(specs())
    entries: list[Entry] = []
    names: set[str] = set()
    last_table = -1
    seen_file = False
    for item in listed:
        if not isinstance(item, dict):
            raise _bad("中的成员格式错误", bundle_id)
        name = check_member_name(item.get("name"))
        size, sha = item.get("size"), item.get("sha256")
        if name == MANIFEST or name in names:
            raise _bad(f"中的成员 {name} 重复", bundle_id)
        if type(size) is not int or size < 0 or not isinstance(sha, str) or not _SHA.match(sha):
            raise _bad(f"中成员 {name} 的大小或 SHA-256 无效", bundle_id)
        if size > member_cap(name):
            raise BundleError(
                f"成员 {name} 声明大小 {size} 字节，超过上限 {member_cap(name)} 字节，已拒绝",
                code="oversize",
                bundle_id=bundle_id,
            )
        table = table_of(name)
        if table is not None:
            if table not in specs():
                raise _bad(f"含有本程序不认识的表 {table}（来自更新版本的 hazdesk？）", bundle_id, "version")
            position = order.index(table)
            if position <= last_table or seen_file:
                raise _bad("中的表顺序错误（被引用的表必须在前）", bundle_id)
            last_table = position
        else:
            seen_file = True
            if sha_of(name) != sha:
                raise _bad(f"中照片 {name} 的名称与其 SHA-256 不符", bundle_id)
        names.add(name)
        entries.append(Entry(name, size, sha))
    return entries
