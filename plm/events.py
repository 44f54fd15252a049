"""Finding the event a URL names; shared by every blueprint."""

from __future__ import annotations

from flask import abort
from sqlalchemy import select

from plm.extensions import db
from plm.models import Event, Participant, hash_token


def get_event_or_404(slug: str, *, public: bool = False) -> Event:
    """The event with this slug; with public=True archived events are hidden too."""
    event = db.session.scalar(select(Event).where(Event.slug == slug.lower())) if len(slug) <= 40 else None
    if event is None or (public and event.archived):
        abort(404)
    return event


def get_participant_by_token_or_404(event: Event, token: str) -> Participant:
    """The participant whose manage link this is; any other token (or another event's) is a 404.

    Only the token's SHA-256 is stored, so the lookup compares hashes, never the secret itself.
    """
    if not token or len(token) > 100:
        abort(404)
    participant = db.session.scalar(
        select(Participant).where(Participant.manage_token_hash == hash_token(token), Participant.event_id == event.id)
    )
    if participant is None:
        abort(404)
    return participant
