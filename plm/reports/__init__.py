"""The funders' report: what an event reached, by province, institution type, role, day and session, with
year-over-year figures for the events of the same programme; a staff page, a PDF and an XLSX, and
`flask plm report`."""

from flask import Flask
from flask_babel import lazy_gettext as _l

from plm.vocabulary import Role


def init_app(app: Flask) -> None:
    """The staff page and downloads, the dashboard link and `flask plm report`."""
    from plm import cli
    from plm.navigation import add_staff_link
    from plm.reports import commands, routes

    app.register_blueprint(routes.bp)
    add_staff_link(app, "reports.index", _l("Report for funders"), roles=(Role.ORGANIZER,), order=45, moment="after")
    cli.add_commands(commands.COMMANDS)
