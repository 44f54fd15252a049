"""Use cases around badges and certificates: database rows in, plain document data out.

The pure renderers (`plm.documents.badges`, `.certificates`) know nothing about the database;
this module builds their input from the models, selects who gets a badge, decides who is
eligible for a certificate (and why not), issues serials and records what was printed.
Plain functions taking the SQLAlchemy session; no `request` in here.

Hours of participation: for every event day a participant was checked in at the door, the
length of that day's programme — the union of the day's sessions (parallel sessions counted
once, breaks and cancelled sessions left out) — summed over the days and rounded to the half
hour. A facilitator or speaker with no door check-in gets the length of the sessions they led.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from plm import qr_masks
from plm.documents.data import BadgeData, CertificateData, EventInfo, Signatory, _valid_hex
from plm.models import (
    Certificate,
    CheckIn,
    Checkpoint,
    Event,
    EventSession,
    Participant,
    SessionSignup,
    User,
    audit,
    random_code,
    session_facilitators,
    utcnow,
)
from plm.text import fold_for_search
from plm.tickets import participant_code
from plm.vocabulary import NON_PROGRAMME_KINDS, CheckpointKind, ParticipantRole, ParticipantStatus, Role

LEADER_ROLES = (ParticipantRole.FACILITATOR, ParticipantRole.SPEAKER)
BADGE_LAYOUTS = ("a6", "a7", "card", "single")
BADGE_SORTS = ("name", "province")
MAX_SIGNATORIES = 3
MAX_SIGNATURE_BYTES = 2 * 1024 * 1024
SIGNATURE_BOX = (1200, 480)


class DocumentError(Exception):
    """A refused request; `code` names the reason (the routes translate it)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


# ---------------------------------------------------------------------------------------------
# Event → EventInfo
# ---------------------------------------------------------------------------------------------

def date_text(start: date, end: date, lang: str) -> str:
    """'18–21 Mei 2015' / 'May 18–21, 2015' in the certificate language (no request needed)."""
    from plm.i18n import format_date_range

    return format_date_range(start, end, "en" if lang == "en" else "id")


def upload_path(upload_folder: str, relative: str | None) -> str | None:
    """Absolute path of a stored upload, or None when it is missing (the documents then go without)."""
    if not relative:
        return None
    path = os.path.abspath(os.path.join(upload_folder, relative))
    if not path.startswith(os.path.abspath(upload_folder) + os.sep) or not os.path.isfile(path):
        return None
    return path


def event_info(event: Event, upload_folder: str, lang: str | None = None) -> EventInfo:
    lang = lang or event.certificate_language or "id"
    return EventInfo(
        name=event.name, theme=event.theme or "", venue=event.venue or "", city=event.city or "",
        date_text=date_text(event.starts_on, event.ends_on, lang),
        logo_path=upload_path(upload_folder, event.logo_path),
        role_colours=dict(event.role_colours or {}), lang=lang,
    )


def signatories_of(event: Event, upload_folder: str) -> list[Signatory]:
    result = []
    for item in (event.signatories or [])[:MAX_SIGNATORIES]:
        if not isinstance(item, dict) or not str(item.get("name", "")).strip():
            continue
        result.append(Signatory(name=str(item["name"]), title=str(item.get("title", "")),
                                signature_image_path=upload_path(upload_folder, item.get("image"))))
    return result


# ---------------------------------------------------------------------------------------------
# Badges
# ---------------------------------------------------------------------------------------------

