"""`flask plm simulate-attendance`: realistic check-ins for a demo event."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import click
from sqlalchemy import delete, select

from plm.cli import command
from plm.extensions import db
from plm.models import CheckIn, Checkpoint, Event, EventSession, Participant, SessionSignup, User
from plm.transactions import commit_unit
from plm.vocabulary import CheckInSource, CheckpointKind, ParticipantStatus, Role, SessionKind


def simulate_attendance(session, event: Event, *, seed: int = 2015, reset: bool = False) -> dict:
    """Most participants on most days (arriving 07:15–09:15, peak near 08:00), a few no-shows,
    sessions filled from the people present that day (sign-up sessions from their sign-ups,
    popular ones to capacity). Existing check-ins are kept unless reset=True."""
    from plm.checkin.service import ensure_session_checkpoints

    rng = random.Random(seed)
    tz = ZoneInfo(event.timezone)
    from plm.admin.service import ensure_day_checkpoints

    ensure_day_checkpoints(session, event)
    ensure_session_checkpoints(session, event)
    checkpoint_ids = select(Checkpoint.id).where(Checkpoint.event_id == event.id)
    if reset:
        session.execute(delete(CheckIn).where(CheckIn.checkpoint_id.in_(checkpoint_ids)))
    existing = set(session.execute(select(CheckIn.participant_id, CheckIn.checkpoint_id)
                                   .where(CheckIn.checkpoint_id.in_(checkpoint_ids))).all())
    people = session.scalars(select(Participant).where(Participant.event_id == event.id,
                                                       Participant.status == ParticipantStatus.REGISTERED).order_by(Participant.id)).all()
    staff = session.scalars(select(User).where(User.role.in_([Role.ORGANIZER, Role.ADMIN])).order_by(User.id)).all()
    no_shows = set(p.id for p in rng.sample(people, max(1, len(people) * 3 // 100))) if people else set()
    reliability = {p.id: rng.choice([1.0, 0.97, 0.93, 0.85, 0.7]) for p in people}
    days = session.scalars(select(Checkpoint).where(Checkpoint.event_id == event.id, Checkpoint.kind == CheckpointKind.DAY)
                           .order_by(Checkpoint.day)).all()
    doors = ["Pintu 1", "Pintu 2", "Pintu 3"]
    rows = []
    present_by_day: dict = {}
    for index, cp in enumerate(days):
        present = []
        for p in people:
            if p.id in no_shows or rng.random() > reliability[p.id] - 0.03 * index:
                continue
            present.append(p)
            minutes = max(-45.0, min(75.0, rng.gauss(0, 22)))
            at = datetime.combine(cp.day, time(8, 0), tz) + timedelta(minutes=minutes, seconds=rng.randint(0, 59))
            user = rng.choice(staff) if staff else None  # drawn every time: a re-run picks the same people
            door = rng.choice(doors)
            if (p.id, cp.id) not in existing:
                rows.append(CheckIn(participant_id=p.id, checkpoint_id=cp.id, checked_in_at=at,
                                    user_id=user.id if user else None, device=door, source=CheckInSource.QR))
        present_by_day[cp.day] = present
    sessions = session.execute(
        select(Checkpoint, EventSession).join(EventSession, EventSession.id == Checkpoint.session_id)
        .where(Checkpoint.event_id == event.id, EventSession.cancelled_at.is_(None))
        .order_by(EventSession.starts_at, EventSession.id)).all()
    signups: dict = {}
    for session_id, participant_id in session.execute(select(SessionSignup.session_id, SessionSignup.participant_id)):
        signups.setdefault(session_id, set()).add(participant_id)
    session_rows = 0
    for cp, s in sessions:
        day = s.starts_at.astimezone(tz).date()
        present = present_by_day.get(day, [])
        if not present:
            continue
        if s.signup_required and signups.get(s.id):
            pool = [p for p in present if p.id in signups[s.id]]
            chosen = [p for p in pool if rng.random() < 0.9]
        else:
            share = 0.85 if s.kind == SessionKind.PLENARY else rng.uniform(0.08, 0.2)
            wanted = int(len(present) * share)
            if s.capacity:
                wanted = min(s.capacity, wanted if rng.random() < 0.6 else s.capacity)  # some sessions full
            chosen = rng.sample(present, min(wanted, len(present)))
        for p in chosen:
            at = s.starts_at + timedelta(minutes=rng.uniform(-8, 12))
            if (p.id, cp.id) in existing:
                continue
            rows.append(CheckIn(participant_id=p.id, checkpoint_id=cp.id, checked_in_at=at,
                                device=(s.room.name if s.room else "")[:60], source=CheckInSource.QR,
                                user_id=staff[0].id if staff else None))
            session_rows += 1
    session.add_all(rows)
    session.flush()
    return {"checkins": len(rows), "day_checkins": len(rows) - session_rows, "session_checkins": session_rows,
            "no_shows": len(no_shows), "participants": len(people)}


@command("simulate-attendance")
@click.option("--event", "slug", required=True, help="Event slug, e.g. plm-2015.")
@click.option("--reset", is_flag=True, help="Delete the event's check-ins first.")
@click.option("--seed", default=2015, show_default=True, help="Random seed (same seed, same attendance).")
def simulate_attendance_command(slug: str, reset: bool, seed: int) -> None:
    """Record realistic check-ins (days and sessions) so dashboards and certificates have data."""
    event = db.session.scalar(select(Event).where(Event.slug == slug.lower()))
    if event is None:
        raise click.ClickException(f"no event with slug {slug}")
    summary = simulate_attendance(db.session, event, seed=seed, reset=reset)
    commit_unit(db.session)
    click.echo(f"Recorded {summary['checkins']} check-ins ({summary['day_checkins']} at the door, "
               f"{summary['session_checkins']} in sessions) for {summary['participants']} participants; "
               f"{summary['no_shows']} never came.")


COMMANDS = (simulate_attendance_command,)
