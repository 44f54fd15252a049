"""The programme: rooms, tracks, sessions, publication, sign-ups, the printable schedule and the iCal feed."""

from flask import Flask
from flask_babel import lazy_gettext as _l

from plm.vocabulary import Role


def init_app(app: Flask) -> None:
    """Pages and links, the template globals the schedule templates use, and
    `flask plm schedule-pdf | export-schedule | import-schedule`."""
    from plm import cli
    from plm.navigation import add_manage_link, add_public_link, add_staff_link
    from plm.schedule import commands, routes, service

    app.register_blueprint(routes.bp)
    add_staff_link(app, "schedule.admin_grid", _l("Schedule"), roles=(Role.ADMIN,), order=30)
    add_staff_link(app, "schedule.facilitator_sessions", _l("My sessions"), roles=(Role.FACILITATOR,), order=31,
                   moment="door")
    add_public_link(app, "schedule.public_schedule", _l("Schedule"), order=20)
    add_manage_link(app, "schedule.public_schedule", _l("Schedule"), order=29)
    add_manage_link(app, "schedule.my_sessions", _l("My sessions"), order=30)
    # Globals (not a context processor) so imported macros see them too.
    app.jinja_env.globals.update(
        describe_conflict=routes.describe_conflict, conflict_kind_label=routes.conflict_kind_label,
        schedule_local_day=service.local_day, seat_limit=service.seat_limit,
    )
    cli.add_commands(commands.COMMANDS)
