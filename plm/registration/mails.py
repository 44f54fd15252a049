"""The mails registration sends; all go through the outbox (plm.outbox)."""

from __future__ import annotations

from urllib.parse import quote

from flask import render_template
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from plm import outbox
from plm.links import absolute_url
from plm.models import MailMessage, Participant
from plm.qr import qr_png
from plm.registration.service import has_placeholder_email, waitlist_position
from plm.registration.ticket import ticket_code, ticket_png
from plm.vocabulary import ParticipantStatus

QR_CID = "ticket-qr"


def manage_url(event, token: str) -> str:
    return absolute_url("registration.manage", slug=event.slug, token=token)


def whatsapp_link(text: str, phone: str = "") -> str:
    """A wa.me share link; with an E.164 phone it opens that person's chat directly."""
    number = phone.lstrip("+") if phone else ""
    return f"https://wa.me/{number}?text={quote(text, safe='')}"


def whatsapp_manage_text(event, url: str) -> str:
    return _("My registration for %(event)s: %(url)s", event=event.name, url=url)


def queue_ticket_mail(session: Session, participant: Participant, kind: str,
                      token: str | None = None, reason: str = "") -> MailMessage | None:
    """Queue the mail for `kind`: confirmation, waitlisted, promoted, new_link (re-sent manage link),
    pending / approved / declined (events with approval; `reason` says why a registration was declined).

    Walk-ins with a placeholder address get no mail. Returns the queued row (or None).
    """
    if has_placeholder_email(participant):
        return None
    event = participant.event
    link = manage_url(event, token) if token else None
    with_ticket = participant.status == ParticipantStatus.REGISTERED
    subjects = {
        "confirmation": _("Your ticket for %(event)s", event=event.name),
        "waitlisted": _("You are on the waiting list for %(event)s", event=event.name),
        "promoted": _("A seat is free: your ticket for %(event)s", event=event.name),
        "new_link": _("Your new personal link for %(event)s", event=event.name),
        "ticket": _("Your ticket for %(event)s", event=event.name),
        "pending": _("We received your registration for %(event)s", event=event.name),
        "approved": _("Approved: your ticket for %(event)s", event=event.name),
        "declined": _("Your registration for %(event)s", event=event.name),
    }
    context = dict(participant=participant, event=event, kind=kind, link=link, with_ticket=with_ticket,
                   code=ticket_code(participant) if with_ticket else None, qr_cid=QR_CID,
                   position=waitlist_position(session, participant), reason=reason,
                   whatsapp=whatsapp_link(whatsapp_manage_text(event, link)) if link else None)
    attachments = []
    if with_ticket:
        attachments = [
            {"filename": "qr.png", "content_type": "image/png", "data": qr_png(context["code"], box_size=6),
             "content_id": QR_CID},
            {"filename": f"ticket-{participant.public_id}.png", "content_type": "image/png",
             "data": ticket_png(participant)},
        ]
    return outbox.queue(
        session, recipient=participant.email, subject=subjects[kind],
        body_text=render_template("registration/mail/ticket.txt", **context),
        body_html=render_template("registration/mail/ticket.html", **context),
        attachments=attachments, event_id=event.id, participant_id=participant.id)


def queue_email_change(session: Session, participant: Participant, new_email: str, confirm_url: str) -> MailMessage:
    event = participant.event
    context = dict(participant=participant, event=event, new_email=new_email, confirm_url=confirm_url)
    return outbox.queue(
        session, recipient=new_email, subject=_("Confirm your new email address for %(event)s", event=event.name),
        body_text=render_template("registration/mail/email_change.txt", **context),
        event_id=event.id, participant_id=participant.id)
