"""Photo thumbnails for a finding or a re-inspection: add by file dialog or drag-and-drop, open large.

Thumbnails are decoded in Qt's thread pool with ``QImageReader.setScaledSize`` (the JPEG decoder
scales while decoding, so a 2048 px photo never sits in memory at full size); only the finished
``QImage`` crosses back to the GUI thread, where it becomes a pixmap. Storing a photo (downscale,
hash, insert) goes through :func:`ui.jobs.run_job`. Everything else here is GUI thread only.

Two modes: bound to a record (``owner_id`` set: photos are attached at once) or *pending* (no record
yet, e.g. a 复查 before it is saved: the files are kept and attached by the dialog afterwards).
"""

from __future__ import annotations

import uuid
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QSize, Qt, QThreadPool, Signal
from PySide6.QtGui import (
    QAction,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QIcon,
    QImage,
    QImageReader,
    QKeySequence,
    QPixmap,
)
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from hazdesk.services import Changes
from hazdesk.services.findings import attach_photo, attachments_of, remove_photo
from hazdesk.store.attachments import attachment_path
from ui.context import AppContext
from ui.i18n import tr
from ui.jobs import run_job
from ui.widgets import confirm

THUMB = 96
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".gif", ".tif", ".tiff", ".webp"}
_PATH_ROLE = Qt.ItemDataRole.UserRole + 1


class _ThumbSignals(QObject):
    done = Signal(str, QImage)  # key, image


class _ThumbLoader(QRunnable):
    """Worker thread: decode one scaled image. Holds its own reference to the signals object, so a
    strip destroyed meanwhile only loses its (auto-disconnected) slot, never a live pointer."""

    def __init__(self, key: str, path: Path, signals: _ThumbSignals) -> None:
        super().__init__()
        self._key, self._path, self._signals = key, path, signals

    def run(self) -> None:
        reader = QImageReader(str(self._path))
        reader.setAutoTransform(True)
        size = reader.size()
        if size.isValid():
            reader.setScaledSize(size.scaled(QSize(THUMB * 2, THUMB * 2), Qt.AspectRatioMode.KeepAspectRatio))
        self._signals.done.emit(self._key, reader.read())


def image_files(paths: list[Path]) -> list[Path]:
    return [p for p in paths if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file()]


