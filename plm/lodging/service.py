"""Lodging use cases: hotels and rooms, each participant's nights, the suggestion applied, manual moves,
the conflicts, the rooming list's plain data and what a participant sees. No request inside."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from plm.lodging import allocation
from plm.lodging.allocation import Conflict, PersonSpec, Placement, RoomSpec, Suggestion
from plm.lodging.models import (
    DEFAULT_CAPACITY,
    Hotel,
    HotelRoom,
    LodgingSettings,
    RoomAssignment,
    RoomingMode,
    RoomType,
)
from plm.models import Event, Participant, User, audit, utcnow
from plm.spreadsheets import UnreadableSpreadsheet, csv_reader, csv_rows, decode_text, is_xlsx, xlsx_rows
from plm.text import clean_line

MAX_IMPORT_ROWS = 2000
MAX_CAPACITY = 12


class LodgingError(ValueError):
    """A change refused; str(exc) is a code (bad_number, duplicate_number, bad_type, bad_capacity, bad_nights,
    no_name, not_found)."""


# ---------------------------------------------------------------- settings

def settings_for(session: Session, event: Event) -> LodgingSettings:
    """The event's rooming settings; an unsaved default when there are none yet (GET never writes)."""
    found = session.get(LodgingSettings, event.id)
    return found if found is not None else LodgingSettings(event_id=event.id, mode=RoomingMode.MIX.value)


def _stored_settings(session: Session, event: Event) -> LodgingSettings:
    found = session.get(LodgingSettings, event.id)
    if found is None:
        found = LodgingSettings(event_id=event.id, mode=RoomingMode.MIX.value)
        session.add(found)
    return found


def set_mode(session: Session, event: Event, mode: str, user: User | None = None) -> None:
    settings = _stored_settings(session, event)
    settings.mode = RoomingMode(mode).value
    audit(session, "lodging.mode", user=user, event_id=event.id, mode=settings.mode)


def set_published(session: Session, event: Event, published: bool, user: User | None = None) -> None:
    settings = _stored_settings(session, event)
    settings.published_at = utcnow() if published else None
    audit(session, "lodging.publish" if published else "lodging.unpublish", user=user, event_id=event.id)


# ---------------------------------------------------------------- hotels and rooms

def hotels(session: Session, event: Event) -> list[Hotel]:
    return list(session.scalars(select(Hotel).where(Hotel.event_id == event.id).order_by(Hotel.name, Hotel.id)))


def get_hotel(session: Session, event: Event, hotel_id: int) -> Hotel | None:
    hotel = session.get(Hotel, hotel_id)
    return hotel if hotel is not None and hotel.event_id == event.id else None


def get_room(session: Session, event: Event, room_id: int) -> HotelRoom | None:
    room = session.get(HotelRoom, room_id)
    return room if room is not None and room.hotel.event_id == event.id else None


def save_hotel(session: Session, event: Event, data: dict[str, str], hotel: Hotel | None = None,
               user: User | None = None) -> Hotel:
    name = clean_line(data.get("name", ""))[:200]
    if not name:
        raise LodgingError("no_name")
    if hotel is None:
        hotel = Hotel(event_id=event.id)
        session.add(hotel)
    hotel.name = name
    hotel.address = clean_line(data.get("address", ""))[:300]
    hotel.phone = clean_line(data.get("phone", ""))[:40]
    session.flush()
    audit(session, "lodging.hotel", user=user, event_id=event.id, target=hotel, name=name)
    return hotel


