"""Printable schedule and sign-up lists: HTML from Flask's templates (translated, in the event's time),
rendered by the app's PDF engine (:mod:`plm.pdf`), which fetches nothing but the shipped fonts."""

from __future__ import annotations

from typing import Any

from flask import render_template
from sqlalchemy.orm import Session

from plm import clock
from plm.models import Event
from plm.schedule import service
from plm.vocabulary import SessionKind


def schedule_pdf(**context: Any) -> bytes:
    """A4 landscape, one page per day, rooms as columns (context: event, days=[(day, grid)], ...)."""
    from plm.pdf import render_html

    return render_html(render_template("schedule/pdf_schedule.html", **context))


def signups_pdf(**context: Any) -> bytes:
    from plm.pdf import render_html

    return render_html(render_template("schedule/pdf_signups.html", **context))


def printable_schedule(session: Session, event: Event) -> bytes:
    """The printable schedule of *event*, for the staff page and `flask plm schedule-pdf` alike."""
    sessions = service.event_sessions(session, event)
    rooms = service.rooms_of(session, event)
    days = [(day, service.day_grid(event, sessions, rooms, day))
            for day in service.days_with_sessions(event, sessions)
            if service.sessions_on(event, sessions, day)]
    # Colour by track when the schedule has tracks (sessions without one keep their kind's colour).
    used = {s.track_id for s in sessions if s.track_id is not None}
    tracks = [t for t in service.tracks_of(session, event) if t.id in used]
    kinds = [k for k in SessionKind if any(s.kind == k for s in sessions if s.track_id is None)]
    return schedule_pdf(event=event, days=days, tracks=tracks, kinds=kinds, generated=clock.utcnow())
