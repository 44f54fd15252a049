"""Translated labels for the stored vocabularies (roles, institution types, statuses...)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

STAFF_ROLE_LABELS = {"admin": _l("Admin"), "organizer": _l("Organizer (door staff)"), "facilitator": _l("Facilitator")}
PARTICIPANT_ROLE_LABELS = {
    "participant": _l("Participant"),
    "facilitator": _l("Facilitator"),
    "speaker": _l("Speaker"),
    "committee": _l("Committee"),
}
INSTITUTION_TYPE_LABELS = {
    "provincial": _l("Provincial library"),
    "regency_city": _l("Regency/city library"),
    "village": _l("Village library"),
    "tbm": _l("Reading garden (TBM)"),
    "other": _l("Other"),
}
STATUS_LABELS = {"registered": _l("Registered"), "waitlisted": _l("Waiting list"), "cancelled": _l("Cancelled")}
MAIL_STATUS_LABELS = {
    "queued": _l("Waiting to be sent"), "sent": _l("Sent"), "failed": _l("Not sent (failed)"),
    "logged": _l("Kept here (no mail server)"),
}
# Participant fields as people call them: import reports and change lists never show column codes.
FIELD_LABELS = {
    "public_id": _l("Ticket number"), "full_name": _l("Full name"), "name_on_badge": _l("Name on badge"),
    "email": _l("Email"), "phone": _l("WhatsApp / phone"), "institution": _l("Institution"),
    "institution_type": _l("Type of institution"), "province": _l("Province"), "role": _l("Role"),
    "status": _l("Status"), "diet": _l("Dietary needs"), "access_needs": _l("Accessibility needs"),
    "registered_at": _l("Registered at"), "source": _l("Source"), "checked_in": _l("Checked in"),
}
SESSION_KIND_LABELS = {"plenary": _l("Plenary"), "sharing": _l("Sharing session"), "workshop": _l("Workshop"), "registration": _l("Registration desk"), "break": _l("Break")}


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
    }
