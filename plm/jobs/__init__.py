"""Background jobs: a `Job` row any worker can claim, run by a thread started with the app.

The runner knows no feature: a feature registers a handler per job kind (`register_handler`, e.g. the
documents feature's "badges" and "certificates") that turns a claimed job into the bytes of its result
file (a PDF); the runner claims, runs, stores the file and records the outcome.

* Claiming is atomic: `SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL, a conditional
  `UPDATE … WHERE status = 'queued'` on SQLite. Several gunicorn workers (or hosts) may each run a
  worker thread; a job runs once.
* The thread is started lazily on the first request of each process (so it survives gunicorn's fork,
  and `flask plm …` commands never start one), never under TESTING unless JOB_WORKER is set to True,
  and never when JOB_WORKER is False (then run `flask plm run-jobs` as its own process).
* Request threads only insert the row and wake the worker; they never render. The worker thread runs each
  job in a child process (`plm.jobs.child`) and waits for it, so the render does not compete for
  the web process's GIL (JOB_SUBPROCESS = False renders in the thread itself). The child is forked from a
  warm fork server (multiprocessing's "forkserver", preloaded with `plm.jobs.preload`, started when a staff
  page that starts jobs is opened (`warm_runner_soon`) or by a process's first job, and kept), so jobs do not
  first spend ~2 CPU seconds importing; a web process that never shows those pages or runs a job never starts
  one (no memory held, no start-up CPU beside the door). JOB_FORKSERVER = False starts a
  fresh `python -m plm.jobs.child` per job instead.
* Files go to JOB_FOLDER (default UPLOAD_FOLDER/jobs), written to a temporary name and renamed.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import secrets
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import Flask
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from plm import background
from plm.extensions import db
from plm.models import Event, Job, User, utcnow
from plm.vocabulary import JobStatus, Role

log = logging.getLogger(__name__)


class JobError(Exception):
    """A job's own failure with a code the feature's pages explain (e.g. "empty", "forbidden")."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


#: run(app, session, job, event, processes) -> the result file's bytes; raises JobError to fail the job.
Run = Callable[[Flask, Session, Job, Event, int], bytes]


@dataclass(frozen=True)
class Handler:
    run: Run
    #: Who besides admins and the job's owner may see the job (and download its file).
    shared_with: Callable[[User], bool] = lambda user: False
    suffix: str = "pdf"


_HANDLERS: dict[str, Handler] = {}


def register_handler(kind: str, run: Run, *, shared_with: Callable[[User], bool] | None = None,
                     suffix: str = "pdf") -> None:
    """Make *kind* runnable (a feature calls this when it is imported); registering again replaces it."""
    _HANDLERS[kind] = Handler(run, shared_with or (lambda user: False), suffix)


def kinds() -> tuple[str, ...]:
    return tuple(_HANDLERS)


def job_folder(app: Flask) -> str:
    return app.config.get("JOB_FOLDER") or os.path.join(app.config["UPLOAD_FOLDER"], "jobs")


def result_file(app: Flask, job: Job) -> str | None:
    if job.status != JobStatus.DONE or not job.result_path:
        return None
    folder = os.path.abspath(job_folder(app))
    path = os.path.abspath(os.path.join(folder, job.result_path))
    if not path.startswith(folder + os.sep) or not os.path.isfile(path):
        return None
    return path


def enqueue(session: Session, kind: str, event: Event, user: User | None, params: dict[str, Any],
            total: int = 0) -> Job:
    if kind not in _HANDLERS:
        raise ValueError(kind)
    job = Job(kind=kind, event_id=event.id, user_id=user.id if user else None, params=params, status=JobStatus.QUEUED,
              total=total, progress=0)
    session.add(job)
    session.flush()
    return job


def can_see(user: User, job: Job) -> bool:
    """Admins see every job; others their own, and what the kind's handler shares with them."""
    if user.role == Role.ADMIN or job.user_id == user.id:
        return True
    handler = _HANDLERS.get(job.kind)
    return handler is not None and handler.shared_with(user)


# ---------------------------------------------------------------------------------------------
# Claiming
# ---------------------------------------------------------------------------------------------

