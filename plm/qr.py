"""QR codes for tickets and verification links.

Three views of the same code, all pure functions of the text:

* :func:`qr_matrix` -- the module matrix (``True`` = dark), no quiet zone;
* :func:`qr_svg` -- one compact ``<svg>`` with a single ``<path>``, where each
  horizontal run of dark modules is one rectangle sub-path.  It has a
  ``viewBox`` but no width/height, so CSS (web pages, WeasyPrint) sizes it and
  it stays sharp at any size;
* :func:`qr_png` -- a small 1-bit PNG, for mail attachments.

Error correction is level M and the smallest version that fits is used.  The
quiet zone is 4 modules on every side, as the standard asks.

Encoding is done by the pure-Python ``qrcode`` package (the design card's QR
library): mode, version and mask chosen by the ISO 18004 penalty rules.  Its
mask search costs about 1-3 ms a code, so each text is encoded once per
process: the symbol and the SVG path are kept in small LRU caches keyed by the
text (a batch renders each ticket's code once; the ticket page, its PNG and
the mail reuse one encoding).  A cached symbol is one ``bytes`` row per module
row (about 1.5-3 KB), so the caches stay a few MB at most.  A mask found before
(kept in the database by :mod:`plm.qr_masks` and handed in with
:func:`remember_masks`) skips the search: one pass instead of eight.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Mapping
from functools import lru_cache
from html import escape
from typing import NamedTuple

import qrcode
from PIL import Image
from qrcode.exceptions import DataOverflowError

__all__ = ["QUIET_ZONE", "QrSymbol", "qr_symbol", "qr_matrix", "qr_svg", "qr_png", "qr_path_data", "qr_text_key",
           "remember_masks", "known_mask"]

#: Width of the light border around the symbol, in modules.
QUIET_ZONE = 4

#: How many texts each cache keeps: every ticket of a 350-person event; a few MB at most.
CACHE_SIZE = 512


class QrSymbol(NamedTuple):
    """One encoded QR code: *rows* are the module rows top-down, one byte a
    module (1 = dark), without the quiet zone."""

    version: int
    mask: int
    rows: tuple[bytes, ...]

    @property
    def size(self) -> int:
        return len(self.rows)


#: Masks found before, by qr_text_key (filled by remember_masks; bounded like the caches, a batch at a time).
_KNOWN_MASKS: dict[str, int] = {}
_KNOWN_LIMIT = 20_000


def qr_text_key(text: str) -> str:
    """The key a text's mask is kept under: a hash, so the stored row holds no ticket text."""
    return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()[:32]


def remember_masks(masks: Mapping[str, int]) -> None:
    """Masks found before (qr_text_key -> 0-7): the next encodings of those texts skip the search."""
    if len(_KNOWN_MASKS) + len(masks) > _KNOWN_LIMIT:
        _KNOWN_MASKS.clear()
    _KNOWN_MASKS.update((key, mask) for key, mask in masks.items() if isinstance(mask, int) and 0 <= mask <= 7)


def known_mask(text: str) -> int | None:
    return _KNOWN_MASKS.get(qr_text_key(text))


@lru_cache(maxsize=CACHE_SIZE)
def qr_symbol(text: str) -> QrSymbol:
    """Encode *text* (UTF-8, error correction M, smallest version); cached per text. The mask is the one the
    standard's penalty rules choose, or the one remembered for this text (the same, found before)."""
    if not isinstance(text, str):
        raise TypeError("qr text must be a str")
    if not text:
        raise ValueError("nothing to put in a QR code")
    text = text.encode("utf-8", "replace").decode("utf-8")  # a lone surrogate has no UTF-8: "?"
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(text)
    try:
        # What QRCode.make(fit=True) does, keeping the chosen mask.
        code.best_fit()
        mask = known_mask(text)
        if mask is None:
            mask = code.best_mask_pattern()
        code.makeImpl(False, mask)
    except DataOverflowError as exc:
        raise ValueError("text is too long for a QR code") from exc
    return QrSymbol(code.version, mask, tuple(bytes(row) for row in code.modules))


