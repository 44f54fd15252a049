"""Delegations: partner institutions, their seats, invitation links, delegates added and replaced through
the link, seat caps per province and institution type, approval of pending registrations.

Plain functions taking the SQLAlchemy session; the caller commits. Seat-taking serialises on the event
lock registration already uses (plm.registration.service.lock_event), so a delegation's seats, the caps
and the event capacity are all counted under one lock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from plm.delegations.models import SEAT_HOLDING_STATUSES, CapKind, DelegationCap, Institution
from plm.models import AuditLog, Event, Participant, User, audit, hash_token, utcnow
from plm.registration import mails
from plm.registration import service as registration
from plm.text import clean_line, fold_for_search
from plm.vocabulary import InstitutionType, ParticipantStatus, RegistrationMode, RegistrationSource


class DelegationError(Exception):
    """A refused delegation action; `code`: no_seats, province_cap, type_cap, deadline_passed, not_delegate,
    not_pending, invalid, duplicate_name, closed, duplicate_email."""

    def __init__(self, code: str, participant: Participant | None = None):
        super().__init__(code)
        self.code = code
        self.participant = participant


# ---------------------------------------------------------------- institutions

INSTITUTION_FIELDS = ("name", "institution_type", "province", "regency", "contact_name", "contact_whatsapp",
                      "contact_email", "seats")
CONTACT_FIELDS = ("contact_name", "contact_whatsapp", "contact_email")


def clean_institution(data: dict[str, Any]) -> dict[str, Any]:
    """Known keys only, trimmed; unknown type -> other, province canonical, phone E.164 (or '' when not valid)."""
    values: dict[str, Any] = {}
    for key in INSTITUTION_FIELDS:
        if key not in data or data[key] is None:
            continue
        values[key] = data[key] if key == "seats" else clean_line(data[key])
    if "institution_type" in values and not InstitutionType.has(values["institution_type"]):
        values["institution_type"] = InstitutionType.OTHER
    if values.get("province"):
        values["province"] = registration.find_province(values["province"]) or values["province"]
    if values.get("contact_whatsapp"):
        values["contact_whatsapp"] = registration.normalize_phone(values["contact_whatsapp"]) or ""
    if "contact_email" in values:
        values["contact_email"] = values["contact_email"].replace(" ", "")
    if "seats" in values:
        values["seats"] = max(int(values["seats"] or 0), 0)
    return values


def institutions(session: Session, event: Event) -> list[Institution]:
    return list(session.scalars(select(Institution).where(Institution.event_id == event.id)
                                .order_by(Institution.province, Institution.name)))


def get_institution(session: Session, event: Event, institution_id: int) -> Institution | None:
    return session.scalar(select(Institution).where(Institution.id == institution_id, Institution.event_id == event.id))


def find_by_name(session: Session, event: Event, name: str) -> Institution | None:
    wanted = fold_for_search(name)
    for item in session.scalars(select(Institution).where(Institution.event_id == event.id)):
        if fold_for_search(item.name) == wanted:
            return item
    return None


def save_institution(session: Session, event: Event, data: dict[str, Any], user: User | None,
                     institution: Institution | None = None) -> Institution:
    """Create or update an institution (audited); raises DelegationError("duplicate_name")."""
    values = clean_institution(data)
    if not values.get("name"):
        raise DelegationError("invalid")
    other = find_by_name(session, event, values["name"])
    if other is not None and other is not institution:
        raise DelegationError("duplicate_name")
    created = institution is None
    if institution is None:
        institution = Institution(event_id=event.id)
        session.add(institution)
    # A contact's name, WhatsApp and e-mail are personal data: the log says they changed, not to what,
    # so blanking them (an erasure request) leaves no copy behind.
    changes = {key: "changed" if key in CONTACT_FIELDS else [getattr(institution, key), value]
               for key, value in values.items() if getattr(institution, key) != value}
    for key, value in values.items():
        setattr(institution, key, value)
    session.flush()
    audit(session, "institution.create" if created else "institution.update", user=user, event_id=event.id,
          target=institution, **({"name": institution.name} if created else {"changes": changes}))
    return institution


# ---------------------------------------------------------------- invitation links

def issue_invitation(session: Session, institution: Institution, secret_key: str, user: User | None) -> str:
    """A new invitation link for the institution (the old one stops working); returns its token."""
    token = institution.issue_invite(secret_key)
    session.flush()
    audit(session, "institution.invite", user=user, event_id=institution.event_id, target=institution)
    return token


def current_token(session: Session, institution: Institution, secret_key: str, user: User | None) -> str:
    """The institution's working link token, issuing the first one when there is none yet."""
    return institution.invite_token(secret_key) or issue_invitation(session, institution, secret_key, user)


