"""Benchmark of the allowances: the payment list (daftar nominatif) of 350 people and 350 receipts.

    python bench/allowances.py                 # 350 people, four days each, every one paid (half signed on screen)
    python bench/allowances.py --out /tmp/alw  # also keep the PDFs and the XLSX to look at

Runs on a throwaway SQLite database: the demo event, everyone checked in on the four days (so everyone is
owed something), everyone paid, every other person with a signature drawn at the desk. Times are the app's
path (database rows -> plain data -> bytes), wall and CPU time; memory is the process's maximum resident set
size so far (WeasyPrint's C libraries included). tracemalloc is not used: it slows WeasyPrint several times.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.attendance_sheets import strokes  # noqa: E402


def measure(label: str, step):
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start, start_cpu = time.perf_counter(), time.process_time()
    result = step()
    wall, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size = f", {len(result) / 1024:.0f} KB" if isinstance(result, (bytes, bytearray)) else ""
    print(f"  {label:<44} {wall:6.2f} s (CPU {cpu:.2f} s), max RSS {rss:.0f} MB (+{rss - before:.0f}){size}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--participants", type=int, default=350)
    parser.add_argument("--out", help="folder to keep the PDFs and the XLSX in")
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="plm-bench-allowances-")
    from plm import create_app
    from plm.extensions import db

    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/b.sqlite3",
                      "UPLOAD_FOLDER": os.path.join(folder, "uploads"), "RATELIMIT_ENABLED": False,
                      "PUBLIC_BASE_URL": "http://plm.example"})
    with app.app_context():
        from flask_migrate import upgrade
        from sqlalchemy import select

        from plm.allowances import documents, service
        from plm.attendance import service as attendance
        from plm.attendance.signatures import parse_strokes, strokes_to_svg
        from plm.demo import load_demo
        from plm.links import absolute_url
        from plm.models import Event, Participant, User

        upgrade()
        load_demo(db.session, date.today() + timedelta(days=21), count=args.participants)
        db.session.commit()
        event = db.session.scalar(select(Event).where(Event.slug == "plm-2015"))
        admin = db.session.scalar(select(User).where(User.role == "admin"))
        treasurer = db.session.scalar(select(User).where(User.role == "finance"))
        people = db.session.scalars(select(Participant).where(
            Participant.event_id == event.id, Participant.status == "registered").order_by(Participant.id)).all()
        days = [attendance.day_checkpoint(db.session, event, n) for n in range(1, 5)]
        for person in people:
            for checkpoint in days:
                attendance.mark(db.session, "bench", event, checkpoint, person.public_id, admin, source="paper")
        db.session.commit()
        rnd = random.Random(2015)
        for i, person in enumerate(people):
            if service.paid_allowance(db.session, person.id) is not None:
                continue
            svg = strokes_to_svg(*parse_strokes(strokes(rnd))) if i % 2 == 0 else None
            service.pay(db.session, event, person, treasurer, method="cash", signature_svg=svg)
        db.session.commit()
        print(f"allowances: {len(people)} people, four days each, all paid")

        data = measure("payment list: rows -> plain data", lambda: service.payment_list(db.session, event, "province"))
        pdf = measure("payment list PDF (A4 landscape, by province)", lambda: documents.render_payment_list_pdf(data))
        xlsx = measure("payment list XLSX", lambda: documents.payment_list_xlsx(data))

        def receipts_data():
            lines = service.lines(db.session, event, status="paid")
            return [service.receipt(db.session, event, line,
                                    absolute_url("allowances_public.verify", serial=line.allowance.serial))
                    for line in lines]

        receipts = measure(f"{len(people)} receipts: rows -> plain data", receipts_data)
        bundle = measure(f"{len(receipts)} receipts PDF (chunks of 50)", lambda: documents.render_receipts_pdf(receipts))
        one = measure("one receipt PDF (warm)", lambda: documents.render_receipts_pdf(receipts[:1]))
        from pypdf import PdfReader

        print(f"  pages: payment list {len(PdfReader(io.BytesIO(pdf)).pages)}, receipts {len(PdfReader(io.BytesIO(bundle)).pages)}")
        if args.out:
            os.makedirs(args.out, exist_ok=True)
            for name, body in (("nominatif.pdf", pdf), ("nominatif.xlsx", xlsx), ("kuitansi-350.pdf", bundle),
                               ("kuitansi-1.pdf", one)):
                with open(os.path.join(args.out, name), "wb") as handle:
                    handle.write(body)
        db.session.remove()
        db.engine.dispose()


if __name__ == "__main__":
    main()
