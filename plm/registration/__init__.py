"""Public side: event pages, sign-up, manage-my-registration."""

from flask import Flask


def init_app(app: Flask) -> None:
    """The public pages; `flask plm import-participants | export-participants | send-mail`."""
    from plm import cli
    from plm.registration import commands, routes

    app.register_blueprint(routes.bp)
    cli.add_commands(commands.COMMANDS)
