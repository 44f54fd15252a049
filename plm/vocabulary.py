"""The fixed vocabularies stored in the database, one `StrEnum` each.

A member *is* its stored string (`ParticipantStatus.REGISTERED == "registered"`), so the database, the JSON
API and the CSV files keep their values; the code names them once, here. Each stored column also carries a
CHECK constraint built from its enum (`check_sql`, used by plm/models.py and the migration that added
them), so adding a value is one line here plus a migration that rebuilds that one constraint. Labels for
people live in plm/labels.py. Imports nothing from PLM: any layer may use it.
"""

from __future__ import annotations

from enum import StrEnum


class Vocabulary(StrEnum):
    @classmethod
    def values(cls) -> tuple[str, ...]:
        return tuple(member.value for member in cls)

    @classmethod
    def has(cls, value: object) -> bool:
        """True for a stored value of this vocabulary (`"x" in Enum` raises on Python 3.11)."""
        return isinstance(value, str) and value in cls._value2member_map_


class Role(Vocabulary):
    """A staff account's role (users.role). Admin may do everything."""

    ADMIN = "admin"
    ORGANIZER = "organizer"
    FACILITATOR = "facilitator"
    FINANCE = "finance"  # bendahara: allowances and travel (plm.allowances, plm.travel)


class ParticipantRole(Vocabulary):
    """What a participant is at the event (participants.role): printed on badges, used by certificates."""

    PARTICIPANT = "participant"
    FACILITATOR = "facilitator"
    SPEAKER = "speaker"
    COMMITTEE = "committee"


class InstitutionType(Vocabulary):
    PROVINCIAL = "provincial"
    REGENCY_CITY = "regency_city"
    VILLAGE = "village"
    TBM = "tbm"
    OTHER = "other"


class ParticipantStatus(Vocabulary):
    REGISTERED = "registered"
    WAITLISTED = "waitlisted"
    PENDING = "pending"  # waiting for staff approval (events with registration_mode "approval"): no ticket yet
    CANCELLED = "cancelled"


class RegistrationMode(Vocabulary):
    """Who may register for an event (events.registration_mode; plm.delegations)."""

    OPEN = "open"  # anyone registers (a seat or the waiting list)
    INVITATION = "invitation"  # only through an institution's invitation link
    APPROVAL = "approval"  # anyone registers, staff approve before the ticket is sent


class RegistrationSource(Vocabulary):
    """Where a registration came from (participants.source)."""

    WEB = "web"
    IMPORT = "import"
    WALK_IN = "walk-in"
    DEMO = "demo"
    STAFF = "staff"
    DELEGATION = "delegation"  # a partner institution's invitation link (plm.delegations)


class CheckInSource(Vocabulary):
    """How a scan reached the server (the JSON `source`, stored on checkins.source)."""

    QR = "qr"
    MANUAL = "manual"
    WALK_IN = "walk-in"
    OFFLINE_SYNC = "offline-sync"
    PAPER = "paper"


class SessionKind(Vocabulary):
    PLENARY = "plenary"
    SHARING = "sharing"
    WORKSHOP = "workshop"
    REGISTRATION = "registration"
    BREAK = "break"


# Slots on the schedule that are not programme: no attendance checkpoint, no certificate hours, shown to everyone.
NON_PROGRAMME_KINDS = (SessionKind.REGISTRATION, SessionKind.BREAK)


class CheckpointKind(Vocabulary):
    """The event door on one day, or one session."""

    DAY = "day"
    SESSION = "session"


class JobStatus(Vocabulary):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class MailStatus(Vocabulary):
    QUEUED = "queued"
    SENDING = "sending"  # claimed by a sender (plm.outbox), not yet sent
    SENT = "sent"
    FAILED = "failed"
    LOGGED = "logged"  # no mail server configured: kept in the outbox for staff to read


#: (table, column) -> vocabulary: every CHECK constraint `ck_<table>_<column>` on a stored vocabulary.
CHECKED_COLUMNS: dict[tuple[str, str], type[Vocabulary]] = {
    ("users", "role"): Role,
    ("events", "registration_mode"): RegistrationMode,
    ("participants", "role"): ParticipantRole,
    ("participants", "institution_type"): InstitutionType,
    ("participants", "status"): ParticipantStatus,
    ("participants", "source"): RegistrationSource,
    ("checkins", "source"): CheckInSource,
    ("sessions", "kind"): SessionKind,
    ("checkpoints", "kind"): CheckpointKind,
    ("jobs", "status"): JobStatus,
    ("mail_messages", "status"): MailStatus,
}


def check_sql(column: str, vocabulary: type[Vocabulary]) -> str:
    """The CHECK constraint's SQL: `column IN ('a', 'b')` (the values are code constants, never input)."""
    quoted = ", ".join(f"'{value}'" for value in vocabulary.values())
    return f"{column} IN ({quoted})"
