"""The data model. Everything hangs off an Event; times are stored in UTC."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, date, datetime
from typing import Any

from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    event,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from plm import clock, config
from plm.extensions import db
from plm.vocabulary import (
    CHECKED_COLUMNS,
    CheckInSource,
    InstitutionType,
    JobStatus,
    MailStatus,
    ParticipantRole,
    ParticipantStatus,
    RegistrationMode,
    RegistrationSource,
    Role,
    SessionKind,
    check_sql,
)


def utcnow() -> datetime:
    """Now, in UTC: the column default. Reads plm.clock, so a test that freezes time freezes it here too."""
    return clock.utcnow()


def vocabulary_check(table: str, column: str) -> CheckConstraint:
    """`ck_<table>_<column>`: the column holds only its vocabulary's values (plm/vocabulary.py)."""
    return CheckConstraint(check_sql(column, CHECKED_COLUMNS[(table, column)]), name=column)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite drops the offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; store times in UTC")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


# Upper-case letters and digits without look-alikes (no I, O, 0, 1): easy to read out
# and to type, and within the QR alphanumeric mode.
UNAMBIGUOUS_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def random_code(length: int) -> str:
    return "".join(secrets.choice(UNAMBIGUOUS_ALPHABET) for _ in range(length))


def new_public_id() -> str:
    """Ten characters (50 bits): random, never sequential, short enough to read out."""
    return random_code(10)


def new_token() -> str:
    """A URL-safe token of 192 bits for manage links and API tokens."""
    return secrets.token_urlsafe(24)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (vocabulary_check("users", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))  # Role
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Part of the Flask-Login id: raising it ends every session and remember cookie of this user
    # (logout, password change, disabling).
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # A one-time password reset link (only its hash), made by an admin on the staff accounts page.
    reset_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    reset_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    tokens: Mapped[list[ApiToken]] = relationship(back_populates="user", cascade="all, delete-orphan")

    def set_password(self, password: str) -> None:
        # The app's PASSWORD_HASH_METHOD; outside an app, the default of plm/config.py.
        method = current_app.config["PASSWORD_HASH_METHOD"] if has_app_context() else config.PASSWORD_HASH_METHOD
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    def has_role(self, *roles: str) -> bool:
        return self.role == Role.ADMIN or self.role in roles

    def get_id(self) -> str:
        # The loader accepts the id only with the current generation (plm.auth.routes.load_user).
        return f"{self.id}:{self.session_generation or 0}"

    def end_sessions(self) -> None:
        """Every session cookie and remember cookie issued so far stops working."""
        self.session_generation = (self.session_generation or 0) + 1


