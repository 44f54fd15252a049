"""Invitation messages to an institution's contact: a WhatsApp link with the text and a mail (outbox)."""

from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from plm import outbox
from plm.delegations.models import Institution
from plm.links import absolute_url
from plm.models import Event, MailMessage
from plm.registration.mails import whatsapp_link


def invitation_url(event: Event, token: str) -> str:
    return absolute_url("delegations.delegation", slug=event.slug, invite_token=token)


def invitation_text(event: Event, institution: Institution, url: str, deadline: str, seats_left: int,
                    reminder: bool = False) -> str:
    """The ready-to-send message (WhatsApp and the mail's body): who, how many seats, until when, the link."""
    return render_template("delegations/mail/invitation.txt", event=event, institution=institution, url=url,
                           deadline=deadline, seats_left=seats_left, reminder=reminder).strip()


def whatsapp_invitation(institution: Institution, text: str) -> str:
    return whatsapp_link(text, institution.contact_whatsapp or "")


def queue_invitation(session: Session, event: Event, institution: Institution, text: str,
                     reminder: bool = False) -> MailMessage | None:
    """Queue the invitation (or reminder) to the contact's address; None when there is no address."""
    if not institution.contact_email:
        return None
    subject = (_("Reminder: register your delegation for %(event)s", event=event.name) if reminder
               else _("Invitation: register your delegation for %(event)s", event=event.name))
    return outbox.queue(session, recipient=institution.contact_email, subject=subject, body_text=text,
                        event_id=event.id)
