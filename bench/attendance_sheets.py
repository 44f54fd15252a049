"""Benchmark of the daftar hadir: the day sheet of 350 people rendered to PDF (and XLSX).

    python bench/attendance_sheets.py                 # 350 people, a quarter with a drawn signature
    python bench/attendance_sheets.py --out /tmp/dh   # also keep the PDFs to look at (pdftoppm -png)

Runs on a throwaway SQLite database: the demo event (350 participants from 16 provinces), day 1
checked in at the door, every fourth check-in with a signature drawn like a finger on a phone. Times
are the app's path (database rows -> PDF bytes), the first render of the process separately (fonts
and stylesheets are loaded then), then the median of three warm renders: wall time and this process's CPU
time (the CPU figure holds when other work shares the machine; the wall time is what a user waits).
"""

from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def strokes(rnd: random.Random) -> dict:
    """A signature-like scribble: two or three strokes of 30-60 points on a 340x160 pad."""
    out = []
    x = rnd.uniform(20, 60)
    for _ in range(rnd.randint(2, 3)):
        y0 = rnd.uniform(50, 110)
        points = []
        for i in range(rnd.randint(30, 60)):
            x = min(330, x + rnd.uniform(1.5, 5))
            points.append([round(x, 1), round(y0 + 28 * math.sin(i / 3.0) + rnd.uniform(-4, 4), 1)])
        out.append(points)
        x = max(10, x - rnd.uniform(40, 90))
    return {"width": 340, "height": 160, "strokes": out}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--participants", type=int, default=350)
    parser.add_argument("--out", help="folder to keep the PDFs and the XLSX in")
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="plm-bench-attendance-")
    from plm import create_app
    from plm.extensions import db

    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/b.sqlite3",
                      "UPLOAD_FOLDER": os.path.join(folder, "uploads"), "RATELIMIT_ENABLED": False})
    with app.app_context():
        from flask_migrate import upgrade
        from sqlalchemy import select

        from plm.attendance import service
        from plm.demo import load_demo
        from plm.models import Event, Participant, User

        upgrade()
        load_demo(db.session, date.today() + timedelta(days=21), count=args.participants)
        db.session.commit()
        event = db.session.scalar(select(Event).where(Event.slug == "plm-2015"))
        staff = db.session.scalar(select(User).where(User.role == "admin"))
        cp = service.day_checkpoint(db.session, event, 1)
        people = db.session.scalars(select(Participant).where(
            Participant.event_id == event.id, Participant.status == "registered").order_by(Participant.id)).all()
        rnd = random.Random(2015)
        signed = 0
        for i, person in enumerate(people):
            if i % 10 == 9:
                continue  # a tenth did not come (yet)
            answer = service.mark(db.session, "bench", event, cp, person.public_id, staff,
                                  source="paper" if i % 10 == 8 else "qr")
            if i % 4 == 0 and answer.get("checkin_id"):
                service.save_signature(db.session, event, answer["checkin_id"], strokes(rnd), staff)
                signed += 1
        rows = service.sheet_rows(db.session, event, cp)
        print(f"daftar hadir, day 1: {len(rows)} people, {sum(1 for r in rows if r.source)} present, "
              f"{signed} signatures drawn")

        cpu: list[float] = []

        def render(**kwargs) -> tuple[float, bytes]:
            start, start_cpu = time.perf_counter(), time.process_time()
            data = service.render_sheet(db.session, event, cp, upload_folder=app.config["UPLOAD_FOLDER"], **kwargs)
            cpu.append(time.process_time() - start_cpu)
            return time.perf_counter() - start, data

        cases = [("A4 portrait, by name", {}), ("A4 landscape, by name", {"orientation": "landscape"}),
                 ("A4 portrait, grouped by province", {"sort": "province"}), ("XLSX", {"fmt": "xlsx"})]
        first, _ = render()
        print(f"  first render of the process (fonts, stylesheets): {first:6.2f} s")
        import io

        from pypdf import PdfReader

        for label, kwargs in cases:
            times = []
            cpu.clear()
            for _ in range(3):
                seconds, data = render(**kwargs)
                times.append(seconds)
            pages = f", {len(PdfReader(io.BytesIO(data)).pages)} pages" if kwargs.get("fmt") != "xlsx" else ""
            print(f"  {label:<36} median {statistics.median(times):6.2f} s  (min {min(times):.2f}; CPU "
                  f"{statistics.median(cpu):.2f} s){pages}, {len(data) / 1024:.0f} KB")
            if args.out:
                os.makedirs(args.out, exist_ok=True)
                name = label.lower().replace(",", "").replace(" ", "-")
                with open(os.path.join(args.out, f"{name}.{kwargs.get('fmt', 'pdf')}"), "wb") as handle:
                    handle.write(data)
        db.session.remove()
        db.engine.dispose()


if __name__ == "__main__":
    main()
