"""Load the demo PLM into the database: deterministic, from the data files next to this module.

plm/demo/README.md describes the files; `data` reads them and `people` draws the registrants.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import Flask, current_app
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from plm.admin.service import ensure_day_checkpoints
from plm.auth.service import create_user, find_user, temporary_password
from plm.demo.data import DEMO_EVENT, DEMO_ROOMS, DEMO_STAFF, DEMO_TRACKS, demo_schedule
from plm.demo.partners import load_partners
from plm.demo.people import generate_participants
from plm.models import Checkpoint, Event, EventSession, Participant, Room, Track, utcnow
from plm.vocabulary import (
    NON_PROGRAMME_KINDS,
    CheckpointKind,
    ParticipantRole,
    ParticipantStatus,
    RegistrationSource,
    Role,
    SessionKind,
)


def _demo_questions(session: Session, event: Event, people: list, participants: list[Participant]) -> None:
    """Two ready-made questions with answers: gender (as drawn with each name) and the event shirt size."""
    from plm.questions import service as questions

    gender = questions.add_preset(session, event.id, "gender")
    shirt = questions.add_preset(session, event.id, "shirt_size")
    gender.required = shirt.required = True
    rng = random.Random(16)  # its own stream: the people drawn above stay the same
    weights = {"female": (30, 35, 20, 10, 4, 1), "male": (5, 20, 35, 25, 10, 5)}
    for person, participant in zip(people, participants, strict=False):
        values = {}
        if person.gender:
            values["gender"] = person.gender
        if rng.random() < 0.95:  # a few never answered: the list's "(no answer)" filter has rows
            sizes = rng.choices(questions.SHIRT_SIZES, weights=weights.get(person.gender, weights["male"]))
            values["shirt_size"] = sizes[0].lower()
        questions.save_values(session, participant, [gender, shirt], values)


class DemoExists(RuntimeError):
    """The demo event is already in the database."""


def load_demo(session: Session, first_day: date, *, reset: bool = False, count: int = 350) -> dict:
    """Create the demo event with rooms, tracks, a published schedule, participants and staff."""
    spec = DEMO_EVENT
    existing = session.scalar(select(Event).where(Event.slug == spec["slug"]))
    if existing is not None:
        if not reset:
            raise DemoExists(f"The demo event '{spec['slug']}' is already loaded.")
        session.execute(delete(Event).where(Event.id == existing.id))
        session.flush()
        session.expunge_all()

    tz = ZoneInfo(spec["timezone"])
    days = spec.get("days", 4)
    now = utcnow()
    event = Event(
        slug=spec["slug"], name=spec["name"], theme=spec["theme"], description=spec.get("description", ""),
        venue=spec["venue"], address=spec["address"], city=spec["city"], timezone=spec["timezone"],
        starts_on=first_day, ends_on=first_day + timedelta(days=days - 1),
        capacity=spec["capacity"], contact_email=spec["contact_email"], contact_phone=spec.get("contact_phone", ""),
        registration_opens_at=min(now, datetime.combine(first_day, time(0), tz) - timedelta(days=60)),
        registration_closes_at=datetime.combine(first_day, time(0), tz) - timedelta(days=1),
        certificate_min_days=3, certificate_serial_prefix="PLM" + str(first_day.year)[-2:],
        signatories=spec.get("signatories", []),
        schedule_published_at=now,
    )
    session.add(event)
    session.flush()
    ensure_day_checkpoints(session, event)

    rooms = {}
    for position, (name, capacity, notes) in enumerate(DEMO_ROOMS):
        rooms[name] = Room(event_id=event.id, name=name, capacity=capacity, notes=notes, position=position)
    tracks = {name: Track(event_id=event.id, name=name, colour=colour) for name, colour in DEMO_TRACKS}
    session.add_all([*rooms.values(), *tracks.values()])

    people = generate_participants(count=count)
    participants = []
    for person in people:
        participant = Participant(
            event_id=event.id, full_name=person.full_name, name_on_badge=person.name_on_badge,
            email=person.email, phone=person.phone,
            institution=person.institution, institution_type=person.institution_type, province=person.province,
            role=person.role, status=ParticipantStatus.REGISTERED, diet=person.diet, access_needs=person.access_needs,
            consent_at=now, source=RegistrationSource.DEMO,
        )
        participants.append(participant)
    session.add_all(participants)
    session.flush()

    _demo_questions(session, event, people, participants)

    leaders = [p for p in participants if p.role in (ParticipantRole.FACILITATOR, ParticipantRole.SPEAKER)]
    rng = random.Random(2015)
    sessions = []
    for item in demo_schedule(first_day):
        day = first_day + timedelta(days=item.day_index)
        start = datetime.combine(day, time.fromisoformat(item.start), tz)
        end = datetime.combine(day, time.fromisoformat(item.end), tz)
        event_session = EventSession(
            event_id=event.id, title=item.title, description=item.description, kind=item.kind,
            room=rooms.get(item.room), track=tracks.get(item.track) if item.track else None,
            starts_at=start, ends_at=end, capacity=item.capacity, signup_required=item.signup_required,
        )
        pool = [p for p in leaders if p.role == ParticipantRole.SPEAKER] if item.kind == SessionKind.PLENARY else leaders
        # Nobody leads two sessions at once: the one deliberate conflict is the room (DEMO_CONFLICT_TITLES).
        busy = {p.id for other in sessions if other.starts_at < end and start < other.ends_at for p in other.facilitators}
        free = [p for p in pool if p.id not in busy]
        if item.facilitator_count and free:
            event_session.facilitators = rng.sample(free, min(item.facilitator_count, len(free)))
        sessions.append(event_session)
    session.add_all(sessions)
    session.flush()
    for event_session in sessions:
        if event_session.kind not in NON_PROGRAMME_KINDS:
            session.add(Checkpoint(event_id=event.id, kind=CheckpointKind.SESSION, session_id=event_session.id,
                                   name=event_session.title[:300]))
        event_session.published_state = {
            "starts_at": event_session.starts_at.isoformat(), "ends_at": event_session.ends_at.isoformat(),
            "room_id": event_session.room_id, "cancelled": False,
        }

    # The demo facilitator login is one of the facilitators leading sessions, so "My sessions" has content.
    facilitator_login = next(s["email"] for s in DEMO_STAFF if s["role"] == Role.FACILITATOR)
    leading = next((p for event_session in sessions for p in event_session.facilitators if p.role == ParticipantRole.FACILITATOR), None)
    if leading is not None:
        leading.email = facilitator_login

    # Partner institutions with seats and invitation links (plm/demo/partners.json).
    load_partners(session, event, participants, current_app.config["SECRET_KEY"])

    # Random passwords per database, returned once for the CLI to print: a published demo password
    # would open every server that ever loaded the demo.
    logins = []
    for staff in DEMO_STAFF:
        if find_user(session, staff["email"]) is None:
            password = temporary_password()
            create_user(session, staff["email"], staff["role"], password, staff.get("name", ""))
            logins.append({"role": staff["role"], "email": staff["email"], "password": password})
    session.flush()
    from plm.demo.allowances import load_allowances
    from plm.demo.travel import load_travel

    load_travel(session, event)
    load_allowances(session, event, find_user(session, "admin@plm.example"))
    session.flush()
    # The venue hotel, allocated once everyone's status and travel are known (plm/demo/hotel.json).
    from plm.demo.lodging import load_hotel

    hotel = load_hotel(session, event, len(participants))
    return {
        "event": event.name,
        "slug": event.slug,
        "participants": len(participants),
        "provinces": len({p.province for p in participants}),
        "sessions": len(sessions),
        "rooms": len(rooms),
        "hotel_rooms": hotel["hotel_rooms"],
        "logins": logins,
    }


def init_app(app: Flask) -> None:
    """`flask plm demo | demo-logins`."""
    from plm import cli
    from plm.demo import commands

    cli.add_commands(commands.COMMANDS)