def find_by_token(session: Session, event: Event, token: str) -> Institution | None:
    if not token or len(token) > 100:
        return None
    return session.scalar(select(Institution).where(
        Institution.event_id == event.id, Institution.invite_token_hash == hash_token(token)))


OPENED_THROTTLE = timedelta(minutes=1)


def mark_opened(institution: Institution, now: datetime | None = None) -> bool:
    """The page behind the link was opened (told by a POST, never by the GET). first_opened_at is kept;
    last_opened_at moves at most once a minute, so a page reloaded in a loop does not write on every load.
    Returns whether anything changed."""
    now = now or utcnow()
    if institution.last_opened_at is not None and now - institution.last_opened_at < OPENED_THROTTLE:
        return False
    if institution.first_opened_at is None:
        institution.first_opened_at = now
    institution.last_opened_at = now
    return True


def mark_active(institution: Institution) -> None:
    """The link was used to change something (a POST): the overview's "acted through the link".
    Acting through the page means it was opened, which covers browsers without JavaScript."""
    now = utcnow()
    if institution.first_active_at is None:
        institution.first_active_at = now
    mark_opened(institution, now)


# ---------------------------------------------------------------- seats and caps

def delegates(session: Session, institution: Institution, *, include_cancelled: bool = False) -> list[Participant]:
    query = select(Participant).where(Participant.institution_id == institution.id)
    if not include_cancelled:
        query = query.where(Participant.status.in_(SEAT_HOLDING_STATUSES))
    return list(session.scalars(query.order_by(Participant.created_at, Participant.id)))


def seats_used(session: Session, institution: Institution) -> int:
    return session.scalar(select(func.count()).select_from(Participant).where(
        Participant.institution_id == institution.id, Participant.status.in_(SEAT_HOLDING_STATUSES))) or 0


def caps(session: Session, event: Event) -> dict[tuple[str, str], int]:
    return {(c.kind, c.value): c.seats for c in session.scalars(select(DelegationCap).where(DelegationCap.event_id == event.id))}


def set_cap(session: Session, event: Event, kind: str, value: str, seats: int | None, user: User | None) -> None:
    """Set (or with seats None remove) the cap for one province or institution type."""
    if kind not in set(CapKind):
        raise DelegationError("invalid")
    cap = session.scalar(select(DelegationCap).where(DelegationCap.event_id == event.id, DelegationCap.kind == kind,
                                                     DelegationCap.value == value))
    if seats is None:
        if cap is not None:
            session.delete(cap)
    elif cap is None:
        session.add(DelegationCap(event_id=event.id, kind=kind, value=value, seats=max(seats, 0)))
    else:
        cap.seats = max(seats, 0)
    session.flush()
    audit(session, "delegation.cap", user=user, event_id=event.id, kind=kind, value=value, seats=seats)


def _delegates_where(session: Session, event: Event, *conditions: Any) -> int:
    return session.scalar(select(func.count()).select_from(Participant).join(
        Institution, Participant.institution_id == Institution.id).where(
        Participant.event_id == event.id, Participant.status.in_(SEAT_HOLDING_STATUSES), *conditions)) or 0


def check_seat(session: Session, event: Event, institution: Institution) -> None:
    """Raise DelegationError when the institution, its province or its type has no seat left.
    The caller holds the event lock."""
    if seats_used(session, institution) >= institution.seats:
        raise DelegationError("no_seats")
    limits = caps(session, event)
    province_cap = limits.get((CapKind.PROVINCE.value, institution.province))
    if province_cap is not None and _delegates_where(
            session, event, Institution.province == institution.province) >= province_cap:
        raise DelegationError("province_cap")
    type_cap = limits.get((CapKind.INSTITUTION_TYPE.value, institution.institution_type))
    if type_cap is not None and _delegates_where(
            session, event, Institution.institution_type == institution.institution_type) >= type_cap:
        raise DelegationError("type_cap")


