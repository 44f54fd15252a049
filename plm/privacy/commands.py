"""`flask plm anonymise`: remove the personal data of an event's participants after it ended."""

from __future__ import annotations

import click

from plm.cli import command
from plm.extensions import db
from plm.transactions import commit_unit


@command("anonymise")
@click.option("--event", "slug", required=True, help="Event slug.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def anonymise_command(slug: str, yes: bool) -> None:
    """Remove names and contacts of an event's participants after it ended (attendance and serials stay)."""
    from sqlalchemy import select

    from plm.models import Event
    from plm.privacy.service import PrivacyError, anonymise_event

    event = db.session.scalar(select(Event).where(Event.slug == slug.lower()))
    if event is None:
        raise click.ClickException(f"no event with slug {slug}")
    if not yes:
        click.confirm(f"Remove personal data of every participant of {event.name}? This cannot be undone", abort=True)
    try:
        count = anonymise_event(db.session, event)
    except PrivacyError:
        db.session.rollback()
        raise click.ClickException("the event has not ended yet")
    commit_unit(db.session)
    click.echo(f"Anonymised {count} participants of {event.slug}.")


COMMANDS = (anonymise_command,)