def qr_matrix(text: str) -> list[list[bool]]:
    """Return the QR module matrix for *text* (no quiet zone), rows top-down."""
    return [[bool(module) for module in row] for row in qr_symbol(text).rows]


@lru_cache(maxsize=CACHE_SIZE)
def qr_path_data(text: str) -> tuple[int, str]:
    """Return ``(size, d)``: the side of the symbol *including* the quiet zone,
    in modules, and the SVG path data drawing its dark modules.

    Horizontal runs of dark modules are merged into one rectangle each.
    """
    rows = qr_symbol(text).rows
    runs_by_row: list[list[tuple[int, int]]] = []
    for row in rows:
        runs = []
        x, n = 0, len(row)
        while x < n:
            if row[x]:
                start = x
                while x < n and row[x]:
                    x += 1
                runs.append((start, x))
            else:
                x += 1
        runs_by_row.append(runs)
    # Identical runs in consecutive rows become one taller rectangle (fewer
    # sub-paths: smaller SVG, faster to parse and to draw into a PDF).
    remaining = [set(runs) for runs in runs_by_row]
    parts = []
    for y, runs in enumerate(runs_by_row):
        for run in runs:
            if run not in remaining[y]:
                continue
            height = 1
            while y + height < len(remaining) and run in remaining[y + height]:
                remaining[y + height].discard(run)
                height += 1
            start, end = run
            length = end - start
            # Filled sub-paths close implicitly: no "z" needed.
            parts.append(
                f"M{start + QUIET_ZONE} {y + QUIET_ZONE}h{length}v{height}h-{length}"
            )
    return len(rows) + 2 * QUIET_ZONE, "".join(parts)


def qr_svg(text: str, *, css_class: str | None = None, title: str | None = None) -> str:
    """Return one compact inline ``<svg>`` element for *text*.

    The SVG has a white background rectangle (so it scans on dark pages too), a
    single black ``<path>``, ``shape-rendering="crispEdges"`` and no
    width/height: size it with CSS.  *css_class* and *title* are escaped.
    """
    size, d = qr_path_data(text)
    cls = f' class="{escape(css_class, quote=True)}"' if css_class else ""
    label = escape(title, quote=True) if title else None
    aria = f' role="img" aria-label="{label}"' if label else ' aria-hidden="true"'
    title_el = f"<title>{label}</title>" if label else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}"'
        f'{cls}{aria} shape-rendering="crispEdges">{title_el}'
        f'<rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path fill="#000" d="{d}"/></svg>'
    )


def qr_png(text: str, *, box_size: int = 8) -> bytes:
    """Return a 1-bit PNG of the QR code for *text*, *box_size* pixels per module."""
    box_size = int(box_size)
    if not 1 <= box_size <= 64:
        raise ValueError("box_size must be between 1 and 64")
    rows = qr_symbol(text).rows
    size = len(rows) + 2 * QUIET_ZONE
    small = Image.new("1", (size, size), 1)
    pixels = small.load()
    for y, row in enumerate(rows):
        for x, dark in enumerate(row):
            if dark:
                pixels[x + QUIET_ZONE, y + QUIET_ZONE] = 0
    image = small.resize((size * box_size, size * box_size), Image.Resampling.NEAREST)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


@lru_cache(maxsize=CACHE_SIZE)
def qr_png_data_uri(text: str) -> str:
    """The QR as a 1-bit PNG with four pixels per module (a few hundred bytes), as a ``data:`` URI for the PDFs.

    Drawn with ``image-rendering: pixelated`` (the PDF image's /Interpolate is false) its edges stay sharp at any
    print size (four pixels a module, so a 150 dpi preview, downsampled, still decodes); WeasyPrint embeds it as one
    small image instead of parsing and drawing an SVG path of hundreds of sub-paths, which was a fifth of a badge
    batch's render time."""
    import base64

    return "data:image/png;base64," + base64.b64encode(qr_png(text, box_size=4)).decode("ascii")
