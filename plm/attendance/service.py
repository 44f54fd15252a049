"""Attendance use cases: a facilitator's session roster, marking attendance by tap, the daftar hadir
(who is on a day's or a session's sheet), paper bulk entry, and signatures drawn at the door.

Plain functions over a database session; no Flask request state. Every check-in goes through
`plm.checkin.service.record_scan`, so a tap, a paper tick and a QR scan are the same fact
(unique per participant and checkpoint, logged, undoable).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plm.attendance import sheets, signatures
from plm.checkin import service as checkin
from plm.models import (
    AuditLog,
    CheckIn,
    CheckInSignature,
    Checkpoint,
    Event,
    EventSession,
    Participant,
    SessionSignup,
    User,
    audit,
    utcnow,
)
from plm.text import clean_line, fold_for_search
from plm.vocabulary import CheckInSource, CheckpointKind, ParticipantStatus, Role, SessionKind

PAPER_PAGE_SIZE = 50
MAX_PAPER_BATCH = 1000
MAX_PARTNER_LOGOS = 3


class AttendanceError(Exception):
    """A refused request; `code` names the reason (routes translate it, the API returns it)."""

    def __init__(self, code: str, status: int = 422):
        super().__init__(code)
        self.code = code
        self.status = status


# ---------------------------------------------------------------------------------------------
# Who may take attendance where
# ---------------------------------------------------------------------------------------------

def sessions_for(session: Session, event: Event, user: User) -> list[EventSession]:
    """Sessions whose attendance *user* may see and take: admins and organizers all (but breaks),
    facilitators only the sessions they lead."""
    from plm.schedule.service import event_sessions, sessions_for_user

    if user.role in (Role.ADMIN, Role.ORGANIZER):
        return [s for s in event_sessions(session, event) if s.kind != SessionKind.BREAK]
    return sessions_for_user(session, event, user)


def may_take(session: Session, user: User, event_session: EventSession) -> bool:
    if user.role in (Role.ADMIN, Role.ORGANIZER):
        return True
    from plm.schedule.service import can_see_signups

    return can_see_signups(session, user, event_session)


def session_checkpoint(session: Session, event: Event, event_session: EventSession) -> Checkpoint:
    """The checkpoint of a session (made when the schedule was saved; GET pages only read it)."""
    checkpoint = session.scalar(select(Checkpoint).where(Checkpoint.session_id == event_session.id))
    if event_session.kind == SessionKind.BREAK or checkpoint is None:
        raise AttendanceError("no_checkpoint", 404)
    return checkpoint


def day_checkpoint(session: Session, event: Event, number: int) -> Checkpoint:
    """The door checkpoint of day *number* (1-based)."""
    days = event.days
    if not 1 <= number <= len(days):
        raise AttendanceError("no_day", 404)
    checkpoint = session.scalar(select(Checkpoint).where(
        Checkpoint.event_id == event.id, Checkpoint.kind == CheckpointKind.DAY, Checkpoint.day == days[number - 1]))
    if checkpoint is None:  # made when the event's days are saved
        raise AttendanceError("no_day", 404)
    return checkpoint


def checkpoint_of_event(session: Session, event: Event, checkpoint_id: int) -> Checkpoint:
    checkpoint = session.get(Checkpoint, checkpoint_id)
    if checkpoint is None or checkpoint.event_id != event.id:
        raise AttendanceError("no_checkpoint", 404)
    return checkpoint


# ---------------------------------------------------------------------------------------------
# Who is on a list
# ---------------------------------------------------------------------------------------------

@dataclass
class Entry:
    participant: Participant
    checkin: CheckIn | None
    signed_up: bool
    has_signature: bool = False


def _checkins(session: Session, checkpoint: Checkpoint) -> dict[int, CheckIn]:
    return {c.participant_id: c for c in session.scalars(select(CheckIn).where(CheckIn.checkpoint_id == checkpoint.id))}


def entries(session: Session, event: Event, checkpoint: Checkpoint) -> list[Entry]:
    """Who belongs on this checkpoint's list, with their check-in.

    A day: every registered participant. A session with sign-up: those signed up. A plenary: everyone
    registered. Another open session: nobody in advance. Anyone checked in there is always listed.
    """
    checked = _checkins(session, checkpoint)
    signed: set[int] = set()
    base = select(Participant).where(Participant.event_id == event.id)
    everyone = base.where(Participant.status == ParticipantStatus.REGISTERED)
    if checkpoint.kind == CheckpointKind.SESSION:
        item = checkpoint.session
        signed = set(session.scalars(select(SessionSignup.participant_id).where(
            SessionSignup.session_id == checkpoint.session_id)))
        if item is not None and item.signup_required:
            wanted = base.where(Participant.status == ParticipantStatus.REGISTERED, Participant.id.in_(signed))
        elif item is not None and item.kind == SessionKind.PLENARY:
            wanted = everyone
        else:
            wanted = None
    else:
        wanted = everyone
    people = {p.id: p for p in session.scalars(wanted)} if wanted is not None else {}
    missing = [pid for pid in checked if pid not in people]
    for start in range(0, len(missing), 500):
        for p in session.scalars(select(Participant).where(Participant.id.in_(missing[start:start + 500]))):
            people[p.id] = p
    signed_ids = set(session.scalars(select(CheckInSignature.checkin_id).where(
        CheckInSignature.checkin_id.in_(select(CheckIn.id).where(CheckIn.checkpoint_id == checkpoint.id)))))
    out = [Entry(p, checked.get(p.id), p.id in signed, bool(checked.get(p.id) and checked[p.id].id in signed_ids))
           for p in people.values()]
    out.sort(key=lambda e: (e.participant.full_name.casefold(), e.participant.id))
    return out


def sort_entries(items: list[Entry], sort: str) -> list[Entry]:
    """By name, or grouped by province or institution (then by name)."""
    if sort not in sheets.SORTS:
        raise AttendanceError("bad_sort")
    if sort == "name":
        return sorted(items, key=lambda e: (e.participant.full_name.casefold(), e.participant.id))
    attr = "province" if sort == "province" else "institution"
    return sorted(items, key=lambda e: ((getattr(e.participant, attr) or "~").casefold(),
                                         e.participant.full_name.casefold(), e.participant.id))


@dataclass
class Roster:
    checkpoint: Checkpoint
    entries: list[Entry]
    signed_up: int
    present: int
    eligible: dict[int, bool]  # participant id -> eligible for a certificate now


def roster(session: Session, event: Event, event_session: EventSession) -> Roster:
    """A facilitator's view of one session: who signed up, who came, who is eligible for a certificate."""
    from plm.documents.service import eligibility_rows

    checkpoint = session_checkpoint(session, event, event_session)
    items = entries(session, event, checkpoint)
    people = [e.participant for e in items]
    eligible = {r.participant.id: r.eligibility.eligible for r in eligibility_rows(session, event, people)} if people else {}
    return Roster(checkpoint, items, sum(1 for e in items if e.signed_up), sum(1 for e in items if e.checkin), eligible)


