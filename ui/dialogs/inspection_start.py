"""开始检查: the enterprise, checklist, at least two inspectors, place, time, site leader and kind.

The dialog calls :func:`hazdesk.services.inspections.start_inspection` itself, so a refusal (one
inspector only, …) is shown beside its field and nothing typed is lost. GUI thread only.
"""

from __future__ import annotations

import datetime as dt
import uuid

from PySide6.QtCore import QDateTime, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDateTimeEdit,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from hazdesk.errors import ValidationError
from hazdesk.services.inspections import InspectionStart, start_inspection
from hazdesk.services.people import MIN_INSPECTORS
from hazdesk.store.models import ChecklistTemplate, Enterprise, Inspector
from ui.context import AppContext
from ui.i18n import tr
from ui.models.inspections import KIND_LABELS
from ui.widgets.dialog_buttons import ok_cancel
from ui.widgets.finding_form import ERROR_STYLE

MAJOR_TEMPLATE_CODE = "MH-2017-121"


class InspectionStartDialog(QDialog):
    started = Signal(object)  # the new inspection's id

    def __init__(self, ctx: AppContext, enterprise_id: uuid.UUID | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.inspection_id: uuid.UUID | None = None
        self.setWindowTitle(tr("开始现场检查"))
        self.setMinimumWidth(560)
        district = ctx.district_code()

        self.enterprise = QComboBox()
        self.enterprise.setEditable(True)
        self.enterprise.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.template = QComboBox()
        self.inspectors = QListWidget()
        self.inspectors.setToolTip(tr("勾选参加检查的执法人员（至少两名）"))
        self.place = QLineEdit()
        self.place.setPlaceholderText(tr("如：液氯储罐区、生产车间"))
        self.started_at = QDateTimeEdit()
        self.started_at.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.started_at.setCalendarPopup(True)
        now = dt.datetime.combine(ctx.today(), dt.datetime.now().time().replace(second=0, microsecond=0))
        self.started_at.setDateTime(QDateTime(now))
        self.leader = QLineEdit()
        self.leader_title = QLineEdit()
        self.leader_phone = QLineEdit()
        self.kind = QComboBox()
        for code, text in KIND_LABELS.items():
            self.kind.addItem(tr(text), code)

        with ctx.db.session() as session:
            enterprises = session.execute(
                select(Enterprise.id, Enterprise.name, Enterprise.address)
                .where(Enterprise.deleted.is_(False), *([Enterprise.district_code == district] if district else []))
                .order_by(Enterprise.name)
            ).all()
            if enterprise_id is not None and all(row[0] != enterprise_id for row in enterprises):
                chosen = session.get(Enterprise, enterprise_id)  # from another district: still allowed
                if chosen is not None:
                    enterprises.insert(0, (chosen.id, chosen.name, chosen.address))
            templates = session.execute(
                select(ChecklistTemplate.id, ChecklistTemplate.name, ChecklistTemplate.code)
                .where(ChecklistTemplate.deleted.is_(False))
                .order_by(ChecklistTemplate.code.desc(), ChecklistTemplate.version.desc())
            ).all()
            officers = session.execute(
                select(Inspector.id, Inspector.name, Inspector.cert_no)
                .where(
                    Inspector.deleted.is_(False),
                    Inspector.active.is_(True),
                    *([Inspector.district_code == district] if district else []),
                )
                .order_by(Inspector.name)
            ).all()

        self._addresses = {row[0]: row[2] for row in enterprises}
        for eid, name, _address in enterprises:
            self.enterprise.addItem(name, eid)
        self.enterprise.completer().setFilterMode(Qt.MatchFlag.MatchContains)
        self.enterprise.completer().setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.enterprise.currentIndexChanged.connect(self._enterprise_changed)
        if enterprise_id is not None:
            self.enterprise.setCurrentIndex(max(_index_of(self.enterprise, enterprise_id), 0))
            self.enterprise.setEnabled(False)  # started from an enterprise's page: that enterprise
        self._enterprise_changed()
        for tid, name, code in templates:
            self.template.addItem(name, tid)
            if code == MAJOR_TEMPLATE_CODE:
                self.template.setItemData(
                    self.template.count() - 1, tr("重大隐患判定：不符合即为重大隐患"), Qt.ItemDataRole.ToolTipRole
                )
        # Default: the checklist used last on this laptop, else a general one — never the 重大隐患判定
        # list by accident, where every 不符合 is a 重大隐患.
        general = next((tid for tid, _name, code in templates if code != MAJOR_TEMPLATE_CODE), None)
        last = str(ctx.settings.value("inspections/template", "") or "")
        preferred = next((tid for tid, _n, _c in templates if str(tid) == last), general)
        if preferred is not None:
            self.select_template(preferred)
        me = ctx.inspector_id
        for oid, name, cert in officers:
            item = QListWidgetItem(f"{name}（{tr('执法证号')} {cert}）")
            item.setData(Qt.ItemDataRole.UserRole, oid)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if oid == me else Qt.CheckState.Unchecked)
            self.inspectors.addItem(item)
        self.inspectors.setFixedHeight(min(6, max(len(officers), 2)) * 24 + 8)

        self._errors: dict[str, QLabel] = {}
        form = QFormLayout()
        for field, caption, widget in (
            ("enterprise", tr("被检查单位"), self.enterprise),
            ("template", tr("检查表"), self.template),
            ("inspectors", tr("执法人员"), self.inspectors),
            ("place", tr("检查场所"), self.place),
            ("started_at", tr("开始时间"), self.started_at),
            ("site_leader", tr("现场负责人"), self.leader),
            ("site_leader_title", tr("职务"), self.leader_title),
            ("site_leader_phone", tr("联系电话"), self.leader_phone),
            ("kind", tr("检查类型"), self.kind),
        ):
            form.addRow(caption, widget)
            error = QLabel()
            error.setStyleSheet(ERROR_STYLE)
            error.setWordWrap(True)
            error.hide()
            self._errors[field] = error
            form.addRow("", error)
        buttons, self.ok_button = ok_cancel(
            tr("开始检查"), self.submit, self.reject, ok_tip=tr("保存并开始作答（Ctrl+Enter）")
        )
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def select_template(self, template_id: uuid.UUID) -> None:
        self.template.setCurrentIndex(max(_index_of(self.template, template_id), 0))

    def _enterprise_changed(self) -> None:
        address = self._addresses.get(self.enterprise.currentData(), "")
        if address and not self.place.text():
            self.place.setPlaceholderText(address)

    def checked_inspectors(self) -> list[uuid.UUID]:
        return [
            self.inspectors.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.inspectors.count())
            if self.inspectors.item(i).checkState() == Qt.CheckState.Checked
        ]

    def set_inspectors(self, ids: list[uuid.UUID]) -> None:
        for i in range(self.inspectors.count()):
            item = self.inspectors.item(i)
            checked = item.data(Qt.ItemDataRole.UserRole) in ids
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def error_text(self, field: str) -> str:
        label = self._errors[field]
        return label.text() if not label.isHidden() else ""

    def submit(self) -> None:
        for label in self._errors.values():
            label.hide()
        chosen = self.checked_inspectors()
        if len(chosen) < MIN_INSPECTORS:  # said at the field before asking the service
            self._show(ValidationError(tr("现场检查须有至少两名执法人员"), field="inspectors"))
            return
        enterprise_id = self.enterprise.currentData()
        if enterprise_id is None or self.enterprise.currentText() != self.enterprise.itemText(
            self.enterprise.currentIndex()
        ):
            self._show(ValidationError(tr("请从列表中选择被检查单位"), field="enterprise"))
            return
        start = InspectionStart(
            enterprise_id=enterprise_id,
            inspector_ids=tuple(chosen),
            started_at=self.started_at.dateTime().toPython(),
            template_id=self.template.currentData(),  # remembered below once the start succeeds
            # An empty place means the enterprise's own address (shown as the placeholder).
            place=self.place.text().strip() or self._addresses.get(enterprise_id, ""),
            kind=self.kind.currentData(),
            site_leader=self.leader.text(),
            site_leader_title=self.leader_title.text(),
            site_leader_phone=self.leader_phone.text(),
        )
        try:
            self.inspection_id, changes = start_inspection(self._ctx.db, start)
        except ValidationError as exc:
            self._show(exc)
            return
        except Exception as exc:  # shown, and the dialog stays open with everything typed
            self._ctx.show_error(self, exc)
            return
        self._ctx.settings.setValue("inspections/template", str(start.template_id))
        self._ctx.publish(changes)
        self.started.emit(self.inspection_id)
        self.accept()

    def _show(self, error: ValidationError) -> None:
        label = self._errors.get(error.field or "")
        if label is None:
            self._ctx.show_error(self, error)
            return
        label.setText(str(error))
        label.show()


def _index_of(combo: QComboBox, value: object) -> int:
    # findData cannot match Python objects such as UUIDs (they are compared as opaque wrappers).
    return next((i for i in range(combo.count()) if combo.itemData(i) == value), -1)
