"""Personal data rights (UU PDP 2022): a participant's own data, deletion, anonymising an event."""

from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    """The participant's own-data pages and links; `flask plm anonymise`."""
    from plm import cli
    from plm.navigation import add_manage_link
    from plm.privacy import commands, routes

    app.register_blueprint(routes.bp)
    add_manage_link(app, "privacy.download_my_data", _l("Download my data"), order=90)
    add_manage_link(app, "privacy.delete_my_data", _l("Delete my data"), order=95)
    cli.add_commands(commands.COMMANDS)
