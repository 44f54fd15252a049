"""Losing the event seat gives workshop seats back (issue 14, item 1): cancelling, erasing, anonymising,
a move to the waiting list; a reinstated registration does not silently take seats back."""

from datetime import timedelta

from sqlalchemy import select

from plm import clock
from plm.extensions import db
from plm.models import AuditLog, SessionSignup
from tests.helpers import signups, token_for


def _sign_up(client, token, item):
    assert client.post(f"/e/plm-test/me/{token}/sessions/{item.id}/signup").status_code == 303


def test_cancelling_frees_the_session_seat_and_reinstating_does_not_take_it_back(
        client, event, schedule_factory, workshop):
    ani, budi, citra = (schedule_factory.person(n) for n in ("Ani Rahayu", "Budi Santoso", "Citra Dewi"))
    tokens = {p.full_name: token_for(p) for p in (ani, budi, citra)}
    _sign_up(client, tokens["Ani Rahayu"], workshop)
    _sign_up(client, tokens["Budi Santoso"], workshop)
    assert signups(workshop.id) == 2

    cancelled = client.post(f"/e/plm-test/me/{tokens['Ani Rahayu']}/cancel", data={"confirm": "y"})
    assert cancelled.status_code == 302
    assert signups(workshop.id) == 1
    page = client.get(f"/e/plm-test/me/{tokens['Citra Dewi']}/sessions").get_data(as_text=True)
    assert "sisa 1 dari 2 kursi" in page
    _sign_up(client, tokens["Citra Dewi"], workshop)  # the freed seat is taken by someone else

    assert client.post(f"/e/plm-test/me/{tokens['Ani Rahayu']}/reinstate").status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(SessionSignup).where(SessionSignup.participant_id == ani.id)) is None
    assert signups(workshop.id) == 2  # no silent third seat in a two-seat workshop
    mine = client.get(f"/e/plm-test/me/{tokens['Ani Rahayu']}/sessions").get_data(as_text=True)
    assert "Anda sudah terdaftar" not in mine
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "participant.cancel"))
    assert entry.detail["released_sessions"] == [workshop.id]


def test_erasing_and_staff_moving_to_the_waiting_list_free_seats(client, event, schedule_factory, workshop,
                                                                 login):
    ani, budi = schedule_factory.person("Ani Rahayu"), schedule_factory.person("Budi Santoso")
    tokens = [token_for(ani), token_for(budi)]
    for token in tokens:
        _sign_up(client, token, workshop)
    assert client.post(f"/e/plm-test/me/{tokens[0]}/delete", data={"confirm": "y"}).status_code == 200
    assert signups(workshop.id) == 1
    login("organizer")
    moved = client.post(f"/staff/events/plm-test/participants/{budi.public_id}/status", data={"status": "waitlisted"})
    assert moved.status_code == 302
    assert signups(workshop.id) == 0


def test_anonymising_releases_the_seats_of_people_who_did_not_come(frozen_time, app, event, schedule_factory, workshop):
    from plm.privacy.service import anonymise_event

    ani = schedule_factory.person("Ani Rahayu")
    gone = schedule_factory.person("Budi Santoso")
    for person in (ani, gone):
        db.session.add(SessionSignup(session_id=workshop.id, participant_id=person.id))
    gone.status = "cancelled"  # data from before the fix: a cancelled registration holding a seat
    db.session.commit()
    anonymise_event(db.session, event, today=event.ends_on + timedelta(days=1))
    db.session.commit()
    kept = db.session.scalars(select(SessionSignup.participant_id)).all()
    assert kept == [ani.id]  # attendees keep theirs: certificate rules may count them
    assert clock.today() < event.ends_on
