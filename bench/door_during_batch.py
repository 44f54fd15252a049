"""Door check-in latency while a 350-badge batch renders, as `make run` serves (gunicorn 1 worker x 8 threads).

    .venv/bin/python bench/door_during_batch.py [--rate 50] [--seconds 8]

For each render setting (DOCUMENT_RENDER_PROCESSES, JOB_NICE) a fresh gunicorn on a fresh SQLite demo
database answers door scans paced at --rate scans/s from 6 scanners: first with nothing else running, then
from the moment a badge job for all 350 participants is queued until it is done. Prints the scan latency
percentiles of both phases and how long the job took (queued -> done, child process start included).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import checkin_load  # noqa: E402  (same folder: prepare, start_gunicorn, run_load)

SETTINGS = [(1, 10), (2, 10), (2, 0)]


def _app(database_url: str):
    from plm import create_app

    return create_app({"SECRET_KEY": checkin_load.SECRET, "SQLALCHEMY_DATABASE_URI": database_url,
                       "JOB_WORKER": False})


def _enqueue_badges(app) -> int:
    from sqlalchemy import func, select

    from plm import jobs
    from plm.auth.service import find_user
    from plm.documents import service
    from plm.extensions import db
    from plm.models import Event, Participant

    with app.app_context():
        event = db.session.scalar(select(Event).where(Event.slug == "plm-2015"))
        total = db.session.scalar(select(func.count()).select_from(Participant).where(Participant.event_id == event.id))
        job = jobs.enqueue(db.session, "badges", event, find_user(db.session, "admin@plm.example"),
                           {"selection": service.BadgeSelection().to_params(), "layout": "a6"}, total=total)
        db.session.commit()
        job_id = job.id
        db.session.remove()
    return job_id


def _wait_done(app, job_id: int, timeout: float = 120) -> tuple[str, float]:
    from plm.extensions import db
    from plm.models import Job

    started = time.perf_counter()
    with app.app_context():
        while time.perf_counter() - started < timeout:
            db.session.expire_all()
            job = db.session.get(Job, job_id)
            if job.status in ("done", "failed"):
                return job.status, time.perf_counter() - started
            time.sleep(0.05)
    return "timeout", time.perf_counter() - started


def run(processes: int, nice: int, args) -> None:
    instance = tempfile.mkdtemp(prefix="plm-bench-")
    database_url = f"sqlite:///{instance}/bench.sqlite3"
    os.environ.update(PLM_DOCUMENT_RENDER_PROCESSES=str(processes), PLM_JOB_NICE=str(nice),
                      PLM_JOB_POLL_SECONDS="0.2", PLM_UPLOAD_FOLDER=instance)
    try:
        data = checkin_load.prepare(database_url, instance)
        app = _app(database_url)
        server, port = checkin_load.start_gunicorn(database_url, instance, 1, 8)
        try:
            checkin_load.run_load(port, data, 4, 2, rate=args.rate)  # warm-up; also starts the job thread
            idle = checkin_load.run_load(port, data, 6, args.seconds, rate=args.rate)
            job_id = _enqueue_badges(app)
            outcome: dict = {}
            waiter = threading.Thread(target=lambda: outcome.update(zip(("status", "seconds"),
                                                                       _wait_done(app, job_id), strict=False)))
            waiter.start()
            busy_start = time.perf_counter()
            busy = []
            while waiter.is_alive():  # scans until the job is done, in 1-second slices
                busy.append(checkin_load.run_load(port, data, 6, 1.0, rate=args.rate))
            waiter.join()
            busy_wall = time.perf_counter() - busy_start
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(15)
    finally:
        shutil.rmtree(instance, ignore_errors=True)

    latencies = sorted(x * 1000 for b in busy for x in b["latencies"])
    errors = {k: v for b in busy for k, v in b["errors"].items()}

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] if latencies else float("nan")

    print(f"DOCUMENT_RENDER_PROCESSES={processes} JOB_NICE={nice}: badge job {outcome.get('status')} "
          f"in {outcome.get('seconds', float('nan')):.2f} s (queued -> done)")
    print(f"  door, idle:        {idle['requests']:4d} scans, p50 {idle['p50']:.1f} ms, p95 {idle['p95']:.1f} ms, "
          f"p99 {idle['p99']:.1f} ms, errors {idle['errors'] or 'none'}")
    print(f"  door, during job:  {len(latencies):4d} scans over {busy_wall:.1f} s, p50 {pct(50):.1f} ms, "
          f"p95 {pct(95):.1f} ms, p99 {pct(99):.1f} ms, errors {errors or 'none'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=float, default=50, help="door scans per second offered (default 50)")
    parser.add_argument("--seconds", type=float, default=8, help="length of the idle phase")
    args = parser.parse_args()
    print(f"Door latency during a badge batch ({os.cpu_count()} CPUs); load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for processes, nice in SETTINGS:
        run(processes, nice, args)


if __name__ == "__main__":
    main()
