"""Schedule use cases: rooms, tracks, sessions, conflicts, publication, sign-ups, facilitator access.

Plain functions taking the SQLAlchemy session; no Flask request state, so the web, the CLI and
the tests share them. Times are stored in UTC and typed/shown in the event's timezone.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from plm.models import (
    CheckIn,
    Checkpoint,
    Event,
    EventSession,
    Participant,
    Room,
    SessionSignup,
    Track,
    User,
    audit,
    utcnow,
)
from plm.vocabulary import NON_PROGRAMME_KINDS, ParticipantRole, ParticipantStatus, Role, SessionKind

LEADER_ROLES = (ParticipantRole.FACILITATOR, ParticipantRole.SPEAKER)
COLOUR_PATTERN = re.compile(r"^#[0-9a-fA-F]{6}$")


class ScheduleError(ValueError):
    """A refused change; str(exc) is a stable code the routes translate."""


class SignupError(ValueError):
    """A refused sign-up; str(exc) is a stable code ('full', 'overlap', ...)."""

    def __init__(self, code: str, other: EventSession | None = None):
        super().__init__(code)
        self.code = code
        self.other = other


# ---------------------------------------------------------------------------------------------
# Time helpers
# ---------------------------------------------------------------------------------------------

def zone(event: Event) -> ZoneInfo:
    return ZoneInfo(event.timezone or "UTC")


def at(event: Event, day: date, clock: time) -> datetime:
    """A wall-clock time on a day at the event, as an aware UTC datetime."""
    return datetime.combine(day, clock, zone(event)).astimezone(ZoneInfo("UTC"))


def local(event: Event, value: datetime) -> datetime:
    return value.astimezone(zone(event))


def local_day(event: Event, value: datetime) -> date:
    return local(event, value).date()


def overlaps(a: EventSession, b: EventSession) -> bool:
    return a.starts_at < b.ends_at and b.starts_at < a.ends_at


# ---------------------------------------------------------------------------------------------
# Queries
# ---------------------------------------------------------------------------------------------

def event_sessions(session: Session, event: Event, *, include_cancelled: bool = True) -> list[EventSession]:
    query = (
        select(EventSession)
        .where(EventSession.event_id == event.id)
        .options(selectinload(EventSession.facilitators), selectinload(EventSession.room),
                 selectinload(EventSession.track))
        .order_by(EventSession.starts_at, EventSession.id)
    )
    if not include_cancelled:
        query = query.where(EventSession.cancelled_at.is_(None))
    return list(session.scalars(query))


def get_session_or_none(session: Session, event: Event, session_id: int) -> EventSession | None:
    found = session.get(EventSession, session_id)
    return found if found is not None and found.event_id == event.id else None


def rooms_of(session: Session, event: Event) -> list[Room]:
    return list(session.scalars(select(Room).where(Room.event_id == event.id).order_by(Room.position, Room.name)))


def tracks_of(session: Session, event: Event) -> list[Track]:
    return list(session.scalars(select(Track).where(Track.event_id == event.id).order_by(Track.name)))


def facilitator_candidates(session: Session, event: Event) -> list[Participant]:
    return list(session.scalars(
        select(Participant).where(Participant.event_id == event.id, Participant.role.in_(LEADER_ROLES),
                                  Participant.status != ParticipantStatus.CANCELLED)
        .order_by(Participant.full_name)
    ))


def signup_counts(session: Session, event: Event) -> dict[int, int]:
    rows = session.execute(
        select(SessionSignup.session_id, func.count())
        .join(EventSession, EventSession.id == SessionSignup.session_id)
        .where(EventSession.event_id == event.id)
        .group_by(SessionSignup.session_id)
    ).all()
    return {session_id: count for session_id, count in rows}


def seat_limit(event_session: EventSession) -> int | None:
    """Seats for sign-up: the session's own capacity, else its room's."""
    if event_session.capacity is not None:
        return event_session.capacity
    return event_session.room.capacity if event_session.room is not None else None


# ---------------------------------------------------------------------------------------------
# Rooms and tracks
# ---------------------------------------------------------------------------------------------

def save_room(session: Session, event: Event, room: Room | None, data: dict[str, Any], user: User | None) -> Room:
    name = (data.get("name") or "").strip()
    clash = session.scalar(select(Room).where(Room.event_id == event.id, func.lower(Room.name) == name.lower(),
                                              Room.id != (room.id if room is not None and room.id else -1)))
    if clash is not None:
        raise ScheduleError("room_name_taken")
    if room is None:
        position = session.scalar(select(func.coalesce(func.max(Room.position), -1)).where(Room.event_id == event.id))
        room = Room(event_id=event.id, position=(position or 0) + 1)
        session.add(room)
    before = (room.name, room.capacity)
    room.name = name
    room.capacity = data.get("capacity")
    room.notes = (data.get("notes") or "").strip()
    if data.get("position") is not None:
        room.position = data["position"]
    session.flush()
    audit(session, "room.save", user=user, event_id=event.id, target=room, name=name, before=list(before))
    return room


def delete_room(session: Session, event: Event, room: Room, user: User | None) -> None:
    used = session.scalar(select(func.count()).select_from(EventSession).where(EventSession.room_id == room.id))
    if used:
        raise ScheduleError("room_in_use")
    audit(session, "room.delete", user=user, event_id=event.id, target=room, name=room.name)
    session.delete(room)
    session.flush()


def save_track(session: Session, event: Event, track: Track | None, data: dict[str, Any], user: User | None) -> Track:
    name = (data.get("name") or "").strip()
    colour = (data.get("colour") or "").strip()
    if not COLOUR_PATTERN.match(colour):
        raise ScheduleError("bad_colour")
    clash = session.scalar(select(Track).where(Track.event_id == event.id, func.lower(Track.name) == name.lower(),
                                               Track.id != (track.id if track is not None and track.id else -1)))
    if clash is not None:
        raise ScheduleError("track_name_taken")
    if track is None:
        track = Track(event_id=event.id)
        session.add(track)
    track.name = name
    track.colour = colour.lower()
    session.flush()
    audit(session, "track.save", user=user, event_id=event.id, target=track, name=name, colour=track.colour)
    return track


def delete_track(session: Session, event: Event, track: Track, user: User | None) -> None:
    audit(session, "track.delete", user=user, event_id=event.id, target=track, name=track.name)
    session.delete(track)  # sessions keep going, without a track (ON DELETE SET NULL)
    session.flush()


# ---------------------------------------------------------------------------------------------
# Sessions
# ---------------------------------------------------------------------------------------------

# Changing any of these bumps the iCalendar SEQUENCE, so calendar apps take the new version.
SIGNIFICANT_FIELDS = ("title", "starts_at", "ends_at", "room_id", "cancelled_at")


def _significant(event_session: EventSession) -> tuple:
    return tuple(getattr(event_session, name) for name in SIGNIFICANT_FIELDS)


def save_session(session: Session, event: Event, event_session: EventSession | None, data: dict[str, Any],
                 user: User | None) -> EventSession:
    """Create or update a session from validated data: day, start, end (local), room_id, track_id,
    kind, title, description, capacity, signup_required, facilitator_ids."""
    starts_at = at(event, data["day"], data["start"])
    ends_at = at(event, data["day"], data["end"])
    if ends_at <= starts_at:
        raise ScheduleError("end_before_start")
    room = session.get(Room, data["room_id"]) if data.get("room_id") else None
    track = session.get(Track, data["track_id"]) if data.get("track_id") else None
    if (room is not None and room.event_id != event.id) or (track is not None and track.event_id != event.id):
        raise ScheduleError("not_this_event")
    ids = [int(i) for i in data.get("facilitator_ids") or []]
    leaders = list(session.scalars(select(Participant).where(
        Participant.id.in_(ids), Participant.event_id == event.id, Participant.role.in_(LEADER_ROLES)))) if ids else []
    if len(leaders) != len(set(ids)):
        raise ScheduleError("bad_facilitator")

    creating = event_session is None
    if creating:
        event_session = EventSession(event_id=event.id, sequence=0)
        session.add(event_session)
        before = None
    else:
        before = _significant(event_session)
    event_session.title = data["title"].strip()
    event_session.description = (data.get("description") or "").strip()
    event_session.kind = data["kind"]
    event_session.starts_at = starts_at
    event_session.ends_at = ends_at
    event_session.room = room
    event_session.room_id = room.id if room is not None else None
    event_session.track = track
    event_session.track_id = track.id if track is not None else None
    event_session.capacity = data.get("capacity")
    event_session.signup_required = bool(data.get("signup_required"))
    event_session.facilitators = sorted(leaders, key=lambda p: ids.index(p.id))
    if before is not None and before != _significant(event_session):
        event_session.sequence = (event_session.sequence or 0) + 1
    session.flush()
    from plm.checkin.service import ensure_session_checkpoints

    ensure_session_checkpoints(session, event)  # the door and the attendance pages only read them
    audit(session, "session.create" if creating else "session.update", user=user, event_id=event.id,
          target=event_session, title=event_session.title, starts_at=starts_at.isoformat(),
          ends_at=ends_at.isoformat(), room=room.name if room else None)
    return event_session


def set_cancelled(session: Session, event_session: EventSession, cancelled: bool, user: User | None) -> None:
    if bool(event_session.cancelled_at) == cancelled:
        return
    event_session.cancelled_at = utcnow() if cancelled else None
    event_session.sequence = (event_session.sequence or 0) + 1
    session.flush()
    audit(session, "session.cancel" if cancelled else "session.restore", user=user,
          event_id=event_session.event_id, target=event_session, title=event_session.title)


def delete_session(session: Session, event_session: EventSession, user: User | None) -> None:
    """Delete a session typed by mistake. Once published, or with attendance, cancel it instead."""
    event = event_session.event
    attended = session.scalar(
        select(func.count()).select_from(CheckIn).join(Checkpoint, Checkpoint.id == CheckIn.checkpoint_id)
        .where(Checkpoint.session_id == event_session.id))
    if attended:
        raise ScheduleError("has_attendance")
    if event.schedule_published_at is not None and event_session.published_state is not None:
        raise ScheduleError("published_cancel_instead")
    audit(session, "session.delete", user=user, event_id=event_session.event_id, target=event_session,
          title=event_session.title)
    session.delete(event_session)
    session.flush()


# ---------------------------------------------------------------------------------------------
# Conflicts
# ---------------------------------------------------------------------------------------------

@dataclass
class Conflict:
    kind: str  # room, facilitator, outside_days, capacity
    sessions: list[EventSession]
    detail: dict = field(default_factory=dict)

    @property
    def session_ids(self) -> set[int]:
        return {s.id for s in self.sessions}


def find_conflicts(event: Event, sessions: Iterable[EventSession], counts: dict[int, int] | None = None) -> list[Conflict]:
    """Every warning for the schedule. Cancelled sessions are ignored; nothing here blocks saving."""
    live = sorted((s for s in sessions if s.cancelled_at is None), key=lambda s: (s.starts_at, s.id))
    counts = counts or {}
    conflicts: list[Conflict] = []
    days = set(event.days)
    for index, first in enumerate(live):
        for second in live[index + 1:]:
            if second.starts_at >= first.ends_at:
                break
            if first.room_id is not None and first.room_id == second.room_id:
                conflicts.append(Conflict("room", [first, second], {"room": first.room.name if first.room else ""}))
            shared = {p.id for p in first.facilitators} & {p.id for p in second.facilitators}
            for person in [p for p in first.facilitators if p.id in shared]:
                conflicts.append(Conflict("facilitator", [first, second], {"name": person.full_name}))
    for item in live:
        if local_day(event, item.starts_at) not in days or local_day(event, item.ends_at - timedelta(seconds=1)) not in days:
            conflicts.append(Conflict("outside_days", [item]))
        room_capacity = item.room.capacity if item.room is not None else None
        if room_capacity is not None:
            signed = counts.get(item.id, 0)
            if item.capacity is not None and item.capacity > room_capacity:
                conflicts.append(Conflict("capacity", [item], {"room": item.room.name, "room_capacity": room_capacity,
                                                               "capacity": item.capacity, "signups": signed}))
            elif signed > room_capacity:
                conflicts.append(Conflict("capacity", [item], {"room": item.room.name, "room_capacity": room_capacity,
                                                               "capacity": item.capacity, "signups": signed}))
    return conflicts


def conflicts_by_session(conflicts: Iterable[Conflict]) -> dict[int, list[Conflict]]:
    result: dict[int, list[Conflict]] = {}
    for conflict in conflicts:
        for item in conflict.sessions:
            result.setdefault(item.id, []).append(conflict)
    return result


# ---------------------------------------------------------------------------------------------
# Publication and change marks
# ---------------------------------------------------------------------------------------------

def snapshot(event_session: EventSession) -> dict:
    return {
        "starts_at": event_session.starts_at.astimezone(UTC).isoformat(),
        "ends_at": event_session.ends_at.astimezone(UTC).isoformat(),
        "room_id": event_session.room_id, "cancelled": event_session.cancelled_at is not None,
    }


def publish(session: Session, event: Event, user: User | None) -> None:
    """Make the schedule public; what is public now is the reference for 'changed' marks."""
    event.schedule_published_at = utcnow()
    for item in session.scalars(select(EventSession).where(EventSession.event_id == event.id)):
        item.published_state = snapshot(item)
    session.flush()
    audit(session, "schedule.publish", user=user, event_id=event.id, target=event)


def unpublish(session: Session, event: Event, user: User | None) -> None:
    event.schedule_published_at = None
    session.flush()
    audit(session, "schedule.unpublish", user=user, event_id=event.id, target=event)


def changes_since_publication(event: Event, event_session: EventSession) -> set[str]:
    """{'new', 'time', 'room', 'cancelled'}: what participants must notice on the public page."""
    if event.schedule_published_at is None:
        return set()
    state = event_session.published_state
    if not state:
        return {"new"}
    marks = set()
    if event_session.cancelled_at is not None and not state.get("cancelled"):
        marks.add("cancelled")
    if previous_times(event_session) != (event_session.starts_at, event_session.ends_at):
        marks.add("time")
    if state.get("room_id") != event_session.room_id:
        marks.add("room")
    return marks


def previous_times(event_session: EventSession) -> tuple[datetime, datetime] | None:
    state = event_session.published_state or {}
    try:
        return datetime.fromisoformat(state["starts_at"]), datetime.fromisoformat(state["ends_at"])
    except (KeyError, TypeError, ValueError):
        return None


# ---------------------------------------------------------------------------------------------
# Day views: list and grid
# ---------------------------------------------------------------------------------------------

def days_with_sessions(event: Event, sessions: Iterable[EventSession]) -> list[date]:
    """The event's days, plus any day a (misplaced) session falls on, in order."""
    days = set(event.days)
    days.update(local_day(event, s.starts_at) for s in sessions)
    return sorted(days)


