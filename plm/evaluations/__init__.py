"""Evaluations and pre/post tests (issue 17): forms per session, day or event, answered by the people who
attended from the short link on the screen or their manage page; results, reminders and paired test gains."""

from flask import Flask
from flask_babel import lazy_gettext as _l

from plm.vocabulary import Role


def init_app(app: Flask) -> None:
    """The staff and participant blueprints and the staff dashboard link."""
    from plm.evaluations import routes
    from plm.navigation import add_staff_link

    app.register_blueprint(routes.bp)
    app.register_blueprint(routes.public)
    add_staff_link(app, "evaluations.index", _l("Evaluations and tests"), roles=(Role.ORGANIZER, Role.FACILITATOR),
                   order=60, moment="after")
