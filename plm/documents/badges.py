"""Name badges: A6 4-up, A7 8-up, credit-card 10-up sheets, or one per page.

Sheet layouts put the badges edge to edge in the middle of an A4 sheet (one
cut between neighbours) with crop marks in the margins; every margin is at
least 10 mm, so nothing falls into a laser printer's unprintable border.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from plm.pdf.engine import StyleClasses as _Classes
from plm.pdf.engine import file_url, font_stylesheet, jinja_env, render_chunks, stylesheet
from plm.pdf.fonts import FONT_BOLD, FONT_REGULAR, clean_text, fit_font_size, text_width

from .data import BadgeData, EventInfo, normalise_lang, role_colour, role_label, text_colour_on

__all__ = ["LAYOUTS", "BadgeLayout", "render_badges", "render_single_badge", "badge_boxes"]

PT_PER_MM = 72 / 25.4


@dataclass(frozen=True)
class BadgeLayout:
    name: str
    page_w: float  # mm
    page_h: float
    badge_w: float
    badge_h: float
    cols: int
    rows: int
    kind: str  # 'portrait' | 'landscape'
    crop_marks: bool

    @property
    def per_page(self) -> int:
        return self.cols * self.rows

    @property
    def origin(self) -> tuple[float, float]:
        return (
            (self.page_w - self.cols * self.badge_w) / 2,
            (self.page_h - self.rows * self.badge_h) / 2,
        )

    @property
    def scale(self) -> float:
        """Scale of the badge design (portrait 95x135 mm, landscape 85.6x54 mm)."""
        if self.kind == "portrait":
            return min(self.badge_w / 95, self.badge_h / 135)
        return min(self.badge_w / 85.6, self.badge_h / 54)


LAYOUTS = {
    # A6 is 105x148; four of those fill A4 to the edge, so the badges are
    # 95x135 (they still fit A6 badge holders) with 10/13.5 mm margins.
    "a6": BadgeLayout("a6", 210, 297, 95, 135, 2, 2, "portrait", True),
    # A7 is 74x105: 8 portrait badges of 67x95 on a landscape A4 sheet.
    "a7": BadgeLayout("a7", 297, 210, 67, 95, 4, 2, "portrait", True),
    # ISO/IEC 7810 ID-1 (credit card), exact size, 2x5 on A4.
    "card": BadgeLayout("card", 210, 297, 85.6, 54, 2, 5, "landscape", True),
    # On-the-spot printing: the page is the badge.
    "single": BadgeLayout("single", 105, 148, 105, 148, 1, 1, "portrait", False),
    "single-card": BadgeLayout("single-card", 85.6, 54, 85.6, 54, 1, 1, "landscape", False),
}

# Design metrics in mm (before scaling) and font sizes in pt.
_PORTRAIT = dict(
    pad=6.0, header_top=5.0, header_h=21.0, logo=17.0, rule_top=27.5,
    zone_top=29.0, zone_h=55.0, qr_top=86.0, qr=25.0, band_h=15.0,
    event_max=12.5, event_min=8.5, event_lines=2, meta_pt=8.0,
    name_max=30.0, name_min=20.0, name_floor=7.5, name_lines=3, name_cap=84.0,
    inst_max=13.0, inst_min=9.5, inst_floor=6.0, inst_lines=3, inst_cap=36.0,
    prov_pt=10.0, gap1=6.0, gap2=3.0, code_pt=7.0, band_max=22.0, band_min=10.0,
)
_LANDSCAPE = dict(
    pad=4.0, header_top=3.2, header_h=7.2, logo=7.2, rule_top=11.2,
    zone_top=12.8, zone_h=28.5, qr_top=13.3, qr=21.0, band_h=9.5, qr_gap=3.0,
    event_max=8.0, event_min=5.5, event_lines=2, meta_pt=5.0,
    name_max=16.0, name_min=11.0, name_floor=4.8, name_lines=3, name_cap=46.0,
    inst_max=8.0, inst_min=6.0, inst_floor=4.5, inst_lines=2, inst_cap=19.0,
    prov_pt=6.5, gap1=3.5, gap2=2.0, code_pt=5.0, band_max=13.0, band_min=6.0,
)
_LH_NAME = 1.12
_LH_TEXT = 1.2


def _metrics(layout: BadgeLayout) -> dict:
    base = _PORTRAIT if layout.kind == "portrait" else _LANDSCAPE
    s = layout.scale
    m = {k: v * s for k, v in base.items() if k not in ("event_lines", "name_lines", "inst_lines")}
    m.update({k: base[k] for k in ("event_lines", "name_lines", "inst_lines")})
    m["s"] = s
    m["w"] = layout.badge_w
    m["h"] = layout.badge_h
    m["inner_w"] = layout.badge_w - 2 * m["pad"]
    if layout.kind == "landscape":
        m["text_w"] = m["inner_w"] - m["qr"] - m["qr_gap"]
        # The code under the QR may reach past the QR's sides, but not past the badge's edge.
        m["code_ext"] = min(5.0 * s, m["pad"] - 1.0)
    else:
        m["text_w"] = m["inner_w"]
        m["code_ext"] = 5.0 * s
    m["code_w"] = m["qr"] + 2 * m["code_ext"]
    return m


_CODE_SPACING = 0.06  # em, letter-spacing of the printed ticket code


def _code_lines(code: str, width_mm: float, max_pt: float) -> tuple[list[str], float]:
    """The ticket code under the QR: one line if it fits at *max_pt*, else split at a ':' into two
    balanced lines, shrunk (by measured width) until the wider line fits *width_mm*."""
    width_pt = width_mm * PT_PER_MM

    def em(text: str) -> float:  # width in points at 1 pt, letter-spacing included
        return text_width(text, FONT_REGULAR, 1.0) + _CODE_SPACING * len(text)

    if not code or em(code) * max_pt <= width_pt:
        return ([code] if code else []), max_pt
    splits = [i + 1 for i, ch in enumerate(code[:-1]) if ch == ":"] or [len(code) // 2]
    best = min(splits, key=lambda i: max(em(code[:i]), em(code[i:])))
    lines = [code[:best], code[best:]]
    widest = max(em(line) for line in lines)
    return lines, max(max_pt * 0.5, min(max_pt, width_pt / widest * 0.98))


@dataclass(frozen=True)
class _Block:
    size: float
    lines: list[str]
    lh: float
    cls: str = ""

    @property
    def height(self) -> float:  # pt
        return len(self.lines) * self.size * self.lh


def _fit(text, font, width_mm, max_pt, min_pt, lines, cap_pt=None, floor=None, lh=_LH_TEXT) -> _Block:
    res = fit_font_size(
        text, font, width_mm * PT_PER_MM, max_pt, min_pt, lines,
        box_height_pt=cap_pt, line_height=lh, floor_pt=floor,
    )
    return _Block(res.size_pt, res.lines, lh)


def _styled(block: _Block, classes: _Classes) -> _Block:
    return _Block(block.size, block.lines, block.lh, classes.size(block.size))


def _event_header(event: EventInfo, m: dict, has_logo: bool) -> dict:
    width = m["inner_w"]
    if has_logo:
        width -= m["logo"] + 2.5 * m["s"]
    meta = " · ".join(p for p in (clean_text(event.date_text), clean_text(event.city)) if p)
    meta_block = _fit(meta, FONT_REGULAR, width, m["meta_pt"], m["meta_pt"] * 0.75, 1)
    avail = m["header_h"] * PT_PER_MM - meta_block.height
    name_block = _fit(
        event.name, FONT_BOLD, width, m["event_max"], m["event_min"], m["event_lines"],
        cap_pt=avail, lh=1.1,
    )
    used = name_block.height + meta_block.height
    return {
        "name": name_block,
        "meta": meta_block,
        "pad_top": max(0.0, (m["header_h"] * PT_PER_MM - used) / 2),
    }


def _badge_view(event: EventInfo, badge: BadgeData, m: dict, lang: str, classes: _Classes) -> dict:
    name = _fit(
        badge.name_on_badge, FONT_BOLD, m["text_w"], m["name_max"], m["name_min"],
        m["name_lines"], cap_pt=m["name_cap"], floor=m["name_floor"], lh=_LH_NAME,
    )
    inst = _fit(
        badge.institution, FONT_REGULAR, m["text_w"], m["inst_max"], m["inst_min"],
        m["inst_lines"], cap_pt=m["inst_cap"], floor=m["inst_floor"],
    )
    prov = _fit(badge.province, FONT_REGULAR, m["text_w"], m["prov_pt"], m["prov_pt"] * 0.6, 1)
    gap1 = m["gap1"] if name.lines and (inst.lines or prov.lines) else 0.0
    gap2 = m["gap2"] if inst.lines and prov.lines else 0.0
    group = name.height + gap1 + inst.height + gap2 + prov.height
    zone = m["zone_h"] * PT_PER_MM
    colour = role_colour(badge.role, event.role_colours)
    label = role_label(badge.role, lang).upper()
    band = _fit(label, FONT_BOLD, m["inner_w"], m["band_max"], m["band_min"], 1, lh=1.0)
    code_lines, code_pt = _code_lines(clean_text(badge.ticket_number or badge.ticket_code), m["code_w"], m["code_pt"])
    code = "\n".join(code_lines)
    return {
        "name": _styled(name, classes),
        "inst": _styled(inst, classes),
        "prov": _styled(prov, classes),
        "pad": classes.pad(max(0.0, (zone - group) / 2)),
        "band": classes(f"background:{colour};color:{text_colour_on(colour)}"),
        "label": _styled(band, classes),
        "qr": clean_text(badge.ticket_code),
        "code": code,
        "code_cls": classes(f"font-size:{code_pt:.2f}pt") if code else "",
    }


def badge_boxes(layout: str = "a6") -> list[tuple[float, float, float, float]]:
    """Badge rectangles on a page as (x0, y0, x1, y1) in PDF points, origin
    bottom-left (as pypdf reports text positions), in slot order."""
    lay = LAYOUTS[layout]
    ox, oy = lay.origin
    boxes = []
    for i in range(lay.per_page):
        r, c = divmod(i, lay.cols)
        x0 = (ox + c * lay.badge_w) * PT_PER_MM
        top = (oy + r * lay.badge_h) * PT_PER_MM
        y1 = lay.page_h * PT_PER_MM - top
        boxes.append((x0, y1 - lay.badge_h * PT_PER_MM, x0 + lay.badge_w * PT_PER_MM, y1))
    return boxes


def _crop_marks(lay: BadgeLayout) -> list[tuple[str, float, float]]:
    """(orientation, x, y) of each crop mark, in mm from the page's top left."""
    if not lay.crop_marks:
        return []
    ox, oy = lay.origin
    gap = _MARK_GAP
    marks = []
    for c in range(lay.cols + 1):
        x = ox + c * lay.badge_w
        marks.append(("v", x, oy - gap - _MARK_LEN))
        marks.append(("v", x, oy + lay.rows * lay.badge_h + gap))
    for r in range(lay.rows + 1):
        y = oy + r * lay.badge_h
        marks.append(("h", ox - gap - _MARK_LEN, y))
        marks.append(("h", ox + lay.cols * lay.badge_w + gap, y))
    return marks


