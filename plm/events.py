"""Finding the event a URL names; shared by every blueprint."""

from __future__ import annotations

from flask import abort
from sqlalchemy import select

from plm.extensions import db
from plm.models import Event


def get_event_or_404(slug: str, *, public: bool = False) -> Event:
    """The event with this slug; with public=True archived events are hidden too."""
    event = db.session.scalar(select(Event).where(Event.slug == slug.lower())) if len(slug) <= 40 else None
    if event is None or (public and event.archived):
        abort(404)
    return event
