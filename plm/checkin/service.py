"""Check-in use cases: scan, undo, search, offline snapshot, live counts.

Plain functions over a database session; no Flask request state. The hot path
(`record_scan`) runs a handful of indexed statements and relies on the unique
constraints of `checkins` (participant+checkpoint, client_uuid) and `scan_log`
(client_uuid) with ``INSERT ... ON CONFLICT DO NOTHING`` for exactly-once under
races: two doors scanning one badge at the same instant get one ``ok`` and one
``already``, and a retried request gets the stored first answer.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, bindparam, case, func, select, update
from sqlalchemy.orm import Session

from plm import tickets
from plm.models import (
    AuditLog,
    CheckIn,
    Checkpoint,
    Event,
    EventSession,
    Participant,
    ScanLog,
    SessionSignup,
    User,
    audit,
    session_facilitators,
    utcnow,
)
from plm.text import clean_line, fold_for_search
from plm.vocabulary import NON_PROGRAMME_KINDS, CheckInSource, CheckpointKind, ParticipantStatus, Role


class Result(StrEnum):
    """What a scan's answer says happened (the JSON `result`)."""

    OK = "ok"
    ALREADY = "already"
    UNKNOWN = "unknown"
    INVALID = "invalid"
    CANCELLED = "cancelled"
    WRONG_EVENT = "wrong_event"
    NOT_SIGNED_UP = "not_signed_up"
    WRONG_DAY = "wrong_day"


# A bare public id (the "ticket number" printed under the QR) is a person typing it: accepted only from these
# staff entries (typed, walk-in, ticked off a signed paper sheet), never from a camera or a replayed camera scan, which must carry the full, verified code.
STAFF_ENTRY_SOURCES = (CheckInSource.MANUAL, CheckInSource.WALK_IN, CheckInSource.PAPER)
UNDO_WINDOW = timedelta(minutes=15)
# An offline scan may carry a time a little off the server clock (phones drift), either way.
FUTURE_SKEW = timedelta(minutes=5)
MAX_SCANNED = 200
PUBLIC_ID_RE = re.compile(r"^[A-Z2-9]{6,16}$")
CLIENT_UUID_RE = re.compile(r"^[A-Za-z0-9_.:-]{8,64}$")
# A checkpoint id sent as text: what the OpenAPI document allows (no zero, no leading zeros, ASCII digits only).
CHECKPOINT_ID_RE = re.compile(r"^[1-9][0-9]{0,8}\Z")


class CheckinError(ValueError):
    """A request that cannot be processed: `code` is the stable JSON error code."""

    def __init__(self, code: str, message: str = "", status: int = 422, field: str | None = None):
        super().__init__(message or code)
        self.code = code
        self.status = status
        self.field = field


@dataclass
class ScanRequest:
    code: str
    checkpoint_id: int
    client_uuid: str | None = None
    scanned_at: datetime | None = None
    device: str = ""
    source: str = CheckInSource.QR
    override: bool = False
    correction: bool = False


@lru_cache(maxsize=64)
def cached_event_key(app_secret: str, slug: str, version: int) -> bytes:
    """The per-event ticket key; derived once per process (it only changes with the version)."""
    return tickets.event_key(app_secret, slug, version)


def _insert(session: Session, table_model: Any):
    """An INSERT that does nothing on a unique conflict, for the database in use."""
    name = session.get_bind().dialect.name
    if name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    elif name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported
        raise RuntimeError(f"unsupported database {name}")
    return dialect_insert(table_model)


def iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z") if value else None


def local_hm(value: datetime | None, tz_name: str) -> str | None:
    return value.astimezone(ZoneInfo(tz_name)).strftime("%H:%M") if value else None


def participant_dict(p: Any) -> dict:
    """A participant as the API shows them; *p* is a Participant or a row with its columns (the scan's read)."""
    return {
        "id": p.public_id, "name": p.name_on_badge or p.full_name, "full_name": p.full_name,
        "institution": p.institution, "province": p.province, "role": p.role, "status": p.status,
    }


def parse_scanned_at(value: Any, now: datetime) -> datetime | None:
    """An ISO 8601 time with an offset (``Z`` allowed); none given means now."""
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > 40:
        raise CheckinError("invalid_field", "scanned_at must be an ISO 8601 time with a timezone", field="scanned_at")
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise CheckinError("invalid_field", "scanned_at must be an ISO 8601 time with a timezone", field="scanned_at")
    if parsed.tzinfo is None:
        raise CheckinError("invalid_field", "scanned_at needs a timezone offset", field="scanned_at")
    parsed = parsed.astimezone(UTC)
    if parsed > now + FUTURE_SKEW:
        raise CheckinError("invalid_field", "scanned_at is in the future", field="scanned_at")
    return min(parsed, now)


