"""`flask plm simulate-attendance`: realistic, exact attendance data for the demo."""

from __future__ import annotations

from sqlalchemy import func, select

from plm.extensions import db
from plm.models import CheckIn, Checkpoint, EventSession


def test_simulate_attendance_on_the_demo(app, demo_event):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["plm", "simulate-attendance", "--event", demo_event.slug])
    assert result.exit_code == 0, result.output
    assert "check-ins" in result.output
    days = db.session.scalars(select(Checkpoint).where(Checkpoint.event_id == demo_event.id, Checkpoint.kind == "day")
                              .order_by(Checkpoint.day)).all()
    per_day = [db.session.scalar(select(func.count(CheckIn.id)).where(CheckIn.checkpoint_id == cp.id)) for cp in days]
    assert all(250 <= n <= 345 for n in per_day), per_day  # most people, most days, a few no-shows
    assert per_day[0] > per_day[-1]
    full = 0
    for cp, s in db.session.execute(select(Checkpoint, EventSession).join(EventSession, EventSession.id == Checkpoint.session_id)
                                    .where(Checkpoint.event_id == demo_event.id)):
        n = db.session.scalar(select(func.count(CheckIn.id)).where(CheckIn.checkpoint_id == cp.id))
        if s.capacity:
            assert n <= s.capacity
            full += n == s.capacity
    assert full >= 1  # some sessions full
    total = db.session.scalar(select(func.count(CheckIn.id)))
    # Running it again adds nothing; --reset gives the same data again.
    assert runner.invoke(args=["plm", "simulate-attendance", "--event", demo_event.slug]).exit_code == 0
    assert db.session.scalar(select(func.count(CheckIn.id))) == total
    assert runner.invoke(args=["plm", "simulate-attendance", "--event", demo_event.slug, "--reset"]).exit_code == 0
    assert db.session.scalar(select(func.count(CheckIn.id))) == total
    bad = runner.invoke(args=["plm", "simulate-attendance", "--event", "nope"])
    assert bad.exit_code != 0 and "no event" in bad.output