def claim_next(session: Session) -> int | None:
    """Take the oldest queued job for this worker; None when there is none. Commits."""
    now = utcnow()
    if session.get_bind().dialect.name == "postgresql":
        job_id = session.scalar(select(Job.id).where(Job.status == JobStatus.QUEUED).order_by(Job.id).limit(1)
                                .with_for_update(skip_locked=True))
        if job_id is None:
            session.rollback()
            return None
        session.execute(update(Job).where(Job.id == job_id).values(status=JobStatus.RUNNING, started_at=now))
        session.commit()
        return job_id
    for _ in range(10):
        job_id = session.scalar(select(Job.id).where(Job.status == JobStatus.QUEUED).order_by(Job.id).limit(1))
        if job_id is None:
            session.rollback()
            return None
        result = session.execute(update(Job).where(Job.id == job_id, Job.status == JobStatus.QUEUED)
                                 .values(status=JobStatus.RUNNING, started_at=now))
        session.commit()
        if result.rowcount == 1:
            return job_id
    return None


def fail_stale(session: Session, minutes: int) -> int:
    """Jobs left 'running' by a process that died: marked failed so the page stops waiting."""
    limit = utcnow() - timedelta(minutes=minutes)
    result = session.execute(update(Job).where(Job.status == JobStatus.RUNNING, Job.started_at < limit)
                             .values(status=JobStatus.FAILED, error="interrupted", finished_at=utcnow()))
    session.commit()
    return result.rowcount or 0


# ---------------------------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------------------------

def progress_reporter(session: Session, job_id: int) -> Callable[[int, int], None]:
    """A renderer's progress callback that records (done, total) on the job row (the page polls it)."""
    def report(done: int, total: int) -> None:
        session.execute(update(Job).where(Job.id == job_id).values(progress=done, total=total))
        session.commit()

    return report


def set_total(session: Session, job_id: int, total: int) -> None:
    session.execute(update(Job).where(Job.id == job_id).values(total=total, progress=0))
    session.commit()


def run_job(app: Flask, session: Session, job_id: int, processes: int = 1) -> str:
    """Run a claimed job to the end; returns its final status. Never raises for a job's own failure.
    *processes* > 1 (a forked render helper) only in a single-threaded process: never a web process."""
    job = session.get(Job, job_id)
    if job is None:
        return "missing"
    try:
        event = session.get(Event, job.event_id)
        if event is None:
            raise JobError("no_event")
        handler = _HANDLERS.get(job.kind)
        if handler is None:
            raise JobError("error")
        pdf = handler.run(app, session, job, event, processes)
        folder = job_folder(app)
        os.makedirs(folder, exist_ok=True)
        name = f"{job.kind}-{event.slug}-{job_id}-{secrets.token_hex(6)}.{handler.suffix}"
        temporary = os.path.join(folder, f".{name}.part")
        with open(temporary, "wb") as handle:
            handle.write(pdf)
        os.replace(temporary, os.path.join(folder, name))
        session.execute(update(Job).where(Job.id == job_id).values(
            status=JobStatus.DONE, result_path=name, finished_at=utcnow(), error=""))
        session.commit()
        return JobStatus.DONE
    except Exception as exc:  # the job fails, the worker lives on
        session.rollback()
        code = exc.code if isinstance(exc, JobError) else "error"
        if not isinstance(exc, JobError):
            log.exception("job %s failed", job_id)
        session.execute(update(Job).where(Job.id == job_id).values(
            status=JobStatus.FAILED, error=code, finished_at=utcnow()))
        session.commit()
        return JobStatus.FAILED


def plain_config(app: Flask) -> dict:
    """The config values a child process needs to build the same app (JSON-able scalars only)."""
    return {k: v for k, v in app.config.items() if isinstance(v, (str, int, float, bool, type(None)))}


def run_module(module: str, *args: str, input, timeout: float, text: bool = False) -> subprocess.CompletedProcess:
    """`python -m module args` from the project root, output captured; the calling thread only waits
    (the GIL is free for request threads). Used for jobs and for renders a request waits for."""
    from plm import PROJECT_ROOT

    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH", "")]))
    return subprocess.run([sys.executable, "-m", module, *args], input=input, text=text, cwd=str(PROJECT_ROOT),
                          env=env, capture_output=True, timeout=timeout)


