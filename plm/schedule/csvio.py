"""Schedule CSV import and export.

Columns (header names are case-insensitive; Indonesian names work too):
day (YYYY-MM-DD or DD/MM/YYYY), start, end (HH:MM), room, title, kind, facilitator emails
(separated by ; , or spaces) and optionally track, capacity, signup (yes/no), description, uid.
A row whose uid names a session of this event updates it; so does a row with the same day,
start, room and title as an existing session (re-importing a file changes nothing). Unknown
rooms and tracks are created. Every refused row is reported with its line number and reasons;
the other rows are taken.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from sqlalchemy.orm import Session

from plm.models import Event, EventSession, Participant, Room, Track, User, audit
from plm.schedule import service
from plm.spreadsheets import UnreadableSpreadsheet, csv_reader, csv_rows, decode_text
from plm.vocabulary import SessionKind

MAX_ROWS = 2000

COLUMNS = ("day", "start", "end", "room", "title", "kind", "facilitators", "track", "capacity", "signup",
           "description", "uid", "status")

HEADER_ALIASES = {
    "day": "day", "date": "day", "hari": "day", "tanggal": "day",
    "start": "start", "starts": "start", "mulai": "start", "jam mulai": "start",
    "end": "end", "ends": "end", "selesai": "end", "jam selesai": "end",
    "room": "room", "ruang": "room", "ruangan": "room",
    "title": "title", "judul": "title", "session": "title", "sesi": "title",
    "kind": "kind", "type": "kind", "jenis": "kind",
    "facilitators": "facilitators", "facilitator emails": "facilitators", "facilitator_emails": "facilitators",
    "facilitator": "facilitators", "fasilitator": "facilitators", "email fasilitator": "facilitators",
    "track": "track", "jalur": "track", "topik": "track",
    "capacity": "capacity", "kapasitas": "capacity",
    "signup": "signup", "signup required": "signup", "signup_required": "signup", "pendaftaran": "signup",
    "description": "description", "deskripsi": "description", "keterangan": "description",
    "uid": "uid", "status": "status",
}

KIND_ALIASES = {
    "plenary": "plenary", "pleno": "plenary", "sharing": "sharing", "berbagi": "sharing",
    "sesi berbagi": "sharing", "workshop": "workshop", "lokakarya": "workshop", "break": "break",
    "rehat": "break", "istirahat": "break", "registration": "registration", "registrasi": "registration",
    "pendaftaran ulang": "registration", "daftar ulang": "registration",
}
YES = {"yes", "y", "ya", "true", "1", "x"}
NO = {"no", "n", "tidak", "false", "0", ""}
EMAIL_SPLIT = re.compile(r"[;,\s]+")


@dataclass
class RowResult:
    line: int
    title: str
    action: str = ""  # created, updated, unchanged
    errors: list[str] = field(default_factory=list)  # (code) messages, translated by the caller
    notes: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    rows: list[RowResult] = field(default_factory=list)
    header_error: str | None = None
    missing_columns: list[str] = field(default_factory=list)

    @property
    def taken(self) -> list[RowResult]:
        return [r for r in self.rows if not r.errors]

    @property
    def refused(self) -> list[RowResult]:
        return [r for r in self.rows if r.errors]


def _parse_day(value: str) -> date | None:
    value = value.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


def _parse_time(value: str) -> time | None:
    value = value.strip().replace(".", ":")
    for fmt in ("%H:%M", "%H:%M:%S"):
        try:
            return datetime.strptime(value, fmt).time()
        except ValueError:
            continue
    return None


def read_rows(data: bytes) -> tuple[list[dict[str, str]], list[str], list[int]]:
    """Rows as {column: text}, the unknown headers, and each row's line number. Raises
    UnreadableSpreadsheet (too_many_rows, field_too_long, ...) past the caps of plm.spreadsheets."""
    reader = csv_reader(decode_text(data))
    capped = csv_rows(reader, max_rows=MAX_ROWS + 1)
    try:
        header = next(capped)
    except StopIteration:
        return [], [], []
    names = [HEADER_ALIASES.get(h.strip().lower().replace("-", " ").replace("  ", " "), "") for h in header]
    unknown = [h for h, n in zip(header, names, strict=False) if not n and h.strip()]
    rows, lines = [], []
    for values in capped:
        if not any(v.strip() for v in values):
            continue
        rows.append({n: v.strip() for n, v in zip(names, values, strict=False) if n})
        lines.append(reader.line_num)
    return rows, unknown, lines


def import_schedule(session: Session, event: Event, data: bytes, user: User | None, *,
                    dry_run: bool = False) -> ImportReport:
    report = ImportReport()
    try:
        rows, _unknown, lines = read_rows(data)
    except UnreadableSpreadsheet as exc:
        report.header_error = str(exc)
        return report
    if not rows:
        report.header_error = "empty"
        return report
    present = set().union(*(r.keys() for r in rows))
    missing = [c for c in ("day", "start", "end", "title") if c not in present]
    if missing:
        report.header_error = "missing_columns"
        report.missing_columns = missing
        return report
    if len(rows) > MAX_ROWS:
        report.header_error = "too_many_rows"
        return report

    rooms = {r.name.lower(): r for r in service.rooms_of(session, event)}
    tracks = {t.name.lower(): t for t in service.tracks_of(session, event)}
    leaders = {p.email_normalized: p for p in service.facilitator_candidates(session, event)}
    existing = service.event_sessions(session, event)
    by_uid = {s.uid: s for s in existing}

    for raw, line in zip(rows, lines, strict=False):
        result = RowResult(line=line, title=raw.get("title", "")[:120])
        report.rows.append(result)
        errors = result.errors
        day = _parse_day(raw.get("day", ""))
        start = _parse_time(raw.get("start", ""))
        end = _parse_time(raw.get("end", ""))
        if day is None:
            errors.append("bad_day")
        if start is None:
            errors.append("bad_start")
        if end is None:
            errors.append("bad_end")
        if start is not None and end is not None and end <= start:
            errors.append("end_before_start")
        title = " ".join(raw.get("title", "").split())
        if not title:
            errors.append("no_title")
        elif len(title) > 300:
            errors.append("title_too_long")
        kind_text = raw.get("kind", "").strip().lower()
        kind = KIND_ALIASES.get(kind_text, SessionKind.SHARING if not kind_text else None)
        if kind is None or not SessionKind.has(kind):
            errors.append("bad_kind")
        capacity = None
        if raw.get("capacity"):
            try:
                capacity = int(raw["capacity"])
                if not 1 <= capacity <= 100000:
                    raise ValueError
            except ValueError:
                errors.append("bad_capacity")
        signup_text = raw.get("signup", "").strip().lower()
        if signup_text in YES:
            signup = True
        elif signup_text in NO:
            signup = False
        else:
            signup = False
            errors.append("bad_signup")
        emails = [e.lower() for e in EMAIL_SPLIT.split(raw.get("facilitators", "")) if e]
        people = []
        for email in emails:
            if email in leaders:
                people.append(leaders[email])
            else:
                errors.append("unknown_facilitator:" + email[:80])
        room_name = " ".join(raw.get("room", "").split())[:120]
        track_name = " ".join(raw.get("track", "").split())[:120]
        if errors:
            continue

        room = rooms.get(room_name.lower()) if room_name else None
        if room_name and room is None:
            room = Room(event_id=event.id, name=room_name, position=len(rooms))
            rooms[room_name.lower()] = room
            result.notes.append("new_room:" + room_name)
            if not dry_run:
                session.add(room)
                session.flush()
        track = tracks.get(track_name.lower()) if track_name else None
        if track_name and track is None:
            track = Track(event_id=event.id, name=track_name)
            tracks[track_name.lower()] = track
            result.notes.append("new_track:" + track_name)
            if not dry_run:
                session.add(track)
                session.flush()

        target = by_uid.get(raw.get("uid", "").strip())
        if target is None:
            starts_at = service.at(event, day, start)
            for item in existing:
                if (item.starts_at == starts_at and item.title.lower() == title.lower()
                        and (item.room.name.lower() if item.room else "") == room_name.lower()):
                    target = item
                    break
        values = {
            "day": day, "start": start, "end": end, "title": title, "kind": kind, "description":
            raw.get("description", target.description if target is not None else ""),
            "room_id": room.id if room is not None else None, "track_id": track.id if track is not None else None,
            "capacity": capacity, "signup_required": signup, "facilitator_ids": [p.id for p in people],
        }
        if target is not None and _same(event, target, values, room, track, people):
            result.action = "unchanged"
            continue
        result.action = "updated" if target is not None else "created"
        if dry_run:
            continue
        saved = service.save_session(session, event, target, values, user)
        if target is None:
            existing.append(saved)
            by_uid[saved.uid] = saved
        status = raw.get("status", "").strip().lower()
        if status in ("cancelled", "dibatalkan"):
            service.set_cancelled(session, saved, True, user)
    if not dry_run:
        audit(session, "schedule.import", user=user, event_id=event.id, target=event,
              taken=len(report.taken), refused=len(report.refused))
    return report


def _same(event: Event, item: EventSession, values: dict, room: Room | None, track: Track | None,
          people: list[Participant]) -> bool:
    return (
        item.title == values["title"] and item.kind == values["kind"]
        and item.starts_at == service.at(event, values["day"], values["start"])
        and item.ends_at == service.at(event, values["day"], values["end"])
        and item.room_id == (room.id if room is not None else None)
        and item.track_id == (track.id if track is not None else None)
        and item.capacity == values["capacity"] and item.signup_required == values["signup_required"]
        and (item.description or "") == (values["description"] or "")
        and [p.id for p in item.facilitators] == [p.id for p in people]
    )


def _cell(value: Any) -> str:
    """Keep spreadsheet apps from running a cell as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def export_schedule(event: Event, sessions: list[EventSession]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for item in sessions:
        start = service.local(event, item.starts_at)
        end = service.local(event, item.ends_at)
        writer.writerow([_cell(v) for v in (
            start.date().isoformat(), start.strftime("%H:%M"), end.strftime("%H:%M"),
            item.room.name if item.room else "", item.title, item.kind,
            " ".join(p.email for p in item.facilitators), item.track.name if item.track else "",
            item.capacity if item.capacity is not None else "", "yes" if item.signup_required else "no",
            item.description, item.uid, "cancelled" if item.cancelled_at else "",
        )])
    return "\ufeff" + out.getvalue()


def export_signups(event_session: EventSession, people: list[Participant]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["name", "institution", "province", "role"])
    for person in people:
        writer.writerow([_cell(v) for v in (person.full_name, person.institution, person.province, person.role)])
    return "\ufeff" + out.getvalue()
