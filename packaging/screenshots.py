"""Starts the desktop offscreen on demo data and saves a screenshot of each main screen to
docs/screenshots/ (the README shows them).

    .venv/bin/python packaging/screenshots.py [--db DEMO.sqlite] [--lang zh|en] [--out docs/screenshots]

Without --db a district demo database is built in a temporary folder first (about a minute).
Dialogs are shown non-modally for the picture and closed again.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sqlite3
import sys
import tempfile
import time
import uuid
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TODAY = dt.date(2026, 11, 22)


def _first(database: Path, sql: str) -> uuid.UUID:
    with sqlite3.connect(database) as raw:
        return uuid.UUID(hex=raw.execute(sql).fetchone()[0])


def _shrink(path: Path) -> None:
    """A 256-colour palette keeps screenshots of text legible at about a third of the size."""
    from PIL import Image

    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path)
    parser.add_argument("--lang", default="zh")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from ui.app import ensure_cjk_font, prepare
    from ui.i18n import set_language

    work = Path(tempfile.mkdtemp(prefix="hazdesk-shots-"))
    database = args.db
    if database is None:
        from hazdesk.demo import build_demo

        database = work / "demo.sqlite"
        build_demo(database, "district", seed=2026, today=TODAY)
    settings = QSettings(str(work / "settings.ini"), QSettings.Format.IniFormat)
    inspector = _first(database, "SELECT id FROM inspector WHERE deleted = 0 ORDER BY cert_no LIMIT 1")
    settings.setValue("profile/inspector_id", str(inspector))

    app = QApplication([])
    set_language(args.lang)
    ensure_cjk_font(app)
    ctx = prepare(str(database), settings)
    assert ctx is not None
    ctx._today = lambda: TODAY  # screenshots of a fixed day, whatever the clock says

    from ui.main_window import MainWindow

    window = MainWindow(ctx)
    window.resize(1400, 860)
    window.show()
    args.out.mkdir(parents=True, exist_ok=True)
    suffix = "" if args.lang == "zh" else f"-{args.lang}"

    def settle() -> None:
        for _ in range(5):
            app.processEvents()

    def shot(name: str, widget=None) -> None:
        settle()
        target = widget or window
        path = args.out / f"{name}{suffix}.png"
        target.grab().save(str(path))
        _shrink(path)
        print(path)

    window.show_page(window.page_index("today"))
    shot("01-today")
    window.show_page(window.page_index("enterprises"))
    shot("02-enterprises")
    enterprise = _first(
        database,
        "SELECT e.id FROM enterprise e JOIN major_hazard_source m ON m.enterprise_id = e.id"
        " WHERE e.deleted = 0 ORDER BY m.level, e.name LIMIT 1",
    )
    window.open_record("enterprise", enterprise)
    shot("03-enterprise-detail")
    window.show_page(window.page_index("inspections"))
    shot("04-inspections")
    draft = _first(
        database, "SELECT id FROM inspection WHERE deleted = 0 ORDER BY state = 'draft' DESC, started_at DESC LIMIT 1"
    )
    window.open_record("inspection", draft)
    shot("05-inspection")
    window.show_page(window.page_index("findings"))
    shot("06-findings")
    finding = _first(
        database,
        "SELECT id FROM finding WHERE deleted = 0 AND status = 'pending' "
        "ORDER BY severity = 'major' DESC, deadline LIMIT 1",
    )
    window.open_record("finding", finding)
    dialog = window.findings.finding_dialog
    if dialog is not None:
        shot("07-finding", dialog)
        dialog.close()
    window.show_page(window.page_index("enterprises"))
    from ui.dialogs.hazard_source import HazardSourceDialog

    source = _first(
        database, "SELECT id FROM major_hazard_source WHERE deleted = 0 AND level IS NOT NULL ORDER BY level LIMIT 1"
    )
    with ctx.db.session() as session:
        from hazdesk.store.models import MajorHazardSource

        owner = session.get(MajorHazardSource, source).enterprise_id
    hazard = HazardSourceDialog(ctx, owner, source, window)
    hazard.resize(1180, 780)
    hazard.show()
    shot("08-hazard-source", hazard)
    hazard.close()
    from ui.dialogs.documents import DocumentsDialog

    completed = _first(
        database,
        "SELECT i.id FROM inspection i JOIN finding f ON f.inspection_id = i.id"
        " WHERE i.state = 'completed' ORDER BY i.started_at DESC LIMIT 1",
    )
    documents = DocumentsDialog(ctx, completed, window)
    documents.show()
    documents.kind.setCurrentIndex(1)
    for _ in range(60):  # the preview renders off the GUI thread, QtPdf paints asynchronously
        app.processEvents()
        time.sleep(0.05)
    shot("09-documents", documents)
    documents.close()
    window.close()


if __name__ == "__main__":
    main()
