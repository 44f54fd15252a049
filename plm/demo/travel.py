"""The demo's travel: most participants fly in the day before the first day, NTB by ship, East Java by bus,
Bali's own by their own transport; everyone flies home on the last afternoon. Deterministic (seeded)."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from plm.models import Event, Participant
from plm.travel.models import TravelPlan, TravelSettings

AIRPORT = "Bandara I Gusti Ngurah Rai"
BY_PROVINCE = {  # mode, carrier, number prefix, arrival point
    "Nusa Tenggara Barat": ("ship", "ASDP Lembar–Padangbai", "", "Pelabuhan Padangbai"),
    "Jawa Timur": ("bus", "Bus Gunung Harta", "", "Terminal Mengwi"),
    "Bali": ("own", "", "", ""),
}
AIRLINES = [("Garuda Indonesia", "GA"), ("Lion Air", "JT"), ("Citilink", "QG"), ("Batik Air", "ID")]


def load_travel(session: Session, event: Event) -> int:
    rng = random.Random(2015)
    tz = ZoneInfo(event.timezone)
    eve = event.starts_on - timedelta(days=1)
    session.add(TravelSettings(event_id=event.id, window_minutes=60,
                               deadline=datetime.combine(eve - timedelta(days=6), time(17, 0), tz)))
    people = session.scalars(select(Participant).where(Participant.event_id == event.id,
                                                       Participant.role != "committee").order_by(Participant.id))
    count = 0
    for index, person in enumerate(people):
        if index % 5 == 4:
            continue  # not entered yet
        mode, carrier, prefix, point = BY_PROVINCE.get(person.province, ("plane", "", "", AIRPORT))
        number = ""
        if mode == "plane":
            carrier, prefix = AIRLINES[rng.randrange(len(AIRLINES))]
            number = f"{prefix} {rng.randrange(100, 999)}"
        arrival = datetime.combine(eve, time(7, 0), tz) + timedelta(minutes=rng.randrange(0, 13 * 60, 5))
        departure = datetime.combine(event.ends_on, time(15, 0), tz) + timedelta(minutes=rng.randrange(0, 5 * 60, 5))
        session.add(TravelPlan(
            event_id=event.id, participant_id=person.id, origin_province=person.province, origin_regency="", mode=mode,
            arrival_at=arrival if mode != "own" else None, arrival_carrier=carrier, arrival_number=number,
            arrival_point=point, departure_at=departure if mode != "own" else None, departure_carrier=carrier,
            departure_number=f"{prefix} {rng.randrange(100, 999)}" if mode == "plane" else "",
            departure_point=point, updated_by="participant",
            updated_at=datetime.combine(eve - timedelta(days=10), time(20, 0), tz)))
        count += 1
    return count