def parse_scan_body(body: Any, now: datetime | None = None) -> ScanRequest:
    """Validate the JSON body of POST /checkins; raises CheckinError with a stable code."""
    now = now or utcnow()
    if not isinstance(body, dict):
        raise CheckinError("invalid_body", "the body must be a JSON object", status=400)
    code = body.get("code", body.get("participant"))
    if not isinstance(code, str):
        raise CheckinError("invalid_field", "code must be a string", field="code")
    # Control characters (a NUL from a misconfigured wedge, stray escapes) are never part of a ticket, and
    # PostgreSQL refuses NUL in text: drop them so the scan is judged (and logged) on what is left.
    code = clean_line(code)
    if not code:
        raise CheckinError("invalid_field", "code is empty", field="code")
    if len(code) > MAX_SCANNED:
        raise CheckinError("invalid_field", f"code is longer than {MAX_SCANNED} characters", field="code")
    checkpoint = body.get("checkpoint")
    if isinstance(checkpoint, str) and CHECKPOINT_ID_RE.match(checkpoint):
        checkpoint = int(checkpoint)
    if not isinstance(checkpoint, int) or isinstance(checkpoint, bool) or not 0 < checkpoint < 2**31:
        raise CheckinError("invalid_field", "checkpoint must be a checkpoint id", field="checkpoint")
    client_uuid = body.get("client_uuid")
    if client_uuid is not None and (not isinstance(client_uuid, str) or not CLIENT_UUID_RE.match(client_uuid)):
        raise CheckinError("invalid_field", "client_uuid must be 8-64 letters, digits or dashes", field="client_uuid")
    device = body.get("device", "")
    if not isinstance(device, str) or len(device) > 60:
        raise CheckinError("invalid_field", "device must be a name of at most 60 characters", field="device")
    device = clean_line(device)
    try:
        source = CheckInSource(body.get("source", CheckInSource.QR)).value
    except ValueError:
        raise CheckinError("invalid_field", "source must be one of " + ", ".join(CheckInSource), field="source")
    override = body.get("override", False)
    if not isinstance(override, bool):
        raise CheckinError("invalid_field", "override must be true or false", field="override")
    correction = body.get("correction", False)
    if not isinstance(correction, bool):
        raise CheckinError("invalid_field", "correction must be true or false", field="correction")
    scanned_at = parse_scanned_at(body.get("scanned_at"), now)
    return ScanRequest(code=code, checkpoint_id=checkpoint, client_uuid=client_uuid, scanned_at=scanned_at,
                       device=" ".join(device.split()), source=source, override=override, correction=correction)


def _who(user: User | None) -> str:
    if user is None:
        return ""
    return user.full_name or user.email.split("@")[0]


_T_CP, _T_EV, _T_P = Checkpoint.__table__, Event.__table__, Participant.__table__
_T_S, _T_SU, _T_CI = EventSession.__table__, SessionSignup.__table__, CheckIn.__table__
_T_U, _T_LOG = User.__table__, ScanLog.__table__

# The hot path's one read: checkpoint + event (by slug) + participant (by public id) + whether they signed
# up for the session + their existing check-in here (and who made it) + a stored answer for this client_uuid
# in this event (unique per event), with the account that got it.
# Built once, so SQLAlchemy compiles it once; parameters: cp, slug, pid, uuid.
_SCAN_READ = (
    select(
        _T_CP.c.id, _T_CP.c.kind, _T_CP.c.session_id, _T_CP.c.day, _T_EV.c.id.label("event_id"), _T_EV.c.slug,
        _T_EV.c.timezone, _T_EV.c.ticket_key_version, _T_EV.c.registration_opens_at, _T_EV.c.created_at,
        _T_P.c.id.label("pid"), _T_P.c.public_id, _T_P.c.full_name, _T_P.c.name_on_badge, _T_P.c.institution,
        _T_P.c.province, _T_P.c.role, _T_P.c.status, _T_P.c.ticket_secret,
        _T_S.c.signup_required, _T_S.c.starts_at.label("session_starts_at"), _T_SU.c.id.label("signup_id"),
        _T_CI.c.id.label("checkin_id"), _T_CI.c.checked_in_at, _T_CI.c.device.label("checkin_device"),
        _T_U.c.full_name.label("user_name"), _T_U.c.email.label("user_email"),
        _T_LOG.c.response.label("stored"), _T_LOG.c.user_id.label("stored_user"),
    )
    .select_from(
        _T_CP.join(_T_EV, and_(_T_EV.c.id == _T_CP.c.event_id, _T_EV.c.slug == bindparam("slug")))
        .outerjoin(_T_P, and_(_T_P.c.public_id == bindparam("pid"), _T_P.c.event_id == _T_EV.c.id))
        .outerjoin(_T_S, _T_S.c.id == _T_CP.c.session_id)
        .outerjoin(_T_SU, and_(_T_SU.c.session_id == _T_CP.c.session_id, _T_SU.c.participant_id == _T_P.c.id))
        .outerjoin(_T_CI, and_(_T_CI.c.participant_id == _T_P.c.id, _T_CI.c.checkpoint_id == _T_CP.c.id))
        .outerjoin(_T_U, _T_U.c.id == _T_CI.c.user_id)
        .outerjoin(_T_LOG, and_(_T_LOG.c.event_id == _T_EV.c.id, _T_LOG.c.client_uuid == bindparam("uuid")))
    )
    .where(_T_CP.c.id == bindparam("cp"))
)
_EXISTING = (
    select(_T_CI.c.id, _T_CI.c.checked_in_at, _T_CI.c.device, _T_U.c.full_name, _T_U.c.email)
    .select_from(_T_CI.outerjoin(_T_U, _T_U.c.id == _T_CI.c.user_id))
    .where(_T_CI.c.participant_id == bindparam("participant_id"), _T_CI.c.checkpoint_id == bindparam("checkpoint_id"))
)
_EARLIER = (
    update(_T_CI)
    .where(_T_CI.c.participant_id == bindparam("p_id"), _T_CI.c.checkpoint_id == bindparam("c_id"),
           _T_CI.c.checked_in_at > bindparam("at", type_=CheckIn.checked_in_at.type))
    .values(checked_in_at=bindparam("new_at", type_=CheckIn.checked_in_at.type), device=bindparam("new_device"),
            user_id=bindparam("new_user"))
)
_STORED = select(_T_LOG.c.response, _T_LOG.c.user_id).where(
    _T_LOG.c.event_id == bindparam("event_id"), _T_LOG.c.client_uuid == bindparam("uuid"))
_STORED_BY_SLUG = (select(_T_LOG.c.response, _T_LOG.c.user_id).join(_T_EV, _T_EV.c.id == _T_LOG.c.event_id)
                   .where(_T_EV.c.slug == bindparam("slug"), _T_LOG.c.client_uuid == bindparam("uuid")))