@dataclass
class BadgeSelection:
    """Who gets a badge. Empty lists mean "any"; statuses default to registered only."""

    roles: list[str] = field(default_factory=list)
    provinces: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=lambda: [ParticipantStatus.REGISTERED.value])
    unprinted: bool = False
    ids: list[str] = field(default_factory=list)  # public ids
    sort: str = "name"

    def to_params(self) -> dict:
        return {"roles": self.roles, "provinces": self.provinces, "statuses": self.statuses,
                "unprinted": self.unprinted, "ids": self.ids, "sort": self.sort}

    @classmethod
    def from_params(cls, params: dict) -> BadgeSelection:
        sel = cls()
        for key in ("roles", "provinces", "statuses", "ids"):
            value = params.get(key)
            if isinstance(value, list):
                setattr(sel, key, [str(v) for v in value])
        sel.unprinted = bool(params.get("unprinted"))
        sel.sort = params.get("sort") if params.get("sort") in BADGE_SORTS else "name"
        return sel

    def validate(self) -> None:
        if any(not ParticipantRole.has(r) for r in self.roles):
            raise DocumentError("bad_role")
        if any(not ParticipantStatus.has(s) for s in self.statuses):
            raise DocumentError("bad_status")
        if self.sort not in BADGE_SORTS:
            raise DocumentError("bad_sort")


def select_badges(session: Session, event: Event, selection: BadgeSelection) -> list[Participant]:
    selection.validate()
    query = select(Participant).where(Participant.event_id == event.id).options(selectinload(Participant.event))
    if selection.roles:
        query = query.where(Participant.role.in_(selection.roles))
    if selection.provinces:
        query = query.where(Participant.province.in_(selection.provinces))
    if selection.statuses:
        query = query.where(Participant.status.in_(selection.statuses))
    if selection.unprinted:
        query = query.where(Participant.badge_printed_at.is_(None))
    if selection.ids:
        query = query.where(Participant.public_id.in_([i.strip().upper() for i in selection.ids]))
    people = list(session.scalars(query))
    name = lambda p: ((p.name_on_badge or p.full_name).casefold(), p.id)  # noqa: E731
    if selection.sort == "province":
        people.sort(key=lambda p: (p.province.casefold(), *name(p)))
    else:
        people.sort(key=name)
    return people


def badge_data(secret: str, participant: Participant) -> BadgeData:
    return BadgeData(
        name_on_badge=participant.name_on_badge or participant.full_name, institution=participant.institution,
        province=participant.province, role=participant.role, ticket_code=participant_code(secret, participant),
        ticket_number=participant.public_id,
    )


def mark_badges_printed(session: Session, participant_ids: Iterable[int], when: datetime | None = None) -> None:
    ids = list(participant_ids)
    when = when or utcnow()
    for start in range(0, len(ids), 500):
        session.execute(update(Participant).where(Participant.id.in_(ids[start:start + 500]))
                        .values(badge_printed_at=when).execution_options(synchronize_session=False))


def render_badge_pdf(session: Session, event: Event, people: list[Participant], *, secret: str, upload_folder: str,
                     layout: str = "a6", progress: Callable[[int, int], None] | None = None,
                     mark_printed: bool = True, processes: int = 1) -> bytes:
    """The badges of *people* (already selected and sorted) as one PDF; records when they were printed.
    *processes* > 1 only from single-threaded processes (the job child, the CLI)."""
    from plm.documents.badges import render_badges

    if layout not in BADGE_LAYOUTS:
        raise DocumentError("bad_layout")
    info = event_info(event, upload_folder, lang="id")
    items = [badge_data(secret, p) for p in people]
    ids = [p.id for p in people]
    searched = qr_masks.prepare(session, (item.ticket_code for item in items), processes=processes)
    pdf = render_badges(info, items, layout, progress=progress, processes=processes)
    qr_masks.keep(session, searched)
    if mark_printed:
        mark_badges_printed(session, ids)
    return pdf


def render_one_badge(session: Session, event: Event, participant: Participant, *, secret: str,
                     upload_folder: str, mark_printed: bool = True) -> bytes:
    from plm.documents.badges import render_single_badge

    pdf = render_single_badge(event_info(event, upload_folder, lang="id"), badge_data(secret, participant))
    if mark_printed:
        participant.badge_printed_at = utcnow()
    return pdf


# ---------------------------------------------------------------------------------------------
# Attendance and eligibility
# ---------------------------------------------------------------------------------------------

@dataclass
class Attendance:
    days: set = field(default_factory=set)  # dates checked in at the door
    sessions: set = field(default_factory=set)  # session ids checked in
    signed_up: set = field(default_factory=set)  # session ids signed up for (not cancelled)
    led: set = field(default_factory=set)  # session ids this participant leads

    @property
    def signed_up_attended(self) -> int:
        return len(self.signed_up & self.sessions)


