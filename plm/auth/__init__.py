"""Staff accounts: login, roles, API tokens."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Login and account pages; `flask plm create-user | set-password | disable-user | create-token`."""
    from plm import cli
    from plm.auth import commands, routes

    app.register_blueprint(routes.bp)
    cli.add_commands(commands.COMMANDS)
