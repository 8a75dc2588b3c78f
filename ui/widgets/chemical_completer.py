"""Completing chemical names while typing: GB 18218-2018 Table 1 (name, alias or CAS) and the key
supervised chemicals, plus the Table 2 hazard classes for chemicals Table 1 does not list.

The popup shows "氯 · 液氯、氯气 · 7782-50-5 · Q 5 t"; typing any part of that line finds it, and
choosing it enters the canonical name. GUI thread only.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QCompleter, QLineEdit, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from hazdesk.domain import gb18218, key_supervision

NAME_ROLE = Qt.ItemDataRole.UserRole


@cache
def _entries() -> tuple[tuple[str, str], ...]:
    """(line shown and searched, name entered), Table 1 first, then key chemicals it does not list."""
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for row in gb18218.catalog().rows:
        aliases = "、".join((*row.aliases, *row.search_names))
        parts = [row.name, aliases, "、".join(row.cas), f"Q {float(row.Q):g} t"]
        out.append((" · ".join(p for p in parts if p), row.name))
        seen.update(gb18218.normalize_name(n) for n in (row.name, *row.aliases, *row.search_names))
    for chem in key_supervision.key_chemicals():
        if gb18218.normalize_name(chem.name) in seen:
            continue
        parts = [chem.name, "、".join(chem.aliases), "、".join(chem.cas), "重点监管"]
        out.append((" · ".join(p for p in parts if p), chem.name))
    return tuple(out)


class ChemicalCompleter(QCompleter):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        model = QStandardItemModel(self)
        for line, name in _entries():
            item = QStandardItem(line)
            item.setData(name, NAME_ROLE)
            model.appendRow(item)
        self.setModel(model)
        self.setFilterMode(Qt.MatchFlag.MatchContains)
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setMaxVisibleItems(12)

    def pathFromIndex(self, index: QModelIndex | QPersistentModelIndex) -> str:
        return str(index.data(NAME_ROLE) or "")


def hazard_class_choices() -> list[tuple[str, str]]:
    """("", "—") then (symbol, "W3 易燃液体 类别1… Q 10 t") for each Table 2 class."""
    classes = gb18218.catalog().classes.values()
    return [("", "—")] + [(c.symbol, f"{c.symbol} {c.category} {c.description}（Q {float(c.Q):g} t）") for c in classes]


class CompletingDelegate(QStyledItemDelegate):
    """A table cell editor with the chemical completer."""

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QWidget:
        editor = QLineEdit(parent)
        editor.setCompleter(ChemicalCompleter(editor))
        return editor

    def setModelData(
        self, editor: QWidget, model: QAbstractItemModel, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        assert isinstance(editor, QLineEdit)
        model.setData(index, editor.text().strip(), Qt.ItemDataRole.EditRole)