@dataclass
class Check:
    code: str  # days, session_percent, sessions, any_day, role, status, override, revoked
    ok: bool
    params: dict = field(default_factory=dict)


@dataclass
class Eligibility:
    eligible: bool
    basis: str  # rule, role, override
    checks: list[Check]
    hours: float | None = None

    @property
    def failed(self) -> list[Check]:
        return [c for c in self.checks if not c.ok]


def _programme(session: Session, event: Event) -> tuple[dict, dict]:
    """Per local day, merged (start, end) intervals of the non-break sessions; and each session's length in hours."""
    tz = ZoneInfo(event.timezone)
    rows = session.execute(select(EventSession.id, EventSession.starts_at, EventSession.ends_at).where(
        EventSession.event_id == event.id, EventSession.kind.not_in(NON_PROGRAMME_KINDS),
        EventSession.cancelled_at.is_(None))).all()
    by_day: dict[date, list] = {}
    lengths = {}
    for sid, start, end in rows:
        if end <= start:
            continue
        lengths[sid] = (end - start).total_seconds() / 3600
        by_day.setdefault(start.astimezone(tz).date(), []).append((start, end))
    merged = {}
    for day, spans in by_day.items():
        spans.sort()
        out = [list(spans[0])]
        for start, end in spans[1:]:
            if start <= out[-1][1]:
                out[-1][1] = max(out[-1][1], end)
            else:
                out.append([start, end])
        merged[day] = sum((e - s).total_seconds() for s, e in out) / 3600
    return merged, lengths


def attendance_of(session: Session, event: Event, participant_ids: Iterable[int] | None = None) -> dict[int, Attendance]:
    """Check-in facts per participant of the event (all of them, or only *participant_ids*)."""
    ids = None if participant_ids is None else list(participant_ids)
    result: dict[int, Attendance] = {}

    def get(pid: int) -> Attendance:
        return result.setdefault(pid, Attendance())

    def restrict(query, column):
        return query if ids is None else query.where(column.in_(ids))

    q = select(CheckIn.participant_id, Checkpoint.kind, Checkpoint.day, Checkpoint.session_id).join(
        Checkpoint, Checkpoint.id == CheckIn.checkpoint_id).where(Checkpoint.event_id == event.id)
    live = select(EventSession.id).where(EventSession.event_id == event.id, EventSession.cancelled_at.is_(None))
    for pid, kind, day, session_id in session.execute(restrict(q, CheckIn.participant_id)):
        if kind == CheckpointKind.DAY and day is not None:
            get(pid).days.add(day)
        elif kind == CheckpointKind.SESSION and session_id is not None:
            get(pid).sessions.add(session_id)
    q = select(SessionSignup.participant_id, SessionSignup.session_id).where(SessionSignup.session_id.in_(live))
    for pid, sid in session.execute(restrict(q, SessionSignup.participant_id)):
        get(pid).signed_up.add(sid)
    q = select(session_facilitators.c.participant_id, session_facilitators.c.session_id).where(
        session_facilitators.c.session_id.in_(live))
    for pid, sid in session.execute(restrict(q, session_facilitators.c.participant_id)):
        get(pid).led.add(sid)
    return result


def hours_for(att: Attendance, programme: dict, lengths: dict) -> float | None:
    total = sum(programme.get(day, 0.0) for day in att.days)
    if not total and att.led:
        total = sum(lengths.get(sid, 0.0) for sid in att.led)
    if total <= 0:
        return None
    return math.floor(total * 2 + 0.5) / 2


def rule_of(event: Event) -> dict:
    return {"min_days": event.certificate_min_days, "min_session_percent": event.certificate_min_session_percent,
            "min_sessions": event.certificate_min_sessions}