def _delegate_values(institution: Institution, data: dict[str, Any]) -> dict[str, Any]:
    values = dict(data)
    values.update(institution=institution.name, institution_type=institution.institution_type,
                  province=institution.province)
    return values


def add_delegate(session: Session, event: Event, institution: Institution, data: dict[str, Any]) -> registration.Registered:
    """Register one delegate of the institution, within its seats and the event's caps (race-safe:
    the event lock is taken before counting). Raises DelegationError or RegistrationError."""
    registration.lock_event(session, event)
    check_seat(session, event, institution)
    result = registration.register(session, event, _delegate_values(institution, data), source=RegistrationSource.DELEGATION,
                                   institution_id=institution.id)
    mark_active(institution)
    return result


def own_delegate_by_email(session: Session, event: Event, institution: Institution, email: str) -> Participant | None:
    """The institution's own delegate with this address: a form sent twice (a double tap, or back and send
    again) finds the person the first one registered. Someone of another institution is not shown."""
    person = registration.find_by_email(session, event, email or "")
    if person is None or person.institution_id != institution.id or person.status not in SEAT_HOLDING_STATUSES:
        return None
    return person


def substitution_open(event: Event, now: datetime | None = None) -> bool:
    """Delegates can be replaced or freed through the link until the substitution deadline (none: always)."""
    now = now or utcnow()
    if event.archived:
        return False
    return event.substitution_deadline is None or now < event.substitution_deadline


def get_delegate(session: Session, institution: Institution, public_id: str) -> Participant | None:
    return session.scalar(select(Participant).where(
        Participant.institution_id == institution.id, Participant.public_id == public_id,
        Participant.status.in_(SEAT_HOLDING_STATUSES)))


def replace_delegate(session: Session, event: Event, institution: Institution, old: Participant,
                     data: dict[str, Any]) -> registration.Registered:
    """Someone else takes the delegate's seat: the old registration is cancelled (its ticket stops
    working at the door) and the new person gets their own ticket and link, in the same state (a seat,
    pending or waiting list) without queueing behind anyone."""
    if not substitution_open(event):
        raise DelegationError("deadline_passed")
    registration.lock_event(session, event)
    session.refresh(old)
    if old.institution_id != institution.id or old.status not in SEAT_HOLDING_STATUSES:
        raise DelegationError("not_delegate")
    previous = old.status
    if registration.find_by_email(session, event, data.get("email") or "") is not None:
        raise registration.RegistrationError("duplicate_email")
    old.status = ParticipantStatus.CANCELLED
    old.cancelled_at = utcnow()
    registration.release_signups(session, old)
    registration.reissue_ticket(session, old, None)
    session.flush()
    result = registration.register(session, event, _delegate_values(institution, data), source=RegistrationSource.DELEGATION,
                                   institution_id=institution.id, check_window=False,
                                   ignore_capacity=previous == ParticipantStatus.REGISTERED)
    new = result.participant
    if previous == ParticipantStatus.PENDING:
        new.status = ParticipantStatus.PENDING
    elif previous == ParticipantStatus.WAITLISTED:
        new.status, new.waitlisted_at = ParticipantStatus.WAITLISTED, old.waitlisted_at or utcnow()
    elif new.status == ParticipantStatus.PENDING and previous == ParticipantStatus.REGISTERED:
        new.status = ParticipantStatus.REGISTERED  # the seat was approved already; the person changes, not the approval
    session.flush()
    audit(session, "delegation.substitute", event_id=event.id, target=institution,
          old_public_id=old.public_id, old_participant_id=old.id, new_participant_id=new.id)
    mark_active(institution)
    return registration.Registered(new, result.token, registration.waitlist_position(session, new))


def free_seat(session: Session, event: Event, institution: Institution, delegate: Participant) -> list[Participant]:
    """The contact withdraws a delegate: the registration is cancelled (the waiting list moves up)."""
    if not substitution_open(event):
        raise DelegationError("deadline_passed")
    if delegate.institution_id != institution.id:
        raise DelegationError("not_delegate")
    promoted = registration.cancel(session, delegate)
    audit(session, "delegation.free_seat", event_id=event.id, target=institution, participant_id=delegate.id)
    mark_active(institution)
    return promoted


# ---------------------------------------------------------------- approval

