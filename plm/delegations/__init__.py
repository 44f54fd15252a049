"""Delegations: partner institutions receive seats and an invitation link through which their contact
registers, replaces and withdraws delegates; staff follow the seats per institution, province and type,
send reminders, and approve registrations when the event asks for approval."""

from flask import Flask
from flask_babel import lazy_gettext as _l

from plm.vocabulary import Role


def init_app(app: Flask) -> None:
    """The public delegation page, the staff pages and the dashboard link."""
    from plm.delegations import routes
    from plm.navigation import add_staff_link

    app.register_blueprint(routes.bp)
    app.register_blueprint(routes.staff)
    add_staff_link(app, "delegations_staff.overview", _l("Delegations and approvals"), roles=(Role.ORGANIZER,), order=14)
