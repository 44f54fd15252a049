"""The `flask plm ...` command group and the commands that belong to no feature (schema, backup).

Imports no feature: each feature package adds its own commands (its `commands.py`, `COMMANDS`) in its
`init_app` with `add_commands`; create_app calls `init_app` here to hang the group on the app.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from plm.extensions import db

plm_cli = AppGroup("plm", help="Peer Learning Meeting administration.")


def command(name: str, **attrs: Any) -> Callable[[Callable], click.Command]:
    """A `flask plm NAME` command that runs inside the app context (what `AppGroup.command` does), not yet
    attached to the group: the feature's `init_app` attaches it."""

    def decorator(function: Callable) -> click.Command:
        return click.command(name, **attrs)(with_appcontext(function))

    return decorator


def add_commands(commands: tuple[click.Command, ...]) -> None:
    for cli_command in commands:
        plm_cli.add_command(cli_command)


@command("init")
def init_command() -> None:
    """Create the database or upgrade it to the latest schema."""
    from flask_migrate import upgrade

    upgrade()
    click.echo("Database is up to date.")


@command("backup")
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


@command("restore")
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


@command("is-empty", hidden=True)
def is_empty_command() -> None:
    """Exit 0 when the database has no events (used by `make run`)."""
    from sqlalchemy import func, select

    from plm.models import Event

    sys.exit(0 if db.session.scalar(select(func.count()).select_from(Event)) == 0 else 1)


def init_app(app: Flask) -> None:
    add_commands((init_command, backup_command, restore_command, is_empty_command))
    app.cli.add_command(plm_cli)
