"""Benchmark of the funders' report: PDF and XLSX of an event with 350 participants and 60 sessions.

    python bench/report.py                # 350 people, 60 sessions, realistic check-ins, 10,000 answers
    python bench/report.py --answers 0    # only the evaluations demo's forms and answers (about 4,000)
    python bench/report.py --out /tmp/r   # also keep report.pdf and report.xlsx to look at

Runs on a throwaway SQLite database: the demo event (350 participants from 16 provinces, its schedule
topped up to 60 programme sessions), check-ins from `simulate_attendance` (four days, sessions filled
from who came) and, when the evaluations feature is installed, its demo's forms and answers topped up to
exactly --answers (10,000: day forms for the other days, then pre/post tests for the workshops and plenaries;
see `seed_answers`). It prints what it built (participants, sessions, check-ins, forms, answers) and the
seconds (wall and CPU) it took to build it.
Times are the app's path (database rows -> report data -> PDF or XLSX bytes): the first render of the
process (fonts and stylesheets are loaded then), then the median of three warm runs; the peak RSS is
this process's high-water mark after all of it. Target: under 5 s for each, under 200 MB.
"""

from __future__ import annotations

import argparse
import atexit
import os
import resource
import shutil
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

    from plm.models import EventSession, Room
    from plm.vocabulary import NON_PROGRAMME_KINDS

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


# Questions a day form and the whole-event form ask on top of the starter ones (funders want the venue and
# the organisation rated as well as the content).
EXTRA_RATINGS = [
    ("Tempat dan ruangan nyaman", "The venue and rooms were comfortable"),
    ("Konsumsi memadai", "The meals were adequate"),
    ("Informasi dari panitia jelas dan tepat waktu", "The organisers' information was clear and timely"),
    ("Saya mendapat jejaring baru", "I made new contacts"),
]


def add_questions(form) -> None:
    """Append EXTRA_RATINGS and a second open question to an evaluation form."""
    from plm.evaluations.models import Question, QuestionKind
    from plm.evaluations.service import RATING_LABELS

    position = len(form.questions)
    for text_id, text_en in EXTRA_RATINGS:
        form.questions.append(Question(position=position, kind=QuestionKind.RATING, text_id=text_id, text_en=text_en,
                                       options=RATING_LABELS, correct=[], points=0, required=True))
        position += 1
    form.questions.append(Question(position=position, kind=QuestionKind.TEXT, text_id="Yang akan saya lakukan sepulang",
                                   text_en="What I will do back home", options=[], correct=[], points=0, required=False))


def answer_count(session) -> int:
    from sqlalchemy import func, select

    from plm.evaluations.models import Answer

    return session.scalar(select(func.count()).select_from(Answer)) or 0


def trim_answers(session, form, surplus: int) -> None:
    """Withdraw the last *surplus* answers of a named form (answer and "has answered" row together), so the
    bench holds exactly its target."""
    from sqlalchemy import delete, select

    from plm.evaluations.models import Answer, Submission

    rows = session.execute(select(Answer.key, Answer.participant_id, Answer.phase)
                           .where(Answer.questionnaire_id == form.id)
                           .order_by(Answer.phase, Answer.participant_id.desc()).limit(surplus)).all()
    for key, participant_id, phase in rows:
        session.execute(delete(Answer).where(Answer.key == key))
        session.execute(delete(Submission).where(Submission.questionnaire_id == form.id,
                                                 Submission.participant_id == participant_id, Submission.phase == phase))
    session.flush()


