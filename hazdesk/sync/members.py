"""The inner stream of a bundle: named members, each framed, compressed and bounded.

::

    "HZDINNER1\\n"  then per member:  u32 meta length  meta (JSON: name, codec, size, stored)  data
    …  u32 0 (end)

The first member is always ``manifest.json`` (stored, not compressed); it lists every other member
with its uncompressed size and SHA-256, in order. Names are checked before anything is read
(no absolute paths, no ``..``, only ``records/<table>.jsonl`` and ``files/<sha256>``). Sizes are
bounded three ways while streaming, never trusting the header alone: the declared size must be
below the cap for its kind, the declared size over the stored size must look like real compression,
and decompression stops at the first byte beyond the declared size (a decompression bomb costs one
buffer, not the disk or the memory).
"""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any, Protocol

from hazdesk.sync.errors import BundleError

INNER_MAGIC = b"HZDINNER1\n"
MANIFEST = "manifest.json"
MAX_META = 4096
MAX_MANIFEST = 16 * 1024**2
MAX_RECORDS_MEMBER = 4 * 1024**3
MAX_FILE_MEMBER = 256 * 1024**2
MAX_TOTAL = 64 * 1024**3
MAX_RATIO = 256  # JSON lines compress ~5-20×; zlib's limit is ~1000×, a bomb's is whatever it claims
RATIO_FLOOR = 1024**2  # small members may compress better (a tiny table of repeated values)
CHUNK = 256 * 1024
MAX_LINE = 16 * 1024**2
ZLIB_LEVEL = 3  # level 3 compresses JSON nearly as well as 6 at twice the speed

_NAME_OK = re.compile(r"^[A-Za-z0-9_.\-/]{1,200}$")
_RECORDS = re.compile(r"^records/([a-z][a-z0-9_]{0,63})\.jsonl$")
_FILES = re.compile(r"^files/([0-9a-f]{64})$")


class Sink(Protocol):
    def write(self, data: bytes, /) -> object: ...


class Source(Protocol):
    def read(self, size: int, /) -> bytes: ...


def check_member_name(name: Any) -> str:
    """Refuse names that could escape a directory or that this format does not define."""
    if not isinstance(name, str):
        raise BundleError("数据包成员名不是字符串", code="member_name")
    shown = name[:80]
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) or "\\" in name:
        raise BundleError(f"数据包成员名「{shown}」是绝对路径，已拒绝", code="member_name")
    if any(part in ("..", ".", "") for part in name.split("/")):
        raise BundleError(f"数据包成员名「{shown}」含有「..」或空路径段，已拒绝", code="member_name")
    if not _NAME_OK.match(name):
        raise BundleError(f"数据包成员名「{shown}」含有不允许的字符", code="member_name")
    if name != MANIFEST and not _RECORDS.match(name) and not _FILES.match(name):
        raise BundleError(f"数据包成员名「{shown}」不是本格式定义的成员", code="member_name")
    return name


def member_cap(name: str) -> int:
    if name == MANIFEST:
        return MAX_MANIFEST
    if name.startswith("files/"):
        return MAX_FILE_MEMBER
    return MAX_RECORDS_MEMBER


def records_member(table: str) -> str:
    return f"records/{table}.jsonl"


def file_member(sha256: str) -> str:
    return f"files/{sha256}"


def table_of(name: str) -> str | None:
    match = _RECORDS.match(name)
    return match.group(1) if match else None


def sha_of(name: str) -> str | None:
    match = _FILES.match(name)
    return match.group(1) if match else None