def evaluate(event: Event, participant: Participant, att: Attendance, hours: float | None = None) -> Eligibility:
    """Is this participant eligible for a certificate, and which checks passed or failed.

    Rules set on the event must all hold: at least `certificate_min_days` event days at the door;
    at least `certificate_min_session_percent` % of the sessions they signed up for; at least
    `certificate_min_sessions` of the sessions they signed up for (or all of them when they signed
    up for fewer). With no rule set, one day at the door is enough. Facilitators and speakers are
    eligible by role; an admin override (with reason) wins over everything but a cancelled registration.
    """
    return judge(event, participant, len(att.days), len(att.signed_up), att.signed_up_attended, hours)


def judge(event: Event, participant: Any, n_days: int, signed: int, attended: int,
          hours: float | None = None, *, days_total: int | None = None, rule: dict | None = None) -> Eligibility:
    """`evaluate` on counts: days at the door, live sessions signed up for, and of those attended.
    *participant* needs only status, role and the override fields (an ORM row or a SQL row);
    *days_total* and *rule* may be passed in when judging thousands of people against one event."""
    if days_total is None:
        days_total = len(event.days)
    checks: list[Check] = []
    if participant.status != ParticipantStatus.REGISTERED:
        checks.append(Check("status", False, {"status": participant.status}))
        return Eligibility(False, "status", checks, hours)
    rule = rule or rule_of(event)
    if rule["min_days"]:
        need = min(rule["min_days"], days_total) if days_total else rule["min_days"]
        checks.append(Check("days", n_days >= need, {"n": n_days, "total": days_total, "need": need}))
    if rule["min_session_percent"]:
        need_n = math.ceil(signed * rule["min_session_percent"] / 100)
        pct = round(100 * attended / signed) if signed else 100
        checks.append(Check("session_percent", attended >= need_n,
                            {"n": attended, "total": signed, "pct": pct, "need": rule["min_session_percent"]}))
    if rule["min_sessions"]:
        need = min(rule["min_sessions"], signed)
        checks.append(Check("sessions", attended >= need, {"n": attended, "total": signed, "need": need}))
    if not checks:
        checks.append(Check("any_day", n_days >= 1, {"n": n_days, "total": days_total, "need": 1}))
    by_rule = all(c.ok for c in checks)
    if participant.certificate_override is not None:
        checks.append(Check("override", bool(participant.certificate_override),
                            {"reason": participant.certificate_override_reason}))
        return Eligibility(bool(participant.certificate_override), "override", checks, hours)
    if participant.role in LEADER_ROLES:
        checks.append(Check("role", True, {"role": participant.role}))
        return Eligibility(True, "role", checks, hours)
    return Eligibility(by_rule, "rule", checks, hours)


@dataclass
class Row:
    participant: Participant
    attendance: Attendance
    eligibility: Eligibility


def eligibility_rows(session: Session, event: Event, participants: list[Participant] | None = None) -> list[Row]:
    """Everyone (or *participants*) with their attendance and eligibility, sorted by name."""
    if participants is None:
        participants = event_participants(session, event)
    programme, lengths = _programme(session, event)
    attendance = attendance_of(session, event, None if len(participants) > 500 else [p.id for p in participants])
    rows = []
    for p in participants:
        att = attendance.get(p.id, Attendance())
        rows.append(Row(p, att, evaluate(event, p, att, hours_for(att, programme, lengths))))
    rows.sort(key=lambda r: (r.participant.full_name.casefold(), r.participant.id))
    return rows


CERTIFICATE_PAGE_SIZE = 50


@dataclass
class Summary:
    """One line of the certificates page before it is shown: enough to filter, count and page."""
    id: int
    full_name: str
    institution: str
    province: str
    serial: str
    revoked: bool
    eligible: bool
    under_review: bool = False