def renders_in_child(app: Flask, prefix: str) -> bool:
    """Whether a PDF a request waits for renders in a child process: yes unless <PREFIX>_RENDER_CHILD is
    false; under TESTING only when it is true."""
    setting = app.config.get(f"{prefix}_RENDER_CHILD")
    return (not app.testing) if setting is None else bool(setting)


def pdf_from_child(app: Flask, module: str, request: dict, prefix: str, what: str) -> bytes | None:
    """The PDF `python -m module` writes for *request* (sent as JSON with the app's config, on stdin), within
    <PREFIX>_RENDER_TIMEOUT seconds; None (and a log line naming *what*) if it did not make one. The request
    thread only waits, the GIL released, while the child renders. With JOB_FORKSERVER (the default) the module
    runs in a process forked from the warm fork server, as jobs do, not in a fresh interpreter."""
    body = json.dumps({"config": plain_config(app), **request}).encode()
    timeout = float(app.config.get(f"{prefix}_RENDER_TIMEOUT", 300))
    if uses_fork_server(app):
        return _pdf_from_forked(module, body, timeout, what)
    try:
        proc = run_module(module, input=body, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as exc:
        log.error("%s: render child failed: %s", what, exc)
        return None
    if proc.returncode != 0 or not proc.stdout.startswith(b"%PDF"):
        log.error("%s: render child exited with %s: %s", what, proc.returncode, proc.stderr[-2000:])
        return None
    return proc.stdout


def _pdf_from_forked(module: str, body: bytes, timeout: float, what: str) -> bytes | None:
    """pdf_from_child's render in a process forked from the fork server, its output through a temporary file."""
    import tempfile

    from plm.jobs import child

    with tempfile.NamedTemporaryFile(prefix="plm-render-", suffix=".pdf") as out:
        exitcode = _in_forked_process(child.run_render_module, (module, body, out.name), f"plm-render-{module}",
                                      timeout, what)
        pdf = out.read()
    if exitcode != 0 or not pdf.startswith(b"%PDF"):
        return None
    return pdf


def _in_forked_process(target: Callable, args: tuple, name: str, timeout: float, what: str) -> int | None:
    """Run target(*args) in a process forked from the fork server and wait; its exit code, or None when it was
    still running after *timeout* seconds (it is killed). What went wrong is logged, naming *what*."""
    process = _fork_server().Process(target=target, args=args, name=name)
    process.start()
    process.join(timeout)
    if process.is_alive():
        log.error("%s: child still running after %s s: killed", what, timeout)
        process.kill()
        process.join()
        return None
    if process.exitcode != 0:
        log.error("%s: child exited with %s", what, process.exitcode)
    return process.exitcode


def uses_fork_server(app: Flask) -> bool:
    """Whether children (jobs, and the PDFs a request waits for) fork from the warm fork server: JOB_FORKSERVER."""
    return bool(app.config.get("JOB_FORKSERVER", True))


def _fork_server() -> multiprocessing.context.BaseContext:
    """multiprocessing's "forkserver" context, its server preloaded with plm.jobs.preload (started on first use)."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["plm.jobs.preload"])
    return context


def warm_runner(app: Flask) -> None:
    """Start the fork server now (it imports the app and WeasyPrint once) rather than with the first job."""
    if app.config.get("JOB_SUBPROCESS", True) and uses_fork_server(app):
        from multiprocessing import forkserver

        _fork_server()
        forkserver.ensure_running()


def warm_runner_soon(app: Flask) -> None:
    """A staff page that starts batch jobs (badges, certificates) was opened: start the fork server in the
    background, so the job the organizer starts a few seconds later does not wait for its imports. Only where this
    process's worker runs jobs (not under TESTING unless JOB_WORKER is set); nothing if it already runs."""
    if not background.wanted(app, "JOB_WORKER") or not app.config.get("JOB_SUBPROCESS", True) \
            or not uses_fork_server(app):
        return
    real_app = app._get_current_object() if hasattr(app, "_get_current_object") else app

    def warm() -> None:
        try:
            warm_runner(real_app)
        except Exception:  # the first job starts the server instead
            log.exception("job fork server: could not start it ahead of a job")

    threading.Thread(target=warm, name="plm-job-warm", daemon=True).start()


def _run_forked(app: Flask, job_id: int, timeout: float) -> bool:
    """Run the job in a process forked from the warm fork server; True when it ran to its end."""
    from plm.jobs import child

    return _in_forked_process(child.run_forked, (job_id, plain_config(app)), f"plm-job-{job_id}", timeout,
                              f"job {job_id}") == 0


def run_in_child(app: Flask, job_id: int) -> str:
    """Run a claimed job in a child process (forked from the warm fork server, or `python -m plm.jobs.child`);
    the calling thread only waits."""
    timeout = float(app.config.get("JOB_TIMEOUT_SECONDS", 3600))
    try:
        if uses_fork_server(app):
            failed = not _run_forked(app, job_id, timeout)
        else:
            proc = run_module("plm.jobs.child", str(job_id), input=json.dumps(plain_config(app)), timeout=timeout,
                              text=True)
            failed = proc.returncode != 0
            if failed:
                log.error("job %s: child exited with %s: %s", job_id, proc.returncode, proc.stderr[-2000:])
    except (OSError, subprocess.TimeoutExpired) as exc:
        log.error("job %s: child failed: %s", job_id, exc)
        failed = True
    if failed:  # killed, out of memory, timed out: the row must not stay "running"
        db.session.execute(update(Job).where(Job.id == job_id, Job.status == JobStatus.RUNNING).values(
            status=JobStatus.FAILED, error="error", finished_at=utcnow()))
        db.session.commit()
        return JobStatus.FAILED
    db.session.expire_all()
    job = db.session.get(Job, job_id)
    return job.status if job else "missing"


def run_pending(app: Flask, limit: int | None = None, *, subprocesses: bool = False, processes: int = 1) -> int:
    """Claim and run queued jobs until none is left (or *limit*); returns how many ran. Needs an app context.
    *processes* applies when a job runs in this process (see `run_job`); a child process reads its config."""
    count = 0
    while limit is None or count < limit:
        job_id = claim_next(db.session)
        if job_id is None:
            break
        if subprocesses:
            run_in_child(app, job_id)
        else:
            run_job(app, db.session, job_id, processes)
        db.session.remove()
        count += 1
    return count


# ---------------------------------------------------------------------------------------------
# The worker thread
# ---------------------------------------------------------------------------------------------

class Worker(background.ProcessThread):
    """One thread per web process that claims jobs and runs each in a child process."""

    name = "plm-job-worker"

    def run(self) -> None:
        poll = float(self.app.config.get("JOB_POLL_SECONDS", 3))
        stale = int(self.app.config.get("JOB_STALE_MINUTES", 60))
        with self.app.app_context():
            try:
                fail_stale(db.session, stale)
            except Exception:
                log.exception("job worker: could not clear stale jobs")
            finally:
                db.session.remove()
        while not self.stopping:
            ran = 0
            with self.app.app_context():
                try:
                    ran = run_pending(self.app, subprocesses=bool(self.app.config.get("JOB_SUBPROCESS", True)))
                except Exception:  # database away for a moment: try again later
                    log.exception("job worker: claiming failed")
                finally:
                    db.session.remove()
            if not ran:
                self.wake.wait(poll)
                self.wake.clear()


def ensure_worker(app: Flask) -> Worker | None:
    """Start this process's worker thread once (after a fork, again); None when disabled."""
    if not background.wanted(app, "JOB_WORKER"):
        return None
    return background.ensure(app, "plm_job_worker", Worker)


def wake(app: Flask) -> None:
    worker = ensure_worker(app)
    if worker is not None:
        worker.wake.set()


def wake_after_commit(session, app: Flask) -> None:
    """Wake the worker once the request's job row is committed (a worker woken earlier would not see it)."""
    from plm.transactions import after_commit

    real_app = app._get_current_object() if hasattr(app, "_get_current_object") else app
    after_commit(session, lambda: wake(real_app))


def init_app(app: Flask) -> None:
    """The worker thread (started on each process's first request) and `flask plm run-jobs`; the
    features add their job kinds in their own init_app (register_handler)."""
    from plm import cli
    from plm.jobs import commands

    cli.add_commands(commands.COMMANDS)

    @app.before_request
    def _start_job_worker() -> None:
        ensure_worker(app)
