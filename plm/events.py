"""Finding the event a URL names; shared by every blueprint."""

from __future__ import annotations

from flask import abort, make_response, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import or_, select, update

from plm.errors import DeadLink
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
    A re-sent link (Participant.offer_manage_token) is offered, not issued: until it is used, the
    participant's old link keeps working. GET never writes, so opening the offered link (a GET from a
    mail, or a mail scanner's preview) answers a page whose form POSTs to `registration.open_link`
    (sent at once by a script, or by its button without JavaScript); that POST, or any other POST made
    with the offered link, makes it the only link.
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
        raise DeadLink(_("This personal link does not work. If a new link was sent to you, use the one in the latest "
                         "message: the old link stops working once the new one is opened. You can also ask for your "
                         "link again with your email address."),
                       (url_for("registration.resend_link", slug=event.slug), _("Send me my link again")))
    if participant.pending_manage_token_hash == digest:
        if request.method in ("GET", "HEAD"):
            abort(make_response(render_template(
                "registration/confirm_post.html", event=event, title=_("Your new personal link"),
                message=_("This new link replaces your old one: once you open it, the old link stops working."),
                button=_("Open my registration page"), action=url_for("registration.open_link", slug=event.slug,
                                                                       token=token),
                next=request.path)))
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
    db.session.refresh(participant)
