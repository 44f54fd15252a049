"""Staff accounts from the command line: `flask plm create-user | set-password | disable-user | create-token`."""

from __future__ import annotations

import click

from plm.cli import command
from plm.extensions import db
from plm.transactions import commit_unit
from plm.vocabulary import Role


@command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice(Role.values()), required=True)
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


@command("set-password")
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


@command("disable-user")
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


@command("create-token")
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


COMMANDS = (create_user_command, set_password_command, disable_user_command, create_token_command)