_INSERTS: dict[str, tuple] = {}
# SQLite has one writer at a time and its busy handler sleeps 1, 2, 5, 10... ms between retries: threads of
# one process queue here instead (woken at once), which keeps the door's p99 low. PostgreSQL needs no lock.
_SQLITE_WRITE_LOCK = threading.Lock()


class _NoLock:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


_NO_LOCK = _NoLock()


def _write_lock(session: Session):
    return _SQLITE_WRITE_LOCK if session.get_bind().dialect.name == "sqlite" else _NO_LOCK


def _inserts(session: Session) -> tuple:
    """(check-in insert, scan-log insert): INSERT ... ON CONFLICT DO NOTHING RETURNING id, per dialect."""
    name = session.get_bind().dialect.name
    if name not in _INSERTS:
        _INSERTS[name] = (
            _insert(session, _T_CI).on_conflict_do_nothing().returning(_T_CI.c.id),
            _insert(session, _T_LOG).on_conflict_do_nothing().returning(_T_LOG.c.id),
        )
    return _INSERTS[name]


def _name(full_name: str | None, email: str | None) -> str:
    return full_name or (email or "").split("@")[0]


def _stored_answer(stored: dict | None, stored_user: int | None, user_id: int | None) -> dict | None:
    """A retried client_uuid's first answer, for the caller who got it; another account's uuid is refused."""
    if stored is None:
        return None
    if stored_user != user_id:
        raise CheckinError("client_uuid_conflict", "this client_uuid was used by another account", status=409,
                           field="client_uuid")
    return stored


def checkpoint_day(row: Any) -> date | None:
    """The day a checkpoint belongs to, in the event's timezone: the door's day, or the session's."""
    if row.kind == CheckpointKind.DAY:
        return row.day
    if row.session_starts_at is not None:
        return row.session_starts_at.astimezone(ZoneInfo(row.timezone)).date()
    return None


def day_margin(config: Mapping[str, Any]) -> timedelta | None:
    """The wrong-day rule's margin (CHECKIN_DAY_MARGIN_HOURS; None switches it off): the door's API and the
    attendance taps (plm.attendance) judge days alike."""
    hours = config.get("CHECKIN_DAY_MARGIN_HOURS")
    return None if hours is None else timedelta(hours=float(hours))


def outside_day(day: date, when: datetime, tz_name: str, margin: timedelta) -> bool:
    """True when *when* is outside *day* (midnight to midnight in the event's timezone) widened by *margin*."""
    tz = ZoneInfo(tz_name)
    start = datetime.combine(day, time(0), tz) - margin
    end = datetime.combine(day + timedelta(days=1), time(0), tz) + margin
    return not start <= when < end


def _facilitator_may_use(session: Session, user: User, event_id: int, checkpoint_id: int) -> bool:
    allowed = facilitator_checkpoint_ids(session, event_id, user)
    return allowed is None or checkpoint_id in allowed


def record_scan(session: Session, app_secret: str, event_slug: str, scan: ScanRequest,
                user: User | None, day_margin: timedelta | None = None) -> tuple[dict, bool]:
    """Judge one scan, record the check-in when it is new, log the attempt. Returns (answer, replayed).

    Reads top to bottom like pretix's ``perform_checkin``: the request is refused (CheckinError) for an
    unknown checkpoint, a facilitator outside their sessions, a client_uuid of another account or a
    scanned_at before the event; then the ticket is judged rule by rule, the first failing rule being the
    answer (`_judge`). Commits. Idempotent per (event, ``client_uuid``) and caller: a retried request gets
    the stored first answer. An ok scan costs one SELECT and two INSERTs; two doors racing for one badge
    are settled by the unique constraint. With *day_margin* set, a scan outside the checkpoint's day (± the
    margin) is ``wrong_day`` unless ``scan.correction`` says a staff member records it on purpose.
    """
    slug = event_slug.lower()
    ticket = _read_ticket(scan, slug)
    user_id = user.id if user is not None else None
    conn = session.connection()
    row = conn.execute(_SCAN_READ, {"cp": scan.checkpoint_id, "slug": slug, "pid": ticket.public_id,
                                    "uuid": scan.client_uuid}).first()
    if row is None:
        return _replay_or_unknown_checkpoint(conn, slug, scan.client_uuid, user_id)
    if user is not None and user.role == Role.FACILITATOR and not _facilitator_may_use(session, user, row.event_id, row.id):
        raise CheckinError("forbidden_checkpoint", "facilitators check in only at their own sessions", status=403,
                           field="checkpoint")
    replay = _stored_answer(row.stored, row.stored_user, user_id)
    if replay is not None:
        return replay, True
    now = utcnow()
    attempt = _Attempt(scan=scan, row=row, user_id=user_id, device=(scan.device or _who(user))[:60],
                       scanned_at=_scanned_at(scan, row, now), now=now)
    try:
        _judge(session, app_secret, ticket, attempt, day_margin)
    except _Refused as refused:
        attempt.extra.update(refused.extra)
        with _write_lock(session):
            return _log_and_answer(session, conn, attempt, refused.result)
    with _write_lock(session):
        return _check_in(session, conn, attempt)


class _Refused(Exception):
    """The first rule a scan fails: its result code and the answer's extra fields."""

    def __init__(self, result: Result, **extra: Any):
        super().__init__(result)
        self.result = result
        self.extra = extra


@dataclass(frozen=True, slots=True)
class _Ticket:
    """What the scanned text says before the database is asked: whom to look up, and what is wrong already."""

    public_id: str | None = None
    code: tickets.TicketCode | None = None  # a full code, its MAC still to verify
    refused: _Refused | None = None  # wrong from the text alone
    other_event: bool = False  # a code of another event: wrong_event when it is genuine there


