"""The GB 18218-2018 result of one unit, shown live: S, α, R, the level, and the written-out calculation.

Values come from ``UnitAssessment.to_dict()``, whose rounding never shows a value on the other side
of a band edge (S = 0.99999 is not shown as 1). GUI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from hazdesk.domain.gb18218 import UnitAssessment
from ui.i18n import tr
from ui.widgets.coded_values import LEVEL_COLOURS

_LEVELS = {"一级": 1, "二级": 2, "三级": 3, "四级": 4}


class _Stat(QFrame):
    def __init__(self, caption: str) -> None:
        super().__init__()
        self.setObjectName("stat")
        self.caption = QLabel(caption)
        self.caption.setStyleSheet("color: #5f6368;")
        self.value = QLabel("—")
        self.value.setTextFormat(Qt.TextFormat.PlainText)
        font = self.value.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.value.setFont(font)
        self.note = QLabel()
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.setStyleSheet("color: #5f6368;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(1)
        layout.addWidget(self.caption)
        layout.addWidget(self.value)
        layout.addWidget(self.note)
        self.paint("#f1f3f4", "#202124")

    def paint(self, background: str, foreground: str) -> None:
        self.setStyleSheet(f"#stat {{ background: {background}; border-radius: 4px; }}")
        self.value.setStyleSheet(f"color: {foreground};")
        self.note.setStyleSheet(f"color: {foreground};" if foreground == "white" else "color: #5f6368;")
        self.caption.setStyleSheet(f"color: {foreground};" if foreground == "white" else "color: #5f6368;")

    def set_value(self, value: str, note: str = "") -> None:
        self.value.setText(value)
        self.note.setText(note)


class GradingPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.s_stat = _Stat(tr("S = Σq/Q"))
        self.alpha_stat = _Stat(tr("α（500 m 内人数）"))
        self.r_stat = _Stat(tr("R = α·Σβq/Q"))
        self.level_stat = _Stat(tr("级别"))
        stats = QHBoxLayout()
        for stat in (self.s_stat, self.alpha_stat, self.r_stat, self.level_stat):
            stats.addWidget(stat, 1)
        self.explain = QPlainTextEdit()
        self.explain.setReadOnly(True)
        self.explain.setMinimumHeight(110)
        self.warning = QLabel()
        self.warning.setTextFormat(Qt.TextFormat.PlainText)
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #c5221f;")
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(stats, 0, 0)
        layout.addWidget(self.warning, 1, 0)
        layout.addWidget(self.explain, 2, 0)
        self.show_assessment(None)

    def show_assessment(self, assessment: UnitAssessment | None, warning: str = "") -> None:
        self.warning.setText(warning)
        self.warning.setVisible(bool(warning))
        if assessment is None:
            for stat in (self.s_stat, self.alpha_stat, self.r_stat, self.level_stat):
                stat.set_value("—")
            self.level_stat.paint("#f1f3f4", "#202124")
            self.explain.setPlainText(tr("填写化学品及其数量后，按 GB 18218-2018 自动计算 S、α、R 和级别。"))
            return
        shown = assessment.to_dict()
        self.s_stat.set_value(str(shown["S"]), tr("≥ 1 构成重大危险源") if assessment.is_major else tr("< 1 不构成"))
        self.alpha_stat.set_value(str(shown["alpha"]), assessment.alpha_band)
        self.r_stat.set_value(str(shown["R"]), "" if assessment.is_major else tr("仅供参考"))
        if assessment.level is None:
            self.level_stat.set_value(tr("不构成重大危险源"))
            self.level_stat.paint("#e6f4ea", "#137333")
        else:
            self.level_stat.set_value(tr(assessment.level), tr("重大危险源"))
            self.level_stat.paint(LEVEL_COLOURS[_LEVELS[assessment.level]], "white")
        self.explain.setPlainText("\n".join(assessment.explain()))

    def level_text(self) -> str:
        return self.level_stat.value.text()
