"""Device keys: an Ed25519 key that signs this device's bundles and an X25519 key that bundles for it
are encrypted to, made at first use and kept under ``<data root>/keys`` readable only by the user.

A *public key file* (JSON) carries both public keys, the device id, role and district, and a
self-signature that binds the encryption key to the signing key: the fingerprint (SHA-256 of the
signing key) is what a person compares by eye at enrolment, so nothing else in the file may be
swapped without breaking the signature. The office enrols a district laptop from this file; a
district encrypts its bundles to the office's file.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
import socket
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from hazdesk.store.database import Database
from hazdesk.store.models import DEVICE_ROLES, Device, LocalSetting
from hazdesk.sync.errors import KeyFileError


class PassphraseError(KeyFileError):
    """The private keys are passphrase-protected and the passphrase was not given (``missing``) or is
    wrong. The desktop asks for it again; the CLI names ``HAZDESK_KEY_PASSPHRASE``."""

    def __init__(self, message: str, *, missing: bool) -> None:
        super().__init__(message)
        self.missing = missing


PUBLIC_KEY_FORMAT = "hazdesk-public-key"
PUBLIC_KEY_VERSION = 1
ROLE_SETTING = "sync_role"
ENCRYPTED_PEM = b"-----BEGIN ENCRYPTED PRIVATE KEY-----"
_RAW = serialization.Encoding.Raw, serialization.PublicFormat.Raw


def fingerprint(signing_public: bytes) -> str:
    """SHA-256 of the raw Ed25519 public key, lowercase hex (64 characters)."""
    return hashlib.sha256(signing_public).hexdigest()


def display_fingerprint(value: str) -> str:
    """The first 128 bits in groups of four, upper case: what a person reads aloud on the phone."""
    head = value[:32].upper()
    return " ".join(head[i : i + 4] for i in range(0, len(head), 4))


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: Any, what: str, size: int) -> bytes:
    try:
        raw = base64.b64decode(str(text), validate=True)
    except ValueError as exc:
        raise KeyFileError(f"公钥文件中的{what}不是有效的 base64") from exc
    if len(raw) != size:
        raise KeyFileError(f"公钥文件中的{what}长度应为 {size} 字节，实际 {len(raw)}")
    return raw


@dataclass(frozen=True)
class PublicIdentity:
    """What other devices know of a device: ids, role and its two public keys."""

    device_id: uuid.UUID
    name: str
    role: str
    district_code: str
    signing_key: bytes  # Ed25519, raw 32 bytes
    encryption_key: bytes  # X25519, raw 32 bytes

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.signing_key)

    def _signed_fields(self) -> dict[str, Any]:
        return {
            "format": PUBLIC_KEY_FORMAT,
            "version": PUBLIC_KEY_VERSION,
            "device_id": str(self.device_id),
            "name": self.name,
            "role": self.role,
            "district_code": self.district_code,
            "signing_key": _b64(self.signing_key),
            "encryption_key": _b64(self.encryption_key),
        }

    def _message(self) -> bytes:
        return json.dumps(self._signed_fields(), sort_keys=True, ensure_ascii=False).encode("utf-8")

    def verify_self_signature(self, signature: bytes) -> None:
        try:
            Ed25519PublicKey.from_public_bytes(self.signing_key).verify(signature, self._message())
        except InvalidSignature as exc:
            raise KeyFileError("公钥文件的自签名无效：文件被改动过，请向对方重新索取") from exc


@dataclass(frozen=True)
class DeviceKeys:
    """This device's private keys (never leave ``<data root>/keys``)."""

    device_id: uuid.UUID
    signing: Ed25519PrivateKey
    encryption: X25519PrivateKey

    @property
    def signing_public(self) -> bytes:
        return self.signing.public_key().public_bytes(*_RAW)

    @property
    def encryption_public(self) -> bytes:
        return self.encryption.public_key().public_bytes(*_RAW)

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.signing_public)

    def identity(self, *, name: str, role: str, district_code: str) -> PublicIdentity:
        return PublicIdentity(self.device_id, name, role, district_code, self.signing_public, self.encryption_public)


# --- private key files ---------------------------------------------------------------------
def key_dir(data_root: Path) -> Path:
    return data_root / "keys"


def _key_paths(data_root: Path, device_id: uuid.UUID) -> tuple[Path, Path]:
    base = key_dir(data_root)
    return base / f"{device_id}.signing.pem", base / f"{device_id}.encryption.pem"


