"""Starting the desktop: language, a CJK font, the database (first run builds it), the main window.

``run()`` is what ``hazdesk`` with no sub-command calls. GUI thread only.

When the database exists, the window's shell is shown first and the database is opened right after
its first paint: opening imports SQLAlchemy and the models (~0.3 s) and building the pages queries
the data, and the inspector should see the program respond before that. This module therefore
imports the store only inside functions; a test keeps it that way.
"""

from __future__ import annotations

import gc
import logging
import os
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QEventLoop, QObject, QSettings, QTimer
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from hazdesk.errors import HazdeskError
from hazdesk.paths import data_dir, default_database_path, resource_path
from ui.i18n import set_language, tr
from ui.jobs import run_job

if TYPE_CHECKING:
    from hazdesk.store.database import Database
    from ui.context import AppContext
    from ui.dialogs.first_run import FirstRunAnswers
    from ui.main_window import MainWindow

log = logging.getLogger(__name__)

# Fonts tried when the system offers no Simplified Chinese font (in this order): one shipped with the
# packaged app, then common Linux and Windows locations.
_FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simsun.ttc",
)


def ensure_cjk_font(app: QApplication) -> str | None:
    """Make sure Chinese renders as text, not boxes; returns the family used (None if none found)."""
    families = QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)
    if not families:
        shipped = sorted(resource_path("fonts").glob("*.tt[cf]")) if resource_path("fonts").is_dir() else []
        for candidate in [*map(str, shipped), *_FONT_CANDIDATES]:
            if Path(candidate).is_file():
                font_id = QFontDatabase.addApplicationFont(candidate)
                if font_id >= 0:
                    families = QFontDatabase.applicationFontFamilies(font_id)
                    break
    if not families:
        log.warning("no Chinese font found: install fonts-wqy-microhei")
        return None
    preferred = next((f for f in families if "Micro Hei" in f or "YaHei" in f), families[0])
    font = QFont(preferred)
    font.setPointSize(max(app.font().pointSize(), 10))
    app.setFont(font)
    return preferred


def wait_for(parent: QWidget | None, label: str, work: Callable[..., Any]) -> Any:
    """Run ``work`` off the GUI thread with the usual delayed progress dialog and wait for it."""
    loop = QEventLoop()
    outcome: dict[str, Any] = {}
    run_job(
        parent,
        label,
        work,
        on_done=lambda result: (outcome.setdefault("result", result), loop.quit()),
        on_error=lambda error: (outcome.setdefault("error", error), loop.quit()),
    )
    loop.exec()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("result")


def _create_database(answers: FirstRunAnswers, progress: Callable, cancelled: Callable[[], bool]) -> None:
    from hazdesk.store.database import open_database
    from hazdesk.store.reference_data import install_reference_data

    path = answers.database_path
    if answers.with_demo:
        from hazdesk.demo import build_demo  # the demo generator is only needed on this path

        build_demo(path, "district", seed=2026, district=answers.district_code, progress=progress, cancel=cancelled)
    db = open_database(path)
    try:
        with db.transaction() as session:
            install_reference_data(session)
        if answers.with_demo:
            # A demo laptop may number its documents at once; real laptops get their series from the
            # district lead (two fresh laptops picking the same default would collide).
            from hazdesk.documents.settings import set_device_series

            set_device_series(db, answers.district_code, "A")
    finally:
        db.close()


def _save_people(db: Database, answers: FirstRunAnswers) -> uuid.UUID:
    from hazdesk.store.models import Inspector

    if answers.existing_inspector is not None:
        return answers.existing_inspector
    assert answers.me is not None
    with db.transaction() as session:
        people = [answers.me] + ([answers.colleague] if answers.colleague else [])
        rows = [
            Inspector(name=p.name, cert_no=p.cert_no, district_code=answers.district_code, bureau=answers.bureau)
            for p in people
        ]
        session.add_all(rows)
        session.flush()
        return rows[0].id


def _ensure_sync_identity(ctx: AppContext) -> None:
    """Make this laptop's signing key at first run (under the data folder); an office user's
    database takes the office's sync role. A locked key (passphrase not given) does not stop the
    program: the sync page says what is wrong."""
    from hazdesk.store.models import Inspector
    from hazdesk.sync.keys import ensure_identity, set_sync_role, sync_role
    from ui.views.sync_support import passphrase

    try:
        with ctx.db.session() as session:
            inspector = session.get(Inspector, ctx.inspector_id) if ctx.inspector_id else None
            is_office = inspector is not None and inspector.role == "office"
        if is_office and sync_role(ctx.db) != "office":
            set_sync_role(ctx.db, "office")
        ensure_identity(ctx.db, ctx.data_root, passphrase(), district_code=ctx.district_code())
    except HazdeskError as exc:
        log.warning("sync keys not available: %s", exc)


