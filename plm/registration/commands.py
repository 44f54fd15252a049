"""`flask plm import-participants`, `export-participants` and `send-mail`."""

from __future__ import annotations

import sys
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
        raise click.ClickException(f"no event with slug {slug}")
    return event


@command("import-participants")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--event", "slug", required=True, help="The event's short name (slug).")
@click.option("--dry-run", is_flag=True, help="Check and report only; change nothing.")
def import_participants_command(file: Path, slug: str, dry_run: bool) -> None:
    """Import participants from CSV or XLSX (the export's columns). Exits 1 when rows were refused."""
    from plm.participants.importexport import FILE_ERROR_TEXT, ImportFileError, apply_import, format_report, plan_import

    event = _event(slug)
    try:
        plan = plan_import(db.session, event, file.read_bytes(), file.name)
    except ImportFileError as exc:
        raise click.ClickException(f"cannot import {file.name}: {FILE_ERROR_TEXT.get(str(exc), str(exc))}")
    for line in format_report(plan):
        click.echo(line)
    if dry_run:
        db.session.rollback()
        click.echo("dry run: nothing was changed")
    else:
        try:
            summary = apply_import(db.session, event, plan, None, file.name)
            commit_unit(db.session)
        except Exception:
            db.session.rollback()
            click.echo("import failed: nothing was changed", err=True)
            raise
        click.echo(f"imported: {summary['add']} added, {summary['update']} updated")
    sys.exit(1 if plan.refused else 0)


@command("export-participants")
@click.option("--event", "slug", required=True, help="The event's short name (slug).")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
def export_participants_command(slug: str, fmt: str, output: Path) -> None:
    """Export every participant of the event (CSV is UTF-8 with BOM so Excel opens it right)."""
    from flask import current_app

    from plm.participants.importexport import export_csv, export_xlsx

    event = _event(slug)
    with current_app.test_request_context():  # the label columns are in the default language (Indonesian)
        data = export_csv(db.session, event) if fmt == "csv" else export_xlsx(db.session, event)
    output.write_bytes(data)
    click.echo(f"wrote {output} ({len(data)} bytes)")


@command("send-mail")
@click.option("--limit", default=100, show_default=True)
def send_mail_command(limit: int) -> None:
    """Send (retry) queued mails from the outbox; run it from cron every few minutes."""
    from plm.outbox import send_pending

    counts = send_pending(db.session, limit)
    click.echo(", ".join(f"{k}: {v}" for k, v in counts.items()))


COMMANDS = (import_participants_command, export_participants_command, send_mail_command)
