"""Attendance: facilitators take it in their sessions; the daftar hadir (signed attendance sheets, PDF
and XLSX), paper bulk entry, and signatures drawn at the door."""

from flask import Flask
from flask_babel import lazy_gettext as _l

from plm.vocabulary import Role


def init_app(app: Flask) -> None:
    """Blueprints (pages and the signature API), the staff dashboard link and `flask plm attendance-sheets`."""
    from plm import cli
    from plm.attendance import commands, routes
    from plm.navigation import add_staff_link

    app.register_blueprint(routes.bp)
    app.register_blueprint(routes.api)
    add_staff_link(app, "attendance.index", _l("Attendance and daftar hadir"),
                   roles=(Role.ORGANIZER, Role.FACILITATOR), order=22)
    cli.add_commands(commands.COMMANDS)
