"""Runs one claimed job in a process of its own: `python -m plm.jobs.child JOB_ID`, with the
parent's plain config values as JSON on stdin.

The web process's worker thread starts this and waits, so the CPU-heavy work (a WeasyPrint render) never holds
the web process's GIL: request threads (door check-ins) keep their latency while a batch renders. The child
lowers its priority (JOB_NICE) so the door wins the CPU too, and, being single-threaded, may fork a render
helper (DOCUMENT_RENDER_PROCESSES).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def child_app(config: dict) -> Iterator:
    """The app of a render child: no job worker of its own, niced (JOB_NICE), its connections closed at the end.

    Shared by this job child and the one-off renders a request waits for (plm.attendance.render_child).
    """
    from plm import create_app
    from plm.extensions import db

    app = create_app(dict(config, JOB_WORKER=False))
    niceness = int(app.config.get("JOB_NICE") or 0)
    if niceness > 0:
        os.nice(niceness)
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()


def run(job_id: int, config: dict) -> int:
    """Run one claimed job in this process; the exit status (0: it ran to its end, done or failed)."""
    from plm.extensions import db
    from plm.jobs import run_job
    from plm.vocabulary import JobStatus

    with child_app(config) as app:
        status = run_job(app, db.session, job_id, int(app.config.get("DOCUMENT_RENDER_PROCESSES") or 1))
    return 0 if status in (JobStatus.DONE, JobStatus.FAILED) else 1


def run_forked(job_id: int, config: dict) -> None:
    """The target of a process forked from the job runner's warm fork server (plm.jobs.preload)."""
    sys.exit(run(job_id, config))


def run_render_module(module: str, body: bytes, out_path: str) -> None:
    """The target of a render a request waits for (jobs.pdf_from_child), forked from the warm fork server: runs
    *module*'s ``main()`` as `python -m module` would, *body* as its stdin and *out_path* as its stdout."""
    import importlib
    import io

    sys.stdin = io.TextIOWrapper(io.BytesIO(body), encoding="utf-8")
    with open(out_path, "wb") as out:
        sys.stdout = io.TextIOWrapper(out, encoding="utf-8")
        status = importlib.import_module(module).main()
        sys.stdout.flush()
    sys.exit(status)


def main(argv: list[str]) -> int:
    return run(int(argv[1]), json.loads(sys.stdin.read() or "{}"))


if __name__ == "__main__":
    sys.exit(main(sys.argv))
