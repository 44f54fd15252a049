"""Shipped fonts and text fitting by measured width.

WeasyPrint cannot shrink text to fit a box, so the renderers choose a font
size (and line breaks) here, from the width of the text measured with the very
font file that WeasyPrint embeds (Pillow/FreeType + HarfBuzz via raqm), not
from character counts.  :func:`fit_font_size` is reusable by other PDFs (the
schedule) and by tests.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from PIL import ImageFont

__all__ = [
    "PRINTED_LENGTHS",
    "unprintable",
    "FONT_DIR",
    "FONT_REGULAR",
    "FONT_BOLD",
    "FitResult",
    "clean_text",
    "fit_font_size",
    "text_width",
]

REPO_ROOT = Path(__file__).resolve().parents[2]
STATIC_DIR = REPO_ROOT / "static"
FONT_DIR = STATIC_DIR / "fonts"
FONT_REGULAR = str(FONT_DIR / "DejaVuSans.ttf")
FONT_BOLD = str(FONT_DIR / "DejaVuSans-Bold.ttf")

#: Measure at this pixel size and scale linearly (no hinting effects).
_REF_SIZE = 1000
#: Width (in em) assumed for a character the font lacks: WeasyPrint then uses
#: a system fallback font or draws a hex box, both about this wide or less.
_MISSING_EM = 1.25
#: Measured widths are multiplied by this before comparing with the box, to
#: absorb small shaping differences between Pillow and Pango.
SAFETY = 1.04

_SPACES = re.compile(r"\s+")


class FitResult(NamedTuple):
    """Chosen font size (pt) and the lines to draw, one block per line."""

    size_pt: float
    lines: list[str]


def clean_text(text) -> str:
    """Collapse whitespace and drop control characters; ``None`` -> ``''``."""
    if text is None:
        return ""
    text = str(text)
    text = "".join(
        " " if ch in "\t\n\r\v\f" else ch
        for ch in text
        if unicodedata.category(ch) != "Cc" or ch in "\t\n\r\v\f"
    )
    # Lone surrogates cannot be encoded to UTF-8 for the HTML; drop them.
    text = text.encode("utf-8", "replace").decode("utf-8") if _has_surrogates(text) else text
    return _SPACES.sub(" ", text).strip()


def _has_surrogates(text: str) -> bool:
    return any("\ud800" <= ch <= "\udfff" for ch in text)


@lru_cache(maxsize=8)
def _font(path: str) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, _REF_SIZE)


@lru_cache(maxsize=8)
def _cmap(path: str) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap())


#: Longest text accepted for the fields printed on badges and certificates, measured with fit_font_size
#: on every badge layout and the certificate (real Indonesian names and institutions fit without the "…"
#: cut: a 100-character name on a credit-card badge, an 100-character institution on the card layout's
#: two lines). Typed text is refused beyond these at input; the column sizes stay as they are.
PRINTED_LENGTHS = {"full_name": 100, "name_on_badge": 60, "institution": 100}


def unprintable(text: str) -> list[str]:
    """The distinct characters of *text* that the shipped fonts cannot draw (in order of appearance).

    Emoji, CJK and other scripts DejaVu Sans lacks print as empty boxes on badges and certificates;
    names are checked against both the regular and the bold face. Combining marks and format
    characters (joiners, variation selectors) are drawn with their base letter and pass.
    """
    cmap = _cmap(FONT_REGULAR) & _cmap(FONT_BOLD)
    seen: list[str] = []
    for ch in text or "":
        if ord(ch) in cmap or ch.isspace() or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            continue
        if ch not in seen:
            seen.append(ch)
    return seen


@lru_cache(maxsize=20000)
def _em_width(path: str, text: str) -> float:
    """Width of *text* in em (font size 1)."""
    if not text:
        return 0.0
    cmap = _cmap(path)
    missing = 0
    present = []
    for ch in text:
        if ord(ch) in cmap or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            present.append(ch)
        else:
            missing += 1
    width = 0.0
    if present:
        try:
            width = _font(path).getlength("".join(present)) / _REF_SIZE
        except Exception:  # pragma: no cover - odd input FreeType refuses
            width = len(present) * _MISSING_EM
    return width + missing * _MISSING_EM


def text_width(text: str, font_path: str, size_pt: float) -> float:
    """Advance width of *text* in points at *size_pt* (no safety margin)."""
    return _em_width(font_path, text) * size_pt


def _graphemes(word: str) -> list[str]:
    """Split *word* into rough grapheme clusters (base + combining marks)."""
    out: list[str] = []
    for ch in word:
        if out and (unicodedata.combining(ch) or ch in "\u200d\ufe0f" or out[-1].endswith("\u200d")):
            out[-1] += ch
        else:
            out.append(ch)
    return out


def _wrap(words: list[str], path: str, limit_em: float, break_words: bool) -> list[str] | None:
    """Greedy wrap of *words* into lines no wider than *limit_em* (em units).

    Returns ``None`` when a word does not fit and *break_words* is false.
    """
    lines: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if _em_width(path, candidate) * SAFETY <= limit_em:
            current = candidate
            continue
        if current:
            lines.append(current)
            current = ""
        if _em_width(path, word) * SAFETY <= limit_em:
            current = word
            continue
        if not break_words:
            return None
        piece = ""
        for cluster in _graphemes(word):
            if piece and _em_width(path, piece + cluster) * SAFETY > limit_em:
                lines.append(piece)
                piece = cluster
            else:
                piece += cluster
        current = piece
    if current:
        lines.append(current)
    return lines


def _balanced(words: list[str], path: str, limit_em: float, n_lines: int, break_words: bool) -> list[str]:
    """Narrowest wrap that still needs only *n_lines* lines (balances them)."""
    best = _wrap(words, path, limit_em, break_words)
    if best is None or len(best) < 2:
        return best
    lo, hi = 0.3 * limit_em, limit_em
    for _ in range(12):
        mid = (lo + hi) / 2
        lines = _wrap(words, path, mid, break_words)
        if lines is not None and len(lines) <= n_lines:
            best, hi = lines, mid
        else:
            lo = mid
    return best


def _sizes(hi: float, lo: float, step: float):
    size = hi
    while size >= lo - 1e-9:
        yield round(size, 2)
        size -= step


def fit_font_size(
    text,
    font_path: str,
    box_width_pt: float,
    max_pt: float,
    min_pt: float,
    max_lines: int = 1,
    *,
    box_height_pt: float | None = None,
    line_height: float = 1.15,
    floor_pt: float | None = None,
    step: float = 0.25,
) -> FitResult:
    """Choose the font size and line breaks for *text* in a box.

    Order of preference: one line, shrinking from *max_pt* down to *min_pt*;
    then 2 .. *max_lines* lines (balanced), again from *max_pt* down; then
    below *min_pt* down to *floor_pt* (default 60 % of *min_pt*); then words
    broken inside; and as a last resort the text is cut with an ellipsis, so the
    result never overflows the box.  With *box_height_pt* the lines times
    *size* times *line_height* must fit that height too.
    """
    text = clean_text(text)
    if not text:
        return FitResult(float(max_pt), [])
    max_lines = max(1, int(max_lines))
    floor_pt = float(floor_pt if floor_pt is not None else min_pt * 0.6)
    words = text.split(" ")

    def fits_height(size: float, n: int) -> bool:
        return box_height_pt is None or n * size * line_height <= box_height_pt + 1e-6

    def attempt(n_max: int, sizes, break_words: bool) -> FitResult | None:
        for size in sizes:
            if not fits_height(size, 1):
                continue
            limit = box_width_pt / size
            lines = _wrap(words, font_path, limit, break_words)
            if lines is not None and len(lines) <= n_max and fits_height(size, len(lines)):
                if len(lines) > 1:
                    lines = _balanced(words, font_path, limit, len(lines), break_words)
                return FitResult(size, lines)
        return None

    result = attempt(1, _sizes(max_pt, min_pt, step), False)
    for n in range(2, max_lines + 1):
        if result is None:
            result = attempt(n, _sizes(max_pt, min_pt, step), False)
    if result is None:
        result = attempt(max_lines, _sizes(min_pt, floor_pt, step), False)
    if result is None:
        result = attempt(max_lines, _sizes(min_pt, floor_pt, step), True)
    if result is None:
        result = _truncate(words, font_path, box_width_pt, floor_pt, max_lines)
    return result


def _truncate(words: list[str], path: str, width_pt: float, size: float, max_lines: int) -> FitResult:
    limit = width_pt / size
    lines = _wrap(words, path, limit, True) or []
    lines = lines[:max_lines]
    last = lines[-1] if lines else ""
    while last and _em_width(path, last + "…") * SAFETY > limit:
        last = last[:-1].rstrip()
    lines[-1:] = [last + "…"]
    return FitResult(size, lines)
