"""The outer file of a bundle: header, body, signed trailer; split into parts when large.

Layout of one part (all lengths big-endian)::

    "HZDSYNC\\n"  u32 header length  header (JSON)  body …  trailer (JSON)  u32 trailer length
    signature (64 bytes, Ed25519)  "HZDEND\\n\\0"

The signature covers the magic, the header and the trailer; the trailer carries the body's length
and SHA-256, so every byte of the part is signed. The body is the inner stream (see
:mod:`hazdesk.sync.members`), encrypted or not: encrypt-then-sign, so a reader checks the signature
(one streaming pass of SHA-256) before it decrypts anything. A bundle larger than ``max_part_size``
is split into parts whose bodies concatenate to the one stream; each part is signed on its own and
names its number, and the last says it is last, so a missing, repeated or foreign part is refused.
Parts are written under temporary names and renamed only when the whole bundle is complete.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from hazdesk.sync.errors import BundleError

MAGIC = b"HZDSYNC\n"
END = b"HZDEND\n\x00"
SIGNATURE_SIZE = 64
MAX_HEADER = 64 * 1024
MAX_TRAILER = 64 * 1024
FOOTER = 4 + SIGNATURE_SIZE + len(END)
DEFAULT_MAX_PART = 2 * 1024**3  # FAT32 sticks hold files below 4 GiB; 2 GiB leaves room
MIN_PART = 64 * 1024
SUFFIX = ".hzb"
_CHUNK = 1 << 20


def canonical(data: dict[str, Any]) -> bytes:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _signed_message(header_bytes: bytes, trailer_bytes: bytes) -> bytes:
    return MAGIC + len(header_bytes).to_bytes(4, "big") + header_bytes + trailer_bytes


class PartWriter:
    """Writes the body stream into one or more signed part files (``write`` then ``finish``)."""

    def __init__(
        self,
        out_dir: Path,
        base_name: str,
        header: dict[str, Any],
        signing_key: Ed25519PrivateKey,
        max_part_size: int = DEFAULT_MAX_PART,
    ) -> None:
        self._dir = out_dir
        self._base = base_name
        self._header = header
        self._key = signing_key
        self._temps: list[Path] = []
        self._trailers: list[dict[str, Any]] = []
        header_len = len(canonical({**header, "part": 999_999}))
        self._room = max(max_part_size, MIN_PART) - (len(MAGIC) + 4 + header_len + FOOTER + 1024)
        self._file: BinaryIO | None = None
        self._hash = hashlib.sha256()
        self._body = 0
        self._header_bytes = b""

    def _open_part(self) -> None:
        number = len(self._temps) + 1
        temp = self._dir / f".{self._base}.part{number:03d}.tmp"
        self._temps.append(temp)
        self._file = temp.open("wb")
        self._header_bytes = canonical({**self._header, "part": number})
        self._file.write(MAGIC + len(self._header_bytes).to_bytes(4, "big") + self._header_bytes)
        self._hash = hashlib.sha256()
        self._body = 0

    def write(self, data: bytes) -> int:
        view = memoryview(data)
        while view:
            if self._file is None:
                self._open_part()
            assert self._file is not None
            take = min(len(view), self._room - self._body)
            if take <= 0:
                self._close_part(final=False)
                continue
            chunk = view[:take]
            self._file.write(chunk)
            self._hash.update(chunk)
            self._body += take
            view = view[take:]
        return len(data)

    def _close_part(self, *, final: bool) -> None:
        assert self._file is not None
        number = len(self._temps)
        trailer = {
            "bundle_id": self._header["bundle_id"],
            "part": number,
            "final": final,
            "body_size": self._body,
            "body_sha256": self._hash.hexdigest(),
        }
        if final:
            trailer["parts"] = number
        trailer_bytes = canonical(trailer)
        signature = self._key.sign(_signed_message(self._header_bytes, trailer_bytes))
        self._file.write(trailer_bytes + len(trailer_bytes).to_bytes(4, "big") + signature + END)
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        self._file = None
        self._trailers.append(trailer)

    def finish(self) -> list[Path]:
        if self._file is None:
            self._open_part()
        self._close_part(final=True)
        many = len(self._temps) > 1
        finals = [
            self._dir / (f"{self._base}.part{i:03d}{SUFFIX}" if many else f"{self._base}{SUFFIX}")
            for i in range(1, len(self._temps) + 1)
        ]
        for temp, final in zip(self._temps, finals, strict=True):
            os.replace(temp, final)
        self._temps = []
        return finals

    @property
    def body_hashes(self) -> list[str]:
        return [t["body_sha256"] for t in self._trailers]

    def abort(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        for temp in self._temps:
            temp.unlink(missing_ok=True)
        self._temps = []


@dataclass
class Part:
    """One part file, parsed but not yet verified."""

    path: Path
    header: dict[str, Any]
    header_bytes: bytes
    trailer: dict[str, Any]
    trailer_bytes: bytes
    signature: bytes
    body_offset: int
    body_size: int

    @property
    def bundle_id(self) -> uuid.UUID:
        return uuid.UUID(str(self.header.get("bundle_id")))

    @property
    def number(self) -> int:
        return int(self.header.get("part", 0))


def _refuse(path: Path, message: str, code: str) -> BundleError:
    return BundleError(f"{path.name}：{message}", code=code)


def read_part(path: Path) -> Part:
    """Parse the frame of one part file. Refuses what is not a bundle or is cut short."""
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            if handle.read(len(MAGIC)) != MAGIC:
                raise _refuse(path, "不是 hazdesk 数据包", "not_bundle")
            header_len = int.from_bytes(handle.read(4), "big")
            if header_len > MAX_HEADER or len(MAGIC) + 4 + header_len + FOOTER > size:
                raise _refuse(path, "文件不完整（被截断）或头部损坏", "truncated")
            header_bytes = handle.read(header_len)
            handle.seek(size - FOOTER)
            footer = handle.read(FOOTER)
            if footer[-len(END) :] != END:
                raise _refuse(path, "文件不完整（被截断），缺少结尾签名", "truncated")
            trailer_len = int.from_bytes(footer[:4], "big")
            body_offset = len(MAGIC) + 4 + header_len
            body_size = size - FOOTER - trailer_len - body_offset
            if trailer_len > MAX_TRAILER or body_size < 0:
                raise _refuse(path, "文件不完整（被截断）或结尾损坏", "truncated")
            handle.seek(size - FOOTER - trailer_len)
            trailer_bytes = handle.read(trailer_len)
    except OSError as exc:
        raise _refuse(path, f"无法读取：{exc.strerror}", "io") from exc
    try:
        header = json.loads(header_bytes)
        trailer = json.loads(trailer_bytes)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _refuse(path, "头部或结尾不是有效的 JSON（文件损坏）", "signature") from exc
    if not isinstance(header, dict) or not isinstance(trailer, dict):
        raise _refuse(path, "头部或结尾格式错误", "signature")
    return Part(path, header, header_bytes, trailer, trailer_bytes, footer[4 : -len(END)], body_offset, body_size)


def verify_part(
    part: Part,
    public_key: bytes,
    *,
    body: bool = True,
    progress: Callable[[int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> None:
    """Check the signature over header and trailer, then (``body``) the body's length and SHA-256."""
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(
            part.signature, _signed_message(part.header_bytes, part.trailer_bytes)
        )
    except (InvalidSignature, ValueError) as exc:
        raise _refuse(part.path, "签名无效：文件被改动过或不是签名者所发", "signature") from exc
    if part.trailer.get("bundle_id") != part.header.get("bundle_id") or part.trailer.get("part") != part.number:
        raise _refuse(part.path, "头部与结尾不属于同一数据包", "signature")
    if part.trailer.get("body_size") != part.body_size:
        raise _refuse(part.path, "文件长度与签名记录不符（被截断或被追加）", "truncated")
    if not body:
        return
    digest = hashlib.sha256()
    with part.path.open("rb") as handle:
        handle.seek(part.body_offset)
        left = part.body_size
        while left:
            if cancelled is not None and cancelled():
                from hazdesk.sync.errors import SyncCancelled

                raise SyncCancelled()
            chunk = handle.read(min(_CHUNK, left))
            if not chunk:
                raise _refuse(part.path, "文件不完整（被截断）", "truncated")
            digest.update(chunk)
            left -= len(chunk)
            if progress is not None:
                progress(len(chunk))
    if digest.hexdigest() != part.trailer.get("body_sha256"):
        raise _refuse(part.path, "内容校验失败（SHA-256 不符）：文件在传输中损坏或被改动", "hash")


