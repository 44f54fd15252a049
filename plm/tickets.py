"""QR ticket codes: make, parse, verify. Pure functions, no Flask.

A code reads ``PLM1:<EVENT SLUG>:<PUBLIC ID>:<MAC>``, all upper case so the QR
uses alphanumeric mode (version 3 at error correction M for a typical slug).
The MAC is a truncated HMAC-SHA256 over the rest and the participant's ticket
secret, keyed by a per-event key derived from the app's secret key; changing
the participant's secret (or the event's key version) re-issues the ticket.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass

PREFIX = "PLM1"
MAC_LENGTH = 13  # base32 characters: 65 bits
MAX_CODE_LENGTH = 120
# What a code can hold: a slug (letters, digits, dashes), a public id, a base32 MAC. Anything else
# (a Cyrillic look-alike, an emoji, a stray space) is not a ticket, and is refused before any comparison.
_SLUG_RE = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,39}$")
_PUBLIC_ID_RE = re.compile(r"^[A-Z0-9]{1,16}$")
_MAC_RE = re.compile(rf"^[A-Z2-7]{{{MAC_LENGTH}}}$")


class TicketFormatError(ValueError):
    """The text is not a PLM ticket code at all."""


@dataclass(frozen=True)
class TicketCode:
    event_slug: str  # upper case, as printed
    public_id: str
    mac: str

    @property
    def text(self) -> str:
        return f"{PREFIX}:{self.event_slug}:{self.public_id}:{self.mac}"


def event_key(app_secret: str | bytes, event_slug: str, key_version: int = 1) -> bytes:
    """Per-event ticket key, derived from the app secret so tickets never share its raw value."""
    secret = app_secret.encode() if isinstance(app_secret, str) else app_secret
    info = f"plm-ticket:{event_slug.upper()}:{key_version}".encode()
    return hmac.new(secret, info, hashlib.sha256).digest()


def _mac(key: bytes, event_slug: str, public_id: str, ticket_secret: str) -> str:
    message = f"{PREFIX}:{event_slug.upper()}:{public_id.upper()}:{ticket_secret}".encode()
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return base64.b32encode(digest).decode()[:MAC_LENGTH]


def make_code(key: bytes, event_slug: str, public_id: str, ticket_secret: str) -> str:
    """The text to put in the QR code."""
    return TicketCode(event_slug.upper(), public_id.upper(), _mac(key, event_slug, public_id, ticket_secret)).text


def parse_code(text: str) -> TicketCode:
    """Split scanned text into its parts; raises TicketFormatError when it is not a ticket.

    Keyboard-wedge scanners sometimes change case or add whitespace, so both are forgiven. Only ASCII
    letters, digits and dashes pass: ``str.isalnum`` and ``upper`` accept far more (Cyrillic, Arabic
    digits, ``ß`` → ``SS``), and a non-ASCII MAC made ``hmac.compare_digest`` raise.
    """
    if not isinstance(text, str) or len(text) > MAX_CODE_LENGTH:
        raise TicketFormatError("not a ticket code")
    text = text.strip()
    if not text.isascii():
        raise TicketFormatError("not a ticket code")
    parts = text.upper().split(":")
    if len(parts) != 4 or parts[0] != PREFIX:
        raise TicketFormatError("not a ticket code")
    _, slug, public_id, mac = parts
    if not (_SLUG_RE.match(slug) and _PUBLIC_ID_RE.match(public_id) and _MAC_RE.match(mac)):
        raise TicketFormatError("not a ticket code")
    return TicketCode(slug, public_id, mac)


def verify(key: bytes, code: TicketCode, ticket_secret: str) -> bool:
    """True when the MAC matches; compared in constant time (as bytes: never a TypeError on odd text)."""
    expected = _mac(key, code.event_slug, code.public_id, ticket_secret)
    return hmac.compare_digest(expected.encode(), code.mac.encode("utf-8", "surrogatepass"))


def code_digest(code_text: str) -> str:
    """Short hash of a valid code, for the offline door snapshot (no secret leaves the server)."""
    return hashlib.sha256(code_text.strip().upper().encode()).hexdigest()[:16]


def participant_code(app_secret: str | bytes, participant) -> str:
    """The ticket text for a participant row (anything with .event, .public_id, .ticket_secret)."""
    event = participant.event
    key = event_key(app_secret, event.slug, event.ticket_key_version or 1)
    return make_code(key, event.slug, participant.public_id, participant.ticket_secret)
