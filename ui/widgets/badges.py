"""Small coloured chips ("重点工艺", "重点化学品", "重大危险源二级") drawn in a table cell.

The model gives ``[(text, colour)]`` under a custom role; the display text stays plain for tooltips,
copying and tests. Each distinct set of chips is drawn once into a pixmap and blitted afterwards: a
table repaints every visible cell on each keystroke of the search, and painting rounded rectangles
and text from Python cost ~0.2 ms a cell. GUI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPixmap
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

_PAD_X, _GAP, _RADIUS = 5, 4, 3
Badges = tuple[tuple[str, str], ...]


class BadgeDelegate(QStyledItemDelegate):
    def __init__(self, role: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._role = role
        self._pixmaps: dict[tuple[Badges, str, float], QPixmap] = {}

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        # Let the style draw the selection/hover background, but not the plain text.
        plain = QStyleOptionViewItem(option)
        self.initStyleOption(plain, index)
        plain.text = ""
        widget = option.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, plain, painter, widget)
        badges = tuple(index.data(self._role) or ())
        if not badges:
            return
        ratio = painter.device().devicePixelRatioF()
        pixmap = self._pixmap(badges, option.font, ratio)
        rect = option.rect
        width = min(round(pixmap.width() / ratio), rect.width() - 4)  # the tooltip carries what is cut
        y = rect.y() + (rect.height() - round(pixmap.height() / ratio)) // 2
        source = QRectF(0, 0, width * ratio, pixmap.height())
        painter.drawPixmap(QRectF(rect.x() + 4, y, width, pixmap.height() / ratio), pixmap, source)

    def _pixmap(self, badges: Badges, font: QFont, ratio: float) -> QPixmap:
        key = (badges, font.key(), ratio)
        cached = self._pixmaps.get(key)
        if cached is not None:
            return cached
        metrics = QFontMetrics(font)
        height = metrics.height() + 2
        widths = [metrics.horizontalAdvance(text) + 2 * _PAD_X for text, _ in badges]
        pixmap = QPixmap(round((sum(widths) + _GAP * (len(widths) - 1)) * ratio), round(height * ratio))
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setFont(font)
        x = 0.0
        for (text, colour), width in zip(badges, widths, strict=True):
            rect = QRectF(x, 0, width, height)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(colour))
            painter.drawRoundedRect(rect, _RADIUS, _RADIUS)
            painter.setPen(QColor("white"))
            painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), text)
            x += width + _GAP
        painter.end()
        self._pixmaps[key] = pixmap  # a handful of combinations: 3 flags × 5 levels
        return pixmap

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        metrics = QFontMetrics(option.font)
        badges = index.data(self._role) or []
        width = sum(metrics.horizontalAdvance(t) + 2 * _PAD_X + _GAP for t, _ in badges) + 8
        return QSize(max(width, 40), metrics.height() + 8)
