"""Starting the desktop: language, a CJK font, the database (first run builds it), the main window.

``run()`` is what ``hazdesk`` with no sub-command calls. GUI thread only.
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
import sys
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, QSettings
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from hazdesk.errors import HazdeskError
from hazdesk.paths import data_dir, default_database_path, resource_path
from hazdesk.store.database import Database, open_database
from hazdesk.store.models import Inspector
from hazdesk.store.reference_data import install_reference_data
from ui.context import AppContext
from ui.dialogs.first_run import FirstRunAnswers, FirstRunDialog
from ui.i18n import set_language, tr
from ui.jobs import run_job

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


def prepare(target: str | None, settings: QSettings) -> AppContext | None:
    """Open (or, on first run, create) the database and make sure an inspector is chosen."""
    target = target or str(settings.value("data/database", "") or default_database_path())
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
    _ensure_sync_identity(ctx)
    return ctx


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
    try:
        ctx = prepare(db, settings)
    except HazdeskError as exc:
        QMessageBox.critical(None, tr("无法打开数据库"), str(exc))
        return 1
    if ctx is None:
        return 0
    from ui.main_window import MainWindow  # pages import the item models; only needed from here on

    window = MainWindow(ctx)
    window.show()
    # Everything loaded so far lives as long as the program: move it out of the garbage collector's
    # sight so full collections (which otherwise land on a keystroke now and then) stay short.
    gc.collect()
    gc.freeze()
    started = dt.datetime.now()
    log.info("main window shown at %s", started.isoformat(timespec="milliseconds"))
    code = app.exec()
    ctx.db.close()
    return int(code)
