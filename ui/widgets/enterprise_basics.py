"""基本信息 of an enterprise file: base data, 两重点一重大 with the key-supervision summary, licences
with their validity. Read-only; every value is plain text. GUI thread only.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hazdesk.domain import uscc
from hazdesk.domain.key_supervision import KeySupervision
from hazdesk.errors import ValidationError
from hazdesk.store.models import Enterprise
from ui.i18n import tr
from ui.widgets.coded_values import COLOURS, grade_label, monitoring_label, risk_label, role_labels

OLD_PLANT_YEARS = 10  # 老旧装置: in service for more than ten years
EXPIRING_DAYS = 90  # a licence this close to its end is flagged for renewal
_FIELDS = (
    ("uscc", "统一社会信用代码"),
    ("district", "所在区县"),
    ("address", "地址"),
    ("coordinates", "坐标"),
    ("industry", "行业"),
    ("roles", "企业类型"),
    ("legal", "法定代表人"),
    ("contact", "安全负责人"),
    ("phone", "联系电话"),
    ("park", "化工园区"),
    ("dense", "人员密集区"),
    ("grade", "安全生产标准化"),
    ("risk", "安全风险等级"),
    ("monitoring", "监测预警等级"),
    ("blacklist", "黑名单"),
    ("year", "装置投用年份"),
    ("notes", "备注"),
)


def _value_label() -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def licence_state(valid_until: str, today: dt.date) -> tuple[str, str]:
    """(text, colour) of a licence's validity on ``today``."""
    try:
        until = dt.date.fromisoformat(valid_until)
    except ValueError:
        return (tr("有效期未填") if not valid_until else tr("日期无法识别"), "#5f6368")
    if until < today:
        return tr("已过期 {n} 天").format(n=(today - until).days), "#c5221f"
    if (until - today).days <= EXPIRING_DAYS:
        return tr("{n} 天后到期").format(n=(until - today).days), "#b06000"
    return tr("有效"), "#137333"


class BasicsTab(QScrollArea):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        content = QWidget()
        self.values: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        for key, title in _FIELDS:
            self.values[key] = _value_label()
            form.addRow(tr(title) + tr("："), self.values[key])
        base = QGroupBox(tr("基本信息"))
        base.setLayout(form)

        flags = QGroupBox(tr("两重点一重大"))
        self.supervision = _value_label()
        flags_layout = QVBoxLayout(flags)
        flags_layout.addWidget(self.supervision)
        licences = QGroupBox(tr("证照"))
        self.licences = QTableWidget(0, 5)
        self.licences.setHorizontalHeaderLabels([tr(h) for h in ("证照种类", "编号", "发证机关", "有效期至", "状态")])
        self.licences.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.licences.verticalHeader().hide()
        header = self.licences.horizontalHeader()
        # Kind, number, date and state whole; the issuing authority takes what is left (elided, full
        # text in the tooltip), so no scroll bar hides the only row.
        for column in (0, 1, 3, 4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.licences.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        licence_layout = QVBoxLayout(licences)
        licence_layout.addWidget(self.licences)
        right = QVBoxLayout()
        right.addWidget(flags)
        right.addWidget(licences)
        right.addStretch(1)  # the licence table is as tall as its rows, not the page

        left = QVBoxLayout()
        left.addWidget(base)
        left.addStretch(1)
        row = QHBoxLayout(content)
        row.addLayout(left, 1)
        row.addLayout(right, 1)
        self.setWidget(content)

    def show_file(self, e: Enterprise, district: str, supervision: KeySupervision, today: dt.date) -> None:
        try:
            described = uscc.describe(e.uscc)
        except ValidationError as exc:  # an imported record may carry a bad code: say so, do not hide it
            described = str(exc)
        roles = role_labels()
        values = {
            "uscc": f"{e.uscc}\n{described}",
            "district": district,
            "address": e.address,
            "coordinates": f"{e.longitude:.6g}, {e.latitude:.6g}"
            if e.longitude is not None and e.latitude is not None
            else "",
            "industry": e.industry,
            "roles": tr("、").join(roles.get(r, r) for r in e.roles),
            "legal": e.legal_representative,
            "contact": e.safety_contact,
            "phone": e.phone,
            "park": (tr("是") + (f"（{e.chemical_park}）" if e.chemical_park else ""))
            if e.in_chemical_park
            else tr("否"),
            "dense": tr("是") if e.population_dense_area else tr("否"),
            "grade": grade_label(e.standardization_grade),
            "risk": risk_label(e.risk_colour),
            "monitoring": monitoring_label(e.monitoring_level),
            "blacklist": (tr("是") + (f"：{e.blacklist_reason}" if e.blacklist_reason else ""))
            if e.blacklisted
            else tr("否"),
            "year": self._year(e.commissioned_year, today),
            "notes": e.notes,
        }
        for key, text in values.items():
            self.values[key].setText(text or "—")
            self.values[key].setStyleSheet("")
        for key, code in (("risk", e.risk_colour), ("monitoring", e.monitoring_level)):
            if code in COLOURS:
                self.values[key].setStyleSheet(f"color: {COLOURS[code]}; font-weight: bold;")
        if e.blacklisted:
            self.values["blacklist"].setStyleSheet("color: #c5221f; font-weight: bold;")
        self.supervision.setText(supervision.summary().replace("；", "\n"))  # one of the three per line
        self._show_licences(e.licences or [], today)

    def _year(self, year: int | None, today: dt.date) -> str:
        if year is None:
            return ""
        age = today.year - year
        if age > OLD_PLANT_YEARS:
            return tr("{year} 年（已投用 {age} 年，属老旧装置）").format(year=year, age=age)
        return tr("{year} 年").format(year=year)

    def _show_licences(self, licences: list[dict[str, str]], today: dt.date) -> None:
        self.licences.setRowCount(0)
        for licence in licences:
            row = self.licences.rowCount()
            self.licences.insertRow(row)
            state, colour = licence_state(str(licence.get("valid_until") or ""), today)
            texts = [str(licence.get(k) or "") for k in ("kind", "number", "issuer", "valid_until")] + [state]
            for column, text in enumerate(texts):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if column == 4:
                    item.setForeground(QBrush(QColor(colour)))
                self.licences.setItem(row, column, item)
        # Fit the table to its rows (at least one, so an empty list still shows its header).
        rows_height = sum(self.licences.rowHeight(r) for r in range(self.licences.rowCount()))
        rows_height = max(rows_height, self.licences.verticalHeader().defaultSectionSize())
        self.licences.setFixedHeight(self.licences.horizontalHeader().height() + rows_height + 4)
