"""执法文书 for one inspection: preview a draft, issue (number and freeze) and print, reprint or void.

Rendering and issuing run off the GUI thread (``run_job``); the PDF is shown with QtPdf and printed
through the system print dialog page by page. Issued PDFs are also kept under the data folder
(``documents/``) named by their number. GUI thread only.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QSize, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from hazdesk.documents.service import issue_document, preview_document, reprint, void_document
from hazdesk.errors import HazdeskError
from hazdesk.store.models import Document
from ui.context import AppContext
from ui.i18n import tr
from ui.jobs import run_job

KINDS = (
    ("检记", "现场检查记录"),
    ("责改", "责令限期整改指令书"),
    ("现决", "现场处理措施决定书"),
    ("复查", "整改复查意见书"),
)
STATE_LABELS = {"issued": "已签发", "voided": "已作废", "draft": "草稿"}


def print_pdf(parent: QWidget, document: QPdfDocument, title: str) -> bool:
    """Send every page to a printer the user picks; pages are rendered at the printer's resolution."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(title)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(tr("打印") + " " + title)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError(tr("无法连接打印机"))
    try:
        area = printer.pageLayout().paintRectPixels(printer.resolution())
        for page in range(document.pageCount()):
            if page:
                printer.newPage()
            size = document.pagePointSize(page)
            scale = min(area.width() / size.width(), area.height() / size.height())
            image: QImage = document.render(page, QSize(int(size.width() * scale), int(size.height() * scale)))
            painter.drawImage(QPointF(0, 0), image)
    finally:
        painter.end()
    return True


