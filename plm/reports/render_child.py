"""Renders the report PDF in a process of its own: `python -m plm.reports.render_child`, with
{"config": {...}, "event": ID, "lang": "id"} as JSON on stdin, the PDF on stdout.

Seconds of WeasyPrint in the web process would hold the GIL while the door scans (`make run` serves
from one process); the request thread only waits, as for the daftar hadir (plm/attendance/render_child.py).
"""

from __future__ import annotations

import json
import sys


def main() -> int:
    request = json.loads(sys.stdin.read() or "{}")
    from plm.extensions import db
    from plm.jobs.child import child_app
    from plm.models import Event
    from plm.reports import service
    from plm.reports.pdf import render_report_pdf

    with child_app(request.get("config") or {}) as app:
        event = db.session.get(Event, int(request["event"]))
        report = service.build_report(db.session, event, upload_folder=app.config["UPLOAD_FOLDER"],
                                      lang=request.get("lang", "id"))
    pdf = render_report_pdf(report)  # plain data: the database is closed by now
    sys.stdout.buffer.write(pdf)
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