def order_parts(parts: Sequence[Part]) -> list[Part]:
    """Sort one bundle's parts and check that they are all there, once each, and agree."""
    ordered = sorted(parts, key=lambda p: p.number)
    numbers = [p.number for p in ordered]
    name = ordered[0].path.name
    if numbers != list(range(1, len(ordered) + 1)):
        raise BundleError(f"{name}：分卷不完整或重复（收到第 {numbers} 卷）", code="parts")
    last = ordered[-1]
    if not last.trailer.get("final") or last.trailer.get("parts") != len(ordered):
        raise BundleError(f"{name}：缺少最后一卷（共 {len(ordered)} 卷，但最后一卷未标记结束）", code="parts")
    if any(p.trailer.get("final") for p in ordered[:-1]):
        raise BundleError(f"{name}：分卷顺序错误", code="parts")
    first = {k: v for k, v in ordered[0].header.items() if k != "part"}
    for part in ordered[1:]:
        if {k: v for k, v in part.header.items() if k != "part"} != first:
            raise BundleError(f"{part.path.name}：与第一卷的头部不一致，不属于同一数据包", code="parts")
    return ordered


class BodyReader:
    """The concatenated bodies of ordered parts, read like one file."""

    def __init__(self, parts: Sequence[Part]) -> None:
        self._parts = list(parts)
        self._index = 0
        self._handle: BinaryIO | None = None
        self._left = 0
        self._hash = hashlib.sha256()
        self.total = sum(p.body_size for p in parts)

    def _advance(self) -> bool:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
            # Hash again while reading: a file swapped after it was verified is caught here, before
            # the import commits (time-of-check to time-of-use).
            part = self._parts[self._index - 1]
            if self._hash.hexdigest() != part.trailer.get("body_sha256"):
                raise BundleError(f"{part.path.name}：读取时内容与校验时不同（文件被改动）", code="hash")
            self._hash = hashlib.sha256()
        if self._index >= len(self._parts):
            return False
        part = self._parts[self._index]
        self._index += 1
        self._handle = part.path.open("rb")
        self._handle.seek(part.body_offset)
        self._left = part.body_size
        return True

    def read(self, size: int) -> bytes:
        out: list[bytes] = []
        while size > 0:
            if self._left == 0 and not self._advance():
                break
            if self._left == 0:
                continue
            assert self._handle is not None
            chunk = self._handle.read(min(size, self._left))
            if not chunk:
                raise BundleError("数据包在读取时变短了（文件被改动）", code="truncated")
            self._hash.update(chunk)
            self._left -= len(chunk)
            size -= len(chunk)
            out.append(chunk)
        return b"".join(out)

    def finish(self) -> None:
        """Read to the end (checking the last part's hash)."""
        while self.read(_CHUNK):
            pass
        self._advance()

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
