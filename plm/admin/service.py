"""Event set-up use cases."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from plm.i18n import DEADLINE_STEP
from plm.models import AuditLog, Certificate, CheckIn, Checkpoint, Event, Participant, User, utcnow
from plm.text import clean_line, clean_multiline
from plm.vocabulary import CheckpointKind, ParticipantStatus

EVENT_FIELDS = (
    "name", "slug", "theme", "description", "venue", "address", "city", "timezone", "starts_on", "ends_on",
    "capacity", "allow_role_request", "contact_email", "contact_phone",
)

MULTILINE_EVENT_FIELDS = ("theme", "description")

MAX_LOGO_BYTES = 2 * 1024 * 1024


class EventError(ValueError):
    """A refused event change, with a message for the user."""


def to_utc(local: datetime | None, tz_name: str) -> datetime | None:
    """A wall-clock time typed at the event, as UTC."""
    if local is None:
        return None
    return local.replace(tzinfo=ZoneInfo(tz_name)).astimezone(ZoneInfo("UTC"))


def from_utc(value: datetime | None, tz_name: str) -> datetime | None:
    """A UTC time as a naive wall-clock time at the event (for datetime-local inputs)."""
    if value is None:
        return None
    return value.astimezone(ZoneInfo(tz_name)).replace(tzinfo=None)


def apply_event_data(session: Session, event: Event, data: dict[str, Any], user: User | None) -> Event:
    """Create or update an event from validated form data."""
    other = session.scalar(select(Event).where(Event.slug == data["slug"], Event.id != (event.id or -1)))
    if other is not None:
        raise EventError("slug_taken")
    before = {f: str(getattr(event, f, None)) for f in EVENT_FIELDS} if event.id else {}
    for field in EVENT_FIELDS:
        value = data.get(field)
        if isinstance(value, str):  # also when called without a form (CLI, demo, tests)
            value = clean_multiline(value) if field in MULTILINE_EVENT_FIELDS else clean_line(value)
        setattr(event, field, value if value is not None or field == "capacity" else "")
    event.registration_opens_at = to_utc(data.get("registration_opens_at"), event.timezone)
    # The form asks for the last open minute (inclusive); the stored instant is the first closed one.
    closes = to_utc(data.get("registration_closes_at"), event.timezone)
    event.registration_closes_at = closes + DEADLINE_STEP if closes is not None else None
    if event.id is None:
        session.add(event)
    session.flush()
    ensure_day_checkpoints(session, event)
    changes = {f: str(getattr(event, f)) for f in EVENT_FIELDS if before.get(f) != str(getattr(event, f))}
    session.add(AuditLog(event_id=event.id, user_id=user.id if user else None,
                         action="event.update" if before else "event.create",
                         target_type="event", target_id=event.id, detail=changes))
    return event


def ensure_day_checkpoints(session: Session, event: Event) -> None:
    """One entry checkpoint per event day; days no longer in the event keep theirs (attendance stays)."""
    existing = {c.day for c in session.scalars(
        select(Checkpoint).where(Checkpoint.event_id == event.id, Checkpoint.kind == CheckpointKind.DAY))}
    for index, day in enumerate(event.days, start=1):
        if day not in existing:
            session.add(Checkpoint(event_id=event.id, kind=CheckpointKind.DAY, day=day, name=f"day-{index}"))
    session.flush()


def save_logo(upload_folder: str, event: Event, data: bytes) -> str:
    """Re-encode an uploaded logo with Pillow (drops anything but pixels) and store it outside the code tree."""
    from plm.images import InvalidImage, reencode_png, store_upload

    if len(data) > MAX_LOGO_BYTES:
        raise EventError("logo_too_large")
    try:
        png = reencode_png(data, (1200, 1200), max_pixels=40_000_000)
    except InvalidImage:
        raise EventError("logo_invalid")
    return store_upload(upload_folder, "logos", event.slug, png)


def set_archived(session: Session, event: Event, archived: bool, user: User | None) -> None:
    event.archived = archived
    session.add(AuditLog(event_id=event.id, user_id=user.id if user else None,
                         action="event.archive" if archived else "event.unarchive",
                         target_type="event", target_id=event.id))


def dashboard_numbers(session: Session, events: list[Event]) -> dict[int, dict[str, int]]:
    """The numbers that matter on the staff dashboard, per event: registered, waiting, checked in
    today (at the event door, the event's own today) and certificates issued (not revoked).
    Four grouped queries, whatever the number of events."""
    numbers = {e.id: {"registered": 0, "waitlisted": 0, "checked_in_today": 0, "certificates": 0} for e in events}
    if not events:
        return numbers
    ids = list(numbers)
    for event_id, status, count in session.execute(
            select(Participant.event_id, Participant.status, func.count())
            .where(Participant.event_id.in_(ids), Participant.status.in_((ParticipantStatus.REGISTERED, ParticipantStatus.WAITLISTED)))
            .group_by(Participant.event_id, Participant.status)):
        numbers[event_id][status] = count
    now = utcnow()
    today = {e.id: now.astimezone(ZoneInfo(e.timezone)).date() for e in events}
    for event_id, day, count in session.execute(
            select(Checkpoint.event_id, Checkpoint.day, func.count(distinct(CheckIn.participant_id)))
            .join(CheckIn, CheckIn.checkpoint_id == Checkpoint.id)
            .where(Checkpoint.event_id.in_(ids), Checkpoint.kind == CheckpointKind.DAY, Checkpoint.day.in_(set(today.values())))
            .group_by(Checkpoint.event_id, Checkpoint.day)):
        if today[event_id] == day:
            numbers[event_id]["checked_in_today"] = count
    for event_id, count in session.execute(
            select(Participant.event_id, func.count(Certificate.id))
            .join(Certificate, Certificate.participant_id == Participant.id)
            .where(Participant.event_id.in_(ids), Certificate.revoked_at.is_(None))
            .group_by(Participant.event_id)):
        numbers[event_id]["certificates"] = count
    return numbers
