"""Two earlier editions of the demo PLM (2013 and 2014), smaller and already held, so the funders' report
has a programme to compare year over year. Same programme as the demo (slug `plm-<year>`, see
plm/reports/service.py `programme_key`), drawn from the same people generator with other seeds."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete
from sqlalchemy.orm import Session

from plm.admin.service import ensure_day_checkpoints
from plm.demo.data import DEMO_EVENT, demo_schedule
from plm.demo.people import generate_participants
from plm.models import Event, EventSession, Participant, utcnow

# (year, city, registrants): the programme grew each year.
EDITIONS = ((2013, "Yogyakarta", 180), (2014, "Makassar", 260))


def load_history(session: Session, demo_start: date) -> list[dict]:
    """The earlier editions, a year and two before *demo_start*, with check-ins; replaced when reloaded."""
    from plm.checkin.commands import simulate_attendance

    tz = ZoneInfo(DEMO_EVENT["timezone"])
    out = []
    for year, city, count in EDITIONS:
        slug = f"plm-{year}"
        session.execute(delete(Event).where(Event.slug == slug))
        first_day = demo_start - timedelta(weeks=52 * (2015 - year))  # the same weekday, a year per edition
        event = Event(slug=slug, name=f"PLM Demo ({city})", theme=DEMO_EVENT["theme"], venue="", city=city,
                      timezone=DEMO_EVENT["timezone"], starts_on=first_day, ends_on=first_day + timedelta(days=3),
                      capacity=count, archived=True, schedule_published_at=utcnow())
        session.add(event)
        session.flush()
        ensure_day_checkpoints(session, event)
        for person in generate_participants(count=count, seed=year):
            session.add(Participant(
                event_id=event.id, full_name=person.full_name, name_on_badge=person.name_on_badge,
                email=person.email, phone=person.phone, institution=person.institution,
                institution_type=person.institution_type, province=person.province, role=person.role,
                status="registered", source="demo"))
        for item in demo_schedule(first_day):
            day = first_day + timedelta(days=item.day_index)
            session.add(EventSession(
                event_id=event.id, title=item.title, kind=item.kind,
                starts_at=datetime.combine(day, time.fromisoformat(item.start), tz),
                ends_at=datetime.combine(day, time.fromisoformat(item.end), tz)))
        session.flush()
        summary = simulate_attendance(session, event, seed=year)
        out.append({"slug": slug, "participants": count, "checkins": summary["checkins"]})
    return out

