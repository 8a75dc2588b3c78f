"""hazdesk/ never imports Qt: every module of the core imports in a process that has no Qt loaded."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import hazdesk


def test_importing_every_core_module_loads_no_qt() -> None:
    modules = [
        m.name for m in pkgutil.walk_packages(hazdesk.__path__, "hazdesk.") if not m.name.endswith("__main__")
    ]
    assert len(modules) > 10
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "qt = sorted(m for m in sys.modules if m.split('.')[0] in {'PySide6', 'PyQt5', 'PyQt6', 'shiboken6'})\n"
        "print('QT:' + ','.join(qt))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "QT:", result.stdout
