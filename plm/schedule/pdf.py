"""Printable schedule and sign-up lists: HTML from Flask's templates (translated, in the event's time),
rendered by the app's PDF engine (:mod:`plm.pdf`), which fetches nothing but the shipped fonts."""

from __future__ import annotations

from typing import Any

from flask import render_template


def schedule_pdf(**context: Any) -> bytes:
    """A4 landscape, one page per day, rooms as columns (context: event, days=[(day, grid)], ...)."""
    from plm.pdf import render_html

    return render_html(render_template("schedule/pdf_schedule.html", **context))


def signups_pdf(**context: Any) -> bytes:
    from plm.pdf import render_html

    return render_html(render_template("schedule/pdf_signups.html", **context))