# --- writing ---------------------------------------------------------------------------------
def _frame(meta: dict[str, Any]) -> bytes:
    raw = json.dumps(meta, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return len(raw).to_bytes(4, "big") + raw


def start(sink: Sink) -> None:
    sink.write(INNER_MAGIC)


def end(sink: Sink) -> None:
    sink.write((0).to_bytes(4, "big"))


def write_stored(sink: Sink, name: str, data: bytes) -> None:
    sink.write(_frame({"name": name, "codec": "none", "size": len(data), "stored": len(data)}))
    sink.write(data)


class SpooledMember:
    """A member compressed into a temporary file while it is produced (its hash known at the end)."""

    def __init__(self, name: str, *, compress: bool = True) -> None:
        self.name = name
        self.codec = "zlib" if compress else "none"
        self._file: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 - closed by discard()
        self._zip = zlib.compressobj(ZLIB_LEVEL) if compress else None
        self._hash = hashlib.sha256()
        self.size = 0
        self.stored = 0
        self.count = 0

    def write(self, data: bytes) -> None:
        self._hash.update(data)
        self.size += len(data)
        out = self._zip.compress(data) if self._zip is not None else data
        if out:
            self._file.write(out)
            self.stored += len(out)

    def close(self) -> None:
        if self._zip is not None:
            out = self._zip.flush()
            self._file.write(out)
            self.stored += len(out)
            self._zip = None

    @property
    def sha256(self) -> str:
        return self._hash.hexdigest()

    def copy_to(self, sink: Sink) -> None:
        sink.write(_frame({"name": self.name, "codec": self.codec, "size": self.size, "stored": self.stored}))
        self._file.seek(0)
        while chunk := self._file.read(CHUNK):
            sink.write(chunk)

    def discard(self) -> None:
        self._file.close()


# --- reading ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Member:
    name: str
    codec: str
    size: int
    stored: int


class InnerReader:
    """Reads members one after the other; each must be consumed before asking for the next."""

    def __init__(self, source: Source) -> None:
        self._source = source
        self._total = 0
        if self._exact(len(INNER_MAGIC)) != INNER_MAGIC:
            raise BundleError("数据包内容格式不对（不是 hazdesk 数据包的内容）", code="format")

    def _exact(self, size: int) -> bytes:
        data = self._source.read(size)
        if len(data) != size:
            raise BundleError("数据包内容不完整（被截断）", code="truncated")
        return data

    def next_member(self) -> Member | None:
        length = int.from_bytes(self._exact(4), "big")
        if length == 0:
            return None
        if length > MAX_META:
            raise BundleError("数据包成员头过大（文件损坏或被构造）", code="format")
        try:
            meta = json.loads(self._exact(length))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise BundleError("数据包成员头损坏", code="format") from exc
        if not isinstance(meta, dict):
            raise BundleError("数据包成员头损坏", code="format")
        name = check_member_name(meta.get("name"))
        codec, size, stored = meta.get("codec"), meta.get("size"), meta.get("stored")
        if codec not in ("none", "zlib"):
            raise BundleError(f"成员 {name} 的压缩方式 {codec!r} 不受支持", code="format")
        if not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in (size, stored)):
            raise BundleError(f"成员 {name} 的长度无效", code="format")
        assert isinstance(size, int) and isinstance(stored, int)
        if size > member_cap(name):
            raise BundleError(
                f"成员 {name} 声明大小 {size} 字节，超过上限 {member_cap(name)} 字节，已拒绝", code="oversize"
            )
        if codec == "none" and stored != size:
            raise BundleError(f"成员 {name} 的长度前后不一致", code="format")
        if size > RATIO_FLOOR and size > stored * MAX_RATIO:
            raise BundleError(
                f"成员 {name} 压缩比异常（{stored} 字节解压为 {size} 字节），疑似压缩炸弹，已拒绝", code="bomb"
            )
        self._total += size
        if self._total > MAX_TOTAL:
            raise BundleError(f"数据包解压后总大小超过上限 {MAX_TOTAL} 字节，已拒绝", code="oversize")
        return Member(name, codec, size, stored)

    def chunks(self, member: Member, expected_sha256: str | None = None) -> Iterator[bytes]:
        """The member's content in pieces; checks actual against declared size and the hash."""
        digest = hashlib.sha256()
        produced = 0
        left = member.stored
        unzip = zlib.decompressobj() if member.codec == "zlib" else None

        def accept(piece: bytes) -> bytes:
            nonlocal produced
            produced += len(piece)
            if produced > member.size:
                raise BundleError(
                    f"成员 {member.name} 解压后超过声明的 {member.size} 字节，疑似压缩炸弹，已拒绝", code="bomb"
                )
            digest.update(piece)
            return piece

        try:
            while left:
                data = self._exact(min(CHUNK, left))
                left -= len(data)
                if unzip is None:
                    yield accept(data)
                    continue
                while data:
                    # max_length bounds every step to one buffer: a bomb is stopped one buffer
                    # past its declared size, whatever it would expand to.
                    out = unzip.decompress(data, CHUNK)
                    if out:
                        yield accept(out)
                    data = unzip.unconsumed_tail
            if unzip is not None:
                tail = unzip.flush()
                if tail:
                    yield accept(tail)
                if not unzip.eof:
                    raise BundleError(f"成员 {member.name} 的压缩数据不完整", code="format")
        except zlib.error as exc:
            raise BundleError(f"成员 {member.name} 解压失败（数据损坏）", code="format") from exc
        if produced != member.size:
            raise BundleError(
                f"成员 {member.name} 实际 {produced} 字节，与声明的 {member.size} 字节不符", code="format"
            )
        if expected_sha256 is not None and digest.hexdigest() != expected_sha256:
            raise BundleError(f"成员 {member.name} 的 SHA-256 与清单不符（内容被改动）", code="hash")

    def read_all(self, member: Member, expected_sha256: str | None = None) -> bytes:
        return b"".join(self.chunks(member, expected_sha256))

    def lines(self, member: Member, expected_sha256: str | None = None) -> Iterator[bytes]:
        for block in self.blocks(member, expected_sha256):
            yield from (line for line in block.split(b"\n") if line)

    def blocks(self, member: Member, expected_sha256: str | None = None) -> Iterator[bytes]:
        """The content as runs of whole lines: every piece ends with a line break except perhaps the
        last (empty lines included). Cheaper than line by line for a reader that takes many at once;
        a line longer than ``MAX_LINE`` is refused as soon as that much of it has arrived."""
        pending: list[bytes] = []  # the start of a line not yet complete
        size = 0
        for chunk in self.chunks(member, expected_sha256):
            cut = chunk.rfind(b"\n") + 1
            if cut == 0:
                pending.append(chunk)
                size += len(chunk)
            else:
                view = memoryview(chunk)
                yield b"".join([*pending, view[:cut]])
                pending = [chunk[cut:]] if cut < len(chunk) else []
                size = len(chunk) - cut
            if size > MAX_LINE:
                raise BundleError(f"成员 {member.name} 中有一条记录超过 {MAX_LINE} 字节，已拒绝", code="oversize")
        if pending:
            yield b"".join(pending)
