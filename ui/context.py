"""What every window needs: the open database, where photos live, settings, today, and the signal
that tells views a service changed something.

Views never query each other: a service returns :class:`hazdesk.services.Changes`, the window that
called it passes them to :meth:`AppContext.publish`, and every view listening to ``changed``
refreshes what it shows of those records. ``navigate`` opens a record wherever it lives (a line on
the Today page opens the enterprise, the finding or the inspection it names).
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from hazdesk.errors import HazdeskError
from hazdesk.services import Changes
from hazdesk.store.database import Database
from hazdesk.store.models import Inspector
from ui.i18n import tr

log = logging.getLogger(__name__)


class AppContext(QObject):
    changed = Signal(object)  # Changes
    navigate_requested = Signal(str, object)  # ("enterprise" | "finding" | "inspection", uuid)

    def __init__(
        self,
        db: Database,
        data_root: Path,
        settings: QSettings,
        today: Callable[[], dt.date] = dt.date.today,
    ) -> None:
        super().__init__()
        self.db = db
        self.data_root = data_root
        self.settings = settings
        self._today = today

    def today(self) -> dt.date:
        return self._today()

    def publish(self, changes: Changes) -> None:
        if changes:
            self.changed.emit(changes)

    def navigate(self, kind: str, record_id: uuid.UUID) -> None:
        self.navigate_requested.emit(kind, record_id)

    # --- the inspector at the keyboard ---------------------------------------------------------
    @property
    def inspector_id(self) -> uuid.UUID | None:
        value = self.settings.value("profile/inspector_id", "")
        try:
            return uuid.UUID(str(value)) if value else None
        except ValueError:
            return None

    def set_inspector(self, inspector_id: uuid.UUID) -> None:
        self.settings.setValue("profile/inspector_id", str(inspector_id))

    def district_code(self) -> str | None:
        """The district of the inspector at the keyboard (None in office mode: every district)."""
        inspector_id = self.inspector_id
        if inspector_id is None:
            return None
        with self.db.session() as session:
            inspector = session.get(Inspector, inspector_id)
            return inspector.district_code if inspector is not None and inspector.role != "office" else None

    # --- errors ----------------------------------------------------------------------------------
    def show_error(self, parent: QWidget | None, error: BaseException, title: str | None = None) -> None:
        """A user error shows its own message; anything else says so plainly and goes to the log."""
        if isinstance(error, HazdeskError):
            QMessageBox.warning(parent, title or tr("无法完成操作"), str(error))
            return
        log.error("unexpected error: %s", getattr(error, "__hazdesk_traceback__", repr(error)))
        QMessageBox.critical(
            parent,
            title or tr("程序错误"),
            tr("操作没有完成，数据未改动。") + f"\n\n{type(error).__name__}: {error}",
        )
