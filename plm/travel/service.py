"""Travel use cases: participants' arrival and departure (filled on the manage page until the deadline, or by
staff, or imported), and the pick-up lists: by day, arrival point and time window, with late changes marked.

Plain functions over a database session; no Flask request state. Staff changes are audited; routes commit."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from plm.models import Event, Participant, User, audit, utcnow
from plm.text import clean_line
from plm.travel.models import Direction, TravelMode, TravelPlan, TravelSettings

MIN_WINDOW, MAX_WINDOW = 10, 360
MAX_IMPORT_ROWS = 2000
# Travel more than this before the first day or after the last is a typo (a wrong year, month or day).
SLACK = timedelta(days=10)
IMPORT_COLUMNS = ("public_id", "email", "origin_province", "origin_regency", "mode", "arrival", "arrival_carrier",
                  "arrival_number", "arrival_point", "departure", "departure_carrier", "departure_number",
                  "departure_point")


class TravelError(Exception):
    """A refused request; `code` names the reason (routes translate it)."""

    def __init__(self, code: str, status: int = 422, **detail):
        super().__init__(code)
        self.code = code
        self.status = status
        self.detail = detail


def settings_for(session: Session, event: Event) -> TravelSettings:
    """The event's travel settings; unsaved defaults (not added to the session) when there are none."""
    found = session.scalar(select(TravelSettings).where(TravelSettings.event_id == event.id))
    return found or TravelSettings(event_id=event.id, window_minutes=60)


def _saved_settings(session: Session, event: Event) -> TravelSettings:
    settings = settings_for(session, event)
    if settings.id is None:
        session.add(settings)
    return settings


def save_settings(session: Session, event: Event, user: User, *, deadline: datetime | None,
                  window_minutes: int) -> TravelSettings:
    if not MIN_WINDOW <= window_minutes <= MAX_WINDOW:
        raise TravelError("bad_window")
    settings = _saved_settings(session, event)
    audit(session, "travel.settings", user=user, event_id=event.id, target=event,
          deadline=deadline.isoformat() if deadline else None, window=window_minutes)
    settings.deadline = deadline
    settings.window_minutes = window_minutes
    return settings


def deadline_passed(session: Session, event: Event, now: datetime | None = None) -> bool:
    deadline = settings_for(session, event).deadline
    return deadline is not None and (now or utcnow()) >= deadline


def plan_for(session: Session, participant: Participant) -> TravelPlan | None:
    return session.scalar(select(TravelPlan).where(TravelPlan.participant_id == participant.id))


# ---------------------------------------------------------------------------------------------
# Entering a plan
# ---------------------------------------------------------------------------------------------

@dataclass
class PlanInput:
    origin_province: str = ""
    origin_regency: str = ""
    mode: str = TravelMode.PLANE.value
    arrival_at: datetime | None = None  # aware
    arrival_carrier: str = ""
    arrival_number: str = ""
    arrival_point: str = ""
    departure_at: datetime | None = None
    departure_carrier: str = ""
    departure_number: str = ""
    departure_point: str = ""
    seen: str | None = None  # plan_stamp() of the plan the form showed; None (imports): no check


def plan_stamp(plan: TravelPlan | None) -> str:
    """Which saved version a travel form was opened on. The participant, their delegation contact and the
    committee edit the same plan: a save made from an older page is refused instead of silently undoing theirs."""
    return plan.updated_at.strftime("%Y%m%d%H%M%S%f") if plan is not None else "new"