def eligibility_summary(session: Session, event: Event, participant_ids: list[int] | None = None) -> list[Summary]:
    """Everyone's eligibility (or *participant_ids*'), sorted by name, from four grouped queries: no
    ORM objects and no per-person attendance sets, so 3,500 people cost tens of milliseconds, not seconds.
    Same rule as `eligibility_rows` (both go through `judge`); the page shows full rows for one page only."""
    live = select(EventSession.id).where(EventSession.event_id == event.id, EventSession.cancelled_at.is_(None))
    days = dict(session.execute(
        select(CheckIn.participant_id, func.count()).join(Checkpoint, Checkpoint.id == CheckIn.checkpoint_id)
        .where(Checkpoint.event_id == event.id, Checkpoint.kind == CheckpointKind.DAY, Checkpoint.day.is_not(None))
        .group_by(CheckIn.participant_id)).all())
    signed = dict(session.execute(
        select(SessionSignup.participant_id, func.count()).where(SessionSignup.session_id.in_(live))
        .group_by(SessionSignup.participant_id)).all())
    attended = dict(session.execute(
        select(SessionSignup.participant_id, func.count())
        .join(Checkpoint, Checkpoint.session_id == SessionSignup.session_id)
        .join(CheckIn, (CheckIn.checkpoint_id == Checkpoint.id) & (CheckIn.participant_id == SessionSignup.participant_id))
        .where(SessionSignup.session_id.in_(live)).group_by(SessionSignup.participant_id)).all())
    query = (select(Participant.id, Participant.full_name, Participant.institution, Participant.province,
                    Participant.status, Participant.role, Participant.certificate_override,
                    Participant.certificate_override_reason, Certificate.serial, Certificate.revoked_at, Certificate.review_at)
             .outerjoin(Certificate, Certificate.participant_id == Participant.id)
             .where(Participant.event_id == event.id, Participant.status != ParticipantStatus.CANCELLED))
    if participant_ids is not None:
        query = query.where(Participant.id.in_(participant_ids))
    days_total, rule = len(event.days), rule_of(event)
    result = [Summary(r.id, r.full_name, r.institution or "", r.province or "", r.serial or "", r.revoked_at is not None,
                      judge(event, r, days.get(r.id, 0), signed.get(r.id, 0), attended.get(r.id, 0),
                            days_total=days_total, rule=rule).eligible,
                      r.review_at is not None and r.revoked_at is None)
              for r in session.execute(query)]
    result.sort(key=lambda r: (r.full_name.casefold(), r.id))
    return result


def summary_counts(lines: list[Summary]) -> dict[str, int]:
    return {"total": len(lines), "eligible": sum(1 for r in lines if r.eligible),
            "issued": sum(1 for r in lines if r.serial), "revoked": sum(1 for r in lines if r.revoked),
            "review": sum(1 for r in lines if r.under_review)}


def filter_summary(lines: list[Summary], show: str, q: str) -> list[Summary]:
    """The certificates page's filters: eligible or not, and a search in name, institution, province and
    serial (accents and case ignored), so a 3,500-person event is found page by page, not in one 5 MB page."""
    if show == "eligible":
        lines = [r for r in lines if r.eligible]
    elif show == "not":
        lines = [r for r in lines if not r.eligible]
    needle = fold_for_search(q)
    if needle:
        lines = [r for r in lines
                 if needle in fold_for_search(" ".join((r.full_name, r.institution, r.province, r.serial)))]
    return lines


def eligibility_for(session: Session, event: Event, participant: Participant) -> Eligibility:
    return eligibility_rows(session, event, [participant])[0].eligibility


# ---------------------------------------------------------------------------------------------
# Facilitator scope
# ---------------------------------------------------------------------------------------------

def leader_ids_for_user(session: Session, event: Event, user: User) -> set[int]:
    from plm.schedule.service import leader_ids_for_user as leaders

    return leaders(session, event, user)


def sessions_led_by(session: Session, event: Event, user: User) -> list[EventSession]:
    """Sessions this staff user may print certificates for: all for an admin, their own for a facilitator."""
    from plm.schedule.service import sessions_for_user

    return sessions_for_user(session, event, user)


