"""Cleaning typed text and folding it for accent- and case-insensitive search."""

from __future__ import annotations

import re
import unicodedata

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u2028\u2029\ufeff]")
_SPACES = re.compile(r"[ \t\r\n\u00a0]+")


def clean_line(value: object) -> str:
    """One line of user text: control characters removed, whitespace collapsed and trimmed.

    Letters of every script, apostrophes and emoji are kept as typed.
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
    text = re.sub(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufeff]", "", text)
    return "\n".join(line.strip() for line in text.split("\n")).strip()


def fold_for_search(value: str) -> str:
    """Lower-case, accents removed: 'Ni Luh Putu Ayu' and 'ni luh putu ayu' match, so do 'Désa' and 'desa'."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.casefold()).strip()
