"""Lodging (issue 18 C): the venue hotel's rooms, who sleeps where, the rooming list for the hotel, and
each participant's room on their registration page once the organiser publishes it."""

from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    from plm.lodging import routes
    from plm.navigation import add_staff_link

    app.register_blueprint(routes.bp)
    add_staff_link(app, "lodging.index", _l("Hotel rooms"), roles=("organizer",), order=45, moment="before")