def pending(session: Session, event: Event) -> list[Participant]:
    return list(session.scalars(select(Participant).where(
        Participant.event_id == event.id, Participant.status == ParticipantStatus.PENDING).order_by(Participant.created_at, Participant.id)))


def approve(session: Session, event: Event, people: list[Participant], user: User) -> list[Participant]:
    """Pending registrations get a seat (or, when the event is full, the waiting list), and each gets the mail
    that says so, with the ticket (outbox). The approvals page and the participant page both come here.
    Returns those changed."""
    registration.lock_event(session, event)
    done = []
    for participant in people:
        session.refresh(participant)
        if participant.status != ParticipantStatus.PENDING or participant.event_id != event.id:
            continue
        full = event.capacity is not None and registration.registered_count(session, event) >= event.capacity
        participant.status = ParticipantStatus.WAITLISTED if full else ParticipantStatus.REGISTERED
        if full:
            participant.waitlisted_at = utcnow()
        session.flush()
        audit(session, "participant.approve", user=user, event_id=event.id, target=participant, status=participant.status)
        mails.queue_ticket_mail(session, participant, "approved" if participant.status == ParticipantStatus.REGISTERED else "waitlisted")
        done.append(participant)
    return done


def decline(session: Session, event: Event, people: list[Participant], reason: str, user: User) -> list[Participant]:
    """Pending registrations are declined (cancelled) with a reason the participant is told."""
    reason = clean_line(reason)[:500]
    registration.lock_event(session, event)
    done = []
    for participant in people:
        session.refresh(participant)
        if participant.status != ParticipantStatus.PENDING or participant.event_id != event.id:
            continue
        participant.status = ParticipantStatus.CANCELLED
        participant.cancelled_at = utcnow()
        session.flush()
        audit(session, "participant.decline", user=user, event_id=event.id, target=participant, reason=reason)
        done.append(participant)
    return done


# ---------------------------------------------------------------- matching free-text institutions

@dataclass
class MatchPlan:
    matches: list[tuple[Participant, Institution]] = field(default_factory=list)
    unmatched: list[Participant] = field(default_factory=list)


def plan_match_by_name(session: Session, event: Event) -> MatchPlan:
    """Participants without an institution record whose typed institution names one (same words,
    case and accents forgiven)."""
    by_name = {fold_for_search(i.name): i for i in institutions(session, event)}
    plan = MatchPlan()
    for participant in session.scalars(select(Participant).where(
            Participant.event_id == event.id, Participant.institution_id.is_(None),
            Participant.status != ParticipantStatus.CANCELLED).order_by(Participant.institution, Participant.full_name)):
        institution = by_name.get(fold_for_search(participant.institution or ""))
        if institution is not None:
            plan.matches.append((participant, institution))
        else:
            plan.unmatched.append(participant)
    return plan


def match(session: Session, participant: Participant, institution: Institution | None, user: User | None) -> None:
    """Link a participant to an institution record (None unlinks); seats are not checked: staff decide."""
    previous = participant.institution_id
    participant.institution_id = institution.id if institution is not None else None
    session.flush()
    audit(session, "participant.match_institution", user=user, event_id=participant.event_id, target=participant,
          previous=previous, institution_id=participant.institution_id)


# ---------------------------------------------------------------- overview

@dataclass
class Row:
    institution: Institution
    registered: int = 0
    pending: int = 0
    waitlisted: int = 0
    last_registration_at: datetime | None = None

    @property
    def filled(self) -> int:
        return self.registered + self.pending + self.waitlisted

    @property
    def left(self) -> int:
        return max(self.institution.seats - self.filled, 0)

    @property
    def not_opened(self) -> bool:
        """The link was made but nobody has opened its page yet."""
        return self.institution.invite_issued_at is not None and self.institution.first_opened_at is None

    @property
    def behind(self) -> bool:
        """Seats still empty, or a link nobody has opened: both are on the reminder list."""
        return self.filled < self.institution.seats or self.not_opened


@dataclass
class Group:
    key: str
    institutions: int = 0
    offered: int = 0
    registered: int = 0
    pending: int = 0
    waitlisted: int = 0
    cap: int | None = None

    @property
    def filled(self) -> int:
        return self.registered + self.pending + self.waitlisted