_MARK_GAP, _MARK_LEN = 1.5, 3.0



def _builder(event: EventInfo, lay: BadgeLayout):
    m = _metrics(lay)
    lang = normalise_lang(event.lang)
    logo = file_url(event.logo_path)
    header = _event_header(event, m, bool(logo))
    marks = [kind for kind, _, _ in _crop_marks(lay)]
    template = jinja_env().get_template("documents/badges.html")
    event_name = clean_text(event.name)

    def build(chunk: list[BadgeData]) -> str:
        classes = _Classes()
        head = {
            "name": _styled(header["name"], classes),
            "meta": _styled(header["meta"], classes),
            "pad": classes.pad(header["pad_top"]),
        }
        pages = []
        for p in range(0, len(chunk), lay.per_page):
            pages.append(
                [_badge_view(event, b, m, lang, classes) for b in chunk[p : p + lay.per_page] if b is not None]
            )
        return template.render(
            lang=lang, pages=pages, marks=marks, logo=logo, header=head,
            event_name=event_name, rules=classes.rules(),
        )

    return build


def _stylesheets(lay: BadgeLayout):
    ox, oy = lay.origin
    slots = tuple(
        (ox + (i % lay.cols) * lay.badge_w, oy + (i // lay.cols) * lay.badge_h)
        for i in range(lay.per_page)
    )
    marks = tuple((x, y) for _, x, y in _crop_marks(lay))
    return [
        font_stylesheet(),
        stylesheet(
            "documents/badges.css", kind=lay.kind, page_w=float(lay.page_w), page_h=float(lay.page_h),
            slots=slots, marks=marks, mark_len=_MARK_LEN,
            **{k: float(v) for k, v in _metrics(lay).items() if isinstance(v, (int, float))},
        ),
    ]


def render_badges(
    event: EventInfo,
    badges: Iterable[BadgeData],
    layout: str = "a6",
    *,
    chunk_size: int = 32,
    progress: Callable[[int, int], None] | None = None,
    processes: int = 1,
) -> bytes:
    """Render *badges* to one PDF in *layout* (``a6``, ``a7``, ``card``,
    ``single``, ``single-card``); *progress(done, total)* is called per chunk;
    *processes* = 2 forks a helper (single-threaded callers only, see
    :func:`plm.pdf.render_chunks`)."""
    if layout not in LAYOUTS:
        raise ValueError(f"unknown badge layout {layout!r}; choose one of {sorted(LAYOUTS)}")
    lay = LAYOUTS[layout]
    items = list(badges)
    per = lay.per_page
    chunk = max(per, (max(1, int(chunk_size)) + per - 1) // per * per)
    allowed = [event.logo_path] if event.logo_path else []
    # An empty list still gives a valid PDF: one blank page.
    return render_chunks(
        items or [None], chunk, _builder(event, lay), _stylesheets(lay), allowed, progress, processes
    )


def render_single_badge(event: EventInfo, badge: BadgeData, layout: str = "single") -> bytes:
    """One badge on a page of its own size (the on-the-spot printer path)."""
    return render_badges(event, [badge], layout)
