"""Horizontal bar charts as inline SVG.

Bars run left to right with the label above each bar, so long Indonesian labels ("Perpustakaan
Kabupaten/Kota") keep the whole width of a 360 px phone instead of squeezing the bars. The SVG has a
viewBox and no fixed pixel width: it scales to its container. Values are printed beside each bar.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from markupsafe import Markup, escape

#: Fills told apart without colour: solid ink, then diagonal hatching, then dots, then open.
SERIES_FILLS = ("solid", "hatch", "dots", "open")
INK = "#1f2a24"
#: Average advance of a 12 px DejaVu Sans glyph: a label longer than the chart is shortened, not clipped.
CHAR_WIDTH = 6.9

_ROW_LABEL = 16
_BAR = 14
_GAP = 10
_VALUE_SPACE = 62


def _format(value: float, unit: str) -> str:
    text = f"{value:,.1f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value):,}"
    text = text.replace(",", "\u202f")  # a thin space groups thousands in both languages
    return f"{text}{unit}"


def _short(label: str, width: int = 320) -> str:
    limit = int(width / CHAR_WIDTH)
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _chart_id(title: str, rows: Sequence) -> str:
    """A stable id per chart, so several charts on one page never share a pattern definition."""
    digest = hashlib.blake2s(repr((title, list(rows))).encode("utf-8"), digest_size=5).hexdigest()
    return f"c{digest}"


def _patterns(chart_id: str) -> str:
    return (
        f'<defs><pattern id="{chart_id}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{INK}" stroke-width="2.5"/></pattern>'
        f'<pattern id="{chart_id}-dots" width="5" height="5" patternUnits="userSpaceOnUse">'
        f'<rect width="5" height="5" fill="#fff"/><circle cx="2.5" cy="2.5" r="1.3" fill="{INK}"/></pattern></defs>'
    )


def _fill(chart_id: str, series_index: int) -> str:
    kind = SERIES_FILLS[series_index % len(SERIES_FILLS)]
    if kind == "solid":
        return INK
    if kind == "open":
        return "#fff"
    return f"url(#{chart_id}-{kind})"


def _svg(chart_id: str, title: str, width: int, height: int, body: list[str], description: str) -> Markup:
    return Markup(
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="{chart_id}-t {chart_id}-d" '
        f'font-family="PLM Sans, DejaVu Sans, sans-serif" font-size="12">'
        f'<title id="{chart_id}-t">{escape(title)}</title><desc id="{chart_id}-d">{escape(description)}</desc>'
        f'{_patterns(chart_id)}{"".join(body)}</svg>'
    )


def _scale(values: Sequence[float], max_value: float | None) -> tuple[float, float]:
    """The lowest and highest value the axis shows: zero is always on it, so bar lengths compare."""
    low = min([0.0, *values])
    high = max([0.0, *values, *([max_value] if max_value is not None else [])])
    if high == low:
        high = low + 1
    return low, high


def bar_chart(rows: Sequence[tuple[str, float]], *, title: str, unit: str = "",
              max_value: float | None = None, width: int = 320) -> Markup:
    """One bar per (label, value). Negative values (a loss in a pre/post gain) run left of the zero line."""
    return grouped_bar_chart([(label, [value]) for label, value in rows], series=[], title=title,
                             unit=unit, max_value=max_value, width=width)


def grouped_bar_chart(rows: Sequence[tuple[str, Sequence[float]]], *, series: Sequence[str], title: str,
                      unit: str = "", max_value: float | None = None, width: int = 320) -> Markup:
    """Per label one bar per series (e.g. registered / attended, pre / post), with a legend when named."""
    chart_id = _chart_id(title, [(label, tuple(values)) for label, values in rows])
    values = [v for _, vs in rows for v in vs]
    low, high = _scale(values, max_value)
    plot = width - _VALUE_SPACE
    zero_x = plot * (-low) / (high - low)
    body: list[str] = []
    y = 0
    if series:
        x = 0
        for index, name in enumerate(series):
            body.append(f'<rect x="{x}" y="{y + 2}" width="12" height="12" fill="{_fill(chart_id, index)}" '
                        f'stroke="{INK}"/><text x="{x + 16}" y="{y + 12}">{escape(_short(name))}</text>')
            x += 28 + 7 * len(_short(name))
        y += 24
    described = []
    for label, bar_values in rows:
        body.append(f'<text x="0" y="{y + 12}">{escape(_short(label, width))}<title>{escape(label)}</title></text>')
        y += _ROW_LABEL
        for index, value in enumerate(bar_values):
            start = zero_x + plot * min(value, 0) / (high - low)
            length = plot * abs(value) / (high - low)
            body.append(f'<rect x="{start:.1f}" y="{y}" width="{length:.1f}" height="{_BAR}" '
                        f'fill="{_fill(chart_id, index)}" stroke="{INK}" stroke-width="1"/>'
                        f'<text x="{max(start + length, zero_x) + 4:.1f}" y="{y + 11}">{_format(value, unit)}</text>')
            y += _BAR + 2
        described.append(f"{label}: " + ", ".join(
            (f"{series[i]} " if i < len(series) else "") + _format(v, unit) for i, v in enumerate(bar_values)))
        y += _GAP
    body.append(f'<line x1="{zero_x:.1f}" y1="{24 if series else 0}" x2="{zero_x:.1f}" y2="{max(y - _GAP, 1)}" '
                f'stroke="{INK}" stroke-width="1"/>')
    return _svg(chart_id, title, width, max(y, 20), body, "; ".join(described))
