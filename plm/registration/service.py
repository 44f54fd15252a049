"""Registration use cases: sign up (with waitlist), cancel and promote, edit, resend links, walk-ins.

Plain functions taking the SQLAlchemy session; no Flask request state. The caller commits.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import phonenumbers
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from plm.models import Event, Participant, SessionSignup, User, audit, utcnow
from plm.text import clean_line, clean_multiline
from plm.vocabulary import InstitutionType, ParticipantRole, ParticipantStatus, RegistrationMode, RegistrationSource

PROVINCES_FILE = Path(__file__).resolve().parent.parent / "data" / "provinces.json"

# Fields a participant (or staff) may set; email changes go through confirmation.
EDITABLE_FIELDS = ("full_name", "name_on_badge", "phone", "institution", "institution_type", "province",
                   "diet", "access_needs")
MULTILINE_FIELDS = ("diet", "access_needs")
REQUESTABLE_ROLES = (ParticipantRole.PARTICIPANT, ParticipantRole.FACILITATOR, ParticipantRole.SPEAKER)
WALK_IN_DOMAIN = "walk-in.invalid"


class RegistrationError(Exception):
    """A refused registration; `code` says why (closed, duplicate_email, invalid)."""

    def __init__(self, code: str, participant: Participant | None = None):
        super().__init__(code)
        self.code = code
        self.participant = participant


@dataclass
class Registered:
    participant: Participant
    token: str  # the manage token, shown once
    waitlist_position: int | None


# ---------------------------------------------------------------- reference data and cleaning

@lru_cache(maxsize=1)
def provinces() -> list[dict[str, str]]:
    """The 38 current provinces: [{"code": "51", "name": "Bali"}, ...], from plm/data/provinces.json."""
    with PROVINCES_FILE.open(encoding="utf-8") as handle:
        return json.load(handle)


def province_names() -> list[str]:
    return [p["name"] for p in provinces()]


def find_province(value: str) -> str | None:
    """The canonical province name for a typed name or BPS code (case and spacing forgiven)."""
    text = " ".join(str(value or "").split()).casefold()
    if not text:
        return None
    for item in provinces():
        if text in (item["name"].casefold(), item["code"]):
            return item["name"]
    aliases = {"jakarta": "DKI Jakarta", "yogyakarta": "DI Yogyakarta", "diy": "DI Yogyakarta",
               "ntb": "Nusa Tenggara Barat", "ntt": "Nusa Tenggara Timur", "babel": "Kepulauan Bangka Belitung",
               "bangka belitung": "Kepulauan Bangka Belitung", "kepri": "Kepulauan Riau",
               "daerah istimewa yogyakarta": "DI Yogyakarta", "nanggroe aceh darussalam": "Aceh"}
    return aliases.get(text)


def normalize_phone(value: str) -> str | None:
    """Indonesian mobile/landline numbers typed as 08…, +62… or 62… (spaces, dots, dashes allowed) as E.164.

    Returns "" for an empty value and None when the number is not valid.
    """
    text = "".join(ch for ch in str(value or "") if ch not in " .-()/\u00a0\t")
    if not text:
        return ""
    if text.startswith("00"):
        text = "+" + text[2:]
    elif text.startswith("62"):
        text = "+" + text
    if len(text) > 20 or not text.lstrip("+").isdigit():
        return None
    try:
        number = phonenumbers.parse(text, "ID")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def clean_data(data: dict[str, Any]) -> dict[str, Any]:
    """Control characters removed, whitespace trimmed; only known keys kept."""
    result: dict[str, Any] = {}
    for key in EDITABLE_FIELDS + ("email", "role"):
        if key not in data or data[key] is None:
            continue
        value = data[key]
        result[key] = clean_multiline(value) if key in MULTILINE_FIELDS else clean_line(value)
    if "email" in result:
        result["email"] = result["email"].replace(" ", "")
    if "institution_type" in result and not InstitutionType.has(result["institution_type"]):
        result["institution_type"] = InstitutionType.OTHER
    if "role" in result and not ParticipantRole.has(result["role"]):
        result["role"] = ParticipantRole.PARTICIPANT
    return result


# ---------------------------------------------------------------- locking and counting

def lock_event(session: Session, event: Event) -> None:
    """Serialise seat-taking for one event until the caller commits.

    PostgreSQL: ``SELECT ... FOR UPDATE`` on the event row. SQLite: take the database write lock
    up front with ``BEGIN IMMEDIATE`` (waiting up to the busy timeout), so the seat count read next
    cannot go stale before our insert commits.
    """
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        raw = connection.connection.driver_connection
        if not raw.in_transaction:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:  # a write already happened in this transaction: the write lock is held, or this takes it
            connection.execute(update(Event).where(Event.id == event.id).values(capacity=Event.capacity))
    else:
        session.execute(select(Event.id).where(Event.id == event.id).with_for_update())


def registered_count(session: Session, event: Event) -> int:
    return session.scalar(select(func.count()).select_from(Participant).where(
        Participant.event_id == event.id, Participant.status == ParticipantStatus.REGISTERED)) or 0


def seats_left(session: Session, event: Event) -> int | None:
    if event.capacity is None:
        return None
    return max(event.capacity - registered_count(session, event), 0)


def waitlist_position(session: Session, participant: Participant) -> int | None:
    if participant.status != ParticipantStatus.WAITLISTED:
        return None
    mark = participant.waitlisted_at or participant.created_at
    ahead = session.scalar(select(func.count()).select_from(Participant).where(
        Participant.event_id == participant.event_id, Participant.status == ParticipantStatus.WAITLISTED,
        (Participant.waitlisted_at < mark) | ((Participant.waitlisted_at == mark) & (Participant.id < participant.id)),
    )) or 0
    return ahead + 1


def find_by_email(session: Session, event: Event, email: str) -> Participant | None:
    return session.scalar(select(Participant).where(
        Participant.event_id == event.id, Participant.email_normalized == (email or "").strip().lower()))


# ---------------------------------------------------------------- use cases

def register(session: Session, event: Event, data: dict[str, Any], *, source: str = RegistrationSource.WEB,
             user: User | None = None, check_window: bool = True, ignore_capacity: bool = False,
             institution_id: int | None = None) -> Registered:
    """Sign someone up: a seat while there is one, else the waiting list; at an event with approval,
    people who sign themselves up (web, delegation) wait as `pending` until staff approve.

    Raises RegistrationError("closed") outside the registration window and
    RegistrationError("duplicate_email") when the address is already registered for this event.
    """
    if check_window and event.registration_state() != "open":
        raise RegistrationError("closed")
    if source == RegistrationSource.WEB and event.registration_mode == RegistrationMode.INVITATION:
        raise RegistrationError("invitation_only")
    values = clean_data(data)
    if not values.get("full_name") or not values.get("email"):
        raise RegistrationError("invalid")
    if values.get("role") and (not event.allow_role_request and source == RegistrationSource.WEB
                               or source == RegistrationSource.WEB and values["role"] not in REQUESTABLE_ROLES):
        values["role"] = ParticipantRole.PARTICIPANT
    lock_event(session, event)
    existing = find_by_email(session, event, values["email"])
    if existing is not None:
        raise RegistrationError("duplicate_email", existing)
    now = utcnow()
    full = event.capacity is not None and registered_count(session, event) >= event.capacity
    participant = Participant(event_id=event.id, source=source, institution_id=institution_id, **values)
    session.add(participant)
    participant.event = event
    if data.get("consent"):
        participant.consent_at = now
    if event.registration_mode == RegistrationMode.APPROVAL and source in (RegistrationSource.WEB, RegistrationSource.DELEGATION):
        participant.status = ParticipantStatus.PENDING
    elif full and not ignore_capacity:
        participant.status = ParticipantStatus.WAITLISTED
        participant.waitlisted_at = now
    else:
        participant.status = ParticipantStatus.REGISTERED
    token = participant.issue_manage_token()
    session.flush()
    audit(session, "participant.register", user=user, event_id=event.id, target=participant,
          source=source, status=participant.status)
    return Registered(participant, token, waitlist_position(session, participant))


def register_walk_in(session: Session, event: Event, data: dict[str, Any], user: User | None) -> Participant:
    """Door staff register someone standing at the door: a seat at once (staff decide), no window check.

    Walk-ins often have no email; they get a unique placeholder address on the reserved
    ``.invalid`` domain, so no mail is ever attempted. The manage token is on `participant.new_manage_token`.
    """
    from plm.models import new_public_id

    data = dict(data)
    public_id = new_public_id()
    if not clean_line(data.get("email")):
        data["email"] = f"walkin-{public_id.lower()}@{WALK_IN_DOMAIN}"
    result = register(session, event, data, source=RegistrationSource.WALK_IN, user=user, check_window=False, ignore_capacity=True)
    participant = result.participant
    if participant.email.endswith("@" + WALK_IN_DOMAIN):
        participant.public_id = public_id
        session.flush()
    participant.new_manage_token = result.token  # type: ignore[attr-defined]
    return participant


def has_placeholder_email(participant: Participant) -> bool:
    return (participant.email or "").lower().endswith("@" + WALK_IN_DOMAIN)


def update_details(session: Session, participant: Participant, data: dict[str, Any], *,
                   user: User | None = None, allow_email: bool = False, allow_role: bool = False) -> dict:
    """Apply edited details; returns {field: [old, new]} for what changed (audited)."""
    values = clean_data(data)
    fields = list(EDITABLE_FIELDS) + (["email"] if allow_email else []) + (["role"] if allow_role else [])
    changes = {}
    for field in fields:
        if field not in values:
            continue
        old = getattr(participant, field)
        if field == "name_on_badge" and not values[field]:
            values[field] = values.get("full_name") or participant.full_name
        if values[field] != old:
            changes[field] = [old, values[field]]
            setattr(participant, field, values[field])
    if "email" in changes:
        other = session.scalar(select(Participant.id).where(
            Participant.event_id == participant.event_id, Participant.id != participant.id,
            Participant.email_normalized == participant.email.strip().lower()))
        if other is not None:
            raise RegistrationError("duplicate_email")
    if changes:
        session.flush()
        audit(session, "participant.update", user=user, event_id=participant.event_id, target=participant,
              changes=changes, by="staff" if user else "participant")
    return changes


def cancel(session: Session, participant: Participant, *, user: User | None = None) -> list[Participant]:
    """Cancel a registration; a freed seat goes to the first on the waiting list. Returns who was promoted."""
    event = participant.event
    lock_event(session, event)
    session.refresh(participant)
    if participant.status == ParticipantStatus.CANCELLED:
        return []
    previous = participant.status
    participant.status = ParticipantStatus.CANCELLED
    participant.cancelled_at = utcnow()
    released = release_signups(session, participant)
    session.flush()
    audit(session, "participant.cancel", user=user, event_id=event.id, target=participant,
          previous=previous, by="staff" if user else "participant", **({"released_sessions": released} if released else {}))
    return promote_waitlisted(session, event, user=user) if previous == ParticipantStatus.REGISTERED else []


def release_signups(session: Session, participant: Participant) -> list[int]:
    """Give back every workshop seat of someone who no longer holds an event seat.

    Called on cancelling, erasing, anonymising and moving to the waiting list, so a session's
    "seats left" counts only people who are coming, and a later reinstatement starts with no
    sign-ups rather than silently taking back seats others have since taken. Sessions have no
    waiting list of their own: a freed seat is simply open to the next person who signs up.
    Returns the ids of the sessions released (for the audit log).
    """
    signups = list(session.scalars(select(SessionSignup).where(SessionSignup.participant_id == participant.id)))
    for signup in signups:
        session.delete(signup)
    if signups:
        session.flush()
    return sorted(s.session_id for s in signups)


def promote_waitlisted(session: Session, event: Event, *, user: User | None = None) -> list[Participant]:
    """Fill free seats from the waiting list, first come first served (caller holds the event lock)."""
    promoted = []
    while True:
        if event.capacity is not None and registered_count(session, event) >= event.capacity:
            break
        first = session.scalar(select(Participant).where(
            Participant.event_id == event.id, Participant.status == ParticipantStatus.WAITLISTED,
        ).order_by(Participant.waitlisted_at, Participant.id).limit(1))
        if first is None:
            break
        first.status = ParticipantStatus.REGISTERED
        session.flush()
        audit(session, "participant.promote", user=user, event_id=event.id, target=first)
        promoted.append(first)
    return promoted


def set_status(session: Session, participant: Participant, status: str, user: User) -> list[Participant]:
    """Staff status change. Returns participants promoted from the waiting list as a consequence."""
    if status == ParticipantStatus.CANCELLED:
        return cancel(session, participant, user=user)
    lock_event(session, participant.event)
    session.refresh(participant)
    previous = participant.status
    if previous == status:
        return []
    participant.status = status
    released = release_signups(session, participant) if status != ParticipantStatus.REGISTERED else []
    if status == ParticipantStatus.WAITLISTED:
        participant.waitlisted_at = utcnow()
    if status != ParticipantStatus.CANCELLED:
        participant.cancelled_at = None
    session.flush()
    audit(session, "participant.status", user=user, event_id=participant.event_id, target=participant,
          previous=previous, status=status, **({"released_sessions": released} if released else {}))
    promoted = [participant] if status == ParticipantStatus.REGISTERED and previous == ParticipantStatus.WAITLISTED else []
    if previous == ParticipantStatus.REGISTERED and status == ParticipantStatus.WAITLISTED:
        promoted += promote_waitlisted(session, participant.event, user=user)
    return promoted


def reinstate(session: Session, participant: Participant) -> None:
    """A participant who cancelled registers again: a seat if one is free, else the waiting list
    (at an event with approval: pending again)."""
    event = participant.event
    lock_event(session, event)
    session.refresh(participant)
    if participant.status != ParticipantStatus.CANCELLED:
        return
    now = utcnow()
    full = event.capacity is not None and registered_count(session, event) >= event.capacity
    if event.registration_mode == RegistrationMode.APPROVAL:  # staff decide again (a declined person cannot let themselves in)
        participant.status = ParticipantStatus.PENDING
    else:
        participant.status = ParticipantStatus.WAITLISTED if full else ParticipantStatus.REGISTERED
        participant.waitlisted_at = now if full else participant.waitlisted_at
    participant.cancelled_at = None
    session.flush()
    audit(session, "participant.reinstate", event_id=event.id, target=participant, status=participant.status)


def reissue_ticket(session: Session, participant: Participant, user: User | None) -> None:
    """A new ticket secret and ticket number (public id): the old QR code stops working, and so does
    its bare ticket number typed at the door (a lost or shared ticket)."""
    import secrets

    from plm.models import new_public_id

    old = participant.public_id
    participant.ticket_secret = secrets.token_hex(8)
    participant.public_id = new_public_id()
    session.flush()
    audit(session, "participant.reissue_ticket", user=user, event_id=participant.event_id, target=participant,
          old_public_id=old, public_id=participant.public_id)


def rotate_event_ticket_key(session: Session, event: Event, user: User) -> int:
    """Re-issue every ticket of the event at once: the key derived from the app secret changes, and every
    participant gets a new ticket number, so neither a leaked code nor its bare number works any more."""
    from plm.models import new_public_id

    event.ticket_key_version = (event.ticket_key_version or 1) + 1
    for participant in session.scalars(select(Participant).where(Participant.event_id == event.id)):
        participant.public_id = new_public_id()
    session.flush()
    audit(session, "event.rotate_ticket_key", user=user, event_id=event.id, target=event,
          version=event.ticket_key_version)
    return event.ticket_key_version