class LoginThrottle(db.Model):
    """Failed logins per email (hashed, whether or not an account has it): the per-account back-off."""

    __tablename__ = "login_throttle"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ApiToken(db.Model):
    """Bearer token for a door scanner; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="tokens")


class Event(db.Model):
    __tablename__ = "events"
    __table_args__ = (vocabulary_check("events", "registration_mode"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    theme: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    venue: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Makassar")
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    registration_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registration_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    capacity: Mapped[int | None] = mapped_column(Integer)
    allow_role_request: Mapped[bool] = mapped_column(Boolean, default=False)
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    logo_path: Mapped[str | None] = mapped_column(String(300))
    # Up to three partner logos (paths under UPLOAD_FOLDER) for the daftar hadir header.
    partner_logos: Mapped[list] = mapped_column(JSON, default=list)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    schedule_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Rotating this (admin action) re-issues every ticket of the event.
    ticket_key_version: Mapped[int] = mapped_column(Integer, default=1)
    # Certificates: eligibility rule and presentation.
    certificate_min_days: Mapped[int | None] = mapped_column(Integer)
    certificate_min_session_percent: Mapped[int | None] = mapped_column(Integer)
    certificate_min_sessions: Mapped[int | None] = mapped_column(Integer)
    certificate_language: Mapped[str] = mapped_column(String(5), default="id")
    certificate_serial_prefix: Mapped[str] = mapped_column(String(10), default="PLM")
    signatories: Mapped[list] = mapped_column(JSON, default=list)
    role_colours: Mapped[dict] = mapped_column(JSON, default=dict)
    # open | invitation | approval (plm.delegations.models.RegistrationMode).
    registration_mode: Mapped[str] = mapped_column(String(20), default=RegistrationMode.OPEN, server_default="open")
    # Until then an institution's contact may replace a delegate through the invitation link.
    substitution_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    participants: Mapped[list[Participant]] = relationship(
        back_populates="event", cascade="all, delete-orphan", passive_deletes=True
    )
    rooms: Mapped[list[Room]] = relationship(back_populates="event", cascade="all, delete-orphan")
    tracks: Mapped[list[Track]] = relationship(back_populates="event", cascade="all, delete-orphan")
    sessions: Mapped[list[EventSession]] = relationship(back_populates="event", cascade="all, delete-orphan")
    checkpoints: Mapped[list[Checkpoint]] = relationship(back_populates="event", cascade="all, delete-orphan")

    @property
    def days(self) -> list[date]:
        from datetime import timedelta

        count = (self.ends_on - self.starts_on).days + 1
        return [self.starts_on + timedelta(days=i) for i in range(max(count, 0))]

    def registration_state(self, now: datetime | None = None) -> str:
        """'not_yet', 'open' or 'closed' for the registration window."""
        now = now or utcnow()
        if self.archived:
            return "closed"
        if self.registration_opens_at and now < self.registration_opens_at:
            return "not_yet"
        if self.registration_closes_at and now >= self.registration_closes_at:
            return "closed"
        return "open"

    def public_registration_state(self, now: datetime | None = None) -> str:
        """registration_state for the public form: 'invitation' when only invitation links register."""
        state = self.registration_state(now)
        return "invitation" if state == "open" and self.registration_mode == RegistrationMode.INVITATION else state


class Participant(db.Model):
    __tablename__ = "participants"
    __table_args__ = (
        UniqueConstraint("event_id", "email_normalized", name="uq_participants_event_email"),
        Index("ix_participants_event_status", "event_id", "status"),
        Index("ix_participants_event_search", "event_id", "search_text"),
        vocabulary_check("participants", "institution_type"),
        vocabulary_check("participants", "role"),
        vocabulary_check("participants", "status"),
        vocabulary_check("participants", "source"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    public_id: Mapped[str] = mapped_column(String(16), unique=True, default=new_public_id)
    full_name: Mapped[str] = mapped_column(String(300))
    name_on_badge: Mapped[str] = mapped_column(String(300), default="")
    email: Mapped[str] = mapped_column(String(254))
    # Lower-cased email: the case-insensitive unique key per event.
    email_normalized: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str] = mapped_column(String(20), default="")
    institution: Mapped[str] = mapped_column(String(300), default="")
    institution_type: Mapped[str] = mapped_column(String(20), default=InstitutionType.OTHER)
    province: Mapped[str] = mapped_column(String(60), default="")
    role: Mapped[str] = mapped_column(String(20), default=ParticipantRole.PARTICIPANT)
    status: Mapped[str] = mapped_column(String(20), default=ParticipantStatus.REGISTERED)
    diet: Mapped[str] = mapped_column(String(300), default="")
    access_needs: Mapped[str] = mapped_column(String(300), default="")
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Folded (lower-case, accents removed) name + institution for door search.
    search_text: Mapped[str] = mapped_column(String(700), default="")
    # Ticket codes are HMACs over this per-participant secret; changing it re-issues the ticket.
    ticket_secret: Mapped[str] = mapped_column(String(32), default=lambda: secrets.token_hex(8))
    # The manage link token is shown once (page, mail); only its hash is kept.
    manage_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # A re-sent link (public "send my link again") waits here and replaces manage_token_hash only
    # when it is first opened, so whoever knows an address cannot kill its owner's working link.
    pending_manage_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    waitlisted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    badge_printed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    certificate_override: Mapped[bool | None] = mapped_column(Boolean)
    certificate_override_reason: Mapped[str] = mapped_column(String(500), default="")
    source: Mapped[str] = mapped_column(String(20), default=RegistrationSource.WEB)
    # The partner institution (plm.delegations) this participant came with, when staff or the link know it.
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    event: Mapped[Event] = relationship(back_populates="participants")
    checkins: Mapped[list[CheckIn]] = relationship(
        back_populates="participant", cascade="all, delete-orphan", passive_deletes=True
    )
    certificate: Mapped[Certificate | None] = relationship(
        back_populates="participant", cascade="all, delete-orphan", passive_deletes=True
    )

    def issue_manage_token(self) -> str:
        """Make a new manage token, keep its hash, return the token to show once; every older link stops."""
        token = new_token()
        self.manage_token_hash = hash_token(token)
        self.pending_manage_token_hash = None
        return token

    def offer_manage_token(self) -> str:
        """A new manage token that starts working now but replaces the current one only when first used
        (plm.events.get_participant_by_token_or_404); an earlier offer that was never used stops."""
        token = new_token()
        self.pending_manage_token_hash = hash_token(token)
        return token


@event.listens_for(Participant, "before_insert")
@event.listens_for(Participant, "before_update")
def _derive_participant_fields(mapper: Any, connection: Any, participant: Participant) -> None:
    """Keep the lookup columns in step with what was typed, whoever changed it."""
    from plm.text import fold_for_search

    participant.email_normalized = (participant.email or "").strip().lower()
    if not participant.name_on_badge:
        participant.name_on_badge = participant.full_name
    participant.search_text = fold_for_search(
        f"{participant.full_name} {participant.name_on_badge} {participant.institution}"
    )[:700]


def audit(session: Any, action: str, *, user: User | None = None, event_id: int | None = None,
          target: Any = None, **detail: Any) -> AuditLog:
    """Record who did what: every staff change, undo, override and revocation goes through here."""
    entry = AuditLog(
        action=action, user_id=user.id if user is not None else None, event_id=event_id,
        target_type=type(target).__name__.lower() if target is not None else "",
        target_id=getattr(target, "id", None), detail=detail,
    )
    session.add(entry)
    return entry


session_facilitators = Table(
    "session_facilitators",
    db.Model.metadata,
    Column("session_id", ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True),
    Column("participant_id", ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True),
)


class Room(db.Model):
    __tablename__ = "rooms"
    __table_args__ = (UniqueConstraint("event_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120))
    capacity: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str] = mapped_column(String(300), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

    event: Mapped[Event] = relationship(back_populates="rooms")


class Track(db.Model):
    __tablename__ = "tracks"
    __table_args__ = (UniqueConstraint("event_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120))
    colour: Mapped[str] = mapped_column(String(7), default="#2f6f4f")

    event: Mapped[Event] = relationship(back_populates="tracks")


class EventSession(db.Model):
    """A slot in the schedule (plenary, sharing session, workshop, break)."""

    __tablename__ = "sessions"
    __table_args__ = (Index("ix_sessions_event_start", "event_id", "starts_at"), vocabulary_check("sessions", "kind"))

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(20), default=SessionKind.SHARING)
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id", ondelete="SET NULL"))
    track_id: Mapped[int | None] = mapped_column(ForeignKey("tracks.id", ondelete="SET NULL"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    capacity: Mapped[int | None] = mapped_column(Integer)
    signup_required: Mapped[bool] = mapped_column(Boolean, default=False)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # iCalendar SEQUENCE: bumped whenever time, room or status change.
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    # What was public at publication, to mark moved/cancelled sessions.
    published_state: Mapped[dict | None] = mapped_column(JSON)
    uid: Mapped[str] = mapped_column(String(64), unique=True, default=lambda: secrets.token_hex(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    event: Mapped[Event] = relationship(back_populates="sessions")
    room: Mapped[Room | None] = relationship()
    track: Mapped[Track | None] = relationship()
    facilitators: Mapped[list[Participant]] = relationship(secondary=session_facilitators)
    signups: Mapped[list[SessionSignup]] = relationship(
        back_populates="session", cascade="all, delete-orphan", passive_deletes=True
    )


class SessionSignup(db.Model):
    __tablename__ = "session_signups"
    __table_args__ = (UniqueConstraint("session_id", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    session: Mapped[EventSession] = relationship(back_populates="signups")
    participant: Mapped[Participant] = relationship()


class Checkpoint(db.Model):
    """Where attendance is taken: the event door on one day, or one session."""

    __tablename__ = "checkpoints"
    __table_args__ = (
        UniqueConstraint("event_id", "day", "kind", name="uq_checkpoints_event_day"),
        UniqueConstraint("session_id", name="uq_checkpoints_session"),
        vocabulary_check("checkpoints", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))  # CheckpointKind
    day: Mapped[date | None] = mapped_column(Date)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(300), default="")

    event: Mapped[Event] = relationship(back_populates="checkpoints")
    session: Mapped[EventSession | None] = relationship()


class CheckIn(db.Model):
    """One attendance fact. Unique per participant and checkpoint: a repeat scan is 'already'."""

    __tablename__ = "checkins"
    # client_uuid is unique per checkpoint (so per event), not across events: see scan_log.
    __table_args__ = (UniqueConstraint("participant_id", "checkpoint_id"), UniqueConstraint("checkpoint_id", "client_uuid"),
                      vocabulary_check("checkins", "source"))

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    checkpoint_id: Mapped[int] = mapped_column(ForeignKey("checkpoints.id", ondelete="CASCADE"), index=True)
    checked_in_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    device: Mapped[str] = mapped_column(String(60), default="")
    source: Mapped[str] = mapped_column(String(20), default=CheckInSource.QR)
    client_uuid: Mapped[str | None] = mapped_column(String(64))
    # A staff correction: recorded although the scan time was outside the checkpoint's day.
    correction: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    participant: Mapped[Participant] = relationship(back_populates="checkins")
    checkpoint: Mapped[Checkpoint] = relationship()
    user: Mapped[User | None] = relationship()


class ScanLog(db.Model):
    """Every scan attempt at a door, refused ones too, for disputes and idempotent retries."""

    __tablename__ = "scan_log"
    # A retried client_uuid gets its first answer back: within one event, and only for the same caller.
    __table_args__ = (UniqueConstraint("event_id", "client_uuid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    checkpoint_id: Mapped[int | None] = mapped_column(ForeignKey("checkpoints.id", ondelete="SET NULL"))
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id", ondelete="SET NULL"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    device: Mapped[str] = mapped_column(String(60), default="")
    scanned: Mapped[str] = mapped_column(String(200), default="")
    result: Mapped[str] = mapped_column(String(20))
    client_uuid: Mapped[str | None] = mapped_column(String(64))
    response: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Certificate(db.Model):
    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), unique=True
    )
    serial: Mapped[str] = mapped_column(String(32), unique=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    hours: Mapped[float | None] = mapped_column(Float)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_reason: Mapped[str] = mapped_column(String(500), default="")
    # Set when what it was issued on no longer holds (e.g. the speaker role was taken away): an admin
    # revokes it or confirms it; until then /verify says "under review".
    review_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_reason: Mapped[str] = mapped_column(String(500), default="", server_default="")

    participant: Mapped[Participant] = relationship(back_populates="certificate")


class AuditLog(db.Model):
    """Who changed what and when: staff edits, undos, overrides, revocations."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(60))
    target_type: Mapped[str] = mapped_column(String(40), default="")
    target_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User | None] = relationship()


