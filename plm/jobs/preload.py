"""What the job runner's fork server imports once (multiprocessing's "forkserver" preload): the app with every
feature, WeasyPrint, and the PDF engine's fonts and a first tiny render. Each job then runs in a process forked
from this warm one instead of a fresh interpreter that spends about two CPU seconds importing before it renders.

A failure here only costs that speed: the fork server still starts, and each child imports what it needs."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)

try:
    from plm import create_app
    from plm.pdf import engine

    # An app on an in-memory database: imports the feature packages (and their job kinds) as a real one does.
    create_app({"TESTING": True, "SECRET_KEY": "forkserver-preload", "SQLALCHEMY_DATABASE_URI": "sqlite://",
                "JOB_WORKER": False, "MAIL_WORKER": False})
    engine.render_html("<p>PLM</p>")  # fonts, stylesheets, WeasyPrint's and fontTools' lazy imports
except Exception:  # pragma: no cover - a broken preload must not stop the jobs
    log.exception("job fork server: preload failed; jobs will import what they need")
