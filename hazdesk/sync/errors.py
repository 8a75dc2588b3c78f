"""Errors of the sync layer. Each names the problem in Chinese, for the CLI's one line and the desktop."""

from __future__ import annotations

import uuid

from hazdesk.errors import HazdeskError


class BundleError(HazdeskError):
    """A bundle that cannot be written, read or applied.

    ``code`` is a stable machine name (``truncated``, ``signature``, ``member_name``, ``bomb``…) that the
    desktop uses to group rejected bundles; the message says the same for a person.
    """

    def __init__(
        self,
        message: str,
        *,
        code: str,
        bundle_id: uuid.UUID | None = None,
        signer: str = "",
    ) -> None:
        super().__init__(message)
        self.code = code
        self.bundle_id = bundle_id
        self.signer = signer


class KeyFileError(HazdeskError):
    """A key file is missing, unreadable, malformed or protected by a passphrase we do not have."""


class SyncCancelled(HazdeskError):
    """The user cancelled an export or import; nothing was written."""

    def __init__(self) -> None:
        super().__init__("已取消，数据库和输出目录均未改动")