def session_participants(session: Session, event_session: EventSession) -> list[Participant]:
    """People of a session: signed up or checked in there (not its facilitators)."""
    checked = select(CheckIn.participant_id).join(Checkpoint, Checkpoint.id == CheckIn.checkpoint_id).where(
        Checkpoint.session_id == event_session.id)
    signed = select(SessionSignup.participant_id).where(SessionSignup.session_id == event_session.id)
    leaders = {p.id for p in event_session.facilitators}
    people = session.scalars(select(Participant).where(
        Participant.event_id == event_session.event_id, Participant.status != ParticipantStatus.CANCELLED,
        (Participant.id.in_(checked)) | (Participant.id.in_(signed))).options(selectinload(Participant.certificate)))
    return [p for p in people if p.id not in leaders]


def participants_by_ids(session: Session, ids: list[int]) -> list[Participant]:
    if not ids:
        return []
    return list(session.scalars(select(Participant).where(Participant.id.in_(ids))
                                .options(selectinload(Participant.certificate))))


def event_participants(session: Session, event: Event) -> list[Participant]:
    """Everyone of the event but cancelled registrations."""
    return list(session.scalars(select(Participant).where(
        Participant.event_id == event.id, Participant.status != ParticipantStatus.CANCELLED)
        .options(selectinload(Participant.certificate))))


def may_print_session(session: Session, user: User, event_session: EventSession) -> bool:
    """The same people who see a session's sign-up list: admins and the session's own facilitators."""
    from plm.schedule.service import can_see_signups

    return can_see_signups(session, user, event_session)


def scoped_participants(session: Session, event: Event, user: User, session_id: int | None) -> list[Participant]:
    """Whom *user* may see on the eligibility page / print: admins everyone (or one session), facilitators
    the participants of their own sessions (one, or all of them). Raises DocumentError('forbidden'/'no_session')."""
    if session_id is not None:
        item = session.get(EventSession, session_id)
        if item is None or item.event_id != event.id:
            raise DocumentError("no_session")
        if not may_print_session(session, user, item):
            raise DocumentError("forbidden")
        return session_participants(session, item)
    if user.role == Role.ADMIN:
        return event_participants(session, event)
    seen: dict[int, Participant] = {}
    for item in sessions_led_by(session, event, user):
        for p in session_participants(session, item):
            seen[p.id] = p
    return list(seen.values())


# ---------------------------------------------------------------------------------------------
# Certificates: issue, revoke, override, render
# ---------------------------------------------------------------------------------------------

def serial_prefix(event: Event) -> str:
    prefix = "".join(ch for ch in (event.certificate_serial_prefix or "PLM").upper() if ch.isascii() and ch.isalnum())
    return prefix[:10] or "PLM"


def new_serial(event: Event) -> str:
    return f"{serial_prefix(event)}-{random_code(4)}-{random_code(4)}"


def issue_certificate(session: Session, event: Event, participant: Participant, hours: float | None) -> Certificate:
    """The participant's certificate, issued now if it does not exist yet. The serial never changes;
    the hours follow the attendance until the certificate is revoked."""
    cert = participant.certificate
    if cert is not None:
        if cert.revoked_at is None and hours is not None:
            cert.hours = hours
        return cert
    for _ in range(8):
        serial = new_serial(event)
        if session.scalar(select(Certificate.id).where(Certificate.serial == serial)) is None:
            break
    cert = Certificate(participant_id=participant.id, serial=serial, hours=hours, issued_at=utcnow())
    try:
        with session.begin_nested():
            session.add(cert)
            session.flush()
    except IntegrityError:
        # Another request issued it at the same moment: keep theirs.
        session.expire(participant, ["certificate"])
        cert = session.scalar(select(Certificate).where(Certificate.participant_id == participant.id))
        if cert is None:
            raise
    participant.certificate = cert
    return cert


def verify_url(base_url: str, serial: str) -> str:
    return f"{base_url.rstrip('/')}/verify/{serial}"


def certificate_data(event: Event, participant: Participant, cert: Certificate, base_url: str) -> CertificateData:
    lang = event.certificate_language or "id"
    # Dated the last day of the event (when it is handed out), or the issue day if that was later.
    issued = cert.issued_at.astimezone(ZoneInfo(event.timezone)).date()
    day = max(issued, event.ends_on)
    issued_text = format_date(day, "long", locale="en" if lang == "en" else "id")
    if event.city:
        issued_text = f"{event.city}, {issued_text}"
    return CertificateData(full_name=participant.full_name, role=participant.role, hours=cert.hours,
                           serial=cert.serial, verify_url=verify_url(base_url, cert.serial), issued_on_text=issued_text)


