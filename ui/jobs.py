"""Running work off the GUI thread: one helper for every long task (import, export, PDFs, reports).

``run_job`` runs ``work(progress, cancelled)`` in Qt's global thread pool. ``progress(done, total,
text)`` may be called from the worker; it is marshalled to the GUI thread. A progress dialog with a
cancel button appears only if the job is still running after 0.5 s, so quick jobs never flash one.
``on_done(result)`` and ``on_error(exception)`` run on the GUI thread.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from typing import Any, ClassVar

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from ui.i18n import tr

ProgressFn = Callable[[int, int, str], None]
Work = Callable[[ProgressFn, Callable[[], bool]], Any]

SHOW_AFTER_MS = 500


class _Signals(QObject):
    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(object)


class _Runnable(QRunnable):
    def __init__(self, work: Work, signals: _Signals, cancel: threading.Event) -> None:
        super().__init__()
        self._work, self._signals, self._cancel = work, signals, cancel

    def run(self) -> None:  # worker thread
        try:
            result = self._work(lambda d, t, s="": self._signals.progress.emit(d, t, s), self._cancel.is_set)
        except BaseException as exc:
            exc.__hazdesk_traceback__ = traceback.format_exc()  # type: ignore[attr-defined]
            self._signals.failed.emit(exc)
        else:
            self._signals.finished.emit(result)


class Job(QObject):
    """A running job. It keeps itself alive until it ends: a job without a parent widget (the first
    run's database build) would otherwise be collected with its slots at once, and the caller
    waiting for it would wait forever."""

    _running_jobs: ClassVar[set[Job]] = set()

    def __init__(
        self,
        parent: QWidget | None,
        label: str,
        work: Work,
        on_done: Callable[[Any], None] | None,
        on_error: Callable[[BaseException], None] | None,
        *,
        show_progress: bool = True,
    ) -> None:
        super().__init__(parent)
        self.cancel_event = threading.Event()
        self.signals = _Signals()
        self._on_done, self._on_error = on_done, on_error
        self._dialog: QProgressDialog | None = None
        self._label = label
        self._parent = parent
        self._last = (0, 0, "")
        self.signals.progress.connect(self._progress, Qt.ConnectionType.QueuedConnection)
        self.signals.finished.connect(self._finished, Qt.ConnectionType.QueuedConnection)
        self.signals.failed.connect(self._failed, Qt.ConnectionType.QueuedConnection)
        if show_progress:
            QTimer.singleShot(SHOW_AFTER_MS, self._show_dialog)
        self._running = True
        Job._running_jobs.add(self)
        QThreadPool.globalInstance().start(_Runnable(work, self.signals, self.cancel_event))

    @property
    def running(self) -> bool:
        return self._running

    def cancel(self) -> None:
        self.cancel_event.set()

    def _show_dialog(self) -> None:
        if not self._running or self._dialog is not None:
            return
        dialog = QProgressDialog(self._label, tr("取消"), 0, 0, self._parent)
        dialog.setWindowTitle(tr("请稍候"))
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        dialog.canceled.connect(self.cancel)
        self._dialog = dialog
        self._progress(*self._last)
        dialog.show()

    def _progress(self, done: int, total: int, text: str) -> None:
        self._last = (done, total, text)
        if self._dialog is not None:
            self._dialog.setMaximum(max(total, 0))
            self._dialog.setValue(min(done, total) if total else 0)
            if text:
                self._dialog.setLabelText(f"{self._label}\n{text}")

    def _close(self) -> None:
        self._running = False
        Job._running_jobs.discard(self)
        if self._dialog is not None:
            self._dialog.reset()
            self._dialog.deleteLater()
            self._dialog = None
        self.deleteLater()

    def _finished(self, result: object) -> None:
        self._close()
        if self._on_done is not None:
            self._on_done(result)

    def _failed(self, error: BaseException) -> None:
        self._close()
        if self._on_error is not None:
            self._on_error(error)


def run_job(
    parent: QWidget | None,
    label: str,
    work: Work,
    on_done: Callable[[Any], None] | None = None,
    on_error: Callable[[BaseException], None] | None = None,
    *,
    show_progress: bool = True,
) -> Job:
    return Job(parent, label, work, on_done, on_error, show_progress=show_progress)
