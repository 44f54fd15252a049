"""A participant's ticket as a PNG (QR with name and event) and as a one-page PDF.

The PDF is rendered by the app's PDF engine (:mod:`plm.pdf`): its URL fetcher serves only the shipped
static files, so nothing typed by a participant (a name, an institution) can make the renderer fetch a
file or a web address. The PNG is drawn with the same shipped fonts.
"""

from __future__ import annotations

import io
from functools import lru_cache

from flask import current_app, render_template

from plm.pdf.fonts import FONT_BOLD, FONT_REGULAR
from plm.qr import qr_png, qr_svg
from plm.text import clean_line
from plm.tickets import participant_code


def ticket_code(participant) -> str:
    return participant_code(current_app.config["SECRET_KEY"], participant)


def ticket_svg(participant, title: str | None = None) -> str:
    return qr_svg(ticket_code(participant), css_class="qr", title=title)


@lru_cache(maxsize=4)
def _font(size: int, bold: bool = False):
    from PIL import ImageFont

    return ImageFont.truetype(FONT_BOLD if bold else FONT_REGULAR, size)


def _fit(draw, text: str, font, width: int) -> str:
    text = clean_line(text)  # one line even for text stored before input was cleaned
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text + "…"


def ticket_png(participant) -> bytes:
    """QR code with the badge name, event and ticket number under it: saved to a phone's gallery."""
    from PIL import Image, ImageDraw

    qr = Image.open(io.BytesIO(qr_png(ticket_code(participant), box_size=12))).convert("L")
    width = max(qr.width, 480)
    canvas = Image.new("L", (width, qr.height + 130), 255)
    canvas.paste(qr, ((width - qr.width) // 2, 0))
    draw = ImageDraw.Draw(canvas)
    lines = [
        (participant.name_on_badge or participant.full_name, _font(26, True)),
        (participant.event.name, _font(18)),
        (participant.public_id, _font(18, True)),
    ]
    y = qr.height + 4
    for text, font in lines:
        text = _fit(draw, text, font, width - 20)
        draw.text(((width - draw.textlength(text, font=font)) / 2, y), text, fill=0, font=font)
        y += 38
    out = io.BytesIO()
    canvas.save(out, format="PNG", optimize=True)
    return out.getvalue()


def ticket_pdf(participant) -> bytes:
    """One A6 page: QR, names, event, dates and venue."""
    from plm.pdf import render_html

    html = render_template("registration/ticket_pdf.html", participant=participant, event=participant.event,
                           qr=ticket_svg(participant))
    return render_html(html)
