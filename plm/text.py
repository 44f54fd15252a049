"""Cleaning typed text and folding it for accent- and case-insensitive search."""

from __future__ import annotations

import re
import unicodedata

# Invisible characters that change how text looks without showing themselves: bidirectional marks,
# embeddings, overrides and isolates (a badge printed "amaN jpg.exe" for "Name\u202Eexe.gpj"), the
# Arabic letter mark, zero-width space, word joiner and invisible operators, soft hyphen, BOM.
# Zero-width joiner and non-joiner (U+200C/D) stay: emoji sequences and several scripts need them.
INVISIBLE = "\u00ad\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb"
_CONTROL = re.compile(f"[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f\\u2028\\u2029{INVISIBLE}]")
_CONTROL_KEEP_NEWLINE = re.compile(f"[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f{INVISIBLE}]")
_SPACES = re.compile(r"[ \t\r\n\u00a0]+")


def clean_line(value: object) -> str:
    """One line of user text: control characters removed, whitespace collapsed and trimmed.

    Letters of every script, apostrophes and emoji are kept as typed. Every single-line field of every
    form gets it (plm.forms.BaseForm), and the services and imports call it for what they store.
    """
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    text = _CONTROL.sub("", text)
    return _SPACES.sub(" ", text).strip()


def clean_multiline(value: object) -> str:
    """Free text (needs, descriptions): control characters removed, line breaks kept."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value)).replace("\r\n", "\n")
    text = _CONTROL_KEEP_NEWLINE.sub("", text.replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n"))
    return "\n".join(line.strip() for line in text.split("\n")).strip()


def drop_control(value: str) -> str:
    """Typed text as typed, less the control characters no keyboard makes (NUL, which PostgreSQL refuses in
    text, escapes) and invisible overrides; line breaks (a CR LF made LF) and tabs stay."""
    return _CONTROL_KEEP_NEWLINE.sub("", value.replace("\r\n", "\n"))


def fold_for_search(value: str) -> str:
    """Lower-case, accents removed: 'Ni Luh Putu Ayu' and 'ni luh putu ayu' match, so do 'Désa' and 'desa'."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.casefold()).strip()