def overview(session: Session, event: Event) -> list[Row]:
    rows = {i.id: Row(i) for i in institutions(session, event)}
    counts = session.execute(
        select(Participant.institution_id, Participant.status, func.count(), func.max(Participant.created_at))
        .where(Participant.event_id == event.id, Participant.institution_id.is_not(None))
        .group_by(Participant.institution_id, Participant.status))
    for institution_id, status, count, last in counts:
        row = rows.get(institution_id)
        if row is None:
            continue
        if status in (ParticipantStatus.REGISTERED, ParticipantStatus.PENDING, ParticipantStatus.WAITLISTED):
            setattr(row, status, count)
        if last is not None and status != ParticipantStatus.CANCELLED and (row.last_registration_at is None or last > row.last_registration_at):
            row.last_registration_at = last
    return list(rows.values())


def grouped(rows: list[Row], key: str, limits: dict[tuple[str, str], int]) -> list[Group]:
    """The overview summed per province (key='province') or per institution type ('institution_type')."""
    groups: dict[str, Group] = {}
    for row in rows:
        value = getattr(row.institution, key) or ""
        group = groups.setdefault(value, Group(value, cap=limits.get((key, value))))
        group.institutions += 1
        group.offered += row.institution.seats
        group.registered += row.registered
        group.pending += row.pending
        group.waitlisted += row.waitlisted
    return sorted(groups.values(), key=lambda g: g.key)


def mark_reminded(session: Session, institution_list: list[Institution], user: User | None) -> None:
    now = utcnow()
    for institution in institution_list:
        institution.last_reminded_at = now
        audit(session, "institution.remind", user=user, event_id=institution.event_id, target=institution)
    session.flush()


def set_mode(session: Session, event: Event, mode: str, substitution_deadline: datetime | None, user: User) -> None:
    if mode not in set(RegistrationMode):
        raise DelegationError("invalid")
    changes = {}
    if event.registration_mode != mode:
        changes["registration_mode"] = [event.registration_mode, mode]
        event.registration_mode = mode
    if event.substitution_deadline != substitution_deadline:
        changes["substitution_deadline"] = [event.substitution_deadline.isoformat() if event.substitution_deadline else None,
                                            substitution_deadline.isoformat() if substitution_deadline else None]
        event.substitution_deadline = substitution_deadline
    if changes:
        session.flush()
        audit(session, "event.delegation_settings", user=user, event_id=event.id, target=event, changes=changes)


# ---------------------------------------------------------------- privacy (UU PDP)

def contacted_institutions(session: Session, participant: Participant) -> list[Institution]:
    """Institutions of the participant's event whose contact is this participant (same e-mail or WhatsApp)."""
    email = (participant.email or "").strip().lower()
    phone = (participant.phone or "").strip()
    found = []
    for institution in session.scalars(select(Institution).where(Institution.event_id == participant.event_id)
                                       .order_by(Institution.name)):
        if (email and institution.contact_email.strip().lower() == email) or \
                (phone and institution.contact_whatsapp == phone):
            found.append(institution)
    return found


def contact_data(institution: Institution) -> dict[str, Any]:
    """What PLM holds about an institution's contact person (for "download my data")."""
    return {"institution": institution.name, "contact_name": institution.contact_name,
            "contact_whatsapp": institution.contact_whatsapp, "contact_email": institution.contact_email,
            "invitation_sent_at": institution.invite_issued_at.isoformat() if institution.invite_issued_at else None,
            "last_reminded_at": institution.last_reminded_at.isoformat() if institution.last_reminded_at else None}


def forget_contact(session: Session, institution: Institution) -> None:
    """Remove the contact person's name, WhatsApp and e-mail, and their old values kept in the audit log."""
    institution.contact_name = institution.contact_whatsapp = institution.contact_email = ""
    session.execute(update(AuditLog).where(AuditLog.target_type == "institution",
                                           AuditLog.target_id == institution.id).values(detail={}))


def anonymise_contacts(session: Session, event: Event) -> int:
    """Anonymising an event: every contact's personal data goes and the invitation links stop working (they
    would open delegate lists nobody needs any more). Name, type, province and seats stay for the counts."""
    institution_list = list(session.scalars(select(Institution).where(Institution.event_id == event.id)))
    for institution in institution_list:
        forget_contact(session, institution)
        institution.invite_nonce = institution.invite_token_hash = None
    return len(institution_list)