def _room_values(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    number = clean_line(str(data.get("number") or ""))[:20]
    if not number:
        raise LodgingError("bad_number")
    try:
        room_type = RoomType(str(data.get("room_type") or "").strip().lower())
    except ValueError:
        raise LodgingError("bad_type") from None
    capacity = data.get("capacity")
    if capacity in (None, ""):
        capacity = DEFAULT_CAPACITY[room_type]
    try:
        capacity = int(capacity)
    except (TypeError, ValueError):
        raise LodgingError("bad_capacity") from None
    if not 1 <= capacity <= MAX_CAPACITY:
        raise LodgingError("bad_capacity")
    event_nights = allocation.stay_nights(event.starts_on, event.ends_on) or (event.starts_on, event.starts_on)
    first = data.get("first_night") or event_nights[0]
    last = data.get("last_night") or event_nights[1]
    if not isinstance(first, date) or not isinstance(last, date) or last < first:
        raise LodgingError("bad_nights")
    return dict(number=number, room_type=room_type.value, capacity=capacity, first_night=first, last_night=last)


def save_room(session: Session, event: Event, hotel: Hotel, data: dict[str, Any], room: HotelRoom | None = None,
              user: User | None = None) -> HotelRoom:
    values = _room_values(event, data)
    taken = session.scalar(select(HotelRoom.id).where(HotelRoom.hotel_id == hotel.id, HotelRoom.number == values["number"]))
    if taken is not None and (room is None or taken != room.id):
        raise LodgingError("duplicate_number")
    if room is None:
        room = HotelRoom(hotel_id=hotel.id)
        session.add(room)
    for name, value in values.items():
        setattr(room, name, value)
    session.flush()
    audit(session, "lodging.room", user=user, event_id=event.id, target=room, number=room.number)
    return room


def occupants(session: Session, room: HotelRoom) -> list[Participant]:
    """Who is assigned to the room (named before it is deleted, so nobody loses a room unnoticed)."""
    ids = [a.participant_id for a in room.assignments]
    if not ids:
        return []
    return list(session.scalars(select(Participant).where(Participant.id.in_(ids)).order_by(Participant.full_name)))


def delete_room(session: Session, event: Event, room: HotelRoom, user: User | None = None) -> None:
    audit(session, "lodging.room_delete", user=user, event_id=event.id, target=room, number=room.number,
          people=len(room.assignments))
    session.delete(room)
    session.flush()


# Headers people type: Indonesian first, English second.
IMPORT_HEADERS = {
    "nomor kamar": "number", "no kamar": "number", "nomor": "number", "kamar": "number", "room": "number",
    "room number": "number", "number": "number",
    "tipe": "room_type", "tipe kamar": "room_type", "jenis kamar": "room_type", "type": "room_type",
    "kapasitas": "capacity", "capacity": "capacity",
    "malam pertama": "first_night", "first night": "first_night", "tersedia dari": "first_night",
    "malam terakhir": "last_night", "last night": "last_night", "tersedia sampai": "last_night",
}
TYPE_WORDS = {"single": "single", "tunggal": "single", "twin": "twin", "double": "twin", "ganda": "twin",
              "triple": "triple", "tripel": "triple", "bertiga": "triple"}


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)  # (row number, code)
    header_error: str = ""


