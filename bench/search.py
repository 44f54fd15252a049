"""Benchmark of searching 5,000 participants: the door's API search and the staff list's last page and
filtered search (the figures tests used to assert against the wall clock; tests now only check answers).

    .venv/bin/python bench/search.py

Targets: door search (GET /api/v1/events/<slug>/participants?q=) under 100 ms a query; the staff list's
page 100 plus a filtered search under 2 s together. A throwaway SQLite database, real migrations; median of 5.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

ROUNDS = 5


def main() -> int:
    from flask_migrate import upgrade

    from plm import create_app
    from plm.auth.service import create_user
    from plm.extensions import db
    from plm.models import Event, Participant

    folder = tempfile.mkdtemp(prefix="plm-bench-")
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3", "UPLOAD_FOLDER": folder,
                      "PUBLIC_BASE_URL": "http://localhost"})
    with app.app_context():
        upgrade()
        event = Event(slug="bench", name="PLM Bench", venue="Hotel Ungasan", city="Bali",
                      starts_on=date(2015, 5, 18), ends_on=date(2015, 5, 21))
        db.session.add(event)
        db.session.flush()
        db.session.execute(Participant.__table__.insert(), [
            {"event_id": event.id, "public_id": f"P{i:09d}", "full_name": f"Peserta Nomor {i:05d} Wayan",
             "name_on_badge": "", "email": f"p{i}@bench.example", "email_normalized": f"p{i}@bench.example",
             "search_text": f"peserta nomor {i:05d} wayan perpustakaan {i % 97}", "province": "Bali",
             "status": "registered", "role": "participant", "institution_type": "village", "ticket_secret": f"s{i}",
             "source": "import", "phone": "", "institution": f"Perpustakaan {i % 97}", "diet": "",
             "access_needs": "", "certificate_override_reason": ""}
            for i in range(5000)])
        create_user(db.session, "door@bench.example", "organizer", "bench-password-1")
        db.session.commit()
    client = app.test_client()
    client.post("/staff/login", data={"email": "door@bench.example", "password": "bench-password-1"})

    def timed(urls) -> float:
        times = []
        for _ in range(ROUNDS):
            started = time.perf_counter()
            for url in urls:
                assert client.get(url).status_code == 200, url
            times.append(time.perf_counter() - started)
        return statistics.median(times)

    api = "/api/v1/events/bench/participants?q="
    queries = [api + q for q in ("nomor 4321", "wayan", "perpustakaan 42", "zzz")]
    staff = "/staff/events/bench/participants"
    pages = [staff + "?page=100", staff + "?q=peserta 049&province=Bali&checked_in=no"]
    timed(queries[:1] + pages[:1])  # warm up
    door = timed(queries) / len(queries)
    listing = timed(pages)
    print(f"door search, 5,000 participants: {door * 1000:.1f} ms a query (target < 100 ms)")
    print(f"staff list page 100 + filtered search, 5,000 participants: {listing:.2f} s (target < 2 s)")
    return 0 if door < 0.1 and listing < 2.0 else 1


if __name__ == "__main__":
    sys.exit(main())