def local_to_utc(event: Event, value: datetime | None) -> datetime | None:
    """A wall-clock time typed in the event's timezone (naive) as an aware UTC time."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(event.timezone))
    return value.astimezone(ZoneInfo("UTC"))


def _check(event: Event, data: PlanInput) -> None:
    if data.mode not in {m.value for m in TravelMode}:
        raise TravelError("bad_mode")
    first = datetime.combine(event.starts_on, datetime.min.time(), ZoneInfo(event.timezone))
    last = datetime.combine(event.ends_on + timedelta(days=1), datetime.min.time(), ZoneInfo(event.timezone))
    for name, value in (("arrival", data.arrival_at), ("departure", data.departure_at)):
        if value is not None and not first - SLACK <= value <= last + SLACK:
            raise TravelError("date_out_of_range", field=name)
    if data.arrival_at and data.departure_at and data.departure_at <= data.arrival_at:
        raise TravelError("departure_before_arrival")


#: Who may save a plan only until the deadline: the participant and their institution's delegation contact.
DEADLINE_BOUND = ("participant", "contact")


def save_plan(session: Session, event: Event, participant: Participant, data: PlanInput, *, by: str,
              user: User | None = None, now: datetime | None = None, on_behalf: dict | None = None) -> TravelPlan:
    """Create or replace a participant's travel. The participant and their delegation contact (`by="contact"`,
    `on_behalf` naming the contact) only until the deadline; staff and imports any time. All but the
    participant's own changes are audited."""
    now = now or utcnow()
    if by in DEADLINE_BOUND and deadline_passed(session, event, now):
        raise TravelError("deadline_passed", 403)
    _check(event, data)
    plan = plan_for(session, participant)
    if data.seen is not None and data.seen != plan_stamp(plan):
        raise TravelError("changed_meanwhile", 409)
    before = _plan_dict(plan) if plan else None
    if plan is None:
        plan = TravelPlan(event_id=event.id, participant_id=participant.id)
        session.add(plan)
    plan.origin_province = clean_line(data.origin_province)[:60]
    plan.origin_regency = clean_line(data.origin_regency)[:100]
    plan.mode = data.mode
    plan.arrival_at, plan.departure_at = data.arrival_at, data.departure_at
    plan.arrival_carrier = clean_line(data.arrival_carrier)[:80]
    plan.arrival_number = clean_line(data.arrival_number).upper()[:20]
    plan.arrival_point = clean_line(data.arrival_point)[:120]
    plan.departure_carrier = clean_line(data.departure_carrier)[:80]
    plan.departure_number = clean_line(data.departure_number).upper()[:20]
    plan.departure_point = clean_line(data.departure_point)[:120]
    plan.updated_by = by
    plan.updated_at = now
    session.flush()
    if by != "participant":
        audit(session, "travel.plan", user=user, event_id=event.id, target=plan, participant=participant.public_id,
              by=by, before=before, after=_plan_dict(plan), **({"on_behalf": on_behalf} if on_behalf else {}))
    return plan


def _plan_dict(plan: TravelPlan) -> dict:
    return {"mode": plan.mode, "arrival_at": plan.arrival_at.isoformat() if plan.arrival_at else None,
            "arrival": f"{plan.arrival_carrier} {plan.arrival_number} {plan.arrival_point}".strip(),
            "departure_at": plan.departure_at.isoformat() if plan.departure_at else None,
            "departure": f"{plan.departure_carrier} {plan.departure_number} {plan.departure_point}".strip()}


# ---------------------------------------------------------------------------------------------
# Pick-up lists
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Rider:
    name: str
    phone: str
    province: str
    time: str  # local HH:MM
    carrier: str
    number: str
    late: bool  # changed after the list was last exported


@dataclass
class PickupGroup:
    point: str
    start: str  # local HH:MM of the first in the group
    end: str  # local HH:MM of the last
    riders: list[Rider] = field(default_factory=list)


@dataclass
class PickupDay:
    day: date
    groups: list[PickupGroup] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(g.riders) for g in self.groups)


