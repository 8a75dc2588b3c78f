"""Errors that carry a message meant for the person at the keyboard.

The CLI prints ``str(error)`` as its one line; the desktop shows it in a dialog. Messages name the
problem (which file, which row, which field) in the language of the interface (Chinese first).
"""

from __future__ import annotations


class HazdeskError(Exception):
    """Base class: anything a user can cause and understand."""


class ValidationError(HazdeskError):
    """Bad input; ``field`` names what was wrong when it is one field."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class DatabaseError(HazdeskError):
    """The database cannot be opened or used (not a database, newer version, read-only…)."""


class TransitionError(HazdeskError):
    """A finding was asked to move to a lifecycle state it may not reach from where it is."""