def sessions_on(event: Event, sessions: Iterable[EventSession], day: date) -> list[EventSession]:
    positions = lambda s: (s.starts_at, s.room.position if s.room else 10**6, s.id)  # noqa: E731
    return sorted((s for s in sessions if local_day(event, s.starts_at) == day), key=positions)


@dataclass
class GridCell:
    sessions: list[EventSession]
    rowspan: int

    @property
    def clash(self) -> bool:
        return len(self.sessions) > 1


@dataclass
class DayGrid:
    columns: list[Room | None]
    rows: list[dict]  # {"start": datetime, "end": datetime, "cells": [GridCell | None | "covered"]}


def day_grid(event: Event, sessions: list[EventSession], rooms: list[Room], day: date) -> DayGrid:
    """Rooms as columns and time down the side; overlapping sessions in one room share a cell."""
    todays = sessions_on(event, sessions, day)
    used = {s.room_id for s in todays}
    columns: list[Room | None] = [r for r in rooms if r.id in used]
    if None in used:
        columns.append(None)
    bounds = sorted({s.starts_at for s in todays} | {s.ends_at for s in todays})
    index = {moment: i for i, moment in enumerate(bounds)}
    rows = [{"start": bounds[i], "end": bounds[i + 1], "cells": [None] * len(columns)} for i in range(len(bounds) - 1)]
    for col, room in enumerate(columns):
        clusters: list[list[EventSession]] = []
        for item in sorted((s for s in todays if s.room_id == (room.id if room else None)), key=lambda s: s.starts_at):
            if clusters and item.starts_at < max(s.ends_at for s in clusters[-1]):
                clusters[-1].append(item)
            else:
                clusters.append([item])
        for cluster in clusters:
            first = index[min(s.starts_at for s in cluster)]
            last = index[max(s.ends_at for s in cluster)]
            rows[first]["cells"][col] = GridCell(cluster, last - first)
            for r in range(first + 1, last):
                rows[r]["cells"][col] = "covered"
    return DayGrid(columns, rows)


