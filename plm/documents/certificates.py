"""Certificates of participation: A4 landscape, Indonesian by default.

Logo top left, verification QR (of ``verify_url``) top right with the serial,
the title, the recipient's name fitted to the width by measurement, the role,
the event, theme, place and dates, the hours if given, and up to three
signatories (title, signature image, name) above the printed verify address.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from plm.pdf.engine import StyleClasses, file_url, font_stylesheet, jinja_env, render_chunks, stylesheet
from plm.pdf.fonts import FONT_BOLD, FONT_REGULAR, clean_text, fit_font_size

from .data import CertificateData, EventInfo, Signatory, normalise_lang, role_label

__all__ = ["CERT_TEXT", "render_certificates"]

PT_PER_MM = 72 / 25.4

#: Fixed wording per language ('id' default).
CERT_TEXT = {
    "id": {
        "title": "SERTIFIKAT",
        "number": "Nomor",
        "given": "diberikan kepada",
        "as": "sebagai",
        "intro": "atas partisipasinya dalam kegiatan",
        "theme": "Tema",
        "held": "yang diselenggarakan",
        "at": "di",
        "on": "pada",
        "hours_one": "dengan total {hours} jam partisipasi",
        "hours": "dengan total {hours} jam partisipasi",
        "verify": "Keaslian sertifikat ini dapat diperiksa di",
        "scan": "Pindai untuk verifikasi",
    },
    "en": {
        "title": "CERTIFICATE",
        "number": "No.",
        "given": "is presented to",
        "as": "as",
        "intro": "for taking part in",
        "theme": "Theme",
        "held": "held",
        "at": "at",
        "on": "on",
        "hours_one": "for a total of {hours} hour of participation",
        "hours": "for a total of {hours} hours of participation",
        "verify": "Verify this certificate at",
        "scan": "Scan to verify",
    },
}

# Geometry (mm) of the page; all blocks are laid out in one column.
_PAGE_W, _PAGE_H = 297.0, 210.0
_TEXT_W = 200.0  # main column
_NAME_W = 225.0
_SIG_W = 66.0



def _fmt_hours(hours, lang: str) -> str | None:
    if hours is None:
        return None
    try:
        value = float(hours)
    except (TypeError, ValueError):
        return None
    if value != value or value <= 0:  # NaN or not positive
        return None
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if lang == "id" else text


def _block(text, font, width_mm, max_pt, min_pt, lines, lh=1.2, floor=None):
    res = fit_font_size(
        text, font, width_mm * PT_PER_MM, max_pt, min_pt, lines,
        box_height_pt=lines * max_pt * lh, line_height=lh, floor_pt=floor,
    )
    return {"size": res.size_pt, "lines": res.lines, "lh": lh}


def _event_view(event: EventInfo, signatories: Sequence[Signatory], lang: str) -> dict:
    t = CERT_TEXT[lang]
    place = ", ".join(p for p in (clean_text(event.venue), clean_text(event.city)) if p)
    date = clean_text(event.date_text)
    held = t["held"]
    if place:
        held += f" {t['at']} {place}"
    if date:
        held += f" {t['on']} {date}"
    theme = clean_text(event.theme)
    sigs = []
    for sig in list(signatories or [])[:3]:
        sigs.append(
            {
                # Same size for every signatory: wrap before shrinking.
                "title": _block(sig.title, FONT_REGULAR, _SIG_W, 9.5, 9.5, 2, floor=6),
                "name": _block(sig.name, FONT_BOLD, _SIG_W, 11, 11, 2, floor=6),
                "image": file_url(sig.signature_image_path),
            }
        )
    return {
        "t": t,
        "lang": lang,
        "logo": file_url(event.logo_path),
        "event_name": _block(event.name, FONT_BOLD, _TEXT_W, 17, 12, 2, floor=9),
        "theme": _block(f"{t['theme']}: “{theme}”" if theme else "", FONT_REGULAR, _TEXT_W, 11.5, 9, 2, floor=7),
        # Ends with a comma when the hours sentence follows, else a full stop.
        "held": {
            end: _block(held + end if date or place else "", FONT_REGULAR, _TEXT_W, 11.5, 9, 2, floor=7)
            for end in (",", ".")
        },
        "title": clean_text(event.name),
        "signatories": sigs,
    }


def _styled(block: dict, classes: StyleClasses) -> dict:
    if not block["lines"]:
        return {**block, "cls": ""}
    return {**block, "cls": classes(f"font-size:{block['size']:g}pt;line-height:{block['lh']:g}")}


def _styled_event(ev: dict, classes: StyleClasses) -> dict:
    out = dict(ev)
    for key in ("event_name", "theme"):
        out[key] = _styled(ev[key], classes)
    out["held"] = {end: _styled(b, classes) for end, b in ev["held"].items()}
    out["signatories"] = [
        {
            "title": _styled(s["title"], classes),
            "name": _styled(s["name"], classes),
            "image": s["image"],
            "pad": classes.pad(
                max(0.0, _SIG_TITLE_H * PT_PER_MM - len(s["title"]["lines"]) * s["title"]["size"] * s["title"]["lh"])
            ),
        }
        for s in ev["signatories"]
    ]
    return out


_NAME_H = 26.0  # mm, height of the name box
_SIG_TITLE_H = 8.0  # mm, signatory title, bottom-aligned


def _cert_view(cert: CertificateData, ev: dict, classes: StyleClasses) -> dict:
    t = ev["t"]
    lang = ev["lang"]
    hours = _fmt_hours(cert.hours, lang)
    hours_text = None
    if hours is not None:
        hours_text = (t["hours_one"] if hours == "1" else t["hours"]).format(hours=hours) + "."
    verify = clean_text(cert.verify_url)
    name = _block(cert.full_name, FONT_BOLD, _NAME_W, 34, 22, 2, lh=1.12, floor=12)
    name_h = len(name["lines"]) * name["size"] * name["lh"]
    return {
        "name": _styled(name, classes),
        "name_pad": classes.pad(max(0.0, (_NAME_H * PT_PER_MM - name_h) / 2)),
        "role": role_label(cert.role, lang),
        "serial": clean_text(cert.serial),
        "verify_url": verify,
        "verify_line": _styled(_block(f"{t['verify']} {verify}" if verify else "", FONT_REGULAR, 150, 7.5, 5.5, 1), classes),
        "hours": hours_text,
        "issued": _styled(_block(cert.issued_on_text, FONT_REGULAR, 180, 10.5, 8, 1), classes),
    }


def render_certificates(
    event: EventInfo,
    signatories: Sequence[Signatory],
    certs: Iterable[CertificateData],
    *,
    chunk_size: int = 32,
    progress: Callable[[int, int], None] | None = None,
    processes: int = 1,
) -> bytes:
    """Render one A4 landscape certificate per item of *certs* into one PDF
    (*processes*: as for :func:`plm.pdf.render_chunks`)."""
    lang = normalise_lang(event.lang)
    signatories = list(signatories or [])[:3]
    ev = _event_view(event, signatories, lang)
    template = jinja_env().get_template("documents/certificates.html")

    def build(chunk: list) -> str:
        classes = StyleClasses()
        styled = _styled_event(ev, classes)
        certs = [_cert_view(c, ev, classes) for c in chunk if c is not None]
        return template.render(ev=styled, certs=certs, rules=classes.rules())

    allowed = [event.logo_path] + [s.signature_image_path for s in signatories]
    allowed = [p for p in allowed if p]
    items = list(certs)
    styles = [font_stylesheet(), stylesheet("documents/certificates.css")]
    return render_chunks(items or [None], chunk_size, build, styles, allowed, progress, processes)
