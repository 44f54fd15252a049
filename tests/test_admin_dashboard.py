"""The staff dashboard: links grouped by moment (before / at the door / after) and the numbers that matter."""

import re
from datetime import UTC, datetime

from plm.extensions import db
from plm.models import Certificate, CheckIn, Checkpoint, Participant


def test_dashboard_shows_registered_waiting_checked_in_today_and_certificates(client, login, event, monkeypatch):
    people = [Participant(event_id=event.id, full_name=f"Peserta {i}", email=f"p{i}@test.example",
                          status="registered" if i < 5 else "waitlisted" if i < 7 else "cancelled")
              for i in range(8)]
    db.session.add_all(people)
    db.session.flush()
    first_day = db.session.query(Checkpoint).filter_by(event_id=event.id, kind="day", day=event.starts_on).one()
    db.session.add_all([CheckIn(participant_id=p.id, checkpoint_id=first_day.id) for p in people[:3]])
    db.session.add_all([Certificate(participant_id=people[0].id, serial="PLM-T-1"),
                        Certificate(participant_id=people[1].id, serial="PLM-T-2",
                                    revoked_at=datetime(2026, 1, 1, tzinfo=UTC))])
    db.session.commit()
    # It is 09:00 at the venue (UTC+8) on the event's first day.
    opening = datetime(event.starts_on.year, event.starts_on.month, event.starts_on.day, 1, 0, tzinfo=UTC)
    monkeypatch.setattr("plm.admin.service.utcnow", lambda: opening)
    login("admin")
    html = client.get("/staff/").get_data(as_text=True)
    numbers = dict(re.findall(r"<dt>([^<]+)</dt><dd>(\d+)", html))
    assert numbers == {"Terdaftar": "5", "Menunggu": "2", "Hadir hari ini": "3", "Sertifikat terbit": "1"}, numbers


def test_dashboard_groups_links_by_moment(client, login, event):
    login("organizer")
    html = client.get("/staff/").get_data(as_text=True)
    before, door = html.index('aria-label="Sebelum acara"'), html.index('aria-label="Di pintu masuk"')
    assert before < html.index(f"/staff/events/{event.slug}/participants") < door
    assert door < html.index(f"/staff/events/{event.slug}/door")
    assert door < html.index(f"/staff/events/{event.slug}/walk-in")


def test_dashboard_puts_certificates_after_the_event(client, login, event):
    login("facilitator")
    html = client.get("/staff/").get_data(as_text=True)
    assert html.index('aria-label="Setelah acara"') < html.index(f"/staff/events/{event.slug}/certificates")