def filter_sessions(sessions: Iterable[EventSession], track_id: int | None, room_id: int | None) -> list[EventSession]:
    """The public schedule's filters. Plenaries and breaks are for everyone: a track filter keeps them."""
    result = []
    for item in sessions:
        if track_id is not None and item.track_id != track_id and item.kind not in (SessionKind.PLENARY, SessionKind.BREAK):
            continue
        if room_id is not None and item.room_id != room_id:
            continue
        result.append(item)
    return result


def now_and_next(sessions: Iterable[EventSession], now: datetime | None = None) -> tuple[set[int], set[int]]:
    """Ids of the sessions running now, and of those starting next (the earliest start still ahead, same day)."""
    now = now or utcnow()
    live = [s for s in sessions if s.cancelled_at is None]
    running = {s.id for s in live if s.starts_at <= now < s.ends_at}
    ahead = [s for s in live if s.starts_at > now and s.starts_at - now < timedelta(hours=12)]
    if not ahead:
        return running, set()
    soonest = min(s.starts_at for s in ahead)
    return running, {s.id for s in ahead if s.starts_at == soonest}


def default_day(event: Event, days: list[date], now: datetime | None = None) -> date:
    today = local(event, now or utcnow()).date()
    if today in days:
        return today
    return days[0] if days else event.starts_on


