"""Indonesia's 38 provinces as a tile-grid map: one equal square per province, placed roughly where it lies
(Sumatra west, Papua east), shaded by a value, with the value printed in the tile.

A real map would need shapes fetched or shipped (megabytes) and makes Jakarta a dot beside Papua; equal
tiles give every province the same room for its number, print in black and white (the number is the
reading, the shade a hint; dark tiles get white text) and scale down to a phone (one viewBox).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from markupsafe import Markup, escape

PROVINCES_FILE = Path(__file__).resolve().parent.parent / "data" / "provinces.json"

# (column, row, short label) per province name of plm/data/provinces.json. Short labels are the usual
# Indonesian abbreviations, so a tile holds its label at a readable size.
TILES: dict[str, tuple[int, int, str]] = {
    "Aceh": (0, 0, "Aceh"),
    "Sumatera Utara": (1, 1, "Sumut"),
    "Riau": (2, 1, "Riau"),
    "Kepulauan Riau": (3, 1, "Kepri"),
    "Sumatera Barat": (1, 2, "Sumbar"),
    "Jambi": (2, 2, "Jambi"),
    "Kepulauan Bangka Belitung": (3, 2, "Babel"),
    "Bengkulu": (1, 3, "Bkl"),
    "Sumatera Selatan": (2, 3, "Sumsel"),
    "Lampung": (2, 4, "Lpg"),
    "DKI Jakarta": (4, 3, "DKI"),
    "Banten": (3, 4, "Banten"),
    "Jawa Barat": (4, 4, "Jabar"),
    "Jawa Tengah": (5, 4, "Jateng"),
    "DI Yogyakarta": (5, 5, "DIY"),
    "Jawa Timur": (6, 4, "Jatim"),
    "Bali": (7, 4, "Bali"),
    "Nusa Tenggara Barat": (8, 4, "NTB"),
    "Nusa Tenggara Timur": (9, 4, "NTT"),
    "Kalimantan Utara": (6, 0, "Kaltara"),
    "Kalimantan Barat": (5, 1, "Kalbar"),
    "Kalimantan Timur": (6, 1, "Kaltim"),
    "Kalimantan Tengah": (5, 2, "Kalteng"),
    "Kalimantan Selatan": (6, 2, "Kalsel"),
    "Gorontalo": (8, 1, "Gtlo"),
    "Sulawesi Utara": (9, 1, "Sulut"),
    "Sulawesi Barat": (7, 2, "Sulbar"),
    "Sulawesi Tengah": (8, 2, "Sulteng"),
    "Sulawesi Selatan": (7, 3, "Sulsel"),
    "Sulawesi Tenggara": (8, 3, "Sultra"),
    "Maluku Utara": (10, 1, "Malut"),
    "Maluku": (10, 2, "Maluku"),
    "Papua Barat Daya": (11, 1, "PBD"),
    "Papua Barat": (12, 1, "Pabar"),
    "Papua Tengah": (12, 2, "Papteng"),
    "Papua": (13, 2, "Papua"),
    "Papua Pegunungan": (13, 3, "Papeg"),
    "Papua Selatan": (13, 4, "Papsel"),
}

TILE = 46  # one tile's pitch in SVG units (the tile is TILE - GAP wide)
GAP = 3
# Light to dark; the two darkest carry white text (contrast above 4.5:1 either way). Greys with a
# green cast: they print as distinct greys and look like the app on screen.
SHADES = ("#ffffff", "#dcebe2", "#a9cdb7", "#5f9c78", "#2f6f4f", "#163d2a")
DARK_FROM = 4


def province_names() -> list[str]:
    """The 38 province names, as plm/data/provinces.json spells them."""
    with PROVINCES_FILE.open(encoding="utf-8") as handle:
        return [row["name"] for row in json.load(handle)]


def shade_index(value: float, top: float) -> int:
    """0 for nothing, else 1..5 by fifths of the largest value."""
    if not value or value <= 0 or top <= 0:
        return 0
    return min(len(SHADES) - 1, 1 + int((len(SHADES) - 1) * (value / top - 1e-9)))


def legend_steps(top: float) -> list[tuple[str, str]]:
    """(colour, range text) per shade for the legend; counts are integers."""
    steps = [(SHADES[0], "0")]
    n = len(SHADES) - 1
    for i in range(1, n + 1):
        low = top * (i - 1) / n
        high = top * i / n
        lo_text, hi_text = int(low) + 1, int(high)
        if hi_text < lo_text:
            continue
        steps.append((SHADES[i], f"{lo_text}" if lo_text == hi_text else f"{lo_text}–{hi_text}"))
    return steps


LAYOUTS = ("wide", "tall")
# The tall layout (phones) stacks the east half (from Bali and Sulawesi on) under the west half.
_SPLIT_COLUMN = 7


def positions(layout: str = "wide") -> dict[str, tuple[int, int]]:
    """(column, row) per province: *wide* is the map (14 x 6); *tall* cuts it in two halves of 7 columns,
    west above east, so each tile is twice as wide on a narrow screen."""
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {LAYOUTS}")
    if layout == "wide":
        return {name: (col, row) for name, (col, row, _) in TILES.items()}
    west_bottom = max(r for c, r, _ in TILES.values() if c < _SPLIT_COLUMN)
    east_top = min(r for c, r, _ in TILES.values() if c >= _SPLIT_COLUMN)
    shift = west_bottom + 2 - east_top  # one blank row between the halves
    return {name: (col, row) if col < _SPLIT_COLUMN else (col - _SPLIT_COLUMN, row + shift)
            for name, (col, row, _) in TILES.items()}


def tile_map(values: Mapping[str, float], *, title: str, labels: Mapping[str, str] | None = None,
             legend_title: str = "", unknown_label: str = "", unknown_value: float = 0,
             layout: str = "wide", css_class: str = "chart tile-map") -> Markup:
    """The map as inline SVG Markup. *values*: province name -> number (shading); *labels*: the text
    printed under each tile's abbreviation (default: the value). Names not in the 38 provinces are summed
    into *unknown_value*, shown under the map with *unknown_label* when it is not zero. *layout*: "wide"
    (print, wide screens) or "tall" (phones; see :func:`positions`)."""
    labels = dict(labels or {})
    places = positions(layout)
    extra = sum(v for name, v in values.items() if name not in TILES)
    unknown_value = (unknown_value or 0) + extra
    known = {name: values.get(name, 0) or 0 for name in TILES}
    top = max(known.values(), default=0)
    width = (1 + max(c for c, _ in places.values())) * TILE
    map_height = (1 + max(r for _, r in places.values())) * TILE
    steps = legend_steps(top) if top else [(SHADES[0], "0")]
    max_chars = int(width / 6)
    notes = _lines(f"{unknown_label}: {_number(unknown_value)}", max_chars) if unknown_value and unknown_label else []
    y = map_height + 8
    side = TILE - GAP
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{escape(css_class)} tile-map-{layout}" '
        f'viewBox="0 0 {width} HEIGHT" role="img" aria-label="{escape(title)}" '
        f'font-family="PLM Sans, DejaVu Sans, sans-serif">',
        f"<title>{escape(title)}</title>",
    ]
    for name, (col, row) in places.items():
        short = TILES[name][2]
        value = known[name]
        shade = shade_index(value, top)
        x0, y0 = col * TILE, row * TILE
        text_colour = "#ffffff" if shade >= DARK_FROM else "#111111"
        shown = labels.get(name, _number(value))
        parts.append(
            f'<g class="tile" data-province="{escape(name)}" data-value="{_number(value)}">'
            f"<title>{escape(name)}: {escape(shown)}</title>"
            f'<rect x="{x0}" y="{y0}" width="{side}" height="{side}" rx="3" fill="{SHADES[shade]}" '
            f'stroke="#555555" stroke-width="0.8"/>'
            f'<text x="{x0 + side / 2:g}" y="{y0 + 15}" text-anchor="middle" font-size="9.5" '
            f'fill="{text_colour}">{escape(short)}</text>'
            f'<text x="{x0 + side / 2:g}" y="{y0 + 33}" text-anchor="middle" font-size="{_value_size(shown)}" '
            f'font-weight="bold" fill="{text_colour}">{escape(shown)}</text></g>'
        )
    # Legend: its title on a line of its own, then one swatch per shade with its range, left to right.
    if legend_title:
        y += 12
        parts.append(f'<text x="0" y="{y}" font-size="10">{escape(legend_title)}</text>')
        y += 4
    x = 0
    for colour, text in steps:
        advance = 26 + 6 * len(text)
        if x and x + advance > width:
            x, y = 0, y + 18
        parts.append(f'<rect x="{x}" y="{y}" width="14" height="14" fill="{colour}" stroke="#555555" '
                     f'stroke-width="0.8"/><text x="{x + 18}" y="{y + 11}" font-size="10">{escape(text)}</text>')
        x += advance
    y += 16
    for line in notes:
        y += 13
        parts.append(f'<text x="0" y="{y}" font-size="10">{escape(line)}</text>')
    parts.append("</svg>")
    parts[0] = parts[0].replace("HEIGHT", str(y + 4), 1)
    return Markup("".join(parts))


def _lines(text: str, max_chars: int) -> list[str]:
    """*text* cut at spaces into lines of at most *max_chars* (a long word stays whole)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= max_chars:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def _number(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _value_size(text: str) -> str:
    """The printed value's font size: smaller for longer texts ("18/20") so it stays inside the tile."""
    return "13" if len(text) <= 3 else "11" if len(text) <= 5 else "9"
