"""Labels and colours of the coded values an enterprise file shows (风险等级, 监测预警, 企业类型, 级别…).

The store keeps short ASCII codes (see ``hazdesk.store.models``); this is where the desk turns them
into words and colours. Labels are built on each call through ``tr`` because the interface language
is chosen at start-up, after this module is imported. GUI thread only (QPixmap).
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap

from hazdesk.domain.inspection_kinds import INSPECTION_KINDS
from hazdesk.domain.lifecycle import FindingStatus, Severity, label
from ui.i18n import tr

# 安全风险分级: 红 重大 / 橙 较大 / 黄 一般 / 蓝 低; 监测预警: 红 / 黄 / 绿.
COLOURS = {
    "red": "#d93025",
    "orange": "#ef7d18",
    "yellow": "#e0b000",
    "blue": "#1a73e8",
    "green": "#1e8e3e",
}


def risk_label(code: str | None) -> str:
    return {
        "red": tr("红（重大风险）"),
        "orange": tr("橙（较大风险）"),
        "yellow": tr("黄（一般风险）"),
        "blue": tr("蓝（低风险）"),
    }.get(code or "", tr("未评定"))


def risk_short(code: str | None) -> str:
    return {"red": tr("红"), "orange": tr("橙"), "yellow": tr("黄"), "blue": tr("蓝")}.get(code or "", "")


def monitoring_label(code: str | None) -> str:
    return {"red": tr("红"), "yellow": tr("黄"), "green": tr("绿")}.get(code or "", tr("未纳入"))


def role_labels() -> dict[str, str]:
    """企业类型 (ENTERPRISE_ROLES) in catalog order."""
    return {
        "production": tr("生产"),
        "storage": tr("储存"),
        "use": tr("使用"),
        "trade": tr("经营"),
        "transport": tr("运输"),
        "disposal": tr("废弃处置"),
    }


def unit_kind_labels() -> dict[str, str]:
    return {"production": tr("生产单元"), "storage": tr("储存单元")}


def level_label(level: int | None) -> str:
    """重大危险源级别 1–4; None: below S = 1."""
    return {1: tr("一级"), 2: tr("二级"), 3: tr("三级"), 4: tr("四级")}.get(level or 0, tr("不构成重大危险源"))


def grade_label(grade: int | None) -> str:
    """安全生产标准化等级."""
    return {1: tr("一级"), 2: tr("二级"), 3: tr("三级")}.get(grade or 0, tr("未达标/未评审"))


LEVEL_COLOURS = {1: "#b3261e", 2: "#d93025", 3: "#ef7d18", 4: "#e0b000"}

LICENCE_KINDS = (
    "安全生产许可证",
    "危险化学品经营许可证",
    "危险化学品安全使用许可证",
    "道路运输经营许可证",
    "危险废物经营许可证",
)

def inspection_kind_label(code: str) -> str:
    return tr(INSPECTION_KINDS[code]) if code in INSPECTION_KINDS else code


@cache
def dot(colour: str, size: int = 12) -> QIcon:
    """A filled circle: the colour cue beside a 红/黄/绿 word (never colour alone)."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(colour))
    painter.drawEllipse(1, 1, size - 2, size - 2)
    painter.end()
    return QIcon(pixmap)


def status_label(code: str) -> str:
    """隐患状态 (待整改, 已整改待复查…) in the interface language."""
    # Through tr(), like every other screen, so one status reads the same everywhere.
    try:
        return tr(label(FindingStatus(code)))
    except ValueError:
        return code


def severity_label(code: str) -> str:
    try:
        return tr(label(Severity(code)))
    except ValueError:
        return code
