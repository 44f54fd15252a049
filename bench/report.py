"""Benchmark of the funders' report: PDF and XLSX of an event with 350 participants and 60 sessions.

    python bench/report.py                # 350 people, 60 sessions, realistic check-ins
    python bench/report.py --out /tmp/r   # also keep report.pdf and report.xlsx to look at

Runs on a throwaway SQLite database: the demo event (350 participants from 16 provinces, its schedule
topped up to 60 programme sessions), check-ins from `simulate_attendance` (four days, sessions filled
from who came) and, when the evaluations feature is installed, its demo's forms and answers.
Times are the app's path (database rows -> report data -> PDF or XLSX bytes): the first render of the
process (fonts and stylesheets are loaded then), then the median of three warm runs; the peak RSS is
this process's high-water mark after all of it. Target: under 5 s for each, under 200 MB.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SESSIONS = 60


def top_up_sessions(session, event, target: int) -> None:
    """Add sharing sessions on the last day until the programme has *target* sessions."""
    from zoneinfo import ZoneInfo

    from sqlalchemy import func, select

    from plm.models import NON_PROGRAMME_KINDS, EventSession, Room

    count = session.scalar(select(func.count(EventSession.id)).where(
        EventSession.event_id == event.id, EventSession.kind.not_in(NON_PROGRAMME_KINDS),
        EventSession.cancelled_at.is_(None))) or 0
    rooms = session.scalars(select(Room).where(Room.event_id == event.id)).all()
    tz = ZoneInfo(event.timezone)
    for i in range(max(0, target - count)):
        start = datetime.combine(event.ends_on, datetime.min.time(), tz) + timedelta(hours=8 + (i // len(rooms)) % 9)
        session.add(EventSession(event_id=event.id, title=f"Berbagi praktik baik {i + 1}", kind="sharing",
                                 room=rooms[i % len(rooms)], starts_at=start, ends_at=start + timedelta(minutes=50)))
    session.flush()


def seed_answers(session, event) -> int | None:
    """Evaluation forms and answers (about 10,000 for 350 people and 60 sessions) when the evaluations
    feature is installed (its demo's `simulate_evaluations`); None without it."""
    try:
        from plm.demo.evaluations import simulate_evaluations
    except ImportError:
        return None
    answers = simulate_evaluations(session, event)["answers"]
    session.commit()
    return answers


def timed(run, repeat: int = 3) -> tuple[float, float, float, object]:
    """(first run's seconds, median of *repeat* warm runs, their median CPU seconds, last result). The
    CPU figure holds when other work shares the machine; the wall time is what a user waits."""
    start = time.perf_counter()
    result = run()
    first = time.perf_counter() - start
    warm, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = run()
        warm.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return first, statistics.median(warm), statistics.median(cpu), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--participants", type=int, default=350)
    parser.add_argument("--out", help="folder to keep report.pdf and report.xlsx in")
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="plm-bench-report-")
    from plm import create_app
    from plm.extensions import db

    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/b.sqlite3",
                      "UPLOAD_FOLDER": os.path.join(folder, "uploads"), "RATELIMIT_ENABLED": False})
    with app.app_context():
        from flask_migrate import upgrade
        from sqlalchemy import func, select

        from plm.checkin.commands import simulate_attendance
        from plm.demo import load_demo
        from plm.models import CheckIn, Event
        from plm.reports import service
        from plm.reports.pdf import render_report_pdf
        from plm.reports.xlsx import report_xlsx

        upgrade()
        load_demo(db.session, date.today() - timedelta(days=10), count=args.participants)
        event = db.session.scalar(select(Event).where(Event.slug == "plm-2015"))
        top_up_sessions(db.session, event, SESSIONS)
        simulate_attendance(db.session, event)
        db.session.commit()
        checkins = db.session.scalar(select(func.count(CheckIn.id)))
        answers = seed_answers(db.session, event)

        def build():
            db.session.expire_all()
            return service.build_report(db.session, event, upload_folder=app.config["UPLOAD_FOLDER"])

        b_first, b_warm, b_cpu, report = timed(build)
        p_first, p_warm, p_cpu, pdf = timed(lambda: render_report_pdf(build()))
        x_first, x_warm, x_cpu, xlsx = timed(lambda: report_xlsx(build()))
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"report of {event.slug}: {report.registered} registered, {report.attended} attended, "
              f"{report.no_shows} no-shows, {report.provinces} provinces, {len(report.sessions)} sessions, "
              f"{checkins} check-ins, " + (f"{answers} evaluation answers" if answers is not None
                                            else "no evaluations (the evaluations feature is not installed)"))
        print(f"  report data (queries)      first {b_first:6.2f} s   warm median {b_warm:6.2f} s (CPU {b_cpu:.2f} s)")
        print(f"  PDF  (data + render)       first {p_first:6.2f} s   warm median {p_warm:6.2f} s (CPU {p_cpu:.2f} s)   "
              f"{len(pdf) / 1024:.0f} KiB")
        print(f"  XLSX (data + workbook)     first {x_first:6.2f} s   warm median {x_warm:6.2f} s (CPU {x_cpu:.2f} s)   "
              f"{len(xlsx) / 1024:.0f} KiB")
        print(f"  peak RSS of this process: {rss:.0f} MB (target < 200 MB; time target < 5 s)")
        if args.out:
            os.makedirs(args.out, exist_ok=True)
            Path(args.out, "report.pdf").write_bytes(pdf)
            Path(args.out, "report.xlsx").write_bytes(xlsx)
            print(f"  wrote {args.out}/report.pdf and report.xlsx")


if __name__ == "__main__":
    main()