# ---------------------------------------------------------------------------------------------
# Marking attendance (tap list, paper)
# ---------------------------------------------------------------------------------------------

def _participant(session: Session, event: Event, public_id: str) -> Participant:
    public_id = clean_line(public_id).upper()
    participant = session.scalar(select(Participant).where(
        Participant.public_id == public_id, Participant.event_id == event.id)) if 0 < len(public_id) <= 16 else None
    if participant is None:
        raise AttendanceError("unknown_participant", 404)
    return participant


def mark(session: Session, secret: str, event: Event, checkpoint: Checkpoint, public_id: str, user: User,
         source: str = CheckInSource.MANUAL) -> dict:
    """Check one person in here by their ticket number (a deliberate staff choice, so a session's
    sign-up rule is overridden). The answer is record_scan's ('ok', 'already', 'cancelled', ...)."""
    participant = _participant(session, event, public_id)
    scan = checkin.ScanRequest(code=participant.public_id, checkpoint_id=checkpoint.id, source=source,
                               override=True, device=(user.full_name or user.email.split("@")[0])[:60])
    answer, _ = checkin.record_scan(session, secret, event.slug, scan, user)
    return answer


def unmark(session: Session, event: Event, checkpoint: Checkpoint, public_id: str, user: User) -> dict:
    """Undo a tap: the rules of the door's undo (own check-ins within 15 minutes, admins always)."""
    participant = _participant(session, event, public_id)
    row = session.scalar(select(CheckIn).where(CheckIn.participant_id == participant.id,
                                               CheckIn.checkpoint_id == checkpoint.id))
    if row is None:
        raise AttendanceError("not_checked_in", 404)
    try:
        return checkin.undo_checkin(session, event, row.id, user)
    except checkin.CheckinError as exc:
        session.rollback()
        raise AttendanceError(exc.code, exc.status) from exc


@dataclass
class PaperPage:
    entries: list[Entry]
    total: int
    page: int
    pages: int
    provinces: list[str]


