"""Photos arriving in a bundle go into the content-addressed store (:mod:`hazdesk.store.attachments`).

A file that is already there is never rewritten (the same name means the same bytes). A new one is
written to a temporary name and renamed only after its SHA-256 was checked, so neither a crash nor a
forged member can leave a wrong file under a hash name. Files are written before the import commits:
if it rolls back they stay as unreferenced files, which is harmless (they are what they claim to be).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from hazdesk.store.attachments import attachment_path
from hazdesk.sync.errors import BundleError, SyncCancelled


def store_stream(root: Path, sha256: str, chunks: Iterable[bytes], cancelled: Callable[[], bool]) -> Path:
    target = attachment_path(root, sha256)
    if target.is_file():
        for _ in chunks:  # still read (and so verify) the member: the stream continues after it
            if cancelled():
                raise SyncCancelled()
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
    digest = hashlib.sha256()
    try:
        with os.fdopen(fd, "wb") as handle:
            for chunk in chunks:
                if cancelled():
                    raise SyncCancelled()
                digest.update(chunk)
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        if digest.hexdigest() != sha256:
            raise BundleError(f"照片 {sha256[:12]}… 的内容与其 SHA-256 不符", code="hash")
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return target