class DocumentsDialog(QDialog):
    def __init__(self, ctx: AppContext, inspection_id: uuid.UUID, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx, self._inspection_id = ctx, inspection_id
        self.setWindowTitle(tr("执法文书"))
        # Room for an A4 preview, within a 1366×768 laptop screen.
        screen = (parent.screen() if parent is not None else self.screen()).availableGeometry()
        self.resize(min(1100, int(screen.width() * 0.95)), min(800, int(screen.height() * 0.92)))
        self.kind = QComboBox()
        for code, title in KINDS:
            self.kind.addItem(tr(title), code)
        self.preview_button = QPushButton(tr("预览"))
        self.issue_button = QPushButton(tr("签发并打印…"))
        self.issue_button.setToolTip(tr("取得文号并冻结文书内容；签发后不能修改，更正须另行签发"))
        self.print_button = QPushButton(tr("打印…"))
        self.print_button.setEnabled(False)
        self.preview_button.clicked.connect(self.preview)
        self.issue_button.clicked.connect(self.issue)
        self.print_button.clicked.connect(self._print_current)
        self.kind.currentIndexChanged.connect(self.preview)

        top = QHBoxLayout()
        top.addWidget(QLabel(tr("文书种类")))
        top.addWidget(self.kind)
        top.addWidget(self.preview_button)
        top.addStretch(1)
        top.addWidget(self.issue_button)
        top.addWidget(self.print_button)

        self.status = QLabel()
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        self.pdf = QPdfDocument(self)
        self.view = QPdfView()
        self.view.setDocument(self.pdf)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self._buffer: QBuffer | None = None
        self._title = ""

        self.issued = QTableWidget(0, 4)
        self.issued.setHorizontalHeaderLabels([tr("文号"), tr("种类"), tr("签发时间"), tr("状态")])
        header = self.issued.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)  # the number is what people read
        header.setStretchLastSection(False)
        self.issued.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.issued.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.issued.doubleClicked.connect(lambda _index: self.show_issued())
        reprint_button = QPushButton(tr("查看/重新打印"))
        reprint_button.clicked.connect(self.show_issued)
        void_button = QPushButton(tr("作废…"))
        void_button.clicked.connect(self.void_selected)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.addWidget(QLabel(tr("本次检查已签发的文书")))
        side_layout.addWidget(self.issued, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(reprint_button)
        buttons.addWidget(void_button)
        side_layout.addLayout(buttons)

        splitter = QSplitter()
        splitter.addWidget(self.view)
        splitter.addWidget(side)
        splitter.setSizes([760, 340])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(splitter, 1)
        self.refresh_issued()

    # --- showing a PDF ---------------------------------------------------------------------------
    def _show(self, pdf: bytes, title: str) -> None:
        self.pdf.close()
        buffer = QBuffer(self)
        buffer.setData(QByteArray(pdf))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.pdf.load(buffer)
        if self._buffer is not None:
            self._buffer.deleteLater()
        self._buffer = buffer  # QPdfDocument reads from it lazily: keep it alive
        self._title = title

    def _kind(self) -> str:
        return str(self.kind.currentData())

    def preview(self) -> None:
        kind, today = self._kind(), self._ctx.today()
        self.status.setText(tr("正在生成预览…"))
        self.print_button.setEnabled(False)

        def work(_progress, _cancelled):
            return preview_document(self._ctx.db, self._inspection_id, kind, today=today)

        def done(result) -> None:
            self._show(result.pdf, tr("预览"))
            notes = "；".join(result.warnings)
            self.status.setText(
                tr("草稿预览，共 {n} 页（未编号，未签发）").format(n=result.pages) + (f"。{notes}" if notes else "")
            )

        run_job(self, tr("正在生成预览…"), work, done, self._preview_failed)

    def issue(self) -> None:
        kind = self._kind()
        title = dict(KINDS)[kind]
        answer = QMessageBox.question(
            self,
            tr("签发文书"),
            tr("签发后将取得文号，文书内容不能再修改。确定签发《{title}》吗？").format(title=tr(title)),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        out_dir = self._ctx.data_root / "documents"
        out_dir.mkdir(parents=True, exist_ok=True)

        def work(_progress, _cancelled):
            return issue_document(
                self._ctx.db, self._inspection_id, kind, issued_by=self._ctx.inspector_id, out_dir=out_dir
            )

        def done(issued) -> None:
            self._show(issued.pdf, issued.number_text)
            self.status.setText(
                tr("已签发 {number}，PDF 保存在 {path}").format(number=issued.number_text, path=issued.path)
            )
            self.print_button.setEnabled(True)
            self.refresh_issued()
            self._print_current()

        run_job(self, tr("正在签发…"), work, done, self._failed)

    def _print_current(self) -> None:
        if self.pdf.pageCount() <= 0:
            return
        try:
            print_pdf(self, self.pdf, self._title)
        except OSError as exc:
            QMessageBox.warning(self, tr("打印"), str(exc))

    def _preview_failed(self, error: BaseException) -> None:
        """A kind that cannot be made yet (e.g. 复查 before any re-inspection) is said in the status
        line, not in a box that pops up merely for choosing it."""
        if isinstance(error, HazdeskError):
            self.pdf.close()
            self.print_button.setEnabled(False)
            self.status.setText(str(error))
            return
        self._failed(error)

    def _failed(self, error: BaseException) -> None:
        self.status.setText(str(error))
        self._ctx.show_error(self, error)

    # --- issued documents ------------------------------------------------------------------------
    def refresh_issued(self) -> None:
        with self._ctx.db.session() as session:
            rows = list(
                session.scalars(
                    select(Document)
                    .where(Document.inspection_id == self._inspection_id, Document.state != "draft")
                    .order_by(Document.issued_at)
                )
            )
        self.issued.setRowCount(len(rows))
        titles = dict(KINDS)
        for row, doc in enumerate(rows):
            values = [
                doc.number_text or "",
                tr(titles.get(doc.kind, doc.kind)),
                f"{doc.issued_at:%Y-%m-%d %H:%M}" if doc.issued_at else "",
                tr(STATE_LABELS.get(doc.state, doc.state)),
            ]
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, str(doc.id))
                self.issued.setItem(row, column, item)

    def _selected_document(self) -> uuid.UUID | None:
        items = self.issued.selectedItems()
        return uuid.UUID(items[0].data(Qt.ItemDataRole.UserRole)) if items else None

    def show_issued(self) -> None:
        document_id = self._selected_document()
        if document_id is None:
            return

        def work(_progress, _cancelled):
            return reprint(self._ctx.db, document_id)

        def done(issued) -> None:
            self._show(issued.pdf, issued.number_text)
            self.status.setText(tr("{number}（与签发时逐字节相同）").format(number=issued.number_text))
            self.print_button.setEnabled(True)

        run_job(self, tr("正在重新生成…"), work, done, self._failed)

    def void_selected(self) -> None:
        document_id = self._selected_document()
        if document_id is None:
            return
        reason, ok = QInputDialog.getText(self, tr("作废文书"), tr("作废原因（必填）："))
        if not ok:
            return
        if not reason.strip():
            QMessageBox.warning(self, tr("作废文书"), tr("请填写作废原因"))
            return
        try:
            void_document(self._ctx.db, document_id, reason=reason.strip(), by=self._ctx.inspector_id)
        except Exception as exc:  # shown to the user; the service changed nothing
            self._ctx.show_error(self, exc)
            return
        self.refresh_issued()


def open_documents(ctx: AppContext, inspection_id: uuid.UUID, parent: QWidget | None) -> None:
    """Show the 执法文书 dialog of an inspection with the preview of its first kind started."""
    dialog = DocumentsDialog(ctx, inspection_id, parent)
    dialog.preview()
    dialog.exec()
