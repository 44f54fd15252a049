"""Staff side of participants: list, edit, status, import/export, walk-ins, and the mail outbox page."""

from flask import Flask
from flask_babel import lazy_gettext as _l

from plm.vocabulary import Role


def init_app(app: Flask) -> None:
    """The staff pages and their dashboard links."""
    from plm.navigation import add_staff_link
    from plm.participants import routes

    app.register_blueprint(routes.bp)
    add_staff_link(app, "participants.participant_list", _l("Participants"), roles=(Role.ORGANIZER,), order=10)
    add_staff_link(app, "participants.walk_in", _l("Walk-in"), roles=(Role.ORGANIZER,), order=20, moment="door")