def _stage_private(path: Path, pem: bytes) -> Path:
    """Write ``pem`` to a temporary file next to ``path`` (mode 0600 from the start, never world-readable
    for an instant, flushed to disk); the caller renames it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if os.name == "posix":
        os.chmod(path.parent, 0o700)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".key-")
    try:
        if os.name == "posix":
            os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return Path(temp)


def _sync_dir(directory: Path) -> None:
    """Make the renames in ``directory`` durable (POSIX; elsewhere the rename itself is enough)."""
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_private(path: Path, pem: bytes) -> None:
    # Written to a temporary name and renamed, so a crash never leaves a half-written key that would
    # lock the laptop out.
    temp = _stage_private(path, pem)
    try:
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _encryption(passphrase: bytes | None) -> serialization.KeySerializationEncryption:
    if passphrase:
        return serialization.BestAvailableEncryption(passphrase)
    return serialization.NoEncryption()


def _is_protected(data: bytes) -> bool:
    return ENCRYPTED_PEM in data


def _load_private(path: Path, passphrase: bytes | None) -> Any:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise KeyFileError(f"无法读取私钥文件 {path}：{exc.strerror}") from exc
    try:
        return serialization.load_pem_private_key(data, password=passphrase or None)
    except TypeError as exc:
        if passphrase:
            raise KeyFileError(f"私钥文件 {path} 未加密，却提供了口令") from exc
        raise PassphraseError(
            f"私钥文件 {path} 受口令保护：请输入口令（或设置 HAZDESK_KEY_PASSPHRASE）", missing=True
        ) from exc
    except ValueError as exc:
        if passphrase and _is_protected(data):
            raise PassphraseError(f"私钥口令错误：无法打开私钥文件 {path}（或文件已损坏）", missing=False) from exc
        raise KeyFileError(f"无法读取私钥文件 {path}：口令错误或文件已损坏") from exc


def load_or_create_keys(data_root: Path, device_id: uuid.UUID, passphrase: bytes | None = None) -> DeviceKeys:
    """This device's keys; made on first use (optionally protected by ``passphrase``)."""
    signing_path, encryption_path = _key_paths(data_root, device_id)
    if not signing_path.exists():
        signing = Ed25519PrivateKey.generate()
        pem = signing.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, _encryption(passphrase)
        )
        _write_private(signing_path, pem)
    if not encryption_path.exists():
        encryption = X25519PrivateKey.generate()
        pem = encryption.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, _encryption(passphrase)
        )
        _write_private(encryption_path, pem)
    signing = _load_private(signing_path, passphrase)
    encryption = _load_private(encryption_path, passphrase)
    if not isinstance(signing, Ed25519PrivateKey) or not isinstance(encryption, X25519PrivateKey):
        raise KeyFileError(f"{key_dir(data_root)} 中的私钥类型不对（应为 Ed25519 与 X25519）")
    return DeviceKeys(device_id, signing, encryption)


def load_keys(data_root: Path, device_id: uuid.UUID, passphrase: bytes | None = None) -> DeviceKeys:
    """This device's existing keys (no new ones: decrypting needs the key a bundle was made for)."""
    signing_path, encryption_path = _key_paths(data_root, device_id)
    if not signing_path.exists() or not encryption_path.exists():
        raise KeyFileError(f"本机（{device_id}）在 {key_dir(data_root)} 中没有私钥，无法解密发给本机的数据包")
    return load_or_create_keys(data_root, device_id, passphrase)


def has_keys(data_root: Path, device_id: uuid.UUID) -> bool:
    """Whether this device's private keys have been made (both files exist)."""
    return all(path.exists() for path in _key_paths(data_root, device_id))


def keys_protected(data_root: Path, device_id: uuid.UUID) -> bool:
    """Whether this device's private keys exist and are passphrase-protected (read from the PEM header,
    without the passphrase)."""
    for path in _key_paths(data_root, device_id):
        try:
            if _is_protected(path.read_bytes()):
                return True
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise KeyFileError(f"无法读取私钥文件 {path}：{exc.strerror}") from exc
    return False


def change_passphrase(data_root: Path, device_id: uuid.UUID, old: bytes | None, new: bytes | None) -> DeviceKeys:
    """Protect this device's existing private keys with ``new`` (``None`` or empty: no passphrase).

    ``old`` opens them (``None`` for unprotected keys; a wrong one raises :class:`PassphraseError`).
    The keys themselves do not change, so neither do the fingerprint nor the enrolment at the office.
    Both files are written to temporary names (mode 0600) first and then renamed; a file that already
    opens with ``new`` (a change interrupted between the two renames) is accepted, so running the same
    change again completes it.
    """
    new = new or None
    paths = _key_paths(data_root, device_id)
    if not has_keys(data_root, device_id):
        raise KeyFileError(f"本机（{device_id}）在 {key_dir(data_root)} 中没有私钥，无需设置口令")
    loaded = []
    for path in paths:
        try:
            loaded.append(_load_private(path, old if _is_protected(path.read_bytes()) else None))
        except PassphraseError:
            if new is None or old == new:
                raise
            try:
                loaded.append(_load_private(path, new))
            except PassphraseError:
                if old is None:
                    raise PassphraseError(f"私钥文件 {path} 受口令保护：请输入当前口令", missing=True) from None
                raise PassphraseError(f"当前口令错误：无法打开私钥文件 {path}", missing=False) from None
    signing, encryption = loaded
    if not isinstance(signing, Ed25519PrivateKey) or not isinstance(encryption, X25519PrivateKey):
        raise KeyFileError(f"{key_dir(data_root)} 中的私钥类型不对（应为 Ed25519 与 X25519）")
    staged: list[tuple[Path, Path]] = []
    try:
        for path, key in zip(paths, (signing, encryption), strict=True):
            pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, _encryption(new))
            staged.append((_stage_private(path, pem), path))
        for temp, path in staged:
            os.replace(temp, path)
    finally:
        for temp, _path in staged:
            temp.unlink(missing_ok=True)
    _sync_dir(key_dir(data_root))
    return DeviceKeys(device_id, signing, encryption)