class MailMessage(db.Model):
    """Outbox: every mail is stored first, then sent; unsent mail stays visible to admins."""

    __tablename__ = "mail_messages"
    __table_args__ = (vocabulary_check("mail_messages", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id", ondelete="SET NULL"))
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text, default="")
    # [{"filename", "content_type", "data_b64"}]; kept small (a QR PNG).
    attachments: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(10), default=MailStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When a background sender took the row (status "sending"); a stale claim goes back to "queued".
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Job(db.Model):
    """Background work (batch PDFs): a row any worker can claim."""

    __tablename__ = "jobs"
    __table_args__ = (vocabulary_check("jobs", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(10), default=JobStatus.QUEUED)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    result_path: Mapped[str | None] = mapped_column(String(500))
    error: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class QrMask(db.Model):
    """The mask a QR text's code was given (plm/qr.py's penalty search, 1-3 ms a code), kept so a batch that prints
    the same tickets or certificate links again encodes each with one pass instead of eight. Keyed by a hash of the
    text (plm.qr.qr_text_key): no person, no ticket text in the row; a changed text is simply a new key."""

    __tablename__ = "qr_masks"

    text_hash: Mapped[str] = mapped_column(String(32), primary_key=True)
    mask: Mapped[int] = mapped_column(Integer)


class CheckInSignature(db.Model):
    """A signature drawn at the door for one check-in: SVG the server generated from the posted strokes
    (never client markup), printed into the daftar hadir's signature box."""

    __tablename__ = "checkin_signatures"

    checkin_id: Mapped[int] = mapped_column(ForeignKey("checkins.id", ondelete="CASCADE"), primary_key=True)
    svg: Mapped[str] = mapped_column(Text)
    points: Mapped[int] = mapped_column(Integer, default=0)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


import plm.allowances.models  # noqa: E402,F401  (the allowance tables, for Alembic and create_all)
import plm.evaluations.models  # noqa: E402,F401  (evaluation tables, for Alembic and create_all)
import plm.lodging.models  # noqa: E402,F401  (hotels, rooms and room assignments, for Alembic and create_all)
import plm.questions.models  # noqa: E402,F401  (the organiser's questions, for Alembic and create_all)
import plm.travel.models  # noqa: E402,F401  (the travel tables)
from plm.delegations.models import DelegationCap, Institution  # noqa: E402,F401  (seen by Alembic and create_all)
