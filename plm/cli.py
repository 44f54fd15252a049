"""`flask plm ...` commands: the command-line half of the public contract."""

from __future__ import annotations

import sys
from datetime import date, timedelta

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from plm.extensions import db
from plm.transactions import commit_unit

plm_cli = AppGroup("plm", help="Peer Learning Meeting administration.")


@plm_cli.command("init")
def init_command() -> None:
    """Create the database or upgrade it to the latest schema."""
    from flask_migrate import upgrade

    upgrade()
    click.echo("Database is up to date.")


@plm_cli.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice(["admin", "organizer", "facilitator"]), required=True)
@click.option("--password", help="Prompted for when not given.")
@click.option("--name", "full_name", default="", help="Full name shown in logs.")
def create_user_command(email: str, role: str, password: str | None, full_name: str) -> None:
    """Create a staff account."""
    from plm.auth.service import AccountError, create_user

    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_user(db.session, email, role, password, full_name)
        commit_unit(db.session)
    except AccountError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc))
    click.echo(f"Created {user.role} {user.email}.")


@plm_cli.command("set-password")
@click.argument("email")
@click.option("--password", help="Prompted for when not given.")
def set_password_command(email: str, password: str | None) -> None:
    """Set a staff user's password; every session and remember cookie of the user ends at once."""
    from plm.auth.service import AccountError, find_user, set_password

    user = find_user(db.session, email)
    if user is None:
        raise click.ClickException(f"no user with email {email}")
    if password is None:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    try:
        set_password(db.session, user, password, how="cli")
    except AccountError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc))
    commit_unit(db.session)
    note = "" if user.active else " The account is disabled: enable it on the staff accounts page."
    click.echo(f"Password of {user.email} changed; their sessions ended.{note}")


@plm_cli.command("disable-user")
@click.argument("email")
def disable_user_command(email: str) -> None:
    """Disable a staff user: sessions, remember cookies and API tokens stop working at once."""
    from plm.auth.service import AccountError, find_user, set_active

    user = find_user(db.session, email)
    if user is None:
        raise click.ClickException(f"no user with email {email}")
    try:
        changed = set_active(db.session, user, False)
    except AccountError as exc:
        db.session.rollback()
        raise click.ClickException(f"{exc}: make another admin first (flask plm create-user ... --role admin)")
    commit_unit(db.session)
    click.echo(f"Disabled {user.email}." if changed else f"{user.email} was already disabled.")


@plm_cli.command("create-token")
@click.argument("email")
@click.option("--name", default="door scanner", help="A name for the device.")
def create_token_command(email: str, name: str) -> None:
    """Make an API token for a door scanner. It is shown once and stored hashed."""
    from plm.auth.service import create_api_token, find_user

    user = find_user(db.session, email)
    if user is None or not user.active:
        raise click.ClickException(f"no active user with email {email}")
    token = create_api_token(db.session, user, name)
    commit_unit(db.session)
    click.echo(token)


@plm_cli.command("demo")
@click.option("--start", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="First day (default: three weeks from today; 2015-05-18 for the original dates).")
@click.option("--reset", is_flag=True, help="Delete the demo event and load it again.")
@click.option("--participants", "count", type=click.IntRange(1, 20000), default=350, show_default=True)
@click.option("--history", is_flag=True,
              help="Also two earlier editions (plm-2013, plm-2014) with check-ins: the report's year over year.")
@click.option("--attendance", is_flag=True,
              help="Also record realistic check-ins, evaluation answers and a pre/post test with scores.")
def demo_command(start, reset: bool, count: int, history: bool, attendance: bool) -> None:
    """Load the demo PLM: event, rooms, schedule, participants, staff accounts."""
    from plm.demo import DemoExists, load_demo

    first_day = start.date() if start else date.today() + timedelta(days=21)
    try:
        summary = load_demo(db.session, first_day, reset=reset, count=count)
        commit_unit(db.session)
    except DemoExists as exc:
        db.session.rollback()
        raise click.ClickException(f"{exc} Use --reset to load it again.")
    click.echo(f"Loaded {summary['event']}: {summary['participants']} participants from "
               f"{summary['provinces']} provinces, {summary['sessions']} sessions, {summary['rooms']} rooms, "
               f"{summary['hotel_rooms']} hotel rooms (allocated and published).")
    if attendance:
        from plm.checkin.commands import simulate_attendance
        from plm.demo.evaluations import simulate_evaluations
        from sqlalchemy import select

        from plm.models import Event

        event = db.session.scalar(select(Event).where(Event.slug == summary["slug"]))
        checkins = simulate_attendance(db.session, event)
        evaluations = simulate_evaluations(db.session, event)
        from plm.demo.allowances import simulate_payments

        paid = simulate_payments(db.session, event)
        db.session.commit()
        click.echo(f"Recorded {checkins['checkins']} check-ins, {evaluations['forms']} evaluation forms and tests "
                   f"with {evaluations['answers']} answers; {paid} allowances paid.")
    if history:
        from plm.demo.history import load_history

        for edition in load_history(db.session, first_day):
            click.echo(f"Loaded {edition['slug']}: {edition['participants']} participants, "
                       f"{edition['checkins']} check-ins.")
        commit_unit(db.session)
    logins = summary["logins"]
    if logins:
        click.echo(f"Demo staff logins ({current_app.config['PUBLIC_BASE_URL'].rstrip('/')}/staff/login). "
                   "The passwords are random for this database and shown only now:")
        for login in logins:
            click.echo(f"  {login['role']:<12} {login['email']:<28} password: {login['password']}")
    else:
        click.echo("The demo staff accounts already existed; their passwords are unchanged.")


