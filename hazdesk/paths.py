"""Where hazdesk finds its resources and keeps its data.

One function per location so that a source checkout, an installed wheel and a frozen (PyInstaller)
build all resolve the same names.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

_PACKAGE_DIR = Path(__file__).resolve().parent
_REPO_ROOT = _PACKAGE_DIR.parent


def _bundled(name: str) -> Path:
    """Locate a top-level folder (``resources`` or ``db``) in a frozen build, a wheel or a checkout."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / name
    in_wheel = _PACKAGE_DIR / f"_{name}"  # see [tool.hatch.build.targets.wheel.force-include]
    if in_wheel.is_dir():
        return in_wheel
    return _REPO_ROOT / name


def resource_path(*parts: str) -> Path:
    """Path of a file under ``resources/`` (catalogs, checklists, fonts, translations…)."""
    return _bundled("resources").joinpath(*parts)


def migrations_dir() -> Path:
    """The Alembic environment (``db/``)."""
    return _bundled("db")


def data_dir() -> Path:
    """The user's data directory (database, photos, keys). ``HAZDESK_DATA_DIR`` overrides it."""
    override = os.environ.get("HAZDESK_DATA_DIR")
    if override:
        return Path(override)
    return Path(platformdirs.user_data_dir("hazdesk", appauthor=False))


def default_database_path() -> Path:
    return data_dir() / "hazdesk.sqlite"
