"""`flask plm schedule-pdf` and the schedule CSV import/export from the command line."""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy import select

from plm.cli import command
from plm.extensions import db
from plm.models import Event
from plm.transactions import commit_unit


def _event(slug: str) -> Event:
    event = db.session.scalar(select(Event).where(Event.slug == slug.lower()))
    if event is None:
        raise click.ClickException(f"no event with short name {slug!r}")
    return event


@command("schedule-pdf")
@click.option("--event", "slug", required=True, help="The event's short name (slug).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True)
def schedule_pdf_command(slug: str, output: str) -> None:
    """Printable schedule: A4 landscape, one page per day, rooms as columns."""
    from plm.schedule.pdf import printable_schedule

    body = printable_schedule(db.session, _event(slug))
    Path(output).write_bytes(body)
    click.echo(f"Wrote {output} ({len(body) // 1024} KB).")


@command("export-schedule")
@click.option("--event", "slug", required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True)
def export_schedule_command(slug: str, output: str) -> None:
    """Export the schedule as CSV (the same columns the import reads)."""
    from plm.schedule import csvio, service

    event = _event(slug)
    Path(output).write_text(csvio.export_schedule(event, service.event_sessions(db.session, event)), encoding="utf-8")
    click.echo(f"Wrote {output}.")


@command("import-schedule")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--event", "slug", required=True)
@click.option("--dry-run", is_flag=True, help="Check the file and report; change nothing.")
def import_schedule_command(file: str, slug: str, dry_run: bool) -> None:
    """Import a schedule CSV: day, start, end, room, title, kind, facilitator emails (+ optional columns)."""
    from plm.schedule import csvio

    event = _event(slug)
    report = csvio.import_schedule(db.session, event, Path(file).read_bytes(), None, dry_run=dry_run)
    if report.header_error:
        db.session.rollback()
        missing = ", ".join(report.missing_columns)
        raise click.ClickException(f"{report.header_error}{': ' + missing if missing else ''}")
    if dry_run:
        db.session.rollback()
    else:
        commit_unit(db.session)
    for row in report.rows:
        if row.errors:
            click.echo(f"line {row.line}: refused: {'; '.join(row.errors)}  [{row.title}]")
        elif row.notes:
            click.echo(f"line {row.line}: {row.action}: {'; '.join(row.notes)}")
    created = sum(1 for r in report.taken if r.action == "created")
    updated = sum(1 for r in report.taken if r.action == "updated")
    click.echo(f"{'Checked' if dry_run else 'Imported'}: {created} new, {updated} updated, "
               f"{len(report.taken) - created - updated} unchanged, {len(report.refused)} refused.")


COMMANDS = (schedule_pdf_command, export_schedule_command, import_schedule_command)
