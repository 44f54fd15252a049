"""The demo (plm/demo/lodging.py): a hotel with beds for everyone loaded, rooms allocated without a
conflict and published, so every page of the feature has real rows from `make run`."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import select

from plm.demo import load_demo
from plm.extensions import db
from plm.lodging import service
from plm.lodging.models import Hotel, LodgingSettings, RoomAssignment
from plm.models import Event, Participant
from plm.questions.service import answers_by_key


def test_demo_hotel_houses_everyone_without_conflict(app):
    load_demo(db.session, date(2015, 5, 18))
    db.session.commit()
    event = db.session.scalar(select(Event))
    hotel = db.session.scalar(select(Hotel))
    assert sum(room.capacity for room in hotel.rooms) >= 350
    assert db.session.get(LodgingSettings, event.id).published_at is not None
    assigned = db.session.scalars(select(RoomAssignment)).all()
    registered = db.session.scalars(select(Participant).where(Participant.status == "registered")).all()
    assert len(assigned) == len(registered) >= 340
    assert service.current_conflicts(db.session, event) == []
    genders = answers_by_key(db.session, event.id, "gender")
    people = defaultdict(list)
    person = {p.id: p for p in registered}
    for assignment in assigned:
        people[assignment.room_id].append(assignment.participant_id)
    rooms_with_two_provinces = 0
    for ids in people.values():
        assert len({genders.get(i) for i in ids}) == 1
        assert None not in {genders.get(i) for i in ids} or len(ids) == 1
        rooms_with_two_provinces += len({person[i].province for i in ids}) == len(ids) > 1
    shared = sum(1 for ids in people.values() if len(ids) > 1)
    assert rooms_with_two_provinces >= 0.9 * shared  # mixed: room-mates come from different provinces
    # The first participant's manage page shows the room.
    first = registered[0]
    token = first.issue_manage_token()
    db.session.commit()
    page = app.test_client().get(f"/e/{event.slug}/me/{token}").get_data(as_text=True)
    assert "Kamar hotel Anda" in page and hotel.name in page
