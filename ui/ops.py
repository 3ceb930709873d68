"""Background operations: the one way the window does database, LLM and network work.

The work runs on a worker thread; its callbacks run on the GUI thread (anki's ``CollectionOp``
pattern). Workers never touch Qt: they put results in a queue that a GUI-thread timer empties
while work is in flight (PySide6 is not safe to call from worker threads; 6.12.0 even corrupts
reference counts when a signal is emitted while other Python threads run). Writes go through one
serial worker so edits (and their undos) commit in the order the user made them; reads, runs and
fetches use a small pool. Every op can report progress and be cancelled through its
:class:`~ionflux.agents.llm.base.CancelToken`.

Wrong: ``self.services.blocks.set_geometry(...)`` in a mouse handler (the window freezes while
SQLite waits for a lock). Right: ``self.ops.write(lambda: services.blocks.set_geometry(...))``.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import queue
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from ionflux.ui.qt import QObject, QTimer, Signal

if TYPE_CHECKING:
    from ionflux.agents.llm.base import CancelToken

log = logging.getLogger(__name__)

T = TypeVar("T")
#: How often finished work is collected while some is in flight (once a frame), and how long one
#: collection may take. Not more often: each collection is a Python call from Qt, which takes the
#: GIL, and while workers run Python every take can wait for them.
PUMP_MS = 16
PUMP_BUDGET_S = 0.008
#: The least time between two reloads of one list (see Refresher).
REFRESH_SPACING_S = 0.25
_ids = itertools.count(1)
_token_lock = threading.Lock()


class Op:
    """One background operation (a plain object: its callbacks run on the GUI thread via the runner).

    Attributes:
        label: What it is, for the status bar and error messages.
        token: Set by :meth:`cancel`; the work checks it.
        fraction, message: The last progress report (fraction -1 when unknown).
    """

    def __init__(self, runner: OpRunner, label: str, cancellable: bool) -> None:
        self.id = next(_ids)
        self.runner = runner
        self.label = label
        self.cancellable = cancellable
        self._token: CancelToken | None = None
        self.fraction = -1.0
        self.message = ""
        self.done = False
        self.progress_callbacks: list[Callable[[float, str], Any]] = []

    def report(self, fraction: float, message: str = "") -> None:
        """Report progress; safe to call from the worker thread (callbacks run on the GUI thread)."""
        self.runner.relay(self._progressed, float(fraction), message)

    def _progressed(self, fraction: float, message: str) -> None:
        self.fraction, self.message = fraction, message
        for callback in self.progress_callbacks:
            callback(fraction, message)

    @property
    def token(self) -> CancelToken:
        """The stop flag the work checks (made on first use: the LLM package loads lazily).

        The worker and the GUI thread (Cancel) may ask for it at once; the lock makes them share one.
        """
        with _token_lock:
            if self._token is None:
                from ionflux.agents.llm.base import CancelToken

                self._token = CancelToken()
            return self._token

    def cancel(self) -> None:
        self.token.cancel()

    @property
    def cancelled(self) -> bool:
        return self._token is not None and self._token.cancelled


class OpRunner(QObject):
    """Runs work off the GUI thread and calls back on it.

    Signals:
        changed(): a visible op started, reported progress or ended (the status bar listens).
        error(object, str): an op failed and had no failure callback: the exception and its label.
    """

    changed = Signal()
    error = Signal(object, str)

    def __init__(self, parent: QObject | None = None, *, workers: int = 3) -> None:
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ionflux-op")
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ionflux-write")
        #: Work that must run while the others wait for :meth:`release` (never queued behind them).
        self._ungated = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ionflux-open")
        self._active: dict[int, Op] = {}
        self._inline = 0
        self._closed = False
        self._gui_thread = threading.get_ident()
        self._inbox: queue.SimpleQueue[tuple[Callable[..., Any], tuple[Any, ...]]] = queue.SimpleQueue()
        self._inflight = 0
        self._pump = QTimer(self)
        self._pump.setInterval(PUMP_MS)
        self._pump.timeout.connect(self.pump)
        self._open = threading.Event()
        self._open.set()

    # -- public API ----------------------------------------------------------------------------

    def run(self, work: Callable[..., T], *, label: str = "", on_success: Callable[[T], Any] | None = None,
            on_failure: Callable[[BaseException], Any] | None = None, pass_op: bool = False,
            cancellable: bool = False, serial: bool = False, visible: bool = False,
            on_progress: Callable[[float, str], Any] | None = None, ungated: bool = False) -> Op:
        """Run ``work()`` (or ``work(op)`` with ``pass_op``) off the GUI thread.

        Args:
            work: The function to run; it must not touch widgets.
            label: What it is, for the status bar and error messages.
            on_success: Called on the GUI thread with the result.
            on_failure: Called on the GUI thread with the exception (default: the ``error`` signal).
            pass_op: Give the :class:`Op` to ``work`` (to report progress, check ``op.token``).
            cancellable: Whether the status bar offers Cancel for it.
            serial: Run on the single writer thread, after every earlier serial op.
            visible: Show it in the status bar while it runs (long work).
            on_progress: Called on the GUI thread with each progress report (fraction, message).
            ungated: Run at once even while the runner is held (the work that opens the store).

        Returns:
            The op (to cancel it, or read its last progress).
        """
        op = Op(self, label, cancellable)
        if on_progress is not None:
            op.progress_callbacks.append(on_progress)
        callbacks = (on_success, on_failure)
        if visible:
            self._active[op.id] = op
            op.progress_callbacks.append(lambda *_: self.changed.emit())
            self.changed.emit()
        call = (lambda: work(op)) if pass_op else work
        if not ungated and not self._open.is_set():
            call = self._after_release(call)
        if self._inline:
            self._complete(op, callbacks, *self._call(call))
            return op
        if self._closed:
            return op
        executor = self._ungated if ungated else self._writer if serial else self._pool
        self._inflight += 1
        if not self._pump.isActive():
            self._pump.start()
        future: Future[Any] = executor.submit(self._call, call)
        future.add_done_callback(lambda f: self._done(f, op, callbacks))
        return op

    def write(self, work: Callable[[], T], *, label: str = "saving", on_success: Callable[[T], Any] | None = None,
              on_failure: Callable[[BaseException], Any] | None = None) -> Op:
        """Run a write on the serial writer (edits commit in the order they were made)."""
        return self.run(work, label=label, on_success=on_success, on_failure=on_failure, serial=True)

    def hold(self) -> None:
        """Let work queue but not start until :meth:`release` (the window paints before the store opens)."""
        self._open.clear()

    def release(self) -> None:
        """Start the work queued while held (any thread)."""
        self._open.set()

    def _after_release(self, call: Callable[[], T]) -> Callable[[], T]:
        def gated() -> T:
            while not self._open.wait(0.25):
                if self._closed:  # never released: do not keep the process from exiting
                    raise RuntimeError("the window closed before its database opened")
            return call()

        return gated

    def relay(self, fn: Callable[..., Any], *args: Any) -> None:
        """Call ``fn(*args)`` on the GUI thread (at once when already on it; else at the next pump)."""
        if threading.get_ident() == self._gui_thread:
            fn(*args)
        else:
            self._inbox.put((fn, args))

    def pump(self) -> None:
        """Run what workers handed back (the timer calls this while work is in flight)."""
        deadline = time.perf_counter() + PUMP_BUDGET_S
        while time.perf_counter() < deadline:
            try:
                fn, args = self._inbox.get_nowait()
            except queue.Empty:
                break
            try:
                fn(*args)
            except Exception as exc:  # a failing callback must not stop the pump
                self.error.emit(exc, "updating the window")
        if self._inflight <= 0 and self._inbox.empty():
            self._pump.stop()

    def _done(self, future: Future[Any], op: Op, callbacks: tuple[Any, Any]) -> None:
        """On the worker: hand the result to the GUI thread (a future cancelled by :meth:`close` has none)."""
        if not future.cancelled():
            self._inbox.put((self._landed, (op, callbacks, *future.result())))

    def _landed(self, op: Op, callbacks: tuple[Any, Any], ok: bool, value: Any) -> None:
        self._inflight -= 1
        self._complete(op, callbacks, ok, value)

    async def aio(self, work: Callable[[], T]) -> T:
        """Await ``work()`` run on the pool, for coroutine code under qasync."""
        return await asyncio.wrap_future(self._pool.submit(work))

    @contextmanager
    def inline(self) -> Iterator[None]:
        """Run ops synchronously inside this block (start-up before the first paint, screenshots)."""
        self._inline += 1
        try:
            yield
        finally:
            self._inline -= 1

    @contextmanager
    def in_background(self) -> Iterator[None]:
        """Inside an :meth:`inline` block, run these ops on the workers after all (what may follow the first paint)."""
        saved, self._inline = self._inline, 0
        try:
            yield
        finally:
            self._inline = saved

    @property
    def busy(self) -> bool:
        """Whether any work is in flight or waiting to be handed back."""
        return self._inflight > 0 or not self._inbox.empty()

    def active(self) -> list[Op]:
        """The visible ops still running, oldest first."""
        return list(self._active.values())

    def cancel_all(self) -> None:
        for op in list(self._active.values()):
            op.cancel()

    def drain(self, timeout_s: float = 5.0) -> None:
        """Wait for queued writes to commit (used on close, so nothing typed is lost)."""
        done = threading.Event()
        if self._closed:
            return
        self._writer.submit(done.set)
        done.wait(timeout_s)

    def close(self) -> None:
        """Cancel what runs, let queued writes finish, and stop the workers."""
        self.cancel_all()
        self.drain()
        self._closed = True
        self._pump.stop()
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._writer.shutdown(wait=False)
        self._ungated.shutdown(wait=False)

    # -- internals -----------------------------------------------------------------------------

    @staticmethod
    def _call(call: Callable[[], Any]) -> tuple[bool, Any]:
        try:
            return True, call()
        except BaseException as exc:  # delivered to the GUI thread, never lost in a worker
            return False, exc

    def _complete(self, op: Op, callbacks: tuple[Any, Any], ok: bool, value: Any) -> None:
        on_success, on_failure = callbacks
        op.done = True
        if self._active.pop(op.id, None) is not None:
            self.changed.emit()
        if ok:
            if on_success is not None:
                on_success(value)
        elif on_failure is not None:
            on_failure(value)
        else:
            self.error.emit(value, op.label)


class Refresher:
    """Latest-wins reloads: while a load runs, further requests coalesce into one more load.

    Back-to-back loads start at least ``spacing_s`` apart: during a burst of commits a list is
    reloaded a few times a second, not continuously. Each reload is Python work on a worker
    thread, and every busy worker makes the GUI thread wait longer for the GIL.

    Args:
        ops: The runner.
        load: Reads the data (off the GUI thread).
        apply: Shows it (on the GUI thread).
        label: For error messages.
        spacing_s: The least time between the starts of two loads.
    """

    def __init__(self, ops: OpRunner, load: Callable[[], T], apply: Callable[[T], Any], label: str = "",
                 spacing_s: float = REFRESH_SPACING_S) -> None:
        self._ops, self._load, self._apply, self._label = ops, load, apply, label
        self._spacing = spacing_s
        self._running = False
        self._again = False
        self._waiting = False
        self._started = -spacing_s

    @property
    def busy(self) -> bool:
        return self._running or self._again or self._waiting

    def request(self) -> None:
        if self._running:
            self._again = True
            return
        if self._waiting:
            return
        wait = self._started + self._spacing - time.monotonic()
        if wait > 0:
            self._waiting = True
            QTimer.singleShot(max(1, int(wait * 1000)), self._ops, self._start)
            return
        self._start()

    def _start(self) -> None:
        self._waiting = False
        self._running = True
        self._started = time.monotonic()
        self._ops.run(self._load, label=self._label, on_success=self._done,
                      on_failure=lambda exc: self._done(None, exc))

    def _done(self, value: Any, exc: BaseException | None = None) -> None:
        self._running = False
        if exc is None:
            self._apply(value)
        elif not self._again:
            self._ops.error.emit(exc, self._label)
        if self._again:
            self._again = False
            self.request()
