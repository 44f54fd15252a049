"""The registration deadline reads as the last open minute with WIB/WITA/WIT; the event form takes
WITA and the inclusive minute (issue 14, item 11)."""

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from plm.extensions import db
from plm.models import Event
from tests.helpers import EVENT_FORM as FORM

WITA = ZoneInfo("Asia/Makassar")


def test_deadline_at_midnight_reads_as_the_day_before_at_2359(client, event):
    event.registration_closes_at = datetime(2026, 12, 20, 0, 0, tzinfo=WITA)
    db.session.commit()
    page = client.get(f"/e/{event.slug}/").get_data(as_text=True)
    assert "Dibuka sampai 19 Desember 2026 23.59 WITA." in page
    assert "00.00.00" not in page and "20 Desember" not in page
    client.get("/lang/en")
    english = client.get(f"/e/{event.slug}/").get_data(as_text=True)
    assert "December 19, 2026, 11:59" in english and "PM WITA" in english and "+0800" not in english


def test_event_form_takes_wita_and_the_last_open_minute(client, login):
    login("admin")
    response = client.post("/staff/events/new", data={**FORM, "timezone": "wita",
                                                      "registration_closes_at": "2026-08-25T23:59"})
    assert response.status_code == 302
    event = db.session.scalar(select(Event).where(Event.slug == FORM["slug"]))
    assert event.timezone == "Asia/Makassar"
    # stored as the first closed instant: midnight WITA
    assert event.registration_closes_at == datetime(2026, 8, 26, 0, 0, tzinfo=WITA)
    assert event.registration_state(datetime(2026, 8, 25, 23, 59, 30, tzinfo=WITA)) == "open"
    assert event.registration_state(datetime(2026, 8, 26, 0, 0, tzinfo=WITA)) == "closed"
    edit = client.get(f"/staff/events/{event.slug}/edit").get_data(as_text=True)
    assert 'value="2026-08-25T23:59"' in edit  # shown back as typed
    for typed, zone in (("WIB", "Asia/Jakarta"), ("WIT", "Asia/Jayapura")):
        client.post(f"/staff/events/{event.slug}/edit", data={**FORM, "timezone": typed})
        db.session.expire_all()
        assert db.session.get(Event, event.id).timezone == zone


def test_a_closed_event_page_still_leads_to_a_lost_link(client, event):
    """During the event registration is closed: someone who lost their personal link finds the way to ask
    for it again on the event's page (it was only on the registration form)."""
    event.registration_closes_at = datetime(2020, 1, 1, tzinfo=WITA)
    db.session.commit()
    page = client.get(f"/e/{event.slug}/").get_data(as_text=True)
    assert "Pendaftaran sudah ditutup" in page and f'href="/e/{event.slug}/resend-link"' in page
