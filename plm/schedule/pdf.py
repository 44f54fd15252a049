"""Printable schedule and sign-up lists, rendered with WeasyPrint.

Nothing is fetched while rendering: the url_fetcher refuses every URL, the CSS is inline in the
template and the fonts come from fontconfig (DejaVu, installed with fonts-dejavu-core).
"""

from __future__ import annotations

from typing import Any

from flask import render_template


class RefusedFetch(ValueError):
    pass


def refuse_every_url(url: str, *args: Any, **kwargs: Any) -> dict:
    raise RefusedFetch(f"PDF rendering fetches nothing: {url[:80]}")


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=None, url_fetcher=refuse_every_url).write_pdf()


def schedule_pdf(**context: Any) -> bytes:
    """A4 landscape, one page per day, rooms as columns (context: event, days=[(day, grid)], ...)."""
    return html_to_pdf(render_template("schedule/pdf_schedule.html", **context))


def signups_pdf(**context: Any) -> bytes:
    return html_to_pdf(render_template("schedule/pdf_signups.html", **context))