def _cell_date(value: Any) -> date | None | str:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for pattern in (r"^(\d{4})-(\d{1,2})-(\d{1,2})$", r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$"):
        match = re.match(pattern, text)
        if match:
            parts = [int(p) for p in match.groups()]
            year, month, day = parts if pattern.startswith(r"^(\d{4})") else (parts[2], parts[1], parts[0])
            try:
                return date(year, month, day)
            except ValueError:
                return "bad"
    return "bad"


def import_rooms(session: Session, event: Event, hotel: Hotel, data: bytes, filename: str = "",
                 user: User | None = None) -> ImportReport:
    """Rooms from a CSV or XLSX (nomor kamar, tipe, kapasitas[, malam pertama, malam terakhir]). A number
    already there is updated. Any bad row: nothing is saved and every bad row is reported."""
    report = ImportReport()
    try:
        if is_xlsx(data, filename):
            rows = [["" if v is None else v for v in row] for row in xlsx_rows(data, max_rows=MAX_IMPORT_ROWS + 1)]
        else:
            rows = list(csv_rows(csv_reader(decode_text(data)), max_rows=MAX_IMPORT_ROWS + 1))
    except UnreadableSpreadsheet as exc:
        report.header_error = str(exc)
        return report
    if not rows:
        report.header_error = "empty"
        return report
    names = [IMPORT_HEADERS.get(str(h).strip().lower().replace("_", " "), "") for h in rows[0]]
    if "number" not in names or "room_type" not in names:
        report.header_error = "missing_columns"
        return report
    existing = {room.number: room for room in hotel.rooms}
    planned: list[tuple[HotelRoom | None, dict[str, Any]]] = []
    seen: set[str] = set()
    for line, values in enumerate(rows[1:], start=2):
        if not any(str(v).strip() for v in values):
            continue
        raw = {n: v for n, v in zip(names, values, strict=False) if n}
        raw["room_type"] = TYPE_WORDS.get(str(raw.get("room_type", "")).strip().lower(), raw.get("room_type"))
        if isinstance(raw.get("number"), float) and raw["number"].is_integer():
            raw["number"] = int(raw["number"])
        for key in ("first_night", "last_night"):
            parsed = _cell_date(raw.get(key))
            if parsed == "bad":
                report.errors.append((line, "bad_nights"))
                break
            raw[key] = parsed
        else:
            try:
                values_ok = _room_values(event, raw)
            except LodgingError as exc:
                report.errors.append((line, str(exc)))
                continue
            if values_ok["number"] in seen:
                report.errors.append((line, "duplicate_number"))
                continue
            seen.add(values_ok["number"])
            planned.append((existing.get(values_ok["number"]), values_ok))
    if len(planned) > MAX_IMPORT_ROWS:
        report.header_error = "too_many_rows"
    if report.errors or report.header_error:
        return report
    for room, values in planned:
        if room is None:
            session.add(HotelRoom(hotel_id=hotel.id, **values))
            report.created += 1
        else:
            for name, value in values.items():
                setattr(room, name, value)
            report.updated += 1
    session.flush()
    audit(session, "lodging.import", user=user, event_id=event.id, target=hotel, created=report.created,
          updated=report.updated)
    return report


# ---------------------------------------------------------------- who stays which nights

def staying_people(session: Session, event: Event) -> list[Participant]:
    return list(session.scalars(select(Participant).where(Participant.event_id == event.id,
                                                          Participant.status == "registered")
                                .order_by(Participant.full_name, Participant.id)))


def _travel_dates(session: Session, event: Event) -> dict[int, tuple[date | None, date | None]]:
    """{participant id: (arrival, departure)} as local dates of the event, from the travel plans (plm/travel)."""
    from zoneinfo import ZoneInfo

    from plm.travel.models import TravelPlan

    zone = ZoneInfo(event.timezone)
    local = lambda moment: moment.astimezone(zone).date() if moment is not None else None  # noqa: E731
    return {plan.participant_id: (local(plan.arrival_at), local(plan.departure_at))
            for plan in session.scalars(select(TravelPlan).where(TravelPlan.event_id == event.id))}


def stays(session: Session, event: Event, people: list[Participant]) -> dict[int, tuple[date, date] | None]:
    """Each person's (first night, last night): their travel plan's arrival and departure (plm/travel) when
    entered, else their arrival_date / departure_date answers, else the event's nights, each date on its own.
    None: no night to sleep."""
    from plm.questions.service import answers_by_key

    travel = _travel_dates(session, event)
    arrivals = answers_by_key(session, event.id, "arrival_date")
    departures = answers_by_key(session, event.id, "departure_date")
    result: dict[int, tuple[date, date] | None] = {}
    for person in people:
        arrival, departure = travel.get(person.id, (None, None))
        arrival = arrival or arrivals.get(person.id) or event.starts_on
        departure = departure or departures.get(person.id) or event.ends_on
        result[person.id] = allocation.stay_nights(arrival, departure)
    return result


def _genders(session: Session, event: Event) -> dict[int, str]:
    from plm.questions.service import answers_by_key

    return {pid: value for pid, value in answers_by_key(session, event.id, "gender").items()
            if value in ("female", "male")}


def _all_rooms(session: Session, event: Event) -> list[HotelRoom]:
    return list(session.scalars(select(HotelRoom).join(Hotel).where(Hotel.event_id == event.id)
                                .order_by(Hotel.name, Hotel.id, HotelRoom.number, HotelRoom.id)))


def _specs(session: Session, event: Event) -> tuple[list[RoomSpec], list[PersonSpec], list[HotelRoom], list[Participant]]:
    rooms = _all_rooms(session, event)
    people = staying_people(session, event)
    nights = stays(session, event, people)
    genders = _genders(session, event)
    room_specs = [RoomSpec(r.id, r.capacity, r.first_night, r.last_night, order=(position,))
                  for position, r in enumerate(rooms)]
    person_specs = [PersonSpec(p.id, genders.get(p.id), p.province or "", p.institution or "",
                               *(nights[p.id] or (None, None))) for p in people]
    return room_specs, person_specs, rooms, people


def suggestion(session: Session, event: Event, mode: str | None = None) -> Suggestion:
    room_specs, person_specs, _rooms, _people = _specs(session, event)
    return allocation.suggest(room_specs, person_specs, mode or settings_for(session, event).mode)


def apply_suggestion(session: Session, event: Event, mode: str, user: User | None = None) -> Suggestion:
    """Replace every assignment of the event by the suggestion (the staff saw it on the preview)."""
    room_specs, person_specs, rooms, _people = _specs(session, event)
    result = allocation.suggest(room_specs, person_specs, mode)
    spec_by_id = {p.id: p for p in person_specs}
    room_ids = [r.id for r in rooms]
    if room_ids:
        session.execute(delete(RoomAssignment).where(RoomAssignment.room_id.in_(room_ids)))
    for person_id, room_id in sorted(result.rooms.items()):
        spec = spec_by_id[person_id]
        session.add(RoomAssignment(participant_id=person_id, room_id=room_id, first_night=spec.first_night,
                                   last_night=spec.last_night))
    set_mode(session, event, mode, user)
    session.flush()
    audit(session, "lodging.apply", user=user, event_id=event.id, mode=mode, assigned=len(result.rooms),
          unassigned=len(result.unassigned))
    return result


def assignments(session: Session, event: Event) -> list[RoomAssignment]:
    """The assignments of people still registered: a cancelled or waitlisted person's bed counts as free."""
    return list(session.scalars(select(RoomAssignment).join(HotelRoom).join(Hotel)
                                .join(Participant, Participant.id == RoomAssignment.participant_id)
                                .where(Hotel.event_id == event.id, Participant.status == "registered")))


def current_conflicts(session: Session, event: Event) -> list[Conflict]:
    room_specs, person_specs, _rooms, _people = _specs(session, event)
    placements = [Placement(a.participant_id, a.room_id, a.first_night, a.last_night) for a in assignments(session, event)]
    return allocation.conflicts(room_specs, person_specs, placements)


def _participant(session: Session, event: Event, public_id: str) -> Participant:
    public_id = clean_line(public_id)[:16]  # as sent by a form: a NUL is no id (and PostgreSQL refuses it)
    person = session.scalar(select(Participant).where(Participant.event_id == event.id, Participant.public_id == public_id,
                                                      Participant.status == "registered"))
    if person is None:
        raise LodgingError("not_found")
    return person


def move(session: Session, event: Event, public_id: str, room: HotelRoom, user: User | None = None) -> RoomAssignment:
    """Put a person in a room for their nights as they are now; conflicts are shown, not refused."""
    person = _participant(session, event, public_id)
    stay = stays(session, event, [person])[person.id]
    if stay is None:
        raise LodgingError("no_nights")
    found = session.scalar(select(RoomAssignment).where(RoomAssignment.participant_id == person.id))
    if found is None:
        found = RoomAssignment(participant_id=person.id)
        session.add(found)
    found.room_id, (found.first_night, found.last_night) = room.id, stay
    session.flush()
    audit(session, "lodging.move", user=user, event_id=event.id, target=person, room=room.number)
    return found


def swap(session: Session, event: Event, first_id: str, second_id: str, user: User | None = None) -> None:
    first, second = _participant(session, event, first_id), _participant(session, event, second_id)
    a = session.scalar(select(RoomAssignment).where(RoomAssignment.participant_id == first.id))
    b = session.scalar(select(RoomAssignment).where(RoomAssignment.participant_id == second.id))
    if a is None or b is None or first.id == second.id:
        raise LodgingError("not_found")
    a.room_id, b.room_id = b.room_id, a.room_id
    session.flush()
    audit(session, "lodging.swap", user=user, event_id=event.id, first=first.public_id, second=second.public_id)


def unassign(session: Session, event: Event, public_id: str, user: User | None = None) -> None:
    person = _participant(session, event, public_id)
    session.execute(delete(RoomAssignment).where(RoomAssignment.participant_id == person.id))
    audit(session, "lodging.unassign", user=user, event_id=event.id, target=person)


# ---------------------------------------------------------------- plain data for pages, PDF and XLSX

@dataclass(frozen=True)
class Occupant:
    public_id: str
    name: str
    institution: str
    province: str
    gender: str  # female / male / ""


@dataclass(frozen=True)
class RoomNight:
    hotel: str
    number: str
    room_type: str
    capacity: int
    occupants: tuple[Occupant, ...]


@dataclass(frozen=True)
class Night:
    night: date
    rooms: tuple[RoomNight, ...]


def rooming_list(session: Session, event: Event) -> list[Night]:
    """Per night, per room with anyone in it: who sleeps there (the hotel's rooming list)."""
    rooms = _all_rooms(session, event)
    genders = _genders(session, event)
    by_room: dict[int, list[tuple[RoomAssignment, Participant]]] = {}
    for assignment, person in session.execute(
            select(RoomAssignment, Participant).join(Participant, Participant.id == RoomAssignment.participant_id)
            .join(HotelRoom).join(Hotel).where(Hotel.event_id == event.id, Participant.status == "registered")
            .order_by(Participant.full_name, Participant.id)):
        by_room.setdefault(assignment.room_id, []).append((assignment, person))
    all_nights = sorted({night for items in by_room.values() for a, _p in items
                         for night in allocation.nights(a.first_night, a.last_night)})
    result = []
    for night in all_nights:
        room_nights = []
        for room in rooms:
            occupants = tuple(Occupant(p.public_id, p.full_name, p.institution, p.province, genders.get(p.id, ""))
                              for a, p in by_room.get(room.id, []) if a.first_night <= night <= a.last_night)
            if occupants:
                room_nights.append(RoomNight(room.hotel.name, room.number, room.room_type, room.capacity, occupants))
        result.append(Night(night, tuple(room_nights)))
    return result


@dataclass(frozen=True)
class MyRoom:
    hotel: str
    address: str
    phone: str
    number: str
    room_type: str
    first_night: date
    last_night: date
    mates: tuple[str, ...]


def my_room(session: Session, event: Event, participant: Participant) -> MyRoom | None:
    """The participant's hotel and room, once the organiser has published the rooming; else None."""
    settings = session.get(LodgingSettings, event.id)
    if settings is None or settings.published_at is None or participant.status != "registered":
        return None
    assignment = session.scalar(select(RoomAssignment).where(RoomAssignment.participant_id == participant.id))
    if assignment is None:
        return None
    room = assignment.room
    mates = session.scalars(select(Participant.full_name).join(RoomAssignment, RoomAssignment.participant_id == Participant.id)
                            .where(RoomAssignment.room_id == room.id, Participant.id != participant.id,
                                   Participant.status == "registered",
                                   RoomAssignment.first_night <= assignment.last_night,
                                   RoomAssignment.last_night >= assignment.first_night)
                            .order_by(Participant.full_name))
    return MyRoom(room.hotel.name, room.hotel.address, room.hotel.phone, room.number, room.room_type,
                  assignment.first_night, assignment.last_night, tuple(mates))
