"""`flask plm attendance-sheets`: the daftar hadir of a day or a session, as PDF or XLSX."""

from __future__ import annotations

import os

import click
from flask import current_app

from plm.attendance import service, sheets
from plm.cli import command
from plm.documents.commands import _event, _write
from plm.extensions import db
from plm.models import EventSession


@command("attendance-sheets")
@click.option("--event", "slug", required=True, help="Event slug.")
@click.option("--day", type=int, default=None, help="Day number, 1 = the first day of the event.")
@click.option("--session", "session_id", type=int, default=None, help="Session id (see the schedule).")
@click.option("-o", "--output", "path", required=True, type=click.Path(dir_okay=False, writable=True))
@click.option("--format", "fmt", type=click.Choice(service.FORMATS), default=None,
              help="pdf or xlsx (default: from the -o extension, else pdf).")
@click.option("--sort", type=click.Choice(sheets.SORTS), default="name", show_default=True,
              help="name, or grouped by province or institution.")
@click.option("--orientation", type=click.Choice(sheets.ORIENTATIONS), default="portrait", show_default=True)
@click.option("--blank", "blank_rows", type=click.IntRange(0, sheets.MAX_BLANK_ROWS), default=10, show_default=True,
              help="Blank numbered rows at the end for walk-ins.")
def attendance_sheets_command(slug: str, day: int | None, session_id: int | None, path: str, fmt: str | None,
                              sort: str, orientation: str, blank_rows: int) -> None:
    """Daftar hadir: the signed attendance sheet of one day (--day N) or one session (--session ID)."""
    if (day is None) == (session_id is None):
        raise click.UsageError("give exactly one of --day N or --session ID")
    event = _event(slug)
    if fmt is None:
        fmt = "xlsx" if os.path.splitext(path)[1].lower() == ".xlsx" else "pdf"
    try:
        if day is not None:
            checkpoint = service.day_checkpoint(db.session, event, day)
        else:
            item = db.session.get(EventSession, session_id) if 0 < session_id < 2**31 else None
            if item is None or item.event_id != event.id:
                raise click.ClickException(f"no session {session_id} in {event.slug}")
            checkpoint = service.session_checkpoint(db.session, event, item)
    except service.AttendanceError as exc:
        if exc.code == "no_day":
            raise click.ClickException(f"{event.slug} has days 1 to {len(event.days)}")
        raise click.ClickException(f"session {session_id} is a break: nobody checks in there")
    rows = service.sheet_rows(db.session, event, checkpoint, sort)
    data = service.render_sheet(db.session, event, checkpoint, upload_folder=current_app.config["UPLOAD_FOLDER"],
                                fmt=fmt, sort=sort, orientation=orientation, blank_rows=blank_rows)
    _write(path, data)
    present = sum(1 for r in rows if r.source)
    click.echo(f"Wrote {path}: {len(rows)} people, {present} present ({fmt}).")


COMMANDS = (attendance_sheets_command,)
