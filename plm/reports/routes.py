"""The report page (figures, map and charts on screen) and its two downloads, PDF and XLSX."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, current_app, render_template
from flask_babel import get_locale
from flask_babel import gettext as _

from plm.auth.decorators import role_required
from plm.errors import error_response
from plm.events import get_event_or_404
from plm.extensions import db
from plm.jobs import pdf_from_child, renders_in_child
from plm.models import Event
from plm.reports import service
from plm.reports.pdf import charts, decimal, percent
from plm.reports.texts import texts
from plm.reports.xlsx import report_xlsx

bp = Blueprint("reports", __name__, url_prefix="/staff/events/<slug>/report")
organizer_required = role_required("organizer")
log = logging.getLogger(__name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _lang() -> str:
    lang = str(get_locale() or "id")[:2]
    return lang if lang in service.LANGUAGES else "id"


def _report(event: Event) -> service.Report:
    return service.build_report(db.session, event, upload_folder=current_app.config["UPLOAD_FOLDER"], lang=_lang())


@bp.route("/")
@organizer_required
def index(slug: str):
    event = get_event_or_404(slug)
    report = _report(event)
    t = texts(report.lang)
    return render_template("reports/index.html", event=event, r=report, t=t, charts=charts(report, t, screen=True),
                           pct=lambda v: percent(v, report.lang), dec=lambda v: decimal(v, report.lang))


@bp.route("/report.pdf")
@organizer_required
def pdf(slug: str):
    event = get_event_or_404(slug)
    if renders_in_child(current_app, "REPORT"):
        body = _render_pdf_in_child(event)
        if body is None:
            return error_response(503, detail=_("The report could not be made just now. Try again."))
    else:
        from plm.reports.pdf import render_report_pdf

        body = render_report_pdf(_report(event))
    return _download(body, "application/pdf", service.filename(event, "pdf"))


@bp.route("/report.xlsx")
@organizer_required
def xlsx(slug: str):
    event = get_event_or_404(slug)
    return _download(report_xlsx(_report(event)), XLSX, service.filename(event, "xlsx"))


def _download(body: bytes, mimetype: str, filename: str) -> Response:
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "private, no-store"})


def _render_pdf_in_child(event: Event) -> bytes | None:
    return pdf_from_child(current_app, "plm.reports.render_child", {"event": event.id, "lang": _lang()}, "REPORT",
                          "report")
