"""The main window: a navigation list on the left, one page at a time on the right.

The window is built in two steps so that it appears at once: the shell (navigation, menu, status
bar, remembered geometry) needs only Qt, and :meth:`MainWindow.attach` fills in the pages once the
database is open — opening it imports SQLAlchemy and the models, which takes longer than showing a
window. Pages are built once and kept; ``AppContext.navigate`` brings the page that owns a kind of
record to the front and asks it to open that record. Window geometry and the last page are
remembered. GUI thread only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QSettings, QSize, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

import hazdesk
from ui.i18n import tr

if TYPE_CHECKING:
    from ui.context import AppContext

# (key, title) of each page, in navigation order; Ctrl+1… follow this order.
PAGES = (
    ("today", "今日"),
    ("enterprises", "企业（一企一档）"),
    ("inspections", "现场检查"),
    ("findings", "隐患"),
    ("sync", "同步"),
)


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext | None = None, *, settings: QSettings | None = None) -> None:
        """The shell alone when ``ctx`` is None (then ``settings`` must be given), else the whole window."""
        super().__init__()
        self._ctx: AppContext | None = None
        self._settings = settings if ctx is None else ctx.settings
        assert self._settings is not None, "MainWindow needs a context or the settings"
        self.setWindowTitle(tr("危化品安全执法 hazdesk"))
        self.setMinimumSize(QSize(1100, 700))

        self.nav = QListWidget()
        self.nav.setFixedWidth(170)
        self.nav.setStyleSheet("QListWidget { font-size: 15px; } QListWidget::item { padding: 10px 8px; }")
        self.stack = QStackedWidget()
        self._loading = QLabel(tr("正在打开数据库…"))
        self._loading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._loading.setStyleSheet("color: #666; font-size: 16px;")
        self.stack.addWidget(self._loading)
        for index, (_key, title) in enumerate(PAGES, start=1):
            item = QListWidgetItem(tr(title))
            item.setToolTip(f"Ctrl+{index}")
            self.nav.addItem(item)
            QShortcut(QKeySequence(f"Ctrl+{index}"), self, activated=lambda i=index - 1: self.show_page(i))
        self.nav.currentRowChanged.connect(self._switch)

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self._build_menu()
        self._status = QLabel()
        self._status.setTextFormat(Qt.TextFormat.PlainText)
        self.statusBar().addPermanentWidget(self._status)
        self._status.setText(tr("正在打开数据库…"))
        QShortcut(QKeySequence.StandardKey.Find, self, activated=self._focus_search)
        self._restore()
        if ctx is not None:
            self.attach(ctx)

    @property
    def attached(self) -> bool:
        return self._ctx is not None

    @property
    def context(self) -> AppContext:
        assert self._ctx is not None, "the window has no database yet"
        return self._ctx

    def attach(self, ctx: AppContext) -> None:
        """Build the pages on the open database and show the page the user had last."""
        from ui.views.enterprises import EnterprisesPage
        from ui.views.findings import FindingsPage
        from ui.views.inspections import InspectionsPage
        from ui.views.today import TodayPage

        assert self._ctx is None, "attach() is called once"
        self._ctx = ctx
        self._settings = ctx.settings
        self.today = TodayPage(ctx)
        self.enterprises = EnterprisesPage(ctx)
        self.inspections = InspectionsPage(ctx)
        self.findings = FindingsPage(ctx)
        # The sync page pulls in the bundle and crypto modules (~100 ms): built on first visit.
        self.sync_slot = QWidget()
        self._sync_page: QWidget | None = None
        for widget in (self.today, self.enterprises, self.inspections, self.findings, self.sync_slot):
            self.stack.addWidget(widget)
        self.stack.removeWidget(self._loading)
        self._loading.deleteLater()
        ctx.navigate_requested.connect(self.open_record)
        self._refresh_status()
        self._switch(max(self.nav.currentRow(), 0))

    # --- navigation ----------------------------------------------------------------------------
    def show_page(self, index: int) -> None:
        self.nav.setCurrentRow(index)

    def _switch(self, index: int) -> None:
        if self._ctx is None or index < 0:
            return  # the shell shows "opening the database" until attach()
        if PAGES[index][0] == "sync" and self._sync_page is None:
            self.sync  # noqa: B018 - builds the page
        self.stack.setCurrentIndex(index)

    @property
    def sync(self) -> QWidget:
        """The 同步 page, built the first time it is needed."""
        if self._sync_page is None:
            from ui.views.sync import SyncPage

            assert self._ctx is not None
            self._sync_page = SyncPage(self._ctx)
            layout = QHBoxLayout(self.sync_slot)
            layout.setContentsMargins(0, 0, 0, 0)
            layout.addWidget(self._sync_page)
        return self._sync_page

    def page_index(self, key: str) -> int:
        return next(i for i, (page_key, _title) in enumerate(PAGES) if page_key == key)

    def open_record(self, kind: str, record_id: Any) -> None:
        if kind == "enterprise":
            self.show_page(self.page_index("enterprises"))
            self.enterprises.open_record(record_id)
        elif kind == "inspection":
            self.show_page(self.page_index("inspections"))
            self.inspections.open_record(record_id)
        elif kind == "new_inspection":
            self.show_page(self.page_index("inspections"))
            self.inspections.start_for(record_id)
        elif kind == "finding":
            self.show_page(self.page_index("findings"))
            self.findings.open_record(record_id)
        elif kind == "findings":  # a Today tile: record_id carries the FindingFilters
            self.show_page(self.page_index("findings"))
            self.findings.show_filtered(record_id)

    def _focus_search(self) -> None:
        if self._ctx is None:
            return
        page = self.stack.currentWidget()
        focus = getattr(page, "focus_search", None)
        if focus is None:
            self.show_page(self.page_index("enterprises"))
            focus = self.enterprises.focus_search
        focus()

    # --- menu and status -----------------------------------------------------------------------
    def _build_menu(self) -> None:
        file_menu = self.menuBar().addMenu(tr("文件"))
        quit_action = QAction(tr("退出"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        settings_menu = self.menuBar().addMenu(tr("设置"))
        documents = QAction(tr("文书设置（机关、编号序列）…"), self)
        documents.triggered.connect(self._document_settings)
        settings_menu.addAction(documents)
        language = settings_menu.addMenu(tr("界面语言"))
        for code, name in (("zh", "简体中文"), ("en", "English")):
            action = QAction(name, self)
            action.triggered.connect(lambda _=False, c=code: self._set_language(c))
            language.addAction(action)

        help_menu = self.menuBar().addMenu(tr("帮助"))
        about = QAction(tr("关于"), self)
        about.triggered.connect(self._about)
        help_menu.addAction(about)

    def _document_settings(self) -> None:
        from ui.dialogs.document_settings import DocumentSettingsDialog

        if self._ctx is None:
            return
        district = self._ctx.district_code()
        if district is None:
            QMessageBox.information(self, tr("文书设置"), tr("文书设置属于区县执法机关，请以区县执法人员身份使用。"))
            return
        DocumentSettingsDialog(self._ctx, district, self).exec()

    def _set_language(self, code: str) -> None:
        self._settings.setValue("ui/language", code)
        QMessageBox.information(self, tr("界面语言"), tr("重新启动程序后生效。"))

    def _about(self) -> None:
        QMessageBox.about(
            self,
            tr("关于"),
            f"hazdesk {hazdesk.__version__}\n{tr('危险化学品安全执法桌面系统')}\n\n{tr('数据库')}：{self._db_label()}",
        )

    def _db_label(self) -> str:
        if self._ctx is None:
            return tr("正在打开…")
        db = self._ctx.db
        return str(db.path) if db.path else db.engine.url.render_as_string(hide_password=True)

    def _refresh_status(self) -> None:
        from hazdesk.store.models import Inspector

        assert self._ctx is not None
        name = ""
        inspector_id = self._ctx.inspector_id
        if inspector_id is not None:
            with self._ctx.db.session() as session:
                inspector = session.get(Inspector, inspector_id)
                if inspector is not None:
                    name = f"{inspector.name}（{inspector.cert_no}）"
        self._status.setText(f"{name}  {tr('数据库')}：{self._db_label()}")

    # --- remembered layout ---------------------------------------------------------------------
    def _restore(self) -> None:
        settings = self._settings
        geometry = settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        page = settings.value("window/page", 0)
        try:
            self.show_page(min(max(int(page), 0), len(PAGES) - 1))
        except (TypeError, ValueError):
            self.show_page(0)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._ctx is not None:
            self.inspections.save_pending()  # a finding being typed is saved even if the window closes now
        self._settings.setValue("window/geometry", self.saveGeometry())
        self._settings.setValue("window/page", self.nav.currentRow())
        self._settings.sync()
        super().closeEvent(event)