def prepare(target: str | None, settings: QSettings, *, identity: bool = True) -> AppContext | None:
    """Open (or, on first run, create) the database and make sure an inspector is chosen.

    ``identity=False`` leaves making or loading this laptop's sync keys to the caller (the start-up
    does it after the window is ready); a first run always makes them here."""
    from hazdesk.store.database import open_database
    from hazdesk.store.models import Inspector
    from hazdesk.store.reference_data import install_reference_data
    from ui.context import AppContext
    from ui.dialogs.first_run import FirstRunDialog

    target = database_target(target, settings)
    is_file = "://" not in target
    if is_file and not Path(target).exists():
        dialog = FirstRunDialog(Path(target), needs_database=True)
        if dialog.exec() != FirstRunDialog.DialogCode.Accepted or dialog.answers is None:
            return None
        answers = dialog.answers
        target = str(answers.database_path)
        wait_for(
            None, tr("正在建立数据库…"), lambda progress, cancelled: _create_database(answers, progress, cancelled)
        )
        db = open_database(target)
        settings.setValue("data/database", target)
        ctx = AppContext(db, Path(target).parent, settings)
        ctx.set_inspector(_save_people(db, answers))
        _ensure_sync_identity(ctx)
        return ctx

    db = open_database(target)
    with db.transaction() as session:
        install_reference_data(session)
    ctx = AppContext(db, Path(target).parent if is_file else data_dir(), settings)
    with db.session() as session:
        inspectors = list(session.query(Inspector).filter(Inspector.deleted.is_(False)).order_by(Inspector.name))
        chosen = ctx.inspector_id
        if chosen is None or all(i.id != chosen for i in inspectors):
            choices = [(i.id, f"{i.name}（{i.cert_no}）") for i in inspectors]
            dialog = FirstRunDialog(Path(target), needs_database=False, inspectors=choices)
            if dialog.exec() != FirstRunDialog.DialogCode.Accepted or dialog.answers is None:
                db.close()
                return None
            ctx.set_inspector(_save_people(db, dialog.answers))
    if identity:
        _ensure_sync_identity(ctx)
    return ctx


def database_target(target: str | None, settings: QSettings) -> str:
    """The database to open: the one asked for, else the last one used, else the default file."""
    return target or str(settings.value("data/database", "") or default_database_path())


def settings_for(directory: Path) -> QSettings:
    """Settings live beside the data (an INI file), so HAZDESK_DATA_DIR isolates a whole installation."""
    directory.mkdir(parents=True, exist_ok=True)
    return QSettings(str(directory / "settings.ini"), QSettings.Format.IniFormat)


def run(db: str | None = None, lang: str | None = None, argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("hazdesk")
    settings = settings_for(data_dir())
    set_language(lang or str(settings.value("ui/language", "zh")))
    ensure_cjk_font(app)
    target = database_target(db, settings)
    from ui.main_window import MainWindow

    if "://" not in target and not Path(target).exists():
        # First run: the dialog comes before any window; the window then opens complete.
        ctx = _prepare_or_explain(target, settings)
        if ctx is None or ctx is False:
            return 1 if ctx is False else 0
        window = MainWindow(ctx)
        window.show()
        _settle()
    else:
        window = MainWindow(settings=settings)
        _PaintWatch(window, lambda: _open_into(window, target, settings))
        window.show()
    code = app.exec()
    if window.attached:
        window.context.db.close()
    return int(code)


def _prepare_or_explain(target: str, settings: QSettings, *, identity: bool = True) -> AppContext | bool | None:
    """prepare(), with a user error shown in a message box (then False)."""
    try:
        return prepare(target, settings, identity=identity)
    except HazdeskError as exc:
        QMessageBox.critical(None, tr("无法打开数据库"), str(exc))
        return False


def _open_into(window: MainWindow, target: str, settings: QSettings) -> None:
    ctx = _prepare_or_explain(target, settings, identity=False)
    if ctx is None or ctx is False:
        window.hide()
        QApplication.instance().exit(1 if ctx is False else 0)
        return
    window.attach(ctx)
    window.update()
    _settle()
    # The keys (and the crypto modules) matter to the 同步 page only: loaded once the window is up.
    QTimer.singleShot(0, lambda: _ensure_sync_identity(ctx))


def _settle() -> None:
    # Everything loaded so far lives as long as the program: move it out of the garbage collector's
    # sight so full collections (which otherwise land on a keystroke now and then) stay short.
    gc.collect()
    gc.freeze()
    log.info("main window ready")


class _PaintWatch(QObject):
    """Calls ``after_first_paint`` once the shell has been painted (so the user sees the window
    before the database is opened), and watches the paint after that.

    With HAZDESK_STARTUP_PROBE=1 (the start-up benchmark) it prints the wall clock of the shell's
    first paint and of the first paint with the pages filled in, then closes the window."""

    def __init__(self, window: MainWindow, after_first_paint: Callable[[], None]) -> None:
        super().__init__(window)
        self._window = window
        self._after_first_paint: Callable[[], None] | None = after_first_paint
        self._probe = bool(os.environ.get("HAZDESK_STARTUP_PROBE"))
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.Paint:
            return False
        if self._after_first_paint is not None:
            if self._probe:
                print(f"shell {time.time()!r}", flush=True)
            QTimer.singleShot(0, self._after_first_paint)
            self._after_first_paint = None
            if not self._probe:
                self._window.removeEventFilter(self)
        elif self._window.attached:
            print(f"ready {time.time()!r}", flush=True)
            self._window.removeEventFilter(self)
            QTimer.singleShot(0, self._window.close)
        return False
