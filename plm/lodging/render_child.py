"""Renders the rooming list PDF in a process of its own: `python -m plm.lodging.render_child`, with
{"config": {...}, "event": ID, "lang": "id"} as JSON on stdin, the PDF on stdout.

350 people over four nights is some 40 pages, seconds of WeasyPrint: in the web process it would hold the
GIL while the door scans (like the daftar hadir, plm/attendance/render_child.py).
"""

from __future__ import annotations

import json
import sys


def main() -> int:
    request = json.loads(sys.stdin.read() or "{}")
    from flask_babel import force_locale

    from plm.extensions import db
    from plm.jobs.child import child_app
    from plm.lodging import service
    from plm.lodging.rooming import rooming_pdf
    from plm.models import Event

    with child_app(request.get("config") or {}), force_locale(request.get("lang") or "id"):
        event = db.session.get(Event, int(request["event"]))
        pdf = rooming_pdf(event.name, [hotel.name for hotel in service.hotels(db.session, event)],
                          service.rooming_list(db.session, event))
    sys.stdout.buffer.write(pdf)
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
