"""The schedule as iCalendar (RFC 5545) with the `icalendar` library.

Times carry the event's TZID with a VTIMEZONE; UIDs are the sessions' stored `uid` (stable
across exports, so calendar apps update instead of duplicating); SEQUENCE follows the
session's `sequence`; cancelled sessions stay in the feed as STATUS:CANCELLED.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from icalendar import Calendar, vText
from icalendar import Event as VEvent

from plm.models import Event, EventSession, utcnow
from plm.schedule.service import zone
from plm.vocabulary import NON_PROGRAMME_KINDS

PRODID = "-//PLM//Peer Learning Meeting schedule//ID"


def uid_for(event_session: EventSession, domain: str) -> str:
    return f"{event_session.uid}@{domain}"


def schedule_calendar(event: Event, sessions: Iterable[EventSession], *, name: str, domain: str,
                      url_for_session=None, kind_label=None, now: datetime | None = None) -> bytes:
    tz = zone(event)
    stamp = (now or utcnow()).replace(microsecond=0)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", event.timezone)
    for item in sessions:
        entry = VEvent()
        entry.add("uid", uid_for(item, domain))
        entry.add("dtstamp", stamp)
        entry.add("last-modified", (item.updated_at or stamp).replace(microsecond=0))
        entry.add("dtstart", item.starts_at.astimezone(tz))
        entry.add("dtend", item.ends_at.astimezone(tz))
        entry.add("sequence", item.sequence or 0)
        entry.add("summary", item.title)
        details = []
        if kind_label is not None:
            details.append(str(kind_label(item.kind)))
        if item.facilitators:
            details.append(", ".join(p.full_name for p in item.facilitators))
        if item.description:
            details.append(item.description)
        if details:
            entry.add("description", "\n\n".join(details))
        if item.room is not None:
            entry.add("location", vText(f"{item.room.name}, {event.venue}" if event.venue else item.room.name))
        if item.track is not None:
            entry.add("categories", [item.track.name])
        if url_for_session is not None:
            entry.add("url", url_for_session(item))
        entry.add("status", "CANCELLED" if item.cancelled_at is not None else "CONFIRMED")
        entry.add("transp", "TRANSPARENT" if item.kind in NON_PROGRAMME_KINDS else "OPAQUE")
        calendar.add_component(entry)
    calendar.add_missing_timezones()
    return calendar.to_ical()
