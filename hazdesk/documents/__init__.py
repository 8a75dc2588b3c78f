"""Enforcement documents (执法文书): 现场检查记录, 责令限期整改指令书, 整改复查意见书, 现场处理措施决定书.

Public API (all Qt-free, safe to call from a worker thread):

* :func:`preview_document` — a watermarked, unnumbered draft; nothing stored;
* :func:`issue_document` — number, freeze (snapshot + PDF SHA-256) and optionally write the PDF;
* :func:`reprint` — the issued PDF again, byte for byte;
* :func:`verify_pdf` — is a PDF file an unaltered issued document of this store;
* :func:`batch_issue` — a day's documents with progress and cancel;
* :func:`void_document` — void a document; its number stays taken;
* settings: :func:`bureau_settings`, :func:`save_bureau_settings`, :func:`set_device_series`,
  :func:`set_font_path`.

See docs/documents.md for the numbering, freezing and QR/verification design.
"""

from __future__ import annotations

from hazdesk.documents.batch import BatchResult, batch_issue
from hazdesk.documents.numbering import KINDS, TITLES
from hazdesk.documents.service import (
    FrozenDocumentError,
    IssuedDocument,
    Preview,
    ensure_editable,
    issue_document,
    preview_document,
    reprint,
    update_draft,
    void_document,
)
from hazdesk.documents.settings import (
    BureauSettings,
    bureau_settings,
    save_bureau_settings,
    set_device_series,
    set_font_path,
)
from hazdesk.documents.verify import Verification, verify_pdf

__all__ = [
    "KINDS",
    "TITLES",
    "BatchResult",
    "BureauSettings",
    "FrozenDocumentError",
    "IssuedDocument",
    "Preview",
    "Verification",
    "batch_issue",
    "bureau_settings",
    "ensure_editable",
    "issue_document",
    "preview_document",
    "reprint",
    "save_bureau_settings",
    "set_device_series",
    "set_font_path",
    "update_draft",
    "verify_pdf",
    "void_document",
]
