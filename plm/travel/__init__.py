"""Travel of sponsored participants: arrival and departure per person (manage page, staff, import) and
pick-up lists by day, arrival point and time window (PDF for the driver, XLSX, WhatsApp text)."""

from flask import Flask
from flask_babel import lazy_gettext as _l

from plm.vocabulary import Role


def init_app(app: Flask) -> None:
    from plm.navigation import add_manage_link, add_staff_link
    from plm.travel import routes

    app.register_blueprint(routes.bp)
    app.register_blueprint(routes.mine)
    add_staff_link(app, "travel.index", _l("Travel and pick-ups"), roles=(Role.ORGANIZER,), order=25)
    add_manage_link(app, "travel_mine.my_travel", _l("My travel"), order=25)
