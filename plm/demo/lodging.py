"""The demo's venue hotel (plm/demo/hotel.json): single rooms, triples and twins, enough beds for the
people loaded plus a few spare, the suggestion applied (mixing provinces) and published, so the
allocation page, the rooming list and every participant's manage page show a room."""

from __future__ import annotations

import math
from datetime import timedelta

from sqlalchemy.orm import Session

from plm.demo.data import _json
from plm.lodging import service as lodging
from plm.lodging.models import Hotel, HotelRoom
from plm.models import Event

HOTEL = _json("hotel.json")


def load_hotel(session: Session, event: Event, people: int) -> dict:
    """The hotel, its rooms and the published allocation; returns counts for the CLI summary."""
    spec = HOTEL
    hotel = Hotel(event_id=event.id, name=spec["name"], address=spec["address"], phone=spec["phone"])
    session.add(hotel)
    session.flush()
    first = event.starts_on - timedelta(days=1 if spec.get("opens_night_before") else 0)
    last = max(event.ends_on - timedelta(days=1), event.starts_on)
    beds_needed = math.ceil(people * (1 + spec["spare_beds"]))
    beds = 0
    next_free = 0  # a floor with more rooms than its hundred numbers goes on past the next floor's first number
    for floor in spec["floors"]:
        if "count" in floor:
            count = floor["count"]
        else:
            share = math.ceil(people * floor["share_of_people"])
            count = math.ceil(min(share, max(beds_needed - beds, 0)) / floor["capacity"])
        start = max(floor["first_number"], next_free)
        next_free = start + count
        for number in range(start, start + count):
            session.add(HotelRoom(hotel_id=hotel.id, number=str(number), room_type=floor["room_type"],
                                  capacity=floor["capacity"], first_night=first, last_night=last))
        beds += count * floor["capacity"]
    session.flush()
    result = lodging.apply_suggestion(session, event, spec["mode"])
    lodging.set_published(session, event, True)
    return {"hotel_rooms": len(hotel.rooms), "beds": beds, "assigned": len(result.rooms)}