def _read_ticket(scan: ScanRequest, slug: str) -> _Ticket:
    """Parse the scanned text: a full code of this event, of another one, or a bare public id typed by staff."""
    upper = scan.code.strip().upper()
    if not upper.startswith(tickets.PREFIX + ":") and PUBLIC_ID_RE.match(upper):
        if scan.source in STAFF_ENTRY_SOURCES:
            return _Ticket(public_id=upper)
        # A ticket number without its MAC, from a camera: the code was cut or stripped.
        return _Ticket(refused=_Refused(Result.INVALID, reason="public_id_needs_manual"))
    try:
        code = tickets.parse_code(scan.code)
    except tickets.TicketFormatError:
        return _Ticket(refused=_Refused(Result.INVALID))
    if code.event_slug != slug.upper():
        return _Ticket(code=code, other_event=True)
    return _Ticket(public_id=code.public_id, code=code)


@dataclass(slots=True)
class _Attempt:
    """One scan past the request checks: what `_judge` learns and what is written and answered."""

    scan: ScanRequest
    row: Any  # the _SCAN_READ row: checkpoint, event, participant, sign-up, existing check-in
    user_id: int | None
    device: str
    scanned_at: datetime
    now: datetime
    participant: dict | None = None
    participant_id: int | None = None
    extra: dict = field(default_factory=dict)  # more answer fields: reason, day, correction, override


def _replay_or_unknown_checkpoint(conn: Any, slug: str, client_uuid: str | None,
                                  user_id: int | None) -> tuple[dict, bool]:
    """No such checkpoint in this event: a retry's stored answer still stands (the checkpoint may be gone)."""
    if client_uuid:
        stored = conn.execute(_STORED_BY_SLUG, {"slug": slug, "uuid": client_uuid}).first()
        if stored is not None:
            return _stored_answer(stored[0], stored[1], user_id), True
    raise CheckinError("unknown_checkpoint", "no such checkpoint in this event", status=422, field="checkpoint")


def _scanned_at(scan: ScanRequest, row: Any, now: datetime) -> datetime:
    """When the scan happened: the door's time (not before registration opened, or the event was made), else now."""
    if scan.scanned_at is None:
        return now
    opened = min(t for t in (row.registration_opens_at or row.created_at, now) if t is not None)
    if scan.scanned_at < opened - FUTURE_SKEW:  # FUTURE_SKEW: a phone's clock error
        raise CheckinError("invalid_field", "scanned_at is before the event's registration opened", field="scanned_at")
    return scan.scanned_at


def _judge(session: Session, app_secret: str, ticket: _Ticket, attempt: _Attempt,
           day_margin: timedelta | None) -> None:
    """The rules in order; raises _Refused at the first that fails, and fills in the participant on the way."""
    row, scan = attempt.row, attempt.scan
    if ticket.refused is not None:
        raise ticket.refused
    if ticket.other_event:
        attempt.participant = _wrong_event_participant(session, app_secret, ticket.code)
        raise _Refused(Result.WRONG_EVENT)
    if row.pid is None:
        raise _Refused(Result.UNKNOWN)
    if ticket.code is not None and not tickets.verify(
            cached_event_key(app_secret, row.slug, row.ticket_key_version or 1), ticket.code, row.ticket_secret):
        raise _Refused(Result.INVALID)
    attempt.participant_id = row.pid
    attempt.participant = participant_dict(row)
    if row.status == ParticipantStatus.CANCELLED:
        raise _Refused(Result.CANCELLED)
    if row.status != ParticipantStatus.REGISTERED:
        raise _Refused(Result.INVALID, reason=row.status)  # e.g. still on the waiting list
    day = checkpoint_day(row) if day_margin is not None else None
    if day is not None and outside_day(day, attempt.scanned_at, row.timezone, day_margin):
        if not scan.correction:
            raise _Refused(Result.WRONG_DAY, day=day.isoformat())
        attempt.extra["correction"] = True
    if row.kind == CheckpointKind.SESSION and row.signup_required and row.signup_id is None and not scan.override:
        raise _Refused(Result.NOT_SIGNED_UP)


def _wrong_event_participant(session: Session, app_secret: str, code: tickets.TicketCode | None) -> dict:
    """The holder of a valid ticket of another event, for the ``wrong_event`` answer; a forged one is invalid."""
    other = _other_event_participant(session, app_secret, code) if code is not None else None
    if other is None:
        raise _Refused(Result.INVALID)
    return {"id": other.public_id, "name": other.name_on_badge or other.full_name}


def _check_in(session: Session, conn: Any, attempt: _Attempt) -> tuple[dict, bool]:
    """Insert the check-in once (ON CONFLICT DO NOTHING): ``ok`` when it is new, else ``already``."""
    row, scan = attempt.row, attempt.scan
    if scan.override:
        attempt.extra["override"] = True
    inserted = None
    if row.checkin_id is None:
        insert_checkin, _ = _inserts(session)
        inserted = conn.execute(insert_checkin, {
            "participant_id": attempt.participant_id, "checkpoint_id": row.id, "checked_in_at": attempt.scanned_at,
            "user_id": attempt.user_id, "device": attempt.device, "source": scan.source,
            "client_uuid": scan.client_uuid, "correction": bool(attempt.extra.get("correction")),
            "created_at": attempt.now}).scalar()
    if inserted is not None:
        if attempt.extra.get("correction"):
            _audit_correction(session, attempt, inserted)
        return _log_and_answer(session, conn, attempt, Result.OK, inserted, attempt.scanned_at, attempt.device)
    existing = (row.checkin_id, row.checked_in_at, row.checkin_device, row.user_name, row.user_email)
    if row.checkin_id is None:  # another door won the race a moment ago
        first = conn.execute(_EXISTING, {"participant_id": attempt.participant_id, "checkpoint_id": row.id}).first()
        if first is None:  # no: this client_uuid is taken at this checkpoint (a retry racing its first try)
            session.rollback()
            return _stored_or_conflict(session, row.event_id, scan.client_uuid, attempt.user_id)
        existing = tuple(first)
    checkin_id, checked_at = existing[0], existing[1]
    by = existing[2] or _name(existing[3], existing[4])
    if scan.scanned_at is not None and checked_at is not None and scan.scanned_at < checked_at:
        # Offline replays: the earliest record of this person at this checkpoint wins.
        changed = conn.execute(_EARLIER, {"p_id": attempt.participant_id, "c_id": row.id, "at": scan.scanned_at,
                                          "new_at": scan.scanned_at, "new_device": attempt.device,
                                          "new_user": attempt.user_id})
        if changed.rowcount:
            checked_at, by = scan.scanned_at, attempt.device
    return _log_and_answer(session, conn, attempt, Result.ALREADY, checkin_id, checked_at, by)


