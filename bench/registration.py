"""Registration figures: the public registration page's first-load weight and the time to import 5,000 rows.

Runs against a throwaway SQLite database in a temp folder. Prints:
  * bytes of HTML + CSS + JS actually loaded on a first visit to /e/<slug>/register (budget 50 KB);
  * seconds to plan (dry run) and to apply a generated 5,000-row CSV import.
"""

from __future__ import annotations

import csv
import io
import os
import re
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from plm import create_app  # noqa: E402
from plm.extensions import db  # noqa: E402

BUDGET = 50 * 1024


def main() -> None:
    folder = tempfile.mkdtemp(prefix="plm-bench-reg-")
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3",
                      "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": True, "UPLOAD_FOLDER": os.path.join(folder, "up")})
    with app.app_context():
        from flask_migrate import upgrade

        from plm.models import Event

        upgrade()
        start = date.today() + timedelta(days=30)
        event = Event(slug="plm-bench", name="PLM Bench", venue="Hotel", starts_on=start,
                      ends_on=start + timedelta(days=3), capacity=6000)
        db.session.add(event)
        db.session.commit()

        client = app.test_client()
        page = client.get("/e/plm-bench/register")
        html = page.data
        assets = re.findall(rb'<(?:link[^>]+rel="stylesheet"[^>]+href|script[^>]+src)="([^"]+)"', html)
        total = len(html)
        parts = [f"HTML {len(html)} B"]
        for url in assets:
            body = client.get(url.decode()).data
            total += len(body)
            parts.append(f"{url.decode().rsplit('/', 1)[-1]} {len(body)} B")
        external = re.findall(rb'(?:src|href)="(https?://[^"]+)"', html)
        print(f"registration page first load: {total} bytes ({total / 1024:.1f} KB; budget 50 KB) = " + " + ".join(parts))
        print(f"  external fetches: {len(external)}; <script> tags: {html.count(b'<script')}")

        provinces = ["Bali", "Jawa Timur", "Nusa Tenggara Timur", "Sulawesi Selatan", "Aceh", "Papua"]
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";")
        writer.writerow(["full_name", "email", "phone", "institution", "institution_type", "province", "registered_at"])
        for i in range(5000):
            writer.writerow([f"Peserta Nomor {i:05d}", f"peserta{i}@example.id", f"0812{i:08d}",
                             f"Perpustakaan Desa {i % 700}", "Perpustakaan Desa", provinces[i % len(provinces)],
                             "2015-04-20 09:30"])
        data = ("\ufeff" + out.getvalue()).encode("utf-8")

        from plm.participants.importexport import apply_import, plan_import

        started = time.perf_counter()
        plan = plan_import(db.session, event, data, "bench.csv")
        planned = time.perf_counter() - started
        apply_import(db.session, event, plan)
        db.session.commit()
        total_time = time.perf_counter() - started
        print(f"import 5,000 rows ({len(data) // 1024} KB CSV): dry-run check {planned:.2f} s, "
              f"check + write + commit {total_time:.2f} s; added {len(plan.to_add)}, refused {plan.refused_rows}")

        started = time.perf_counter()
        again = plan_import(db.session, event, data, "bench.csv")
        print(f"re-import of the same 5,000 rows (all unchanged: {again.unchanged}): {time.perf_counter() - started:.2f} s")

        started = time.perf_counter()
        from plm.participants.importexport import export_csv, export_xlsx

        csv_bytes = export_csv(db.session, event)
        mid = time.perf_counter()
        xlsx_bytes = export_xlsx(db.session, event)
        print(f"export 5,000 rows: CSV {mid - started:.2f} s ({len(csv_bytes) // 1024} KB), "
              f"XLSX {time.perf_counter() - mid:.2f} s ({len(xlsx_bytes) // 1024} KB)")

        from plm.auth.service import create_user

        create_user(db.session, "admin@bench.example", "admin", "bench-password")
        db.session.commit()
        client.post("/staff/login", data={"email": "admin@bench.example", "password": "bench-password",
                                          "csrf_token": re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/staff/login").get_data(as_text=True)).group(1)})
        timings = []
        for url in ("/staff/events/plm-bench/participants", "/staff/events/plm-bench/participants?page=100",
                    "/staff/events/plm-bench/participants?q=nomor%2004&province=Bali&sort=province"):
            started = time.perf_counter()
            status = client.get(url).status_code
            timings.append(f"{(time.perf_counter() - started) * 1000:.0f} ms ({status})")
        print("staff participant list at 5,000 rows: first page, page 100, search+filter+sort: " + ", ".join(timings))
        if total > BUDGET:
            sys.exit("registration page is over the 50 KB budget")


if __name__ == "__main__":
    main()
