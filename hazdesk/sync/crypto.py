"""Encrypting a bundle body to a recipient's X25519 key, in segments.

Scheme ``X25519-HKDF-SHA256-AES256GCM-STREAM-1``: a fresh ephemeral X25519 key per bundle; the
shared secret goes through HKDF-SHA256 (salt = ephemeral ‖ recipient public key, info names the
scheme and the bundle id) to one AES-256 key used for this bundle only. The plaintext is cut into
segments (1 MiB by default) so neither side ever holds a whole bundle in memory. Segment *i* is
sealed with the nonce ``i`` (11 bytes, big-endian) ‖ ``final flag`` (1 byte), the STREAM
construction: a nonce is never reused (fresh key, strictly increasing counter), segments cannot be
reordered, and a body cut at a segment boundary fails because its new last segment was not sealed
as final. The bundle id is the associated data of every segment.
"""

from __future__ import annotations

import uuid
from typing import BinaryIO, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from hazdesk.sync.errors import BundleError

SCHEME = "X25519-HKDF-SHA256-AES256GCM-STREAM-1"
SEGMENT_SIZE = 1 << 20
TAG_SIZE = 16
_INFO = b"hazdesk bundle " + SCHEME.encode("ascii")
_RAW = serialization.Encoding.Raw, serialization.PublicFormat.Raw


class Sink(Protocol):
    def write(self, data: bytes, /) -> object: ...


def _derive(shared: bytes, ephemeral: bytes, recipient: bytes, bundle_id: uuid.UUID) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=ephemeral + recipient, info=_INFO + bundle_id.bytes).derive(
        shared
    )


def _nonce(index: int, final: bool) -> bytes:
    return index.to_bytes(11, "big") + (b"\x01" if final else b"\x00")


def sender_key(recipient_public: bytes, bundle_id: uuid.UUID) -> tuple[bytes, bytes]:
    """(AES key, ephemeral public key to put in the bundle header) for a new bundle."""
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = ephemeral.public_key().public_bytes(*_RAW)
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient_public))
    return _derive(shared, ephemeral_public, recipient_public, bundle_id), ephemeral_public


def recipient_key(private: X25519PrivateKey, ephemeral_public: bytes, bundle_id: uuid.UUID) -> bytes:
    recipient_public = private.public_key().public_bytes(*_RAW)
    try:
        shared = private.exchange(X25519PublicKey.from_public_bytes(ephemeral_public))
    except ValueError as exc:  # a low-order point: no shared secret
        raise BundleError("数据包的加密参数无效", code="decrypt", bundle_id=bundle_id) from exc
    return _derive(shared, ephemeral_public, recipient_public, bundle_id)


class EncryptingWriter:
    """A file-like sink: plaintext in, sealed segments out to ``sink``. Call :meth:`close` once."""

    def __init__(self, sink: Sink, key: bytes, bundle_id: uuid.UUID, segment_size: int = SEGMENT_SIZE):
        self._sink = sink
        self._aead = AESGCM(key)
        self._aad = bundle_id.bytes
        self._size = segment_size
        self._buffer = bytearray()
        self._index = 0
        self._closed = False

    def write(self, data: bytes) -> int:
        self._buffer += data
        # Keep at least one byte back: the last segment must be sealed as final, and we only know
        # which one is last at close().
        while len(self._buffer) > self._size:
            self._seal(bytes(self._buffer[: self._size]), final=False)
            del self._buffer[: self._size]
        return len(data)

    def _seal(self, plaintext: bytes, *, final: bool) -> None:
        self._sink.write(self._aead.encrypt(_nonce(self._index, final), plaintext, self._aad))
        self._index += 1

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._seal(bytes(self._buffer), final=True)
            self._buffer.clear()


class DecryptingReader:
    """Reads plaintext from a ciphertext stream of known total length (``read(n)`` like a file)."""

    def __init__(
        self, source: BinaryIO, total: int, key: bytes, bundle_id: uuid.UUID, segment_size: int = SEGMENT_SIZE
    ):
        self._source = source
        self._remaining = total
        self._aead = AESGCM(key)
        self._aad = bundle_id.bytes
        self._bundle_id = bundle_id
        self._size = segment_size
        self._index = 0
        self._plain = b""
        self._offset = 0
        self._done = False
        if total < TAG_SIZE:
            raise BundleError("加密数据不完整", code="truncated", bundle_id=bundle_id)

    def _next_segment(self) -> None:
        want = min(self._size + TAG_SIZE, self._remaining)
        sealed = self._source.read(want)
        if len(sealed) != want:
            raise BundleError("加密数据不完整（被截断）", code="truncated", bundle_id=self._bundle_id)
        self._remaining -= want
        final = self._remaining == 0
        if not final and self._remaining < TAG_SIZE:
            raise BundleError("加密数据长度不对", code="decrypt", bundle_id=self._bundle_id)
        try:
            self._plain = self._aead.decrypt(_nonce(self._index, final), sealed, self._aad)
        except InvalidTag as exc:
            raise BundleError(
                f"无法解密第 {self._index + 1} 段：数据被改动、截断，或不是发给本机的",
                code="decrypt",
                bundle_id=self._bundle_id,
            ) from exc
        self._offset = 0
        self._index += 1
        self._done = final

    def read(self, size: int) -> bytes:
        parts: list[bytes] = []
        while size > 0:
            if self._offset >= len(self._plain):
                if self._done:
                    break
                self._next_segment()
                continue
            chunk = self._plain[self._offset : self._offset + size]
            self._offset += len(chunk)
            size -= len(chunk)
            parts.append(chunk)
        return b"".join(parts)
