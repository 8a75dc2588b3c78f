"""Fixtures for the desktop tests: a real database file, an AppContext with its own settings file and
a fixed 'today', and a Chinese font so screenshots show text."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

TODAY = dt.date(2026, 11, 22)


@pytest.fixture
def ctx(qapp, database, tmp_path: Path):
    from PySide6.QtCore import QSettings

    from hazdesk.store.reference_data import install_reference_data
    from ui.app import ensure_cjk_font
    from ui.context import AppContext

    ensure_cjk_font(qapp)
    with database.transaction() as session:
        install_reference_data(session)
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    return AppContext(database, tmp_path / "data", settings, today=lambda: TODAY)
