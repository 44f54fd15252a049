"""QR check-in at the door: scanner page, JSON API, offline door, live counts."""

from flask import Flask
from flask_babel import lazy_gettext as _l

from plm.vocabulary import Role


def init_app(app: Flask) -> None:
    """The API and page blueprints, the staff dashboard links and `flask plm simulate-attendance`."""
    from plm import cli
    from plm.checkin import api, commands, routes
    from plm.extensions import limiter
    from plm.navigation import add_staff_link

    app.register_blueprint(api.bp)
    # The door's API has no rate limit (a door scans hundreds an hour; a stolen token is revoked instead): the
    # limiter need not work out, on every scan, that no limit applies.
    limiter.exempt(api.bp)
    app.register_blueprint(routes.bp)
    door_staff = (Role.ORGANIZER, Role.FACILITATOR)
    add_staff_link(app, "checkin.door", _l("Door check-in"), roles=door_staff, order=20, moment="door")
    add_staff_link(app, "checkin.dashboard", _l("Live attendance"), roles=door_staff, order=21, moment="door")
    cli.add_commands(commands.COMMANDS)
