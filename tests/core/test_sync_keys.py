"""Setting, changing and removing the passphrase on a device's private keys (Qt-free): the keys and so
the fingerprint stay the same, the files stay 0600 and are replaced atomically, a wrong current
passphrase changes nothing, and a change interrupted between the two files can be completed."""

from __future__ import annotations

import os
import stat
import uuid
from pathlib import Path

import pytest

from hazdesk.sync.errors import KeyFileError
from hazdesk.sync.keys import (
    PassphraseError,
    change_passphrase,
    has_keys,
    key_dir,
    keys_protected,
    load_keys,
    load_or_create_keys,
)


def _pems(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(key_dir(root).glob("*.pem"))}


def test_a_passphrase_is_set_changed_and_removed_without_changing_the_keys(tmp_path: Path) -> None:
    device = uuid.uuid4()
    assert not has_keys(tmp_path, device) and not keys_protected(tmp_path, device)
    made = load_or_create_keys(tmp_path, device)
    assert has_keys(tmp_path, device) and not keys_protected(tmp_path, device)

    keys = change_passphrase(tmp_path, device, None, "口令-secret".encode())
    assert keys.fingerprint == made.fingerprint
    assert keys_protected(tmp_path, device)
    assert all(b"ENCRYPTED PRIVATE KEY" in pem for pem in _pems(tmp_path).values())
    with pytest.raises(PassphraseError, match="HAZDESK_KEY_PASSPHRASE") as missing:
        load_keys(tmp_path, device)
    assert missing.value.missing
    opened = load_keys(tmp_path, device, "口令-secret".encode())
    assert opened.fingerprint == made.fingerprint and opened.encryption_public == made.encryption_public

    change_passphrase(tmp_path, device, "口令-secret".encode(), b"another one")
    with pytest.raises(PassphraseError, match="口令错误") as wrong:
        load_keys(tmp_path, device, "口令-secret".encode())
    assert not wrong.value.missing
    assert load_keys(tmp_path, device, b"another one").fingerprint == made.fingerprint

    change_passphrase(tmp_path, device, b"another one", None)
    assert not keys_protected(tmp_path, device)
    assert load_keys(tmp_path, device).fingerprint == made.fingerprint


@pytest.mark.skipif(os.name != "posix", reason="file modes")
def test_rewritten_key_files_are_private_and_leave_no_temporary_files(tmp_path: Path) -> None:
    device = uuid.uuid4()
    load_or_create_keys(tmp_path, device)
    change_passphrase(tmp_path, device, None, b"longenough")
    files = sorted(key_dir(tmp_path).iterdir())
    assert [p.name.split(".", 1)[1] for p in files] == ["encryption.pem", "signing.pem"]  # no .key-* left
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in files)
    assert stat.S_IMODE(key_dir(tmp_path).stat().st_mode) == 0o700


def test_a_wrong_current_passphrase_changes_nothing(tmp_path: Path) -> None:
    device = uuid.uuid4()
    load_or_create_keys(tmp_path, device, b"right passphrase")
    before = _pems(tmp_path)
    with pytest.raises(PassphraseError) as wrong:
        change_passphrase(tmp_path, device, b"wrong passphrase", b"new passphrase")
    assert not wrong.value.missing
    with pytest.raises(PassphraseError, match="当前口令") as missing:
        change_passphrase(tmp_path, device, None, b"new passphrase")
    assert missing.value.missing
    assert _pems(tmp_path) == before


def test_a_change_interrupted_between_the_two_files_can_be_completed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    device = uuid.uuid4()
    made = load_or_create_keys(tmp_path, device, b"old passphrase")
    real_replace = os.replace
    calls: list[object] = []

    def crash_on_second(src: object, dst: object) -> None:
        calls.append(dst)
        if len(calls) == 2:
            raise OSError("power cut")
        real_replace(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", crash_on_second)
    with pytest.raises(OSError, match="power cut"):
        change_passphrase(tmp_path, device, b"old passphrase", b"new passphrase")
    monkeypatch.setattr(os, "replace", real_replace)
    assert not [p for p in key_dir(tmp_path).iterdir() if p.name.startswith(".key-")]
    with pytest.raises(PassphraseError):  # one file has the new passphrase, the other the old
        load_keys(tmp_path, device, b"new passphrase")

    change_passphrase(tmp_path, device, b"old passphrase", b"new passphrase")  # the same change again
    assert load_keys(tmp_path, device, b"new passphrase").fingerprint == made.fingerprint


def test_no_keys_yet_is_said_plainly(tmp_path: Path) -> None:
    with pytest.raises(KeyFileError, match="没有私钥"):
        change_passphrase(tmp_path, uuid.uuid4(), None, b"whatever passphrase")