# ---------------------------------------------------------------------------------------------
# Sign-up (capacity held under concurrency)
# ---------------------------------------------------------------------------------------------

def _locked_session(session: Session, session_id: int) -> EventSession | None:
    """Load the session row holding a write lock until commit, so seat counts cannot race.

    PostgreSQL: SELECT ... FOR UPDATE on the session row. SQLite has no row locks: take the
    database write lock up front with BEGIN IMMEDIATE (pysqlite only begins a transaction on
    its own before a write, so reads so far hold no snapshot and we can start it ourselves).
    """
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        driver = connection.connection.driver_connection
        if not driver.in_transaction:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        return session.scalar(select(EventSession).where(EventSession.id == session_id)
                              .execution_options(populate_existing=True))
    return session.scalar(select(EventSession).where(EventSession.id == session_id).with_for_update()
                          .execution_options(populate_existing=True))


def sign_up(session: Session, event: Event, session_id: int, participant: Participant,
            now: datetime | None = None) -> SessionSignup:
    """Take a seat. Raises SignupError: not_found, not_open, not_registered, cancelled, started,
    already, full, overlap. The caller commits (which releases the lock)."""
    now = now or utcnow()
    if participant.status != ParticipantStatus.REGISTERED:
        raise SignupError("not_registered")
    if event.schedule_published_at is None:
        raise SignupError("not_found")
    item = _locked_session(session, session_id)
    if item is None or item.event_id != event.id:
        raise SignupError("not_found")
    if not item.signup_required:
        raise SignupError("not_open")
    if item.cancelled_at is not None:
        raise SignupError("cancelled")
    if item.starts_at <= now:
        raise SignupError("started")
    mine = list(session.scalars(
        select(EventSession).join(SessionSignup, SessionSignup.session_id == EventSession.id)
        .where(SessionSignup.participant_id == participant.id, EventSession.event_id == event.id)
        .execution_options(populate_existing=True)))
    if any(s.id == item.id for s in mine):
        raise SignupError("already")
    for other in mine:
        if other.cancelled_at is None and overlaps(other, item):
            raise SignupError("overlap", other)
    limit = seat_limit(item)
    if limit is not None:
        taken = session.scalar(select(func.count()).select_from(SessionSignup).where(SessionSignup.session_id == item.id))
        if taken >= limit:
            raise SignupError("full")
    signup = SessionSignup(session_id=item.id, participant_id=participant.id)
    session.add(signup)
    try:
        session.flush()
    except IntegrityError:
        raise SignupError("already")
    return signup


