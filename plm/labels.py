"""Translated labels for the stored vocabularies (roles, institution types, statuses...)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from babel.support import NullTranslations, Translations
from flask_babel import lazy_gettext as _l

_TRANSLATIONS = Path(__file__).resolve().parent / "translations"


def N_(text: str) -> str:
    """Marks *text* for extraction only; it is translated where it is shown."""
    return text


@lru_cache(maxsize=4)
def _catalogue(lang: str) -> NullTranslations:
    return Translations.load(str(_TRANSLATIONS), [lang])


def label_in(text: str, lang: str) -> str:
    """*text* in *lang* without a request: a printed document speaks its event's language, not the reader's."""
    return _catalogue(lang).gettext(text)

STAFF_ROLE_LABELS = {"admin": _l("Admin"), "organizer": _l("Organizer (door staff)"), "facilitator": _l("Facilitator"),
                     "finance": _l("Treasurer")}
# The participant roles' texts, once: translated per request for pages (PARTICIPANT_ROLE_LABELS) and in the
# document's own language for badges and certificates (`label_in`). N_ marks them for extraction.
PARTICIPANT_ROLE_TEXTS = {
    "participant": N_("Participant"),
    "facilitator": N_("Facilitator"),
    "speaker": N_("Speaker"),
    "committee": N_("Committee"),
}
PARTICIPANT_ROLE_LABELS = {role: _l(text) for role, text in PARTICIPANT_ROLE_TEXTS.items()}
INSTITUTION_TYPE_LABELS = {
    "provincial": _l("Provincial library"),
    "regency_city": _l("Regency/city library"),
    "village": _l("Village library"),
    "tbm": _l("Reading garden (TBM)"),
    "other": _l("Other"),
}
STATUS_LABELS = {"registered": _l("Registered"), "waitlisted": _l("Waiting list"), "pending": _l("Waiting for approval"),
                 "cancelled": _l("Cancelled")}
MAIL_STATUS_LABELS = {
    "queued": _l("Waiting to be sent"), "sending": _l("Being sent"), "sent": _l("Sent"), "failed": _l("Not sent (failed)"),
    "logged": _l("Kept here (no mail server)"),
}
# Participant fields as people call them: import reports and change lists never show column codes.
FIELD_LABELS = {
    "public_id": _l("Ticket number"), "full_name": _l("Full name"), "name_on_badge": _l("Name on badge"),
    "email": _l("Email"), "phone": _l("WhatsApp / phone"), "institution": _l("Institution"),
    "institution_type": _l("Type of institution"), "province": _l("Province"), "role": _l("Role"),
    "status": _l("Status"), "diet": _l("Dietary needs"), "access_needs": _l("Accessibility needs"),
    "registered_at": _l("Registered at"), "source": _l("Source"), "checked_in": _l("Checked in"),
    # keys of the history (audit) entries
    "previous": _l("Before"), "changes": _l("Changes"), "by": _l("By"), "reason": _l("Reason"),
    "released_sessions": _l("Workshop seats given back"), "serial": _l("Serial"),
}
# Where a registration or a check-in came from.
SOURCE_LABELS = {
    "web": _l("Online form"), "import": _l("Imported list"), "walk-in": _l("Walk-in"), "demo": _l("Demo data"),
    "staff": _l("Entered by staff"), "qr": _l("QR scan"), "manual": _l("Entered by hand"),
    "offline-sync": _l("Scanned offline, sent later"), "paper": _l("Signed sheet"),
}
# What the participant's history says happened (the audit log's action codes).
AUDIT_ACTION_LABELS = {
    "participant.register": _l("Registered"), "participant.update": _l("Details changed"),
    "participant.status": _l("Status changed"), "participant.cancel": _l("Registration cancelled"),
    "participant.promote": _l("Moved up from the waiting list"), "participant.reinstate": _l("Registered again"),
    "participant.reissue_ticket": _l("New ticket code"), "participant.erase": _l("Personal data deleted"),
    "certificate.override": _l("Certificate decided by the committee"), "certificate.revoke": _l("Certificate revoked"),
    "certificate.reinstate": _l("Certificate reinstated"), "checkin.undo": _l("Check-in undone"),
}
SESSION_KIND_LABELS = {"plenary": _l("Plenary"), "sharing": _l("Sharing session"), "workshop": _l("Workshop"), "registration": _l("Registration desk"), "break": _l("Break")}


def audit_value(key: str, value: object) -> str:
    """One value of an audit entry in words: statuses, roles and sources through their labels."""
    if isinstance(value, (list, tuple)):
        return " → ".join(audit_value(key, item) for item in value)
    text = "" if value is None else str(value)
    for labels in (STATUS_LABELS, SOURCE_LABELS, INSTITUTION_TYPE_LABELS, PARTICIPANT_ROLE_LABELS):
        if text in labels and key in ("previous", "status", "source", "by", "institution_type", "role", "changes"):
            return str(labels[text])
    if key == "by" and text in ("participant", "staff"):
        return str(_BY_LABELS[text])
    return text


_BY_LABELS = {"participant": _l("the participant"), "staff": _l("staff")}


def role_label(value: str) -> str:
    return str(STAFF_ROLE_LABELS.get(value) or PARTICIPANT_ROLE_LABELS.get(value) or value)


def label_globals() -> dict:
    return {
        "role_label": role_label,
        "participant_role_label": lambda v: str(PARTICIPANT_ROLE_LABELS.get(v, v)),
        "institution_type_label": lambda v: str(INSTITUTION_TYPE_LABELS.get(v, v)),
        "status_label": lambda v: str(STATUS_LABELS.get(v, v)),
        "session_kind_label": lambda v: str(SESSION_KIND_LABELS.get(v, v)),
        "mail_status_label": lambda v: str(MAIL_STATUS_LABELS.get(v, v)),
        "field_label": lambda v: str(FIELD_LABELS.get(v, v)),
        "source_label": lambda v: str(SOURCE_LABELS.get(v, v)),
        "audit_label": lambda v: str(AUDIT_ACTION_LABELS.get(v, v)),
        "audit_value": audit_value,
    }
