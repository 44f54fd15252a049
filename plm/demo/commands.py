"""`flask plm demo | demo-logins`: load the demo PLM, list its staff accounts."""

from __future__ import annotations

from datetime import timedelta

import click
from flask import current_app

from plm import clock
from plm.cli import command
from plm.extensions import db
from plm.transactions import commit_unit


@command("demo")
@click.option("--start", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="First day (default: three weeks from today; 2015-05-18 for the original dates).")
@click.option("--reset", is_flag=True, help="Delete the demo event and load it again.")
@click.option("--participants", "count", type=click.IntRange(1, 20000), default=350, show_default=True)
@click.option("--history", is_flag=True,
              help="Also two earlier editions (plm-2013, plm-2014) with check-ins: the report's year over year.")
@click.option("--attendance", is_flag=True,
              help="Also record realistic check-ins, evaluation answers and a pre/post test with scores.")
def demo_command(start, reset: bool, count: int, history: bool, attendance: bool) -> None:
    """Load the demo PLM: event, rooms, schedule, participants, staff accounts."""
    from plm.demo import DemoExists, load_demo

    first_day = start.date() if start else clock.today() + timedelta(days=21)
    try:
        summary = load_demo(db.session, first_day, reset=reset, count=count)
        commit_unit(db.session)
    except DemoExists as exc:
        db.session.rollback()
        raise click.ClickException(f"{exc} Use --reset to load it again.")
    click.echo(f"Loaded {summary['event']}: {summary['participants']} participants from "
               f"{summary['provinces']} provinces, {summary['sessions']} sessions, {summary['rooms']} rooms, "
               f"{summary['hotel_rooms']} hotel rooms (allocated and published).")
    if attendance:
        from sqlalchemy import select

        from plm.checkin.commands import simulate_attendance
        from plm.demo.evaluations import simulate_evaluations
        from plm.models import Event

        event = db.session.scalar(select(Event).where(Event.slug == summary["slug"]))
        checkins = simulate_attendance(db.session, event)
        evaluations = simulate_evaluations(db.session, event)
        from plm.demo.allowances import simulate_payments

        paid = simulate_payments(db.session, event)
        db.session.commit()
        click.echo(f"Recorded {checkins['checkins']} check-ins, {evaluations['forms']} evaluation forms and tests "
                   f"with {evaluations['answers']} answers; {paid} allowances paid.")
    if history:
        from plm.demo.history import load_history

        for edition in load_history(db.session, first_day):
            click.echo(f"Loaded {edition['slug']}: {edition['participants']} participants, "
                       f"{edition['checkins']} check-ins.")
        commit_unit(db.session)
    logins = summary["logins"]
    if logins:
        click.echo(f"Demo staff logins ({current_app.config['PUBLIC_BASE_URL'].rstrip('/')}/staff/login). "
                   "The passwords are random for this database and shown only now:")
        for login in logins:
            click.echo(f"  {login['role']:<12} {login['email']:<28} password: {login['password']}")
    else:
        click.echo("The demo staff accounts already existed; their passwords are unchanged.")


@command("demo-logins")
def demo_logins_command() -> None:
    """List the demo staff accounts (their random passwords were shown once, when the demo was loaded)."""
    from plm.auth.service import find_user
    from plm.demo.data import DEMO_STAFF

    base = str(current_app.config["PUBLIC_BASE_URL"]).rstrip("/")
    click.echo(f"Demo staff accounts (log in at {base}/staff/login):")
    for staff in DEMO_STAFF:
        user = find_user(db.session, staff["email"])
        state = "missing" if user is None else ("active" if user.active else "disabled")
        click.echo(f"  {staff['role']:<12} {staff['email']:<28} {state}")
    click.echo("Their passwords are random and were printed once, when the demo was loaded; they cannot be "
               "shown again. To choose a new one: flask plm set-password EMAIL")


COMMANDS = (demo_command, demo_logins_command)