def certificates_to_print(session: Session, event: Event, participants: list[Participant]) -> list[tuple[Participant, Eligibility]]:
    """The eligible ones among *participants* whose certificate is not revoked nor under review."""
    rows = eligibility_rows(session, event, participants)
    return [(r.participant, r.eligibility) for r in rows
            if r.eligibility.eligible and not (r.participant.certificate and (
                r.participant.certificate.revoked_at or r.participant.certificate.review_at))]


def prepare_certificates(session: Session, event: Event, chosen: list[tuple[Participant, Eligibility]], *,
                         base_url: str) -> list[CertificateData]:
    """Issue (the first time) the certificates of *chosen* (from `certificates_to_print`) and return
    what the renderer needs. The caller commits before rendering, so no write lock is held meanwhile."""
    certs = []
    for participant, elig in chosen:
        cert = issue_certificate(session, event, participant, elig.hours)
        certs.append(certificate_data(event, participant, cert, base_url))
    session.flush()
    return certs


def issued_certificate(event: Event, participant: Participant, eligibility: Eligibility, *,
                       base_url: str) -> CertificateData | None:
    """What the renderer needs for an already issued certificate, read only; None while it must first be
    issued (or its hours brought up to date) by `prepare_certificates` in a POST: a GET never issues."""
    cert = participant.certificate
    if cert is None or cert.revoked_at is not None or cert.review_at is not None:
        return None
    if eligibility.hours is not None and cert.hours != eligibility.hours:
        return None
    return certificate_data(event, participant, cert, base_url)


def render_certificate_pdf(event: Event, certs: list[CertificateData], *, upload_folder: str,
                           progress: Callable[[int, int], None] | None = None, processes: int = 1,
                           session: Session | None = None) -> bytes:
    """The certificates as one PDF. With *session* (a batch: the job, the CLI) their QR masks are looked up and
    kept (plm.qr_masks); a single certificate a request shows is encoded as it is."""
    from plm.documents.certificates import render_certificates

    searched = qr_masks.prepare(session, (c.verify_url for c in certs), processes=processes) if session else {}
    pdf = render_certificates(event_info(event, upload_folder), signatories_of(event, upload_folder), certs,
                              progress=progress, processes=processes)
    if session is not None:
        qr_masks.keep(session, searched)
    return pdf


def set_override(session: Session, event: Event, participant: Participant, value: bool | None, reason: str,
                 user: User | None) -> None:
    reason = (reason or "").strip()[:500]
    if value is not None and not reason:
        raise DocumentError("reason_required")
    before = participant.certificate_override
    participant.certificate_override = value
    participant.certificate_override_reason = reason if value is not None else ""
    audit(session, "certificate.override", user=user, event_id=event.id, target=participant,
          before=before, after=value, reason=reason)


def revoke(session: Session, event: Event, participant: Participant, reason: str, user: User | None) -> Certificate:
    reason = (reason or "").strip()[:500]
    cert = participant.certificate
    if cert is None:
        raise DocumentError("no_certificate")
    if cert.revoked_at is not None:
        raise DocumentError("already_revoked")
    if not reason:
        raise DocumentError("reason_required")
    cert.revoked_at = utcnow()
    cert.revoked_reason = reason
    audit(session, "certificate.revoke", user=user, event_id=event.id, target=cert, serial=cert.serial, reason=reason)
    return cert


def reinstate(session: Session, event: Event, participant: Participant, user: User | None) -> Certificate:
    """Make a revoked certificate, or one under review, valid again (an admin's decision, audited)."""
    cert = participant.certificate
    if cert is None or (cert.revoked_at is None and cert.review_at is None):
        raise DocumentError("not_revoked")
    audit(session, "certificate.reinstate", user=user, event_id=event.id, target=cert, serial=cert.serial,
          was_reason=cert.revoked_reason, was_review=cert.review_reason)
    cert.revoked_at = None
    cert.revoked_reason = ""
    cert.review_at = None
    cert.review_reason = ""
    return cert


