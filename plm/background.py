"""A daemon thread per web process for work that must not run in a request: the job worker (plm.jobs)
and the mail sender (plm.outbox).

Each is started on the first request of a process (again after a fork: gunicorn's workers are forked from
a master whose threads do not follow), woken by `wake()` after a commit that gave it work, and otherwise
polls. The loop body belongs to the subclass; starting once per process, waking and stopping live here.
"""

from __future__ import annotations

import os
import threading

from flask import Flask

_lock = threading.Lock()


class ProcessThread:
    """One named daemon thread per process; subclasses define `run()`, the loop until `stopping`."""

    name = "plm-background"

    def __init__(self, app: Flask):
        self.app = app
        self.pid = os.getpid()
        self.wake = threading.Event()
        self.stopping = False
        self.thread = threading.Thread(target=self.run, name=self.name, daemon=True)

    def start(self) -> ProcessThread:
        self.thread.start()
        return self

    def stop(self, timeout: float = 30) -> None:
        self.stopping = True
        self.wake.set()
        self.thread.join(timeout)

    def is_running_here(self) -> bool:
        return self.pid == os.getpid() and self.thread.is_alive()

    def run(self) -> None:  # pragma: no cover - every subclass has its own loop
        raise NotImplementedError


def wanted(app: Flask, setting: str) -> bool:
    """A thread's on/off setting (JOB_WORKER, MAIL_WORKER); unset means on, except in tests."""
    value = app.config.get(setting)
    return not app.testing if value is None else bool(value)


def running(app: Flask, key: str) -> ProcessThread | None:
    """This process's live thread stored under *key* in app.extensions, if any."""
    thread = app.extensions.get(key)
    return thread if thread is not None and thread.is_running_here() else None


def ensure(app: Flask, key: str, factory: type[ProcessThread]) -> ProcessThread:
    """Start this process's thread for *key* once (after a fork, again) and return it."""
    thread = running(app, key)
    if thread is not None:
        return thread
    with _lock:
        thread = running(app, key)
        if thread is None:
            thread = factory(app).start()
            app.extensions[key] = thread
    return thread
