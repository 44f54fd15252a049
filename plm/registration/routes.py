"""Public pages: the list of events and each event's home."""

from __future__ import annotations

import os
from datetime import timedelta

from flask import Blueprint, abort, current_app, render_template, send_from_directory
from sqlalchemy import func, select

from plm.events import get_event_or_404
from plm.extensions import db
from plm.models import Event, Participant, utcnow

bp = Blueprint("registration", __name__)


@bp.route("/")
def index():
    today = (utcnow() - timedelta(days=1)).date()
    events = db.session.scalars(
        select(Event).where(Event.archived.is_(False), Event.ends_on >= today).order_by(Event.starts_on)
    ).all()
    return render_template("registration/index.html", events=events)


@bp.route("/e/<slug>/")
def event_home(slug: str):
    event = get_event_or_404(slug, public=True)
    registered = db.session.scalar(
        select(func.count()).select_from(Participant).where(
            Participant.event_id == event.id, Participant.status == "registered")
    )
    seats_left = None if event.capacity is None else max(event.capacity - registered, 0)
    return render_template("registration/event_home.html", event=event, seats_left=seats_left,
                           registration_state=event.registration_state())


@bp.route("/e/<slug>/logo")
def event_logo(slug: str):
    event = get_event_or_404(slug, public=True)
    if not event.logo_path:
        abort(404)
    folder = current_app.config["UPLOAD_FOLDER"]
    return send_from_directory(folder, event.logo_path, max_age=3600)