def seed_answers(session, event, target: int) -> dict | None:
    """Evaluation forms and their answers, topped up to exactly *target* (a target below the demo's count
    leaves the demo's answers as they are); counts of forms, answers and answered questions, or None
    without the evaluations feature.

    The demo's `simulate_evaluations` gives a form per programme session, one for the first day, an anonymous
    whole-event form and a whole-event pre/post test (about 4,000 answers for 350 people). On top of it, as a
    fuller event would: every other day gets its own day form
    (with the extra questions), and the workshops, then the plenaries, get a pre/post test each, until the
    answers reach *target*; the last form's surplus answers are withdrawn."""
    try:
        from plm.demo.evaluations import _answer_evaluation, _answer_test, simulate_evaluations
    except ImportError:
        return None
    import random

    from sqlalchemy import func, select

    from plm.evaluations import service
    from plm.evaluations.models import Questionnaire
    from plm.models import EventSession

    simulate_evaluations(session, event)
    rng = random.Random(17)
    extra_forms = []
    day = event.starts_on + timedelta(days=1)
    while day <= event.ends_on:
        form = service.create_from_starter(session, event, "evaluation", day=day)
        add_questions(form)
        extra_forms.append(form)
        day += timedelta(days=1)
    sessions = session.scalars(select(EventSession).where(EventSession.event_id == event.id,
                                                          EventSession.kind.in_(["workshop", "plenary"]),
                                                          EventSession.cancelled_at.is_(None))
                               .order_by(EventSession.kind.desc(), EventSession.starts_at)).all()
    last = None
    for form in extra_forms:
        if answer_count(session) >= target:
            break
        session.flush()
        _answer_evaluation(session, form, rng)
        last = form
    for item in sessions:
        if answer_count(session) >= target:
            break
        test = service.create_from_starter(session, event, "test", event_session=item)
        session.flush()
        _answer_test(session, test, rng)
        last = test
    total = answer_count(session)
    if total > target and last is not None:
        trim_answers(session, last, total - target)
    session.commit()
    forms = session.scalar(select(func.count(Questionnaire.id)).where(Questionnaire.event_id == event.id))
    from plm.evaluations.models import Answer

    values = sum(len(v) for v in session.scalars(select(Answer.values)))
    return {"forms": forms, "answers": answer_count(session), "values": values}


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
    parser.add_argument("--answers", type=int, default=10_000, help="evaluation answers to build")
    parser.add_argument("--out", help="folder to keep report.pdf and report.xlsx in")
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="plm-bench-report-")
    atexit.register(shutil.rmtree, folder, True)  # the throwaway database goes with the process
    from plm import create_app
    from plm.extensions import db

    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/b.sqlite3",
                      "UPLOAD_FOLDER": os.path.join(folder, "uploads"), "RATELIMIT_ENABLED": False})
    with app.app_context():
        from flask_migrate import upgrade
        from sqlalchemy import func, select

        from plm.checkin.commands import simulate_attendance
        from plm.demo import load_demo
        from plm.models import CheckIn, Event, EventSession
        from plm.reports import service
        from plm.reports.pdf import render_report_pdf
        from plm.reports.xlsx import report_xlsx
        from plm.vocabulary import NON_PROGRAMME_KINDS

        data_wall, data_cpu = time.perf_counter(), time.process_time()
        upgrade()
        load_demo(db.session, date.today() - timedelta(days=10), count=args.participants)
        event = db.session.scalar(select(Event).where(Event.slug == "plm-2015"))
        top_up_sessions(db.session, event, SESSIONS)
        simulate_attendance(db.session, event)
        db.session.commit()
        checkins = db.session.scalar(select(func.count(CheckIn.id)))
        evaluations = seed_answers(db.session, event, args.answers)
        data_wall, data_cpu = time.perf_counter() - data_wall, time.process_time() - data_cpu

        def build():
            db.session.expire_all()
            return service.build_report(db.session, event, upload_folder=app.config["UPLOAD_FOLDER"])

        b_first, b_warm, b_cpu, report = timed(build)
        p_first, p_warm, p_cpu, pdf = timed(lambda: render_report_pdf(build()))
        x_first, x_warm, x_cpu, xlsx = timed(lambda: report_xlsx(build()))
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        sessions = db.session.scalar(select(func.count(EventSession.id)).where(
            EventSession.event_id == event.id, EventSession.kind.not_in(NON_PROGRAMME_KINDS),
            EventSession.cancelled_at.is_(None)))
        print(f"built for {event.slug}: {report.registered} registered participants, {sessions} programme sessions, "
              f"{checkins} check-ins, " + (f"{evaluations['forms']} evaluation forms and tests, "
                                            f"{evaluations['answers']} answers ({evaluations['values']} answered questions)"
                                            if evaluations is not None
                                            else "no evaluations (the evaluations feature is not installed)"))
        print(f"  report: {report.attended} attended, {report.no_shows} no-shows, {report.provinces} provinces, "
              f"{len(report.sessions)} sessions")
        print(f"  test data (migrate, demo, check-ins, answers)  {data_wall:6.2f} s (CPU {data_cpu:.2f} s)")
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
