"""`flask plm report`: the funders' report of one event, PDF or XLSX by the file's extension."""

from __future__ import annotations

import os

import click
from flask import current_app

from plm.cli import command
from plm.documents.commands import _event, _write
from plm.extensions import db
from plm.reports import service


@command("report")
@click.option("--event", "slug", required=True, help="Event slug.")
@click.option("-o", "--output", "path", required=True, type=click.Path(dir_okay=False, writable=True),
              help="report.pdf or report.xlsx: the extension chooses the format.")
@click.option("--lang", type=click.Choice(service.LANGUAGES), default="id", show_default=True)
def report_command(slug: str, path: str, lang: str) -> None:
    """The report for funders: registered and attended by province, institution type, role, day, session."""
    extension = os.path.splitext(path)[1].lower()
    if extension not in (".pdf", ".xlsx"):
        raise click.UsageError("-o must end in .pdf or .xlsx")
    event = _event(slug)
    report = service.build_report(db.session, event, upload_folder=current_app.config["UPLOAD_FOLDER"], lang=lang)
    if extension == ".pdf":
        from plm.reports.pdf import render_report_pdf

        data = render_report_pdf(report)
    else:
        from plm.reports.xlsx import report_xlsx

        data = report_xlsx(report)
    _write(path, data)
    click.echo(f"Wrote {path}: {report.registered} registered, {report.attended} attended, "
               f"{report.provinces} provinces, {len(report.sessions)} sessions.")


COMMANDS = (report_command,)
