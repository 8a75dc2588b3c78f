"""Sync: hybrid logical clock, per-field stamps, bundles (write, verify, read), merge, receipts.

Importing this package (which ``hazdesk.store.database`` does through ``hazdesk.sync.clock``)
installs the session listener that records per-field stamps of local edits, so every Database
records them whether or not the sync code is otherwise used.
"""

from hazdesk.sync import fieldstamps as _fieldstamps

_fieldstamps.install()
