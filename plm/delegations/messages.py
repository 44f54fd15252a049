"""Invitation messages to an institution's contact: a WhatsApp link with the text and a mail (outbox)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext
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
    from plm.i18n import date_range

    if reminder:
        opening = ngettext("A reminder: %(institution)s still has %(num)s seat for %(event)s.",
                           "A reminder: %(institution)s still has %(num)s seats for %(event)s.", seats_left,
                           institution=institution.name, event=event.name)
    else:
        opening = ngettext("%(institution)s is invited to send %(num)s person to %(event)s.",
                           "%(institution)s is invited to send %(num)s people to %(event)s.", institution.seats,
                           institution=institution.name, event=event.name)
    when = f"{_('When')}: {date_range(event.starts_on, event.ends_on)}" + (f" · {event.venue}" if event.venue else "")
    lines = [_("Dear %(name)s,", name=institution.contact_name or institution.name), "", opening, when]
    if deadline:
        lines.append(_("Please register your delegates by %(when)s.", when=deadline))
    lines += ["", _("Register your delegates, see who is registered and replace someone with this link "
                    "(keep it for yourself):"), url, "", _("Thank you!"),
              event.name + (f" · {event.contact_phone}" if event.contact_phone else "")]
    return "\n".join(lines)


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
