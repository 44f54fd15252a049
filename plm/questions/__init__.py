"""The organiser's own registration questions (gender, NIP, shirt size, ...) and the participants' answers."""

from flask import Flask
from flask_babel import lazy_gettext as _l

from plm.vocabulary import Role


def init_app(app: Flask) -> None:
    """The question editor's blueprint and its staff dashboard link."""
    from plm.navigation import add_staff_link
    from plm.questions import routes

    app.register_blueprint(routes.bp)
    add_staff_link(app, "questions.editor", _l("Registration questions"), roles=(Role.ORGANIZER,), order=12)