def leave(session: Session, event: Event, session_id: int, participant: Participant) -> bool:
    """Give the seat back. True when there was one."""
    signup = session.scalar(
        select(SessionSignup).join(EventSession, EventSession.id == SessionSignup.session_id)
        .where(SessionSignup.session_id == session_id, SessionSignup.participant_id == participant.id,
               EventSession.event_id == event.id))
    if signup is None:
        return False
    session.delete(signup)
    session.flush()
    return True


def signed_up_ids(session: Session, participant: Participant) -> set[int]:
    return set(session.scalars(select(SessionSignup.session_id).where(SessionSignup.participant_id == participant.id)))


def personal_sessions(event: Event, sessions: Iterable[EventSession], participant: Participant,
                      signed: set[int]) -> list[EventSession]:
    """A participant's day: their sign-ups, the sessions they lead, and the ones for everyone."""
    result = []
    for item in sessions:
        leads = any(p.id == participant.id for p in item.facilitators)
        if item.id in signed or leads or item.kind == SessionKind.PLENARY or item.kind in NON_PROGRAMME_KINDS:
            result.append(item)
    return result


def feed_key(secret: str, participant: Participant) -> str:
    """Read-only key for the personal calendar feed: subscribing a calendar app must not hand
    out the manage link. Changes when the ticket is re-issued."""
    message = f"ics:{participant.event_id}:{participant.public_id}:{participant.ticket_secret}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:32]