def _audit_correction(session: Session, attempt: _Attempt, checkin_id: int) -> None:
    """A check-in recorded outside its day on purpose is audited: who, when, for whom."""
    session.add(AuditLog(action="checkin.correction", user_id=attempt.user_id, event_id=attempt.row.event_id,
                         target_type="checkin", target_id=checkin_id, detail={
                             "checkpoint": attempt.row.id,
                             "participant": attempt.participant["id"] if attempt.participant else None,
                             "scanned_at": iso(attempt.scanned_at), "device": attempt.device,
                             "source": attempt.scan.source}))


def _log_and_answer(session: Session, conn: Any, attempt: _Attempt, result: Result, checkin_id: int | None = None,
                    checked_at: datetime | None = None, by: str = "") -> tuple[dict, bool]:
    """Log the scan with its answer, once per client_uuid (a racing retry gets the first answer), and commit."""
    row, scan = attempt.row, attempt.scan
    answer = {
        "result": result.value, "participant": attempt.participant,
        "checked_in_at": iso(checked_at), "checked_in_local": local_hm(checked_at, row.timezone),
        "by": by or None, "checkin_id": checkin_id, "checkpoint": row.id, **attempt.extra,
    }
    _, insert_log = _inserts(session)
    logged = conn.execute(insert_log, {
        "event_id": row.event_id, "checkpoint_id": row.id, "participant_id": attempt.participant_id,
        "user_id": attempt.user_id, "device": attempt.device, "scanned": scan.code[:MAX_SCANNED],
        "result": result.value, "client_uuid": scan.client_uuid, "response": answer, "created_at": attempt.now}).scalar()
    if logged is None:  # the same client_uuid raced us: its first answer stands
        session.rollback()
        return _stored_or_conflict(session, row.event_id, scan.client_uuid, attempt.user_id)
    session.commit()
    return answer, False


def _stored_or_conflict(session: Session, event_id: int, client_uuid: str | None,
                        user_id: int | None) -> tuple[dict, bool]:
    """After losing a race on a client_uuid: the winner's answer (same caller), else a 409."""
    stored = session.connection().execute(_STORED, {"event_id": event_id, "uuid": client_uuid}).first()
    answer = _stored_answer(stored[0], stored[1], user_id) if stored is not None else None
    if answer is None:
        raise CheckinError("client_uuid_conflict", "this client_uuid is already in use", status=409, field="client_uuid")
    return answer, True


def _other_event_participant(session: Session, app_secret: str, code: tickets.TicketCode) -> Participant | None:
    """The participant a valid ticket of another event belongs to (for 'wrong_event'), else None."""
    other = session.scalar(select(Event).where(Event.slug == code.event_slug.lower()))
    if other is None:
        return None
    participant = session.scalar(
        select(Participant).where(Participant.public_id == code.public_id, Participant.event_id == other.id))
    key = cached_event_key(app_secret, other.slug, other.ticket_key_version or 1)
    if participant is not None and tickets.verify(key, code, participant.ticket_secret):
        return participant
    return None


class UndoError(CheckinError):
    pass


def undo_checkin(session: Session, event: Event, checkin_id: int, user: User, now: datetime | None = None,
                 override_reason: str = "") -> dict:
    """Remove a mistaken check-in: its scanning staff within 15 minutes, admins always. Audited.
    A door day whose allowance was already paid is not undone, unless an admin overrides it with a reason."""
    now = now or utcnow()
    row = session.execute(
        select(CheckIn, Checkpoint).join(Checkpoint, Checkpoint.id == CheckIn.checkpoint_id)
        .where(CheckIn.id == checkin_id, Checkpoint.event_id == event.id)
    ).first()
    if row is None:
        raise UndoError("not_found", "no such check-in in this event", status=404)
    checkin, checkpoint = row
    if user.role != Role.ADMIN:
        if checkin.user_id != user.id:
            raise UndoError("undo_not_allowed", "only the staff member who scanned can undo this check-in", status=403)
        if now - checkin.created_at > UNDO_WINDOW:
            raise UndoError("undo_window_passed", "check-ins can be undone within 15 minutes; ask an admin", status=403)
    if checkpoint.kind == "day":
        _refuse_if_paid(session, event, checkin, user, override_reason)
    participant = session.get(Participant, checkin.participant_id)
    detail = {
        "participant": participant.public_id if participant else None, "checkpoint": checkpoint.id,
        "checkpoint_name": checkpoint.name, "checked_in_at": iso(checkin.checked_in_at), "device": checkin.device,
        "scanned_by_user_id": checkin.user_id, "client_uuid": checkin.client_uuid,
    }
    audit(session, "checkin.undo", user=user, event_id=event.id, target=checkin, **detail)
    session.add(ScanLog(event_id=event.id, checkpoint_id=checkpoint.id,
                        participant_id=checkin.participant_id, user_id=user.id, device="",
                        scanned=f"undo #{checkin.id}", result="undone", created_at=now))
    session.delete(checkin)
    return {"undone": checkin_id, **detail}


