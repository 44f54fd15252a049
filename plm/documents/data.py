"""Plain data handed to the renderers, and role labels/colours.

Nothing here knows about a request or the database: the app builds these frozen
dataclasses from its models and passes them in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType

from plm.vocabulary import ParticipantRole

__all__ = [
    "ROLES",
    "DEFAULT_ROLE_COLOURS",
    "EventInfo",
    "BadgeData",
    "CertificateData",
    "Signatory",
    "normalise_lang",
    "role_label",
    "role_colour",
    "text_colour_on",
]

#: Roles in display order.
ROLES = ParticipantRole.values()

#: Band colours when the event does not set its own (all take white text).
DEFAULT_ROLE_COLOURS = MappingProxyType(
    {
        ParticipantRole.PARTICIPANT: "#1F5FAD",  # blue
        ParticipantRole.FACILITATOR: "#1E7A46",  # green
        ParticipantRole.SPEAKER: "#B3261E",  # red
        ParticipantRole.COMMITTEE: "#C25E00",  # orange
    }
)
_FALLBACK_COLOUR = "#4A4F57"


def normalise_lang(lang) -> str:
    """'en' for English, else 'id' (Indonesian is the default)."""
    return "en" if str(lang or "").lower().startswith("en") else "id"


def role_label(role, lang="id") -> str:
    """Human label of *role* in *lang* ('id' default, 'en'): the app's role labels (plm.labels), translated
    with its catalogue."""
    from plm.labels import PARTICIPANT_ROLE_TEXTS, label_in

    key = str(role or "").strip().lower()
    text = PARTICIPANT_ROLE_TEXTS.get(key)
    if text is None:
        return str(role or "").strip().title() or label_in(PARTICIPANT_ROLE_TEXTS[ParticipantRole.PARTICIPANT], normalise_lang(lang))
    return label_in(text, normalise_lang(lang))


def _valid_hex(colour) -> str | None:
    if not isinstance(colour, str):
        return None
    c = colour.strip()
    if c.startswith("#") and len(c) in (4, 7) and all(ch in "0123456789abcdefABCDEF" for ch in c[1:]):
        if len(c) == 4:
            c = "#" + "".join(ch * 2 for ch in c[1:])
        return c.upper()
    return None


def role_colour(role, role_colours=None) -> str:
    """Band colour for *role*: the event's (if a valid #hex), else the default."""
    key = str(role or "").strip().lower()
    custom = _valid_hex((role_colours or {}).get(key))
    return custom or DEFAULT_ROLE_COLOURS.get(key, _FALLBACK_COLOUR)


def text_colour_on(background: str) -> str:
    """Black or white, whichever contrasts more with the #RRGGBB *background*."""
    c = _valid_hex(background) or _FALLBACK_COLOUR

    def lin(v: int) -> float:
        s = v / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (int(c[i : i + 2], 16) for i in (1, 3, 5))
    lum = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
    # White unless it would fall below 3:1 (the WCAG level for large bold text).
    return "#FFFFFF" if 1.05 / (lum + 0.05) >= 3.0 else "#111111"


@dataclass(frozen=True)
class EventInfo:
    name: str
    theme: str = ""
    venue: str = ""
    city: str = ""
    date_text: str = ""
    logo_path: str | None = None
    role_colours: dict[str, str] = field(default_factory=dict, hash=False)
    lang: str = "id"


@dataclass(frozen=True)
class BadgeData:
    name_on_badge: str
    institution: str = ""
    province: str = ""
    role: str = ParticipantRole.PARTICIPANT
    ticket_code: str = ""
    # Printed under the QR for people to read out or type at the door (the public id); the QR holds
    # ticket_code. Empty: the ticket code itself is printed.
    ticket_number: str = ""


@dataclass(frozen=True)
class Signatory:
    name: str
    title: str = ""
    signature_image_path: str | None = None


@dataclass(frozen=True)
class CertificateData:
    full_name: str
    role: str = ParticipantRole.PARTICIPANT
    hours: float | None = None
    serial: str = ""
    verify_url: str = ""
    issued_on_text: str = ""