class _ThumbList(QListWidget):
    files_dropped = Signal(list)

    def __init__(self) -> None:
        super().__init__()
        self.setViewMode(QListWidget.ViewMode.IconMode)
        self.setIconSize(QSize(THUMB, THUMB))
        self.setGridSize(QSize(THUMB + 16, THUMB + 12))
        self.setMovement(QListWidget.Movement.Static)
        self.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.setWrapping(False)
        self.setFlow(QListWidget.Flow.LeftToRight)
        self.setFixedHeight(THUMB + 22)
        self.setAcceptDrops(True)
        self.setDragEnabled(False)

    def _dropped(self, event: QDropEvent | QDragEnterEvent | QDragMoveEvent) -> list[Path]:
        mime = event.mimeData()
        if not mime.hasUrls():
            return []
        return image_files([Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()])

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.acceptDrops() and self._dropped(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if self.acceptDrops() and self._dropped(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        files = self._dropped(event) if self.acceptDrops() else []
        if files:
            event.acceptProposedAction()
            self.files_dropped.emit(files)
        else:
            event.ignore()


class PhotoStrip(QWidget):
    """Thumbnails plus an 添加照片 button. ``photos_added`` fires after a bound strip stored photos."""

    photos_added = Signal(object)  # Changes

    def __init__(
        self,
        ctx: AppContext,
        owner_kind: str,
        owner_id: uuid.UUID | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx, self._owner_kind, self._owner_id = ctx, owner_kind, owner_id
        self._pending: list[Path] = []
        self._signals = _ThumbSignals()
        self._signals.done.connect(self._thumb_ready)
        self.list = _ThumbList()
        self.list.setToolTip(tr("把照片文件拖到这里即可添加；双击照片查看大图"))
        self.list.files_dropped.connect(self.add_files)
        self.list.itemDoubleClicked.connect(self._open_large)
        self.list.itemActivated.connect(self._open_large)  # Enter opens it too
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.remove_action = QAction(tr("移除照片"), self.list)
        self.remove_action.setShortcut(QKeySequence.StandardKey.Delete)
        self.remove_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.remove_action.triggered.connect(self.remove_selected)
        self.list.addAction(self.remove_action)
        self.add_button = QPushButton(tr("添加照片…"))
        self.add_button.setToolTip(tr("从文件选择照片（也可以直接拖入照片）"))
        self.add_button.clicked.connect(self.choose_files)
        self.count_label = QLabel()
        side = QVBoxLayout()
        side.addWidget(self.add_button)
        side.addWidget(self.count_label)
        side.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list, 1)
        layout.addLayout(side)
        self.reload()

    # --- public --------------------------------------------------------------------------------
    def set_owner(self, owner_id: uuid.UUID | None) -> None:
        self._owner_id = owner_id
        self.reload()

    def set_editable(self, editable: bool) -> None:
        self.add_button.setVisible(editable)
        self.list.setAcceptDrops(editable)
        self.remove_action.setEnabled(editable)

    def remove_selected(self) -> None:
        """Remove the selected photo: a pending file at once, a stored one after confirming (the
        service refuses once the inspection is complete: photos are evidence then)."""
        item = self.list.currentItem()
        if item is None:
            return
        key = str(item.data(Qt.ItemDataRole.UserRole))
        if self._owner_id is None:
            self._pending = [p for p in self._pending if str(p) != key]
            self.reload()
            return
        question = tr("从这条隐患中移除所选照片？检查完成后照片即为执法证据，不能再移除。")
        if not confirm.ask_destructive(self, tr("移除照片"), question, tr("移除")):
            return
        try:
            changes = remove_photo(self._ctx.db, uuid.UUID(key))
        except Exception as exc:  # refused (evidence) or gone: said, nothing changed
            self._ctx.show_error(self, exc)
            return
        self.reload()
        self._ctx.publish(changes)

    def pending_files(self) -> list[Path]:
        return list(self._pending)

    def reload(self) -> None:
        self.list.clear()
        if self._owner_id is None:
            entries = [(str(p), p, p.name) for p in self._pending]
        else:
            with self._ctx.db.session() as session:
                rows = attachments_of(session, self._owner_kind, self._owner_id)
                entries = [
                    (str(a.id), attachment_path(self._ctx.data_root, a.sha256), _caption(a.original_name, a.taken_at))
                    for a in rows
                ]
        pool = QThreadPool.globalInstance()
        for key, path, caption in entries:
            item = QListWidgetItem(tr("载入中…"))
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setData(_PATH_ROLE, str(path))
            item.setToolTip(caption)
            item.setSizeHint(QSize(THUMB + 12, THUMB + 8))
            self.list.addItem(item)
            pool.start(_ThumbLoader(key, path, self._signals))
        self.count_label.setText(tr("{n} 张").replace("{n}", str(len(entries))))

    def choose_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(
            self, tr("选择照片"), "", tr("图片") + " (*.jpg *.jpeg *.png *.bmp *.gif *.tif *.tiff *.webp)"
        )
        if names:
            self.add_files([Path(n) for n in names])

    def add_files(self, paths: list[Path]) -> None:
        files = image_files([Path(p) for p in paths])
        if not files:
            return
        if self._owner_id is None:
            self._pending.extend(f for f in files if f not in self._pending)
            self.reload()
            return
        ctx, kind, owner = self._ctx, self._owner_kind, self._owner_id

        def work(progress, cancelled) -> Changes:  # worker thread: intake + insert, no widgets
            changes = Changes()
            for done, source in enumerate(files):
                if cancelled():
                    break
                progress(done, len(files), source.name)
                _, step = attach_photo(ctx.db, ctx.data_root, owner_kind=kind, owner_id=owner, source=source)
                changes.merge(step)
            return changes

        self.add_button.setEnabled(False)
        run_job(self, tr("正在保存照片…"), work, self._stored, self._failed)

    # --- slots ---------------------------------------------------------------------------------
    def _stored(self, changes: Changes) -> None:
        self.add_button.setEnabled(True)
        self.reload()
        self._ctx.publish(changes)
        self.photos_added.emit(changes)

    def _failed(self, error: BaseException) -> None:
        self.add_button.setEnabled(True)
        self.reload()  # photos stored before the bad one stay, and are shown
        self._ctx.show_error(self, error)

    def _thumb_ready(self, key: str, image: QImage) -> None:
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == key:
                item.setText("")
                if image.isNull():
                    item.setText(tr("无法显示"))
                else:
                    item.setIcon(QIcon(QPixmap.fromImage(image)))

    def _open_large(self, item: QListWidgetItem) -> None:
        PhotoViewer(Path(item.data(_PATH_ROLE)), item.toolTip(), self).open()


def _caption(name: str, taken_at: object) -> str:
    return f"{name}  {taken_at:%Y-%m-%d %H:%M}" if taken_at else name


class PhotoViewer(QDialog):
    """One photo, large (fits the screen; scrolls when the window is smaller than the photo)."""

    def __init__(self, path: Path, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(caption or tr("照片"))
        reader = QImageReader(str(path))
        reader.setAutoTransform(True)
        image = reader.read()
        self.image_label = QLabel()
        self.image_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        if image.isNull():
            self.image_label.setText(tr("照片文件不存在或无法读取：") + str(path))
        else:
            self.image_label.setPixmap(QPixmap.fromImage(image))
        area = QScrollArea()
        area.setWidget(self.image_label)
        area.setWidgetResizable(True)
        layout = QVBoxLayout(self)
        layout.addWidget(area)
        screen = self.screen().availableGeometry().size() if self.screen() else QSize(1280, 800)
        wanted = image.size() if not image.isNull() else QSize(400, 200)
        self.resize(
            min(wanted.width() + 40, int(screen.width() * 0.9)), min(wanted.height() + 40, int(screen.height() * 0.9))
        )
