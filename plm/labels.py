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

STAFF_ROLE_LABELS = {"admin": _l("Admin"), "organizer": _l("Organizer (door staff)"), "facilitator": _l("Facilitator")}
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
STATUS_LABELS = {"registered": _l("Registered"), "waitlisted": _l("Waiting list"), "cancelled": _l("Cancelled")}
SESSION_KIND_LABELS = {"plenary": _l("Plenary"), "sharing": _l("Sharing session"), "workshop": _l("Workshop"), "break": _l("Break")}


def role_label(value: str) -> str:
    return str(STAFF_ROLE_LABELS.get(value) or PARTICIPANT_ROLE_LABELS.get(value) or value)


def label_globals() -> dict:
    return {
        "role_label": role_label,
        "participant_role_label": lambda v: str(PARTICIPANT_ROLE_LABELS.get(v, v)),
        "institution_type_label": lambda v: str(INSTITUTION_TYPE_LABELS.get(v, v)),
        "status_label": lambda v: str(STATUS_LABELS.get(v, v)),
        "session_kind_label": lambda v: str(SESSION_KIND_LABELS.get(v, v)),
    }