def role_change_needs_admin(before: str, after: str) -> bool:
    """Facilitators and speakers get a certificate by role: moving someone into or out of those roles
    decides eligibility, so only an admin may do it (organisers may still switch participant/committee)."""
    return before != after and (before in LEADER_ROLES or after in LEADER_ROLES)


def review_after_role_change(session: Session, event: Event, participant: Participant, before: str,
                             user: User | None) -> Certificate | None:
    """After a role change: a valid certificate the participant no longer qualifies for is flagged for an
    admin's review (verify page: "under review"); one that qualifies again loses the flag."""
    cert = participant.certificate
    if cert is None or cert.revoked_at is not None:
        return None
    eligible = eligibility_for(session, event, participant).eligible
    if not eligible and cert.review_at is None:
        cert.review_at = utcnow()
        cert.review_reason = f"role {before} -> {participant.role}"[:500]
        audit(session, "certificate.review", user=user, event_id=event.id, target=cert, serial=cert.serial,
              reason=cert.review_reason)
    elif eligible and cert.review_at is not None:
        audit(session, "certificate.review_cleared", user=user, event_id=event.id, target=cert, serial=cert.serial,
              was_reason=cert.review_reason)
        cert.review_at = None
        cert.review_reason = ""
    return cert


def find_certificate(session: Session, serial: str) -> Certificate | None:
    serial = (serial or "").strip().upper()
    if not serial or len(serial) > 32:
        return None
    return session.scalar(select(Certificate).where(Certificate.serial == serial)
                          .options(selectinload(Certificate.participant).selectinload(Participant.event)))


# ---------------------------------------------------------------------------------------------
# Settings: rule, language, colours, signatories
# ---------------------------------------------------------------------------------------------

def save_signature(upload_folder: str, event: Event, data: bytes) -> str:
    """Re-encode an uploaded signature with Pillow (pixels only, PNG) under UPLOAD_FOLDER/signatures."""
    from plm.images import InvalidImage, reencode_png, store_upload

    if not data:
        raise DocumentError("signature_empty")
    if len(data) > MAX_SIGNATURE_BYTES:
        raise DocumentError("signature_too_large")
    try:
        png = reencode_png(data, SIGNATURE_BOX)
    except InvalidImage:
        raise DocumentError("signature_invalid")
    return store_upload(upload_folder, "signatures", event.slug, png)


def clean_colours(values: dict[str, Any]) -> dict[str, str]:
    result = {}
    for role in ParticipantRole:
        value = (values.get(role) or "").strip()
        if not value:
            continue
        colour = _valid_hex(value)
        if colour is None:
            raise DocumentError("bad_colour")
        result[role] = colour
    return result


def save_settings(session: Session, event: Event, data: dict[str, Any], signatories: list[dict],
                  user: User | None) -> None:
    """Apply the certificate rule, language, serial prefix, role colours and signatories; audited."""
    before = {"rule": rule_of(event), "language": event.certificate_language,
              "prefix": event.certificate_serial_prefix, "colours": dict(event.role_colours or {}),
              "signatories": list(event.signatories or [])}
    event.certificate_min_days = data.get("min_days") or None
    event.certificate_min_session_percent = data.get("min_session_percent") or None
    event.certificate_min_sessions = data.get("min_sessions") or None
    event.certificate_language = "en" if data.get("language") == "en" else "id"
    event.certificate_serial_prefix = (data.get("serial_prefix") or "PLM").upper()[:10]
    event.role_colours = clean_colours(data.get("colours") or {})
    event.signatories = [s for s in signatories if s.get("name")][:MAX_SIGNATORIES]
    audit(session, "certificate.settings", user=user, event_id=event.id, target=event, before=before,
          after={"rule": rule_of(event), "language": event.certificate_language,
                 "prefix": event.certificate_serial_prefix, "colours": event.role_colours,
                 "signatories": event.signatories})
