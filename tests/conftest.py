"""Shared test set-up.

Qt runs offscreen (set before any QApplication exists). ``require(tool)`` is how a test tier asks for
an outside part (poppler's pdftotext, zbarimg, a PostgreSQL server): without it the test is skipped
on a developer's machine but FAILS under CI=true, so a missing install step can never hide.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require(condition: bool, what: str) -> None:
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI=true but {what} is missing: .ci/run must install it")
    pytest.skip(f"{what} is not available")


def require_tool(name: str) -> str:
    path = shutil.which(name)
    require(path is not None, f"the program {name!r}")
    assert path is not None
    return path


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "hazdesk.sqlite"


@pytest.fixture
def database(db_path: Path):
    from hazdesk.store.database import open_database

    db = open_database(db_path)
    yield db
    db.close()