def participant_by_feed_key(session: Session, event: Event, secret: str, public_id: str, key: str) -> Participant | None:
    if len(public_id) > 16 or len(key) != 32:
        return None
    participant = session.scalar(select(Participant).where(Participant.event_id == event.id,
                                                           Participant.public_id == public_id))
    if participant is None or participant.status == ParticipantStatus.CANCELLED:
        return None
    return participant if hmac.compare_digest(feed_key(secret, participant), key) else None


# ---------------------------------------------------------------------------------------------
# Facilitators
# ---------------------------------------------------------------------------------------------

def leader_ids_for_user(session: Session, event: Event, user: User) -> set[int]:
    """The event's facilitator/speaker participants who are this staff user (same email)."""
    return set(session.scalars(select(Participant.id).where(
        Participant.event_id == event.id, Participant.email_normalized == (user.email or "").strip().lower(),
        Participant.role.in_(LEADER_ROLES))))


def can_see_signups(session: Session, user: User, event_session: EventSession) -> bool:
    if user.role == Role.ADMIN:
        return True
    if user.role != Role.FACILITATOR:
        return False
    mine = leader_ids_for_user(session, event_session.event, user)
    return any(p.id in mine for p in event_session.facilitators)


def sessions_for_user(session: Session, event: Event, user: User) -> list[EventSession]:
    sessions = [s for s in event_sessions(session, event) if s.kind not in NON_PROGRAMME_KINDS]
    if user.role == Role.ADMIN:
        return sessions
    mine = leader_ids_for_user(session, event, user)
    return [s for s in sessions if any(p.id in mine for p in s.facilitators)]


def signup_list(session: Session, event_session: EventSession) -> list[Participant]:
    return list(session.scalars(
        select(Participant).join(SessionSignup, SessionSignup.participant_id == Participant.id)
        .where(SessionSignup.session_id == event_session.id)
        .order_by(Participant.full_name, Participant.id)))