def _refuse_if_paid(session: Session, event: Event, checkin: CheckIn, user: User, override_reason: str) -> None:
    """Before payment the day's allowance simply goes with the check-in (it is computed from attendance);
    after payment the receipt is signed for that day, so only an admin, with a reason, may take it back."""
    from plm.allowances.service import paid_allowance

    paid = paid_allowance(session, checkin.participant_id)
    if paid is None:
        return
    reason = " ".join(str(override_reason or "").split())[:500]
    if not reason:
        raise UndoError("allowance_paid", "this day's allowance was already paid; an admin can undo it with a reason",
                        status=409)
    if user.role != "admin":
        raise UndoError("override_admin_only", "only an admin can undo a paid day", status=403)
    audit(session, "allowances.undo_after_payment", user=user, event_id=event.id, target=paid,
          checkin=checkin.id, serial=paid.serial, reason=reason)


def match_rank(query: str, full_name: str, badge_name: str) -> int:
    """How well a door search matches, best first; the door's offline search (static/js/door/judge.js) ranks the same way.

    0: a name starts with the query; 1: every query word starts a word of a name; 2: every query word is
    inside a name; 3: found elsewhere (institution). Both sides folded with `fold_for_search`.
    """
    q = fold_for_search(query)
    names = [fold_for_search(full_name), fold_for_search(badge_name)]
    if any(n.startswith(q) for n in names if n):
        return 0
    words = q.split()
    tokens = " ".join(names).split()
    if all(any(t.startswith(w) for t in tokens) for w in words):
        return 1
    joined = " ".join(names)
    if all(w in joined for w in words):
        return 2
    return 3


# Enough candidates that the best matches are among them before they are ranked in Python.
SEARCH_CANDIDATES = 200


def search_participants(session: Session, event: Event, query: str, checkpoint: Checkpoint | None = None,
                        limit: int = 20) -> list[dict]:
    """Name/institution search at the door: accent- and case-insensitive, every word must match.

    Ranked by `match_rank` (name start, word start, inside a name, institution), then by name, so
    "made" lists the Mades before someone from "Perpustakaan Madenan".
    """
    folded = fold_for_search(clean_line(query))
    words = folded.split()[:5]
    conditions = [Participant.event_id == event.id]
    for word in words:
        conditions.append(Participant.search_text.like(f"%{_like_escape(word)}%", escape="\\"))
    # search_text starts with the folded full name: a coarse rank in SQL picks the candidates.
    first = _like_escape(words[0]) if words else ""
    coarse = case((Participant.search_text.like(f"{first}%", escape="\\"), 0),
                  (Participant.search_text.like(f"% {first}%", escape="\\"), 1), else_=2)
    rows = session.scalars(
        select(Participant).where(*conditions).order_by(coarse, Participant.full_name, Participant.id)
        .limit(SEARCH_CANDIDATES)).all()
    rows = sorted(rows, key=lambda p: (match_rank(folded, p.full_name, p.name_on_badge), fold_for_search(p.full_name),
                                       p.public_id))[:limit]
    checked: dict[int, CheckIn] = {}
    if checkpoint is not None and rows:
        for c in session.scalars(select(CheckIn).where(
                CheckIn.checkpoint_id == checkpoint.id, CheckIn.participant_id.in_([p.id for p in rows]))):
            checked[c.participant_id] = c
    out = []
    for p in rows:
        item = participant_dict(p)
        c = checked.get(p.id)
        item["checked_in_at"] = iso(c.checked_in_at) if c else None
        item["checked_in_local"] = local_hm(c.checked_in_at, event.timezone) if c else None
        out.append(item)
    return out


