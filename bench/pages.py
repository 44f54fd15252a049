"""Staff page weight and time with a national programme's event: 3,500 participants with attendance.

Runs against a throwaway SQLite database in a temp folder (or PLM_SQLALCHEMY_DATABASE_URI). Loads the
demo event with 3,500 participants, simulates four days of attendance, issues the certificates, then
logs in as the admin and prints, for every staff page (every GET route under /staff/ that answers
HTML; the growing lists also filtered, searched and far paged; two pages as the facilitator), its HTML weight and the median of 3 warm requests. Budget: each under 300 ms and 200 KB.
"""

from __future__ import annotations

import os
import re
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from plm import create_app  # noqa: E402
from plm.extensions import db  # noqa: E402

PARTICIPANTS = 3500
MAX_MS = 300
MAX_BYTES = 200 * 1024
SKIP = re.compile(r"(\.(pdf|png|ics|json|csv|css|js|xlsx|<fmt>)$|/download$|^/staff/login$)")


def main() -> None:
    folder = tempfile.mkdtemp(prefix="plm-bench-pages-")
    url = os.environ.get("PLM_SQLALCHEMY_DATABASE_URI") or f"sqlite:///{folder}/bench.sqlite3"
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url,
                      "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False, "UPLOAD_FOLDER": os.path.join(folder, "up"),
                      "JOB_WORKER": False})
    with app.app_context():
        from flask_migrate import upgrade
        from sqlalchemy import select

        from plm.checkin.commands import simulate_attendance
        from plm.demo import load_demo
        from plm.demo.data import DEMO_STAFF
        from plm.documents import service as documents
        from plm.models import Event, EventSession, MailMessage, Participant, Room, Track

        upgrade()
        started = time.perf_counter()
        logins = load_demo(db.session, date.today() - timedelta(days=2), count=PARTICIPANTS)["logins"]
        passwords = {login["email"]: login["password"] for login in logins}  # random, as for every demo
        event = db.session.scalar(select(Event).where(Event.slug == "plm-2015"))
        simulate_attendance(db.session, event)
        db.session.commit()
        chosen = documents.certificates_to_print(db.session, event, documents.event_participants(db.session, event))
        documents.prepare_certificates(db.session, event, chosen, base_url="https://plm.example")
        db.session.commit()
        print(f"loaded {PARTICIPANTS} participants, attendance and {len(chosen)} certificates "
              f"in {time.perf_counter() - started:.0f} s")

        person = db.session.scalar(select(Participant).where(Participant.event_id == event.id).limit(1))
        values = {
            "slug": event.slug, "public_id": person.public_id,
            "session_id": db.session.scalar(select(EventSession.id).where(EventSession.event_id == event.id,
                                                                           EventSession.signup_required.is_(True)).limit(1)),
            "room_id": db.session.scalar(select(Room.id).where(Room.event_id == event.id).limit(1)),
            "track_id": db.session.scalar(select(Track.id).where(Track.event_id == event.id).limit(1)),
            "message_id": db.session.scalar(select(MailMessage.id).limit(1)),
        }
        admin = next(s for s in DEMO_STAFF if s["role"] == "admin")
        client = app.test_client()
        client.post("/staff/login", data={"email": admin["email"], "password": passwords[admin["email"]]})

        paths = []
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
            if "GET" not in rule.methods or not rule.rule.startswith("/staff/") or SKIP.search(rule.rule):
                continue
            if any(name not in values or values[name] is None for name in rule.arguments):
                continue  # e.g. a job page: no job in this database
            path = rule.rule
            for name in rule.arguments:
                path = re.sub(rf"<(?:[a-z]+:)?{name}>", str(values[name]), path)
            paths.append(path)
        # The growing lists once more with a filter, a search and a far page.
        base = f"/staff/events/{event.slug}"
        paths += [f"{base}/certificates?show=not", f"{base}/certificates?q=ayu", f"{base}/certificates?page=60",
                  f"{base}/participants?q=ayu", f"{base}/participants?page=60"]
        facilitator = next(s for s in DEMO_STAFF if s["role"] == "facilitator")
        as_facilitator = app.test_client()
        as_facilitator.post("/staff/login",
                            data={"email": facilitator["email"], "password": passwords[facilitator["email"]]})
        runs = [("admin", client, path) for path in paths]
        runs += [("facilitator", as_facilitator, f"{base}/{page}") for page in ("certificates", "my-sessions")]
        failures = 0
        print(f"{'page':70} {'KB':>7} {'ms':>7}")
        for who, user_client, path in runs:
            user_client.get(path)  # warm
            times, size, status = [], 0, 0
            for _ in range(3):
                start = time.perf_counter()
                response = user_client.get(path)
                times.append((time.perf_counter() - start) * 1000)
                size, status = len(response.data), response.status_code
            ms = statistics.median(times)
            over = size > MAX_BYTES or ms > MAX_MS or status >= 500
            failures += over
            label = path if who == "admin" else f"{path} ({who})"
            print(f"{label[:70]:70} {size / 1024:7.1f} {ms:7.0f}{'  OVER BUDGET' if over else ''}"
                  f"{'' if status == 200 else f'  ({status})'}")
        print(f"budget: each staff page under {MAX_MS} ms and {MAX_BYTES // 1024} KB; {failures} over")


if __name__ == "__main__":
    main()
