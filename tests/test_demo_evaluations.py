"""The demo's evaluations (flask plm demo --attendance): the demo starts weeks ahead, yet the first day's
evaluation and the whole-event pre test are open, so participants see forms they can answer now."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from plm.checkin.commands import simulate_attendance
from plm.demo.evaluations import simulate_evaluations
from plm.evaluations import service
from plm.evaluations.models import FormKind, Phase, Questionnaire
from plm.extensions import db
from plm.models import CheckIn, Checkpoint, Participant, utcnow


def test_the_first_days_form_and_the_pre_test_are_open_on_the_demo(demo_event):
    starts_on = demo_event.starts_on
    simulate_attendance(db.session, demo_event)
    counts = simulate_evaluations(db.session, demo_event)
    db.session.commit()
    assert counts["forms"] >= 4 and counts["answers"] > 0
    forms = db.session.scalars(select(Questionnaire).where(Questionnaire.event_id == demo_event.id)).all()
    [day_form] = [f for f in forms if f.day == starts_on and f.session_id is None]
    [test] = [f for f in forms if f.kind == FormKind.TEST and f.session_id is None and f.day is None]
    assert service.current_phase(day_form) == Phase.ONCE
    assert service.current_phase(test) == Phase.PRE
    # The event's dates did not move: the door still has no checkpoint for today.
    assert demo_event.starts_on == starts_on and starts_on > utcnow().date()
    # Session forms keep their windows (not open weeks ahead).
    assert all(service.current_phase(f) is None for f in forms if f.session_id is not None)
    # Someone who was at the door on day 1 sees both on their manage page.
    door = db.session.scalar(select(Checkpoint).where(Checkpoint.event_id == demo_event.id, Checkpoint.kind == "day",
                                                      Checkpoint.day == starts_on))
    person = db.session.scalar(select(Participant).join(CheckIn, CheckIn.participant_id == Participant.id)
                               .where(CheckIn.checkpoint_id == door.id).order_by(Participant.id))
    shown = {state.form.id for state in service.for_participant(db.session, demo_event, person)}
    assert {day_form.id, test.id} <= shown


def test_a_demo_in_the_past_reopens_nothing(app):
    from plm.demo import load_demo
    from plm.models import Event

    load_demo(db.session, utcnow().date() - timedelta(days=30))
    event = db.session.scalar(select(Event).where(Event.slug == "plm-2015"))
    simulate_attendance(db.session, event)
    simulate_evaluations(db.session, event)
    db.session.commit()
    forms = db.session.scalars(select(Questionnaire).where(Questionnaire.event_id == event.id)).all()
    assert all(service.current_phase(f) is None for f in forms)
