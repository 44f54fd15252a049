"""Public schedule, session page, now/next, iCalendar export, printable PDF and the CLI."""

import io
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar
from pypdf import PdfReader

from plm.extensions import db
from plm.models import EventSession, utcnow
from plm.schedule import service


def test_public_schedule_lists_and_grids_a_day(client, event, schedule_factory):
    track = schedule_factory.track()
    room = schedule_factory.room("Ruang Kuta")
    leader = schedule_factory.leader("Made Sudarsana")
    schedule_factory.session("Literasi Digital <script>", room=room, track=track, facilitators=[leader],
                             start="09:00", end="10:30")
    schedule_factory.session("Besok", day=1)
    schedule_factory.publish()
    html = client.get(f"/e/plm-test/schedule?day={event.starts_on.isoformat()}").get_data(as_text=True)
    assert "Literasi Digital &lt;script&gt;" in html and "<script>" not in html
    assert "09:00" in html and "Ruang Kuta" in html and "Made Sudarsana" in html
    assert f"trk trk-{track.id}" in html and "sched-list" in html and "sched-table" in html
    assert "Besok" not in html  # one day per page
    assert "Besok" in client.get(f"/e/plm-test/schedule?day={(event.starts_on + timedelta(days=1)).isoformat()}").get_data(as_text=True)
    assert client.get("/e/plm-test/schedule?day=nonsense").status_code == 200


def test_now_and_next_in_the_event_timezone(client, event, schedule_factory):
    now = utcnow()
    running = EventSession(event_id=event.id, title="Sedang Jalan", kind="sharing",
                           starts_at=now - timedelta(minutes=20), ends_at=now + timedelta(minutes=40))
    upcoming = EventSession(event_id=event.id, title="Sesudahnya", kind="sharing",
                            starts_at=now + timedelta(minutes=50), ends_at=now + timedelta(minutes=90))
    db.session.add_all([running, upcoming])
    db.session.commit()
    schedule_factory.publish()
    assert service.now_and_next([running, upcoming], now) == ({running.id}, {upcoming.id})
    tz = ZoneInfo(event.timezone)
    html = client.get(f"/e/plm-test/schedule?day={running.starts_at.astimezone(tz).date().isoformat()}").get_data(as_text=True)
    assert "badge-now" in html
    # A "now" line at the top of the day jumps to the running session in the list.
    now_line = html.split('class="now-next"')[1].split("</nav>")[0]
    assert f'href="#s-{running.id}"' in now_line and "Sedang Jalan" in now_line and f'id="s-{running.id}"' in html
    later = client.get(f"/e/plm-test/schedule?day={upcoming.starts_at.astimezone(tz).date().isoformat()}").get_data(as_text=True)
    assert "badge-next" in later
    # The list shows event-local wall-clock times.
    assert running.starts_at.astimezone(ZoneInfo("Asia/Makassar")).strftime("%H:%M") in html


def test_session_detail(client, event, schedule_factory):
    room = schedule_factory.room("Ruang Uluwatu", capacity=40)
    item = schedule_factory.session("Lokakarya SLiMS", kind="workshop", room=room, capacity=25, signup=True)
    schedule_factory.publish()
    html = client.get(f"/e/plm-test/schedule/{item.id}").get_data(as_text=True)
    assert "Lokakarya SLiMS" in html and "Ruang Uluwatu" in html and "Sisa 25 dari 25 kursi" in html
    assert client.get("/e/plm-test/schedule/999999").status_code == 404


def test_ical_export_zones_uids_sequence_and_cancellation(client, event, schedule_factory, login):
    room = schedule_factory.room("Ruang Sanur")
    first = schedule_factory.session("Pembukaan", kind="plenary", room=room, start="09:00", end="10:00")
    second = schedule_factory.session("Sesi Berbagi", start="10:30", end="12:00")
    schedule_factory.publish()

    one = Calendar.from_ical(client.get("/e/plm-test/schedule.ics").data)
    two = Calendar.from_ical(client.get("/e/plm-test/schedule.ics").data)
    uids_one = sorted(str(e["UID"]) for e in one.walk("VEVENT"))
    assert uids_one == sorted(str(e["UID"]) for e in two.walk("VEVENT")) and len(uids_one) == 2
    assert [str(tz["TZID"]) for tz in one.walk("VTIMEZONE")] == ["Asia/Makassar"]
    opening = next(e for e in one.walk("VEVENT") if str(e["SUMMARY"]) == "Pembukaan")
    start = opening.decoded("DTSTART")
    assert start.tzinfo is not None and str(opening["DTSTART"].params["TZID"]) == "Asia/Makassar"
    assert start.astimezone(ZoneInfo("Asia/Makassar")).hour == 9
    assert start.astimezone(UTC) == datetime.combine(event.starts_on, datetime.min.time(), UTC).replace(hour=1)
    assert "Ruang Sanur" in str(opening["LOCATION"]) and int(opening["SEQUENCE"]) == 0
    assert str(opening["STATUS"]) == "CONFIRMED"

    service.set_cancelled(db.session, second, True, None)
    db.session.commit()
    after = Calendar.from_ical(client.get("/e/plm-test/schedule.ics").data)
    cancelled = next(e for e in after.walk("VEVENT") if str(e["SUMMARY"]) == "Sesi Berbagi")
    assert str(cancelled["STATUS"]) == "CANCELLED" and int(cancelled["SEQUENCE"]) == 1
    assert str(cancelled["UID"]) in uids_one  # same UID: calendar apps update, not duplicate
    assert first.uid in str(opening["UID"])