# --- this database's identity ----------------------------------------------------------------
def sync_role(db: Database) -> str:
    with db.session() as session:
        setting = session.get(LocalSetting, ROLE_SETTING)
        return str(setting.value) if setting is not None else "district"


def set_sync_role(db: Database, role: str) -> None:
    if role not in DEVICE_ROLES:
        raise ValueError(role)
    with db.transaction() as session:
        setting = session.get(LocalSetting, ROLE_SETTING)
        if setting is None:
            session.add(LocalSetting(key=ROLE_SETTING, value=role))
        else:
            setting.value = role
        device = session.get(Device, db.device_id)
        if device is not None and device.role != role:
            device.role = role


def ensure_identity(
    db: Database, data_root: Path, passphrase: bytes | None = None, *, district_code: str | None = None
) -> tuple[DeviceKeys, PublicIdentity]:
    """Make this device's keys if needed and record its public key in its own Device row."""
    keys = load_or_create_keys(data_root, db.device_id, passphrase)
    role = sync_role(db)
    with db.transaction() as session:
        device = session.get(Device, db.device_id)
        if device is None:
            device = Device(
                id=db.device_id,
                name=socket.gethostname()[:128] or "hazdesk",
                role=role,
                district_code=district_code,
                enrolled_at=dt.datetime.now().replace(microsecond=0),  # a device trusts itself
            )
            session.add(device)
        if district_code and device.district_code != district_code:
            device.district_code = district_code
        if device.public_key != keys.signing_public:
            # A new key (the data directory changed): the office must enrol this laptop again.
            device.public_key = keys.signing_public
            device.fingerprint = keys.fingerprint
        identity = keys.identity(name=device.name, role=role, district_code=device.district_code or "")
    return keys, identity


# --- public key files ------------------------------------------------------------------------
def write_public_key(keys: DeviceKeys, identity: PublicIdentity, path: Path) -> Path:
    fields = identity._signed_fields()
    fields["fingerprint"] = identity.fingerprint
    fields["self_signature"] = _b64(keys.signing.sign(identity._message()))
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.tmp")
    temp.write_text(json.dumps(fields, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(temp, path)
    return path


def public_key_file_name(identity: PublicIdentity) -> str:
    return f"hazdesk-{identity.role}-{identity.fingerprint[:8]}.pub.json"


def read_public_key(path: Path) -> PublicIdentity:
    """Load and check a public key file (format, key sizes, fingerprint, self-signature)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise KeyFileError(f"无法读取公钥文件 {path}：{exc.strerror}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise KeyFileError(f"{path} 不是 hazdesk 公钥文件（不是 JSON）") from exc
    if not isinstance(data, dict) or data.get("format") != PUBLIC_KEY_FORMAT:
        raise KeyFileError(f"{path} 不是 hazdesk 公钥文件")
    if data.get("version") != PUBLIC_KEY_VERSION:
        raise KeyFileError(f"公钥文件 {path} 的版本 {data.get('version')} 不受支持")
    try:
        device_id = uuid.UUID(str(data["device_id"]))
        role = str(data["role"])
        identity = PublicIdentity(
            device_id=device_id,
            name=str(data.get("name", ""))[:128],
            role=role,
            district_code=str(data.get("district_code", ""))[:12],
            signing_key=_unb64(data["signing_key"], "签名公钥", 32),
            encryption_key=_unb64(data["encryption_key"], "加密公钥", 32),
        )
        signature = _unb64(data["self_signature"], "自签名", 64)
    except KeyError as exc:
        raise KeyFileError(f"公钥文件 {path} 缺少字段 {exc.args[0]}") from exc
    except ValueError as exc:
        raise KeyFileError(f"公钥文件 {path} 的设备编号无效") from exc
    if role not in DEVICE_ROLES:
        raise KeyFileError(f"公钥文件 {path} 的角色 {role!r} 无效")
    if data.get("fingerprint") not in (None, identity.fingerprint):
        raise KeyFileError(f"公钥文件 {path} 的指纹与公钥不符")
    identity.verify_self_signature(signature)
    return identity