def pickup_days(session: Session, event: Event, direction: str, window_minutes: int | None = None) -> list[PickupDay]:
    """Everyone to pick up (or drop off), by local day, then point, then time window: a group starts at its
    first person's time and takes everyone within the next `window_minutes` (a person exactly one window
    later starts the next group). Own transport and missing times are left out."""
    if direction not in {d.value for d in Direction}:
        raise TravelError("bad_direction")
    settings = settings_for(session, event)
    window = timedelta(minutes=window_minutes or settings.window_minutes or 60)
    exported = settings.arrivals_exported_at if direction == Direction.ARRIVAL else settings.departures_exported_at
    at = TravelPlan.arrival_at if direction == Direction.ARRIVAL else TravelPlan.departure_at
    rows = session.execute(select(TravelPlan, Participant).join(Participant, Participant.id == TravelPlan.participant_id)
                           .where(TravelPlan.event_id == event.id, Participant.status == "registered",
                                  TravelPlan.mode != TravelMode.OWN.value, at.is_not(None))).all()
    tz = ZoneInfo(event.timezone)
    items = []
    for plan, person in rows:
        when = (plan.arrival_at if direction == Direction.ARRIVAL else plan.departure_at).astimezone(tz)
        point = (plan.arrival_point if direction == Direction.ARRIVAL else plan.departure_point) or "—"
        items.append((when.date(), point.casefold(), when, person.full_name.casefold(), point, plan, person))
    items.sort(key=lambda item: item[:4])
    days: list[PickupDay] = []
    group_start: datetime | None = None
    for day, _, when, _, point, plan, person in items:
        if not days or days[-1].day != day:
            days.append(PickupDay(day))
        groups = days[-1].groups
        if not groups or groups[-1].point != point or when - group_start >= window:
            groups.append(PickupGroup(point=point, start=when.strftime("%H:%M"), end=when.strftime("%H:%M")))
            group_start = when
        groups[-1].end = when.strftime("%H:%M")
        arrival = direction == Direction.ARRIVAL
        groups[-1].riders.append(Rider(
            name=person.full_name, phone=person.phone, province=plan.origin_province or person.province,
            time=when.strftime("%H:%M"), carrier=plan.arrival_carrier if arrival else plan.departure_carrier,
            number=plan.arrival_number if arrival else plan.departure_number,
            late=exported is not None and plan.updated_at > exported))
    return days


def mark_exported(session: Session, event: Event, direction: str, user: User | None, fmt: str,
                  now: datetime | None = None) -> None:
    """The list went out: later changes are marked as late on the next one. Audited (names and phones)."""
    settings = _saved_settings(session, event)
    now = now or utcnow()
    if direction == Direction.ARRIVAL:
        settings.arrivals_exported_at = now
    else:
        settings.departures_exported_at = now
    audit(session, "travel.export", user=user, event_id=event.id, target=event, direction=direction, format=fmt)


DIRECTION_WORDS = {"arrival": ("KEDATANGAN", "Jemput di"), "departure": ("KEPULANGAN", "Antar ke")}


def whatsapp_text(event: Event, days: list[PickupDay], direction: str) -> str:
    """Plain text for the transport coordinator's WhatsApp: *bold* headings, one line a person."""
    from babel.dates import format_date

    title, verb = DIRECTION_WORDS[direction]
    lines = [f"*{title} – {event.name}*"]
    for day in days:
        lines.append("")
        lines.append(f"*{format_date(day.day, 'EEEE, d MMMM y', locale='id')}* ({day.count} orang)")
        for group in day.groups:
            span = group.start if group.start == group.end else f"{group.start}–{group.end}"
            lines.append(f"_{verb} {group.point}, {span} ({len(group.riders)} orang)_")
            for rider in group.riders:
                late = " ⚠️BARU" if rider.late else ""
                parts = [rider.time, rider.name, f"({rider.province})" if rider.province else "", rider.carrier,
                         rider.number, rider.phone]
                lines.append("- " + " ".join(x for x in parts if x) + late)
    if not days:
        lines.append("Belum ada data perjalanan.")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------
# Import (CSV or XLSX from the committee's spreadsheet)
# ---------------------------------------------------------------------------------------------