def test_schedule_pdf_one_landscape_page_per_day(client, demo_event, login):
    login("admin")
    response = client.get("/staff/events/plm-2015/schedule.pdf")
    assert response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == 4
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert round(width) == 842 and round(height) == 595  # A4 landscape
    first = reader.pages[0].extract_text()
    assert "Ballroom Ungasan" in first and "Foyer Ballroom" in first
    second = reader.pages[1].extract_text()
    assert "Ruang Kuta" in second and "Ruang Pecatu" in second and "Klinik Proposal" in second


def test_schedule_pdf_command(app, demo_event, tmp_path):
    out = tmp_path / "jadwal.pdf"
    result = app.test_cli_runner().invoke(args=["plm", "schedule-pdf", "--event", "plm-2015", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert len(PdfReader(str(out)).pages) == 4
    bad = app.test_cli_runner().invoke(args=["plm", "schedule-pdf", "--event", "nope", "-o", str(out)])
    assert bad.exit_code != 0 and "no event" in bad.output


def test_demo_schedule_public_page(client, demo_event):
    day = demo_event.starts_on + timedelta(days=1)
    html = client.get(f"/e/plm-2015/schedule?day={day.isoformat()}").get_data(as_text=True)
    assert "Ruang Kuta" in html and "Lokakarya" in html
    assert "badge-warn" not in html and "badge-bad" not in html  # nothing changed since the demo published it
    assert isinstance(day, date)


# ---- issue 14: filters, "my sessions" first, calendar links ----

def _day_html(client, event, query=""):
    return client.get(f"/e/plm-test/schedule?day={event.starts_on.isoformat()}{query}").get_data(as_text=True)


def test_public_schedule_filters_by_track_and_room_without_javascript(client, event, schedule_factory):
    tik, advokasi = schedule_factory.track("Layanan TIK"), schedule_factory.track("Advokasi", "#b3261e")
    kuta, sanur = schedule_factory.room("Ruang Kuta"), schedule_factory.room("Ruang Sanur", position=1)
    schedule_factory.session("Sesi Komputer", room=kuta, track=tik)
    schedule_factory.session("Sesi Anggaran", room=sanur, track=advokasi)
    schedule_factory.session("Pleno Pembukaan", kind="plenary", start="08:00", end="09:00", room=kuta)
    schedule_factory.publish()
    html = _day_html(client, event, f"&track={tik.id}")
    assert "Sesi Komputer" in html and "Sesi Anggaran" not in html and "Pleno Pembukaan" in html
    assert f'<option value="{tik.id}" selected>' in html and '<form method="get"' in html
    assert f"track={tik.id}" in html.split('class="day-nav"')[1].split("</nav>")[0]  # day tabs keep the filter
    html = _day_html(client, event, f"&room={sanur.id}")
    assert "Sesi Anggaran" in html and "Sesi Komputer" not in html and "Pleno Pembukaan" not in html
    html = _day_html(client, event, "&room=999999&track=abc")  # unknown ids: no filter, no error
    assert "Sesi Anggaran" in html and "Sesi Komputer" in html


def test_public_schedule_opened_from_the_manage_page_shows_my_sessions_first(client, event, schedule_factory):
    from plm.models import SessionSignup

    schedule_factory.session("Sesi Saya", start="13:00", end="14:00", signup=True, room=schedule_factory.room())
    schedule_factory.session("Sesi Orang Lain", start="10:00", end="11:00")
    schedule_factory.publish()
    person = schedule_factory.person("Sri Wahyuni")
    token = person.issue_manage_token()
    db.session.add(SessionSignup(session_id=db.session.query(EventSession).filter_by(title="Sesi Saya").one().id,
                                 participant_id=person.id))
    db.session.commit()
    manage = client.get(f"/e/plm-test/me/{token}").get_data(as_text=True)
    assert f"/e/plm-test/schedule?token={token}" in manage
    html = _day_html(client, event, f"&token={token}")
    mine = html.split('class="mine"')[1].split("</section>")[0]
    assert "Sesi Saya" in mine and "Sesi Orang Lain" not in mine
    assert html.index("Sesi Saya") < html.index("Sesi Orang Lain")
    assert f'name="token" value="{token}"' in html
    stale = _day_html(client, event, "&token=not-a-token")
    assert 'class="mine"' not in stale and "Sesi Orang Lain" in stale and 'name="token"' not in stale


def test_public_schedule_offers_an_https_ics_download_beside_webcal(app, client, event, schedule_factory):
    """The addresses come from PUBLIC_BASE_URL, never from the Host the request came with."""
    app.config["PUBLIC_BASE_URL"] = "https://plm.example.org"
    schedule_factory.session("Sesi")
    schedule_factory.publish()
    html = client.get(f"/e/plm-test/schedule?day={event.starts_on.isoformat()}",
                      base_url="http://evil.example:9999").get_data(as_text=True)
    assert "evil.example" not in html
    assert 'href="https://plm.example.org/e/plm-test/schedule.ics"' in html
    assert 'href="webcal://plm.example.org/e/plm-test/schedule.ics"' in html