@plm_cli.command("demo-logins")
def demo_logins_command() -> None:
    """List the demo staff accounts (their random passwords were shown once, when the demo was loaded)."""
    from plm.auth.service import find_user
    from plm.demo.data import DEMO_STAFF

    base = str(current_app.config["PUBLIC_BASE_URL"]).rstrip("/")
    click.echo(f"Demo staff accounts (log in at {base}/staff/login):")
    for staff in DEMO_STAFF:
        user = find_user(db.session, staff["email"])
        state = "missing" if user is None else ("active" if user.active else "disabled")
        click.echo(f"  {staff['role']:<12} {staff['email']:<28} {state}")
    click.echo("Their passwords are random and were printed once, when the demo was loaded; they cannot be "
               "shown again. To choose a new one: flask plm set-password EMAIL")


@plm_cli.command("backup")
@click.option("-o", "--output", "path", required=True, type=click.Path(dir_okay=False, writable=True))
def backup_command(path: str) -> None:
    """Write the whole database and uploaded images to a portable backup file."""
    from plm.backup import backup_key, write_backup

    with db.engine.connect() as connection:
        manifest = write_backup(connection, db.metadata.sorted_tables, path, current_app.config["UPLOAD_FOLDER"],
                                key=backup_key(current_app.config["SECRET_KEY"]))
    total = sum(manifest["tables"].values())
    click.echo(f"Backed up {total} rows from {len(manifest['tables'])} tables to {path} "
               f"(schema {manifest['revision']}).")


@plm_cli.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--unsigned", is_flag=True,
              help="Accept a backup without a valid signature (made before signatures, or with another SECRET_KEY).")
def restore_command(path: str, yes: bool, unsigned: bool) -> None:
    """Replace the whole database with a backup (one transaction: all or nothing).

    The backup must carry a signature made with this server's SECRET_KEY, else it is refused."""
    from plm.backup import BackupError, backup_key, read_manifest, restore_backup

    key = backup_key(current_app.config["SECRET_KEY"])
    try:
        manifest = read_manifest(path, key, unsigned)
    except BackupError as exc:
        raise click.ClickException(f"{exc} (nothing was changed)")
    if unsigned:
        click.echo("Warning: --unsigned: the backup's signature is not checked; restore only a file you trust.",
                   err=True)
    if not yes:
        click.confirm(f"Replace ALL data in this database with the backup of {manifest['created_at']}?", abort=True)
    db.session.remove()
    try:
        with db.engine.begin() as connection:
            restored = restore_backup(connection, db.metadata.sorted_tables, path, current_app.config["UPLOAD_FOLDER"],
                                      key=key, unsigned=unsigned)
    except BackupError as exc:
        raise click.ClickException(f"{exc} (nothing was changed)")
    click.echo(f"Restored {sum(restored.values())} rows into {len(restored)} tables.")


@plm_cli.command("anonymise")
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


@plm_cli.command("is-empty", hidden=True)
def is_empty_command() -> None:
    """Exit 0 when the database has no events (used by `make run`)."""
    from sqlalchemy import func, select

    from plm.models import Event

    sys.exit(0 if db.session.scalar(select(func.count()).select_from(Event)) == 0 else 1)


def register(app: Flask) -> None:
    # Each feature adds its commands to plm_cli when its module is imported.
    import plm.checkin.commands  # noqa: F401  (simulate-attendance)
    import plm.documents.commands  # noqa: F401  (badges, certificates)
    import plm.jobs.commands  # noqa: F401  (run-jobs)
    import plm.registration.commands  # noqa: F401  (import/export-participants, send-mail)
    import plm.schedule.commands  # noqa: F401  (schedule-pdf, import/export-schedule)

    app.cli.add_command(plm_cli)