def _parse_when(value: Any) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value
    text = clean_line(value).replace("T", " ").replace("/", "-")
    for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%d-%m-%Y %H:%M"):
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise ValueError(text)


def import_rows(session: Session, event: Event, rows: list[list[Any]], user: User,
                now: datetime | None = None) -> int:
    """A header row (IMPORT_COLUMNS, any order; public_id or email finds the person) then one row a person.
    All or nothing: the first bad row refuses the whole file, naming the row."""
    if not rows:
        raise TravelError("import_empty")
    header = [clean_line(h).lower() for h in rows[0]]
    if not {"public_id", "email"} & set(header):
        raise TravelError("import_no_key")
    if len(rows) > MAX_IMPORT_ROWS + 1:
        raise TravelError("import_too_many")
    people = list(session.scalars(select(Participant).where(Participant.event_id == event.id)))
    by_id = {p.public_id: p for p in people}
    by_email = {p.email_normalized: p for p in people}
    count = 0
    for number, raw in enumerate(rows[1:], start=2):
        row = {h: raw[i] if i < len(raw) else "" for i, h in enumerate(header) if h in IMPORT_COLUMNS}
        if not any(str(v or "").strip() for v in row.values()):
            continue
        person = by_id.get(clean_line(row.get("public_id")).upper()) or by_email.get(clean_line(row.get("email")).lower())
        if person is None:
            raise TravelError("import_unknown_person", row=number)
        mode = clean_line(row.get("mode")).lower() or TravelMode.PLANE.value
        try:
            arrival, departure = _parse_when(row.get("arrival")), _parse_when(row.get("departure"))
        except ValueError as exc:
            raise TravelError("import_bad_time", row=number) from exc
        data = PlanInput(origin_province=str(row.get("origin_province") or person.province),
                         origin_regency=str(row.get("origin_regency") or ""), mode=mode,
                         arrival_at=local_to_utc(event, arrival), arrival_carrier=str(row.get("arrival_carrier") or ""),
                         arrival_number=str(row.get("arrival_number") or ""), arrival_point=str(row.get("arrival_point") or ""),
                         departure_at=local_to_utc(event, departure),
                         departure_carrier=str(row.get("departure_carrier") or ""),
                         departure_number=str(row.get("departure_number") or ""),
                         departure_point=str(row.get("departure_point") or ""))
        try:
            save_plan(session, event, person, data, by="import", user=user, now=now)
        except TravelError as exc:
            raise TravelError(exc.code, row=number) from exc
        count += 1
    return count


def plans(session: Session, event: Event) -> list[tuple[Participant, TravelPlan | None]]:
    """Everyone registered with their travel (None when not entered yet), by name."""
    people = session.scalars(select(Participant).where(Participant.event_id == event.id,
                                                       Participant.status == "registered")
                             .order_by(Participant.full_name, Participant.id))
    found = {p.participant_id: p for p in session.scalars(select(TravelPlan).where(TravelPlan.event_id == event.id))}
    return [(person, found.get(person.id)) for person in people]


def plans_of(session: Session, people: Iterable[Participant]) -> dict[int, TravelPlan]:
    """The travel of these participants, by participant id (those without travel are missing)."""
    ids = [p.id for p in people]
    if not ids:
        return {}
    return {p.participant_id: p for p in session.scalars(select(TravelPlan).where(TravelPlan.participant_id.in_(ids)))}


def points(session: Session, event: Event) -> list[str]:
    """Arrival and departure points already used (suggestions in the forms)."""
    seen: set[str] = set()
    for a, d in session.execute(select(TravelPlan.arrival_point, TravelPlan.departure_point)
                                .where(TravelPlan.event_id == event.id)):
        seen.update(x for x in (a, d) if x)
    return sorted(seen, key=str.casefold)


def rows_of(values: Iterable[Iterable[Any]]) -> list[list[Any]]:
    return [list(r) for r in values]