def _like_escape(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def snapshot(session: Session, app_secret: str, event: Event, checkpoint: Checkpoint | None) -> dict:
    """What a door needs offline: participants and the digests of every valid code, no secret.

    Codes are validated offline by hashing the scanned text (``tickets.code_digest``) and
    looking the digest up; an unknown digest with this event's prefix is 'invalid'.
    """
    key = cached_event_key(app_secret, event.slug, event.ticket_key_version or 1)
    rows = session.execute(
        select(Participant.id, Participant.public_id, Participant.full_name, Participant.name_on_badge,
               Participant.institution, Participant.province, Participant.status, Participant.role,
               Participant.ticket_secret)
        # Pending (waiting for approval) people have no ticket yet: the door does not know them.
        .where(Participant.event_id == event.id, Participant.status != ParticipantStatus.PENDING).order_by(Participant.id)
    ).all()
    checked: dict[int, datetime] = {}
    signed: set[int] | None = None
    if checkpoint is not None:
        checked = dict(session.execute(
            select(CheckIn.participant_id, CheckIn.checked_in_at).where(CheckIn.checkpoint_id == checkpoint.id)).all())
        if checkpoint.kind == CheckpointKind.SESSION and checkpoint.session is not None and checkpoint.session.signup_required:
            signed = set(session.scalars(select(SessionSignup.participant_id).where(
                SessionSignup.session_id == checkpoint.session_id)))
    status_code = {ParticipantStatus.REGISTERED: "r", ParticipantStatus.WAITLISTED: "w", ParticipantStatus.CANCELLED: "c"}
    people = []
    for row in rows:
        code = tickets.make_code(key, event.slug, row.public_id, row.ticket_secret)
        entry = [row.public_id, row.name_on_badge or row.full_name, row.institution, row.province,
                 status_code.get(row.status, "w"), tickets.code_digest(code)]
        at = checked.get(row.id)
        entry.append(local_hm(at, event.timezone) if at else "")
        entry.append(row.full_name)
        if signed is not None:
            entry.append(1 if row.id in signed else 0)
        people.append(entry)
    return {
        "event": event.slug, "prefix": f"{tickets.PREFIX}:{event.slug.upper()}:",
        "checkpoint": checkpoint.id if checkpoint else None,
        "signup_required": signed is not None,
        "fields": ["id", "name", "institution", "province", "status", "digest", "checked_in_local", "full_name"]
                  + (["signed_up"] if signed is not None else []),
        "digest": "sha256(upper(trim(code)))[:16] hex",
        "participants": people,
        "generated_at": iso(utcnow()),
    }


def snapshot_etag(session: Session, event: Event, checkpoint: Checkpoint | None) -> str:
    """Cheap validator: changes when participants, check-ins at the checkpoint or the key change."""
    p = session.execute(select(func.count(Participant.id), func.max(Participant.updated_at))
                        .where(Participant.event_id == event.id)).first()
    c = (0, None, 0)
    s = (0,)
    if checkpoint is not None:
        c = session.execute(select(func.count(CheckIn.id), func.max(CheckIn.checked_in_at), func.max(CheckIn.id))
                            .where(CheckIn.checkpoint_id == checkpoint.id)).first()
        if checkpoint.kind == CheckpointKind.SESSION:
            s = session.execute(select(func.count(SessionSignup.id)).where(
                SessionSignup.session_id == checkpoint.session_id)).first()
    raw = json.dumps([event.id, event.ticket_key_version, list(map(str, p)), list(map(str, c)), list(map(str, s)),
                      checkpoint.id if checkpoint else None])
    return 'W/"' + hashlib.sha256(raw.encode()).hexdigest()[:24] + '"'


def ensure_session_checkpoints(session: Session, event: Event) -> None:
    """A checkpoint per programme session (not breaks or the registration desk). Called where the schedule
    changes (a saved session, an import, the demo), never while a page is read."""
    existing = set(session.scalars(select(Checkpoint.session_id).where(
        Checkpoint.event_id == event.id, Checkpoint.kind == CheckpointKind.SESSION)))
    missing = session.scalars(select(EventSession).where(
        EventSession.event_id == event.id, EventSession.kind.not_in(NON_PROGRAMME_KINDS),
        EventSession.id.not_in(existing) if existing else True)).all()
    for s in missing:
        session.add(Checkpoint(event_id=event.id, kind=CheckpointKind.SESSION, session_id=s.id, name=s.title[:300]))
    if missing:
        session.flush()


def checkpoints_for(session: Session, event: Event) -> list[Checkpoint]:
    """Day checkpoints (by day) then session checkpoints (by start time). Reads only: they are made when the
    event's days or its schedule change (plm/admin/service.py, plm/schedule/service.py)."""
    days = session.scalars(select(Checkpoint).where(Checkpoint.event_id == event.id, Checkpoint.kind == CheckpointKind.DAY)
                           .order_by(Checkpoint.day)).all()
    sessions = session.scalars(
        select(Checkpoint).join(EventSession, EventSession.id == Checkpoint.session_id)
        .where(Checkpoint.event_id == event.id, Checkpoint.kind == CheckpointKind.SESSION, EventSession.cancelled_at.is_(None))
        .order_by(EventSession.starts_at, EventSession.id)).all()
    return [*days, *sessions]


def stats(session: Session, event: Event, now: datetime | None = None) -> dict:
    """Counts per checkpoint, arrivals per 10 minutes, per province and institution type, last scans."""
    now = now or utcnow()
    registered = session.scalar(select(func.count(Participant.id)).where(
        Participant.event_id == event.id, Participant.status == ParticipantStatus.REGISTERED)) or 0
    checkpoints = _checkpoint_counts(session, event, registered)
    current = _current_day(checkpoints, now.astimezone(ZoneInfo(event.timezone)).date())
    arrivals: list[dict] = []
    provinces: list[dict] = []
    types: list[dict] = []
    if current is not None:
        arrivals = _arrivals(session, event, current["id"])
        provinces = [{"province": value or "-", "expected": expected, "checked_in": checked}
                     for value, expected, checked in _registered_by(session, event, current["id"], Participant.province,
                                                                    busiest_first=True)]
        types = [{"institution_type": value, "expected": expected, "checked_in": checked}
                 for value, expected, checked in _registered_by(session, event, current["id"],
                                                                Participant.institution_type)]
    return {
        "event": event.slug, "generated_at": iso(now), "registered": registered,
        "current_day": current, "checkpoints": checkpoints, "arrivals": arrivals,
        "provinces": provinces, "institution_types": types, "last_scans": _last_scans(session, event),
    }


def _checkpoint_counts(session: Session, event: Event, registered: int) -> list[dict]:
    """Every checkpoint with its check-ins and whom it expects: the registered (a day), the signed-up or
    the room's capacity (a session)."""
    counts = dict(session.execute(
        select(CheckIn.checkpoint_id, func.count(CheckIn.id)).join(Checkpoint, Checkpoint.id == CheckIn.checkpoint_id)
        .where(Checkpoint.event_id == event.id).group_by(CheckIn.checkpoint_id)).all())
    signups = dict(session.execute(
        select(SessionSignup.session_id, func.count(SessionSignup.id)).join(
            EventSession, EventSession.id == SessionSignup.session_id)
        .where(EventSession.event_id == event.id).group_by(SessionSignup.session_id)).all())
    tz = ZoneInfo(event.timezone)
    out = []
    for cp in checkpoints_for(session, event):
        checked = counts.get(cp.id, 0)
        s = cp.session
        if cp.kind == CheckpointKind.DAY:
            expected, label = registered, cp.day.isoformat() if cp.day else cp.name
        else:
            expected = signups.get(cp.session_id) if s is not None and s.signup_required else (s.capacity if s else None)
            label = cp.name
        out.append({
            "id": cp.id, "kind": cp.kind, "name": label, "day": cp.day.isoformat() if cp.day else None,
            "starts_at": iso(s.starts_at) if s else None,
            "starts_local": s.starts_at.astimezone(tz).strftime("%d/%m %H:%M") if s else None,
            "room": s.room.name if s and s.room else None,
            "checked_in": checked, "expected": expected,
            "percent": round(100 * checked / expected, 1) if expected else None,
        })
    return out


def _current_day(checkpoints: list[dict], today: date) -> dict | None:
    """Today's day checkpoint; else the latest day with check-ins; else the first day."""
    days = [c for c in checkpoints if c["kind"] == CheckpointKind.DAY]
    current = next((c for c in days if c["day"] == today.isoformat()), None)
    if current is None and days:
        with_data = [c for c in days if c["checked_in"]]
        current = with_data[-1] if with_data else days[0]
    return current


def _arrivals(session: Session, event: Event, checkpoint_id: int) -> list[dict]:
    """Check-ins per 10 minutes of the event's local time."""
    tz = ZoneInfo(event.timezone)
    buckets: dict[str, int] = {}
    for t in session.scalars(select(CheckIn.checked_in_at).where(CheckIn.checkpoint_id == checkpoint_id)):
        local = t.astimezone(tz)
        key = f"{local.hour:02d}:{local.minute // 10 * 10:02d}"
        buckets[key] = buckets.get(key, 0) + 1
    return [{"slot": k, "count": v} for k, v in sorted(buckets.items())]


def _registered_by(session: Session, event: Event, checkpoint_id: int, column: Any,
                   busiest_first: bool = False) -> list[Any]:
    """(value, registered, checked in at the checkpoint) per value of a participant column, by value;
    *busiest_first*: most checked in first (the long province list is read from the top)."""
    checked = func.count(CheckIn.id)
    order = (checked.desc(), column) if busiest_first else (column,)
    return session.execute(
        select(column, func.count(Participant.id), checked)
        .select_from(Participant)
        .outerjoin(CheckIn, and_(CheckIn.participant_id == Participant.id, CheckIn.checkpoint_id == checkpoint_id))
        .where(Participant.event_id == event.id, Participant.status == ParticipantStatus.REGISTERED)
        .group_by(column).order_by(*order)).all()


def _last_scans(session: Session, event: Event) -> list[dict]:
    """The ten latest scans; a wrong-event scan shows no one (the ticket holder is another event's)."""
    rows = session.execute(
        select(ScanLog, Participant.full_name, Participant.public_id)
        .outerjoin(Participant, Participant.id == ScanLog.participant_id)
        .where(ScanLog.event_id == event.id).order_by(ScanLog.id.desc()).limit(10)).all()
    return [{
        "at": iso(log.created_at), "local": local_hm(log.created_at, event.timezone), "result": log.result,
        "name": name if log.result != Result.WRONG_EVENT else None,
        "participant": public_id if log.result != Result.WRONG_EVENT else None,
        "checkpoint": log.checkpoint_id, "by": log.device,
    } for log, name, public_id in rows]


def facilitator_checkpoint_ids(session: Session, event_id: int, user: User) -> set[int] | None:
    """The checkpoints a facilitator may use: their own sessions'. None: no limit (organizers, admins)."""
    if user.role != Role.FACILITATOR:
        return None
    from plm.schedule.service import leader_ids_for_user

    event = session.get(Event, event_id)
    mine = leader_ids_for_user(session, event, user) if event is not None else set()
    if not mine:
        return set()
    return set(session.scalars(
        select(Checkpoint.id).join(session_facilitators, session_facilitators.c.session_id == Checkpoint.session_id)
        .where(Checkpoint.event_id == event_id, Checkpoint.kind == CheckpointKind.SESSION,
               session_facilitators.c.participant_id.in_(mine))))


def checkpoints_for_user(session: Session, event: Event, user: User) -> list[Checkpoint]:
    """checkpoints_for(), limited to a facilitator's own sessions."""
    checkpoints = checkpoints_for(session, event)
    allowed = facilitator_checkpoint_ids(session, event.id, user)
    return checkpoints if allowed is None else [c for c in checkpoints if c.id in allowed]


def session_roster_ids(session: Session, checkpoint: Checkpoint) -> set[str] | None:
    """Public ids of who belongs on a sign-up session's list (signed up, or already checked in there);
    None for a day or an open session, where anyone may come."""
    if checkpoint.kind != CheckpointKind.SESSION or checkpoint.session is None or not checkpoint.session.signup_required:
        return None
    signed = select(SessionSignup.participant_id).where(SessionSignup.session_id == checkpoint.session_id)
    checked = select(CheckIn.participant_id).where(CheckIn.checkpoint_id == checkpoint.id)
    return set(session.scalars(select(Participant.public_id).where(
        Participant.event_id == checkpoint.event_id, Participant.id.in_(signed.union(checked)))))


def stats_for_user(session: Session, event: Event, user: User, now: datetime | None = None) -> dict:
    """stats(); a facilitator sees only their sessions' counts and scans, no event-wide breakdowns."""
    data = stats(session, event, now)
    allowed = facilitator_checkpoint_ids(session, event.id, user)
    if allowed is None:
        return data
    data["checkpoints"] = [c for c in data["checkpoints"] if c["id"] in allowed]
    data["last_scans"] = [s for s in data["last_scans"] if s["checkpoint"] in allowed]
    data.update(current_day=None, arrivals=[], provinces=[], institution_types=[])
    return data

