"""Renders one daftar hadir PDF in a process of its own: `python -m plm.attendance.render_child`, with
{"config": {...}, "checkpoint": ID, "sort", "orientation", "blank"} as JSON on stdin, the PDF on stdout.

A sheet of 350 rows is seconds of WeasyPrint; rendered in the web process it would hold the GIL and the
door's check-ins in that process would wait (`make run` serves from one process). The request thread
starts this child at a lower priority (JOB_NICE) and only waits, like the batch-PDF jobs do.
"""

from __future__ import annotations

import json
import sys


def main() -> int:
    request = json.loads(sys.stdin.read() or "{}")
    from plm.attendance import service
    from plm.extensions import db
    from plm.jobs.child import child_app
    from plm.models import Checkpoint, Event

    with child_app(request.get("config") or {}) as app:
        checkpoint = db.session.get(Checkpoint, int(request["checkpoint"]))
        event = db.session.get(Event, checkpoint.event_id)
        pdf = service.render_sheet(db.session, event, checkpoint, upload_folder=app.config["UPLOAD_FOLDER"],
                                   fmt="pdf", sort=request.get("sort", "name"),
                                   orientation=request.get("orientation", "portrait"),
                                   blank_rows=int(request.get("blank", 10)))
    sys.stdout.buffer.write(pdf)
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
