"""整改期限 chooser: 立即 / 7 / 15 / 30 天 or a date, as one compact control. GUI thread only."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import QComboBox, QDateEdit, QHBoxLayout, QWidget

from hazdesk.domain.lifecycle import DEADLINE_DAYS, DeadlineChoice, deadline_for
from ui.i18n import tr

_DATE = "date"


class DeadlinePicker(QWidget):
    """Presets count from ``base`` (the day the order is given: today, or a finding's 发现日期)."""

    changed = Signal()

    def __init__(self, base: dt.date, parent: QWidget | None = None, *, allow_immediate: bool = True) -> None:
        super().__init__(parent)
        self._base = base
        self.combo = QComboBox()
        if allow_immediate:
            self.combo.addItem(tr("立即整改"), "immediate")
        for days in DEADLINE_DAYS:
            self.combo.addItem(tr("{n} 天").replace("{n}", str(days)), days)
        self.combo.addItem(tr("指定日期"), _DATE)
        self.date = QDateEdit()
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.date.setMinimumDate(_qdate(base))
        self.combo.setPlaceholderText(tr("请选择期限"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.combo)
        layout.addWidget(self.date)
        layout.addStretch(1)
        self.combo.currentIndexChanged.connect(self._on_combo)
        self.date.dateChanged.connect(lambda _d: self.changed.emit())
        self.set_choice(15)

    def set_base(self, base: dt.date) -> None:
        self._base = base
        self.date.setMinimumDate(_qdate(base))
        self._on_combo()

    def set_choice(self, choice: DeadlineChoice) -> None:
        index = self.combo.findData(_DATE if isinstance(choice, dt.date) else choice)
        self.combo.setCurrentIndex(max(index, 0))
        if isinstance(choice, dt.date):
            self.date.setDate(_qdate(choice))
        self._on_combo()

    def set_deadline(self, deadline: dt.date) -> None:
        """Show a stored deadline as the preset it equals (counted from ``base``), else as a date."""
        for index in range(self.combo.count()):
            data = self.combo.itemData(index)
            if data != _DATE and deadline_for(data, self._base) == deadline:
                self.set_choice(data)
                return
        self.date.setMinimumDate(min(_qdate(deadline), _qdate(self._base)))
        self.set_choice(deadline)

    def choice(self) -> DeadlineChoice:
        data = self.combo.currentData()
        return self.date.date().toPython() if data == _DATE else data

    def deadline(self) -> dt.date:
        """The date the choice means; raises ValidationError for a date before ``base``."""
        return deadline_for(self.choice(), self._base)

    def clear_choice(self) -> None:
        """No choice yet (the placeholder shows): for fields the inspector must fill consciously."""
        self.combo.setCurrentIndex(-1)

    def _on_combo(self) -> None:
        data = self.combo.currentData()
        custom = data == _DATE
        self.date.setEnabled(custom)
        self.date.setVisible(data is not None)
        if not custom and data is not None:
            # Show the date the preset stands for, so 15 天 reads as a day on the calendar.
            self.date.blockSignals(True)
            self.date.setDate(_qdate(deadline_for(data, self._base)))
            self.date.blockSignals(False)
        self.changed.emit()


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)
