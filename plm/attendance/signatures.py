"""Signatures drawn on the door phone: posted stroke points in, SVG we write ourselves out.

The client never sends markup: only numbers, checked and bounded here, so what is stored and later
inlined into the daftar hadir PDF cannot carry scripts, links or external references.
"""

from __future__ import annotations

import math
from typing import Any

MAX_STROKES = 60
MAX_POINTS = 3000  # all strokes together; a full signature on a phone is a few hundred
MAX_SIDE = 4000  # the drawing area the client reports (CSS pixels)
MIN_POINTS = 2
VIEW_W, VIEW_H = 300, 100  # every signature is scaled into this box (3:1, like the sheet's box)


class SignatureError(ValueError):
    """Strokes that cannot become a signature; `code` is the stable JSON error code."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def _number(value: Any, upper: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise SignatureError("invalid_field", "points must be pairs of numbers")
    value = float(value)
    if not math.isfinite(value) or value < -1 or value > upper + 1:
        raise SignatureError("invalid_field", "a point lies outside the drawing area")
    return min(max(value, 0.0), upper)


def parse_strokes(body: Any) -> tuple[list[list[tuple[float, float]]], float, float]:
    """Validate ``{"width": W, "height": H, "strokes": [[[x, y], ...], ...]}``."""
    if not isinstance(body, dict):
        raise SignatureError("invalid_body", "the body must be a JSON object")
    width, height = body.get("width"), body.get("height")
    for name, value in (("width", width), ("height", height)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 10 <= value <= MAX_SIDE:
            raise SignatureError("invalid_field", f"{name} must be a number from 10 to {MAX_SIDE}")
    strokes = body.get("strokes")
    if not isinstance(strokes, list) or not strokes:
        raise SignatureError("empty", "strokes must be a non-empty list")
    if len(strokes) > MAX_STROKES:
        raise SignatureError("too_large", f"at most {MAX_STROKES} strokes")
    total = 0
    out: list[list[tuple[float, float]]] = []
    for stroke in strokes:
        if not isinstance(stroke, list):
            raise SignatureError("invalid_field", "each stroke must be a list of points")
        total += len(stroke)
        if total > MAX_POINTS:
            raise SignatureError("too_large", f"at most {MAX_POINTS} points")
        points = []
        for point in stroke:
            if not isinstance(point, (list, tuple)) or len(point) != 2:
                raise SignatureError("invalid_field", "each point must be [x, y]")
            points.append((_number(point[0], float(width)), _number(point[1], float(height))))
        if points:
            out.append(points)
    if sum(len(s) for s in out) < MIN_POINTS:
        raise SignatureError("empty", "the signature is empty")
    return out, float(width), float(height)


def strokes_to_svg(strokes: list[list[tuple[float, float]]], width: float, height: float) -> str:
    """A small standalone SVG: the strokes fitted into a 300x100 box, one path, black round pen."""
    xs = [x for s in strokes for x, _ in s]
    ys = [y for s in strokes for _, y in s]
    left, top = min(xs), min(ys)
    span_w, span_h = max(max(xs) - left, 1.0), max(max(ys) - top, 1.0)
    pad = 4.0
    # Fill the box, but a tiny scribble is not blown up beyond 2.5x the pad's own scale.
    scale = min((VIEW_W - 2 * pad) / span_w, (VIEW_H - 2 * pad) / span_h, 2.5 * min(VIEW_W / width, VIEW_H / height))
    off_x = (VIEW_W - span_w * scale) / 2
    off_y = (VIEW_H - span_h * scale) / 2
    parts = []
    for stroke in strokes:
        coords = [f"{(x - left) * scale + off_x:.1f} {(y - top) * scale + off_y:.1f}" for x, y in stroke]
        if len(coords) == 1:  # a dot
            coords.append(coords[0])
        parts.append("M" + coords[0] + "L" + " ".join(coords[1:]))
    path = "".join(parts)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {VIEW_W} {VIEW_H}" '
            f'preserveAspectRatio="xMidYMid meet"><path d="{path}" fill="none" stroke="#111" '
            f'stroke-width="2.6" stroke-linecap="round" stroke-linejoin="round"/></svg>')
