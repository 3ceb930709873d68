"""Is the installed PySide6 safe with Python threads? A stress check, printed (never asserted).

The window emits Qt signals on the GUI thread while worker threads (database, agents, sync)
run Python. PySide6 6.12.0 on Python 3.11 corrupts reference counts in exactly that situation
("Fatal Python error: bool_dealloc" within seconds under load); 6.11.3 survives. This runs the
pattern in a child process for a few seconds and reports which case the installed version is.

Run: .venv/bin/python benchmarks/bench_ui_threads.py [seconds]
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

CHILD = r"""
import sys, threading
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

app = QApplication([])
stop = threading.Event()

def churn():  # what any worker does: plain Python touching None/True/False
    x = 0
    while not stop.is_set():
        d = {"a": None, "b": True, "c": [None, False, x]}
        x += 1 if d["b"] else 0

class Emitter(QObject):
    changed = Signal()

emitter = Emitter()
count = [0]
emitter.changed.connect(lambda: count.__setitem__(0, count[0] + 1))
timer = QTimer()
timer.timeout.connect(emitter.changed.emit)
timer.start(0)
workers = [threading.Thread(target=churn) for _ in range(2)]
for w in workers:
    w.start()
QTimer.singleShot(int(float(sys.argv[1]) * 1000), app.quit)
app.exec()
stop.set()
for w in workers:
    w.join()
print(count[0])
"""


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 10.0
    import PySide6

    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", CHILD, str(seconds)], capture_output=True, text=True,
                         env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    took = time.perf_counter() - started
    if out.returncode == 0:
        print(f"PySide6 {PySide6.__version__}: {int(out.stdout.split()[-1]):,} signal emissions in {seconds:g} s "
              "with two Python worker threads running: survived")
    else:
        fatal = next((line for line in out.stderr.splitlines() if "Fatal Python error" in line), out.stderr[-200:])
        print(f"PySide6 {PySide6.__version__}: crashed after {took:.1f} s ({fatal.strip()}); "
              "pin pyside6-essentials to a version that survives (6.11.3 does)")


if __name__ == "__main__":
    main()
