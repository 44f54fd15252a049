"""Finding the event a URL names; shared by every blueprint."""

from __future__ import annotations

from flask import abort
from sqlalchemy import or_, select, update

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
    A re-sent link (Participant.offer_manage_token) works as soon as it is mailed; its first use
    makes it the only link. That one write also happens on a GET (the link is opened from a mail),
    on purpose: until then the participant's old link must keep working.
    """
    if not token or len(token) > 100:
        abort(404)
    digest = hash_token(token)
    participant = db.session.scalar(
        select(Participant).where(
            or_(Participant.manage_token_hash == digest, Participant.pending_manage_token_hash == digest),
            Participant.event_id == event.id)
    )
    if participant is None:
        abort(404)
    if participant.pending_manage_token_hash == digest:
        _promote_pending_token(participant, digest)
    return participant


def _promote_pending_token(participant: Participant, digest: str) -> None:
    """The re-sent link was used: it replaces the old one. Conditional, so two first uses at once,
    or a newer re-send in between, leave exactly one consistent pair of hashes."""
    db.session.execute(
        update(Participant)
        .where(Participant.id == participant.id, Participant.pending_manage_token_hash == digest)
        .values(manage_token_hash=digest, pending_manage_token_hash=None)
        .execution_options(synchronize_session=False))
    db.session.commit()
    db.session.refresh(participant)
