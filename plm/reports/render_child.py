"""Renders the report PDF in a process of its own: `python -m plm.reports.render_child`, with
{"config": {...}, "event": ID, "lang": "id"} as JSON on stdin, the PDF on stdout.

Seconds of WeasyPrint in the web process would hold the GIL while the door scans (`make run` serves
from one process); the request thread only waits, as for the daftar hadir (plm/attendance/render_child.py).
"""

from __future__ import annotations

import json
import os
import sys


def main() -> int:
    request = json.loads(sys.stdin.read() or "{}")
    config = dict(request.get("config") or {}, JOB_WORKER=False)
    from plm import create_app
    from plm.extensions import db
    from plm.models import Event
    from plm.reports import service
    from plm.reports.pdf import render_report_pdf

    app = create_app(config)
    niceness = int(app.config.get("JOB_NICE") or 0)
    if niceness > 0:
        os.nice(niceness)
    with app.app_context():
        try:
            event = db.session.get(Event, int(request["event"]))
            report = service.build_report(db.session, event, upload_folder=app.config["UPLOAD_FOLDER"],
                                          lang=request.get("lang", "id"))
        finally:
            db.session.remove()
            db.engine.dispose()
    pdf = render_report_pdf(report)
    sys.stdout.buffer.write(pdf)
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
