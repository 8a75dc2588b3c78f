"""hazdesk core: domain rules, store, sync, documents, reports and the CLI.

This package never imports Qt; the desktop interface lives in ``ui/`` and calls into it.
"""

__version__ = "0.1.0"