def paper_page(session: Session, event: Event, checkpoint: Checkpoint, query: str = "", province: str = "",
               page: int = 1, per_page: int = PAPER_PAGE_SIZE) -> PaperPage:
    """One page of the checkpoint's list for ticking off a signed paper sheet (search, province filter)."""
    items = entries(session, event, checkpoint)
    provinces = sorted({e.participant.province for e in items if e.participant.province}, key=str.casefold)
    words = fold_for_search(clean_line(query)[:100]).split()[:5]
    if words:
        items = [e for e in items if all(w in e.participant.search_text for w in words)]
    if province:
        items = [e for e in items if e.participant.province == province]
    pages = max(1, -(-len(items) // per_page))
    page = min(max(1, page), pages)
    return PaperPage(items[(page - 1) * per_page:page * per_page], len(items), page, pages, provinces)


def record_paper(session: Session, secret: str, event: Event, checkpoint: Checkpoint, public_ids: Iterable[str],
                 user: User) -> dict:
    """Check in everyone ticked on a signed paper sheet (source = paper). Idempotent: someone already
    checked in here stays as they were. Audited as one batch, which `undo_paper` can take back."""
    ids = []
    for raw in public_ids:
        value = clean_line(raw).upper()
        if value and value not in ids:
            ids.append(value)
    if not ids:
        raise AttendanceError("nothing_selected")
    if len(ids) > MAX_PAPER_BATCH:
        raise AttendanceError("too_many")
    known = dict(session.execute(select(Participant.public_id, Participant.id).where(
        Participant.event_id == event.id, Participant.public_id.in_(ids))).all())
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise AttendanceError("unknown_participant", 404)
    created: list[int] = []
    results: dict[str, int] = {}
    for public_id in ids:
        answer = mark(session, secret, event, checkpoint, public_id, user, source=CheckInSource.PAPER)
        results[answer["result"]] = results.get(answer["result"], 0) + 1
        if answer["result"] == "ok":
            created.append(answer["checkin_id"])
    entry = audit(session, "attendance.paper", user=user, event_id=event.id, target=checkpoint,
                  checkpoint=checkpoint.id, checkin_ids=created, ticked=len(ids), results=results)
    session.flush()  # the batch's id is its undo handle
    return {"batch": entry.id, "created": len(created), "already": results.get("already", 0),
            "refused": sum(v for k, v in results.items() if k not in ("ok", "already")), "results": results}


def paper_batches(session: Session, event: Event, checkpoint: Checkpoint, limit: int = 10) -> list[AuditLog]:
    return list(session.scalars(select(AuditLog).where(
        AuditLog.event_id == event.id, AuditLog.action == "attendance.paper", AuditLog.target_id == checkpoint.id)
        .order_by(AuditLog.id.desc()).limit(limit)))


def _any_paid(session: Session, participant_ids: list[int]) -> bool:
    """Someone on a paper batch was already paid their allowance (computed from these days)."""
    from plm.allowances.models import Allowance, PaymentStatus

    return session.scalar(select(func.count(Allowance.id)).where(
        Allowance.participant_id.in_(participant_ids), Allowance.status == PaymentStatus.PAID.value)) > 0


def batch_is_day(session: Session, batch: AuditLog) -> bool:
    checkpoint = session.get(Checkpoint, batch.target_id) if batch.target_id else None
    return checkpoint is not None and checkpoint.kind == "day"


def undo_paper(session: Session, event: Event, batch_id: int, user: User) -> int:
    """Remove the check-ins a paper batch created (those still there and still from paper). The staff
    member who entered it, or an admin. Audited; a batch is undone once."""
    batch = session.get(AuditLog, batch_id)
    if batch is None or batch.event_id != event.id or batch.action != "attendance.paper":
        raise AttendanceError("no_batch", 404)
    if user.role != Role.ADMIN and batch.user_id != user.id:
        raise AttendanceError("forbidden", 403)
    if (batch.detail or {}).get("undone"):
        raise AttendanceError("already_undone")
    ids = [int(i) for i in (batch.detail or {}).get("checkin_ids", [])]
    rows = list(session.scalars(select(CheckIn).where(CheckIn.id.in_(ids), CheckIn.source == CheckInSource.PAPER))) if ids else []
    if rows and _any_paid(session, [r.participant_id for r in rows]) and batch_is_day(session, batch):
        raise AttendanceError("allowance_paid", 409)
    for row in rows:
        session.delete(row)
    batch.detail = {**(batch.detail or {}), "undone": True}
    audit(session, "attendance.paper_undo", user=user, event_id=event.id, target=batch, batch=batch.id,
          removed=[r.id for r in rows])
    return len(rows)


# ---------------------------------------------------------------------------------------------
# Signatures
# ---------------------------------------------------------------------------------------------

def _checkin_of_event(session: Session, event: Event, checkin_id: int, user: User | None) -> CheckIn:
    """The check-in, if it is this event's and `user` may work at its checkpoint (a facilitator: only at
    the sessions they lead, as at the door)."""
    row = session.scalar(select(CheckIn).join(Checkpoint, Checkpoint.id == CheckIn.checkpoint_id).where(
        CheckIn.id == checkin_id, Checkpoint.event_id == event.id)) if 0 < checkin_id < 2**31 else None
    if row is None:
        raise AttendanceError("not_found", 404)
    allowed = checkin.facilitator_checkpoint_ids(session, event.id, user) if user is not None else None
    if allowed is not None and row.checkpoint_id not in allowed:
        raise AttendanceError("forbidden_checkpoint", 403)
    return row


def save_signature(session: Session, event: Event, checkin_id: int, body: object, user: User | None) -> CheckInSignature:
    """Store the SVG made from the posted strokes for this check-in (replacing an earlier one)."""
    row = _checkin_of_event(session, event, checkin_id, user)
    try:
        strokes, width, height = signatures.parse_strokes(body)
    except signatures.SignatureError as exc:
        raise AttendanceError(exc.code, 413 if exc.code == "too_large" else 422) from exc
    svg = signatures.strokes_to_svg(strokes, width, height)
    item = session.get(CheckInSignature, row.id)
    if item is None:
        item = CheckInSignature(checkin_id=row.id, svg=svg)
        session.add(item)
    item.svg = svg
    item.points = sum(len(s) for s in strokes)
    item.user_id = user.id if user is not None else None
    item.created_at = utcnow()
    # On SQLite, queue behind the door's scans in this process instead of in SQLite's sleeping busy
    # handler, so a signature upload does not add milliseconds to the next scan's answer.
    with checkin._write_lock(session):
        session.commit()
    return item


def delete_signature(session: Session, event: Event, checkin_id: int, user: User | None) -> bool:
    row = _checkin_of_event(session, event, checkin_id, user)
    item = session.get(CheckInSignature, row.id)
    if item is not None:
        session.delete(item)
    return item is not None


def get_signature(session: Session, event: Event, checkin_id: int, user: User | None) -> CheckInSignature | None:
    return session.get(CheckInSignature, _checkin_of_event(session, event, checkin_id, user).id)


# ---------------------------------------------------------------------------------------------
# The daftar hadir
# ---------------------------------------------------------------------------------------------

def _lang(event: Event) -> str:
    return "en" if (event.certificate_language or "id") == "en" else "id"


def sheet_info(session: Session, event: Event, checkpoint: Checkpoint, upload_folder: str,
               now: datetime | None = None) -> sheets.SheetInfo:
    from plm.documents.service import upload_path

    lang = _lang(event)
    tz = ZoneInfo(event.timezone)
    t = sheets.TEXT[lang]
    if checkpoint.kind == CheckpointKind.DAY and checkpoint.day is not None:
        number = event.days.index(checkpoint.day) + 1 if checkpoint.day in event.days else 0
        day_text = format_date(checkpoint.day, "full", locale=lang)
        subtitle = f"{t['day'].format(n=number)} · {day_text}" if number else day_text
        detail = ", ".join(p for p in (event.venue, event.city) if p)
        when = checkpoint.day
    else:
        item = checkpoint.session
        subtitle = f"{t['session']}: {item.title if item else checkpoint.name}"
        detail = ""
        when = event.starts_on
        if item is not None:
            start, end = item.starts_at.astimezone(tz), item.ends_at.astimezone(tz)
            detail = f"{format_date(start.date(), 'full', locale=lang)}, {start:%H:%M}–{end:%H:%M}"
            if item.room is not None:
                detail += f" · {t['room']} {item.room.name}"
            when = start.date()
    logos = [upload_path(upload_folder, event.logo_path)]
    logos += [upload_path(upload_folder, p) for p in (event.partner_logos or [])[:MAX_PARTNER_LOGOS]]
    first = next((s for s in (event.signatories or []) if isinstance(s, dict) and str(s.get("name", "")).strip()), None)
    signatory = sheets.Signatory(title=str(first.get("title", "")), name=str(first["name"])) if first else sheets.Signatory()
    place = f"{event.city}, " if event.city else ""
    printed = format_datetime((now or utcnow()).astimezone(tz), "d MMM yyyy HH:mm", locale=lang)
    return sheets.SheetInfo(
        event_name=event.name, subtitle=subtitle, detail=detail,
        place_date=place + format_date(when, "long", locale=lang), logo_paths=tuple(p for p in logos if p),
        signatory=signatory, lang=lang, printed_at=printed)


def sheet_rows(session: Session, event: Event, checkpoint: Checkpoint, sort: str = "name") -> list[sheets.SheetRow]:
    items = sort_entries(entries(session, event, checkpoint), sort)
    svgs = dict(session.execute(select(CheckInSignature.checkin_id, CheckInSignature.svg).where(
        CheckInSignature.checkin_id.in_(select(CheckIn.id).where(CheckIn.checkpoint_id == checkpoint.id)))).all())
    out = []
    for e in items:
        p, c = e.participant, e.checkin
        out.append(sheets.SheetRow(
            name=p.full_name, institution=p.institution, province=p.province,
            time=(checkin.local_hm(c.checked_in_at, event.timezone) or "") if c else "",
            source=c.source if c else "", signature_svg=svgs.get(c.id) if c else None,
            group=(p.province if sort == "province" else p.institution if sort == "institution" else "") or "—"))
    return out


FORMATS = ("pdf", "xlsx")


def render_sheet(session: Session, event: Event, checkpoint: Checkpoint, *, upload_folder: str, fmt: str = "pdf",
                 sort: str = "name", orientation: str = "portrait", blank_rows: int = 10) -> bytes:
    """The daftar hadir of a day or a session, as PDF or XLSX bytes."""
    if fmt not in FORMATS:
        raise AttendanceError("bad_format")
    if orientation not in sheets.ORIENTATIONS:
        raise AttendanceError("bad_orientation")
    if not 0 <= blank_rows <= sheets.MAX_BLANK_ROWS:
        raise AttendanceError("bad_blank_rows")
    rows = sheet_rows(session, event, checkpoint, sort)
    info = sheet_info(session, event, checkpoint, upload_folder)
    if fmt == "xlsx":
        return sheets.sheet_xlsx(info, rows, grouped=sort != "name")
    return sheets.render_sheet_pdf(info, rows, orientation=orientation, grouped=sort != "name", blank_rows=blank_rows)


def sheet_filename(event: Event, checkpoint: Checkpoint, fmt: str) -> str:
    if checkpoint.kind == CheckpointKind.DAY:
        number = event.days.index(checkpoint.day) + 1 if checkpoint.day in event.days else checkpoint.id
        return f"{event.slug}-daftar-hadir-hari-{number}.{fmt}"
    return f"{event.slug}-daftar-hadir-sesi-{checkpoint.session_id}.{fmt}"


def day_checkpoints(session: Session, event: Event) -> list[tuple[int, Checkpoint]]:
    by_day = {c.day: c for c in session.scalars(select(Checkpoint).where(
        Checkpoint.event_id == event.id, Checkpoint.kind == CheckpointKind.DAY))}
    return [(i, by_day[d]) for i, d in enumerate(event.days, start=1) if d in by_day]


def present_counts(session: Session, event: Event) -> dict[int, int]:
    """Check-ins per checkpoint of the event."""
    return dict(session.execute(select(CheckIn.checkpoint_id, func.count(CheckIn.id)).join(
        Checkpoint, Checkpoint.id == CheckIn.checkpoint_id).where(Checkpoint.event_id == event.id)
        .group_by(CheckIn.checkpoint_id)).all())


# ---------------------------------------------------------------------------------------------
# Partner logos for the sheet header
# ---------------------------------------------------------------------------------------------

MAX_LOGO_BYTES = 5 * 1024 * 1024


def add_partner_logo(session: Session, event: Event, upload_folder: str, data: bytes, user: User | None) -> str:
    from plm.images import InvalidImage, reencode_png, store_upload

    logos = list(event.partner_logos or [])
    if len(logos) >= MAX_PARTNER_LOGOS:
        raise AttendanceError("too_many_logos")
    if not data:
        raise AttendanceError("logo_empty")
    if len(data) > MAX_LOGO_BYTES:
        raise AttendanceError("logo_too_large")
    try:
        png = reencode_png(data, (800, 400))
    except InvalidImage:
        raise AttendanceError("logo_invalid")
    path = store_upload(upload_folder, "logos", f"{event.slug}-partner", png)
    event.partner_logos = logos + [path]
    audit(session, "attendance.partner_logo_add", user=user, event_id=event.id, target=event, path=path)
    return path


def remove_partner_logo(session: Session, event: Event, index: int, user: User | None) -> None:
    logos = list(event.partner_logos or [])
    if not 0 <= index < len(logos):
        raise AttendanceError("no_logo", 404)
    removed = logos.pop(index)
    event.partner_logos = logos
    audit(session, "attendance.partner_logo_remove", user=user, event_id=event.id, target=event, path=removed)

