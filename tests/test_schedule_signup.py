"""Session sign-up under the manage link: seats, overlaps, leaving, personal schedule and feed,
and capacity held under real concurrent HTTP requests (SQLite and PostgreSQL)."""

import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from icalendar import Calendar

from plm.extensions import db
from plm.models import SessionSignup
from tests.conftest import NoRedirect
from tests.helpers import signups, token_for


def test_manage_page_links_to_my_sessions(app):
    links = app.extensions["plm_manage_links"]
    assert any(link.endpoint == "schedule.my_sessions" for link in links)
    assert any(link.endpoint == "schedule.public_schedule" for link in app.extensions["plm_public_links"])


def test_sign_up_full_and_leave_frees_the_seat(client, event, schedule_factory, workshop):
    people = [schedule_factory.person(name) for name in ("Ani Rahayu", "Budi Santoso", "Citra Dewi")]
    tokens = [token_for(p) for p in people]
    page = client.get(f"/e/plm-test/me/{tokens[0]}/sessions").get_data(as_text=True)
    assert "Lokakarya SLiMS" in page and "sisa 2 dari 2 kursi" in page

    first = client.post(f"/e/plm-test/me/{tokens[0]}/sessions/{workshop.id}/signup")
    assert first.status_code == 303
    assert "Anda terdaftar di “Lokakarya SLiMS”" in client.get(first.location).get_data(as_text=True)
    again = client.post(f"/e/plm-test/me/{tokens[0]}/sessions/{workshop.id}/signup")
    assert again.status_code == 409 and "Anda sudah terdaftar di sesi ini" in again.get_data(as_text=True)
    assert client.post(f"/e/plm-test/me/{tokens[1]}/sessions/{workshop.id}/signup").status_code == 303
    full = client.post(f"/e/plm-test/me/{tokens[2]}/sessions/{workshop.id}/signup")
    assert full.status_code == 409 and "Maaf, sesi ini sudah penuh" in full.get_data(as_text=True)
    assert signups(workshop.id) == 2

    assert client.post(f"/e/plm-test/me/{tokens[0]}/sessions/{workshop.id}/leave").status_code == 303
    assert signups(workshop.id) == 1
    assert client.post(f"/e/plm-test/me/{tokens[2]}/sessions/{workshop.id}/signup").status_code == 303
    assert signups(workshop.id) == 2


def test_overlapping_sign_up_is_refused_with_the_other_title(client, event, schedule_factory, workshop):
    other = schedule_factory.session("Klinik Proposal", kind="workshop", start="11:00", end="12:00", capacity=10,
                                     signup=True)
    later = schedule_factory.session("Lokakarya Video", kind="workshop", start="13:00", end="14:00", capacity=10,
                                     signup=True)
    schedule_factory.publish()
    token = token_for(schedule_factory.person())
    assert client.post(f"/e/plm-test/me/{token}/sessions/{workshop.id}/signup").status_code == 303
    refused = client.post(f"/e/plm-test/me/{token}/sessions/{other.id}/signup")
    assert refused.status_code == 409
    assert "Anda sudah terdaftar di “Lokakarya SLiMS” pada waktu yang sama" in refused.get_data(as_text=True)
    assert client.post(f"/e/plm-test/me/{token}/sessions/{later.id}/signup").status_code == 303
    assert signups() == 2


def test_sign_up_refusals(client, event, schedule_factory, workshop):
    open_session = schedule_factory.session("Pleno", kind="plenary", start="08:00", end="09:00")
    cancelled = schedule_factory.session("Batal", kind="workshop", start="15:00", end="16:00", signup=True)
    from plm.schedule.service import set_cancelled

    set_cancelled(db.session, cancelled, True, None)
    db.session.commit()
    waitlisted = token_for(schedule_factory.person("Dewi Waitlist", status="waitlisted"))
    token = token_for(schedule_factory.person())
    cases = [
        (waitlisted, workshop.id, "Hanya pendaftaran yang sudah terkonfirmasi"),
        (token, open_session.id, "tidak perlu pendaftaran"),
        (token, cancelled.id, "Sesi ini telah dibatalkan"),
    ]
    for who, session_id, message in cases:
        response = client.post(f"/e/plm-test/me/{who}/sessions/{session_id}/signup")
        assert response.status_code == 409 and message in response.get_data(as_text=True), message
    missing = client.post(f"/e/plm-test/me/{token}/sessions/999999/signup")
    assert missing.status_code == 404 and "Sesi ini tidak ada" in missing.get_data(as_text=True)
    assert client.post(f"/e/plm-test/me/not-a-token/sessions/{workshop.id}/signup").status_code == 404
    assert signups() == 0


def test_sign_up_needs_a_published_schedule(client, event, schedule_factory):
    item = schedule_factory.session("Lokakarya", kind="workshop", capacity=5, signup=True)
    token = token_for(schedule_factory.person())
    assert "belum diterbitkan" in client.get(f"/e/plm-test/me/{token}/sessions").get_data(as_text=True)
    assert client.post(f"/e/plm-test/me/{token}/sessions/{item.id}/signup").status_code == 404  # not public yet
    assert signups() == 0


def test_sign_up_needs_the_csrf_token(make_app, event, schedule_factory, workshop):
    token = token_for(schedule_factory.person())
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    assert client.post(f"/e/plm-test/me/{token}/sessions/{workshop.id}/signup").status_code == 400
    assert signups() == 0


def test_personal_schedule_and_feed(app, client, event, schedule_factory, workshop):
    leader = schedule_factory.leader("Rina Fasilitator")
    schedule_factory.session("Pembukaan", kind="plenary", start="08:00", end="09:00")
    schedule_factory.session("Sesi yang Saya Pimpin", start="13:00", end="14:00", facilitators=[leader])
    schedule_factory.session("Sesi Orang Lain", start="15:00", end="16:00")
    schedule_factory.publish()
    token = token_for(leader)
    client.post(f"/e/plm-test/me/{token}/sessions/{workshop.id}/signup")
    page = client.get(f"/e/plm-test/me/{token}/sessions").get_data(as_text=True)
    mine = page.split("Jadwal saya", 1)[1]
    for title in ("Pembukaan", "Lokakarya SLiMS", "Sesi yang Saya Pimpin"):
        assert title in mine
    assert "Sesi Orang Lain" not in page
    feed_section = page.split("Tautan kalender saya", 1)[1].split("</section>", 1)[0]
    assert token not in feed_section  # the feed does not carry the manage token

    from plm.schedule.service import feed_key

    url = f"/e/plm-test/calendar/{leader.public_id}/{feed_key(app.config['SECRET_KEY'], leader)}.ics"
    assert url in page
    feed = client.get(url)
    assert feed.mimetype == "text/calendar"
    titles = sorted(str(e["SUMMARY"]) for e in Calendar.from_ical(feed.data).walk("VEVENT"))
    assert titles == ["Lokakarya SLiMS", "Pembukaan", "Sesi yang Saya Pimpin"]
    assert client.get(f"/e/plm-test/calendar/{leader.public_id}/{'0' * 32}.ics").status_code == 404


# ---- concurrency: real parallel HTTP requests against a threaded server ----





def post_status(url: str) -> int:
    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, data=b"", method="POST")
    try:
        with opener.open(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        exc.close()
        return exc.code


def test_twenty_parallel_sign_ups_for_the_last_five_seats(event, schedule_factory, live_server, monkeypatch):
    # Widen the window between "seats left?" and "take the seat" so a missing lock shows every time.
    from plm.schedule import service

    real_seat_limit = service.seat_limit

    def slow_seat_limit(item):
        time.sleep(0.05)
        return real_seat_limit(item)

    monkeypatch.setattr(service, "seat_limit", slow_seat_limit)
    room = schedule_factory.room("Ruang Jimbaran", capacity=60)
    item = schedule_factory.session("Lokakarya Otomasi", kind="workshop", room=room, capacity=8, signup=True)
    schedule_factory.publish()
    for i in range(3):  # three seats already taken: five left
        db.session.add(SessionSignup(session_id=item.id, participant_id=schedule_factory.person(f"Awal{i} X").id))
    db.session.commit()
    tokens = [token_for(schedule_factory.person(f"Peserta{i} Paralel")) for i in range(20)]
    urls = [f"{live_server}/e/plm-test/me/{t}/sessions/{item.id}/signup" for t in tokens]
    barrier = threading.Barrier(20)

    def go(url):
        barrier.wait()
        return post_status(url)

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(go, urls))
    assert sorted(statuses).count(303) == 5, statuses
    assert statuses.count(409) == 15, statuses
    assert signups(item.id) == 8


def test_parallel_double_submit_by_one_person_takes_one_seat(event, schedule_factory, live_server):
    item = schedule_factory.session("Lokakarya", kind="workshop", capacity=10, signup=True)
    schedule_factory.publish()
    token = token_for(schedule_factory.person())
    url = f"{live_server}/e/plm-test/me/{token}/sessions/{item.id}/signup"
    barrier = threading.Barrier(6)

    def go(_):
        barrier.wait()
        return post_status(url)

    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(pool.map(go, range(6)))
    assert statuses.count(303) == 1 and statuses.count(409) == 5, statuses
    assert signups(item.id) == 1


def test_another_events_session_is_a_404_to_sign_up_for_or_leave(client, event, schedule_factory, workshop):
    from plm.models import Event, EventSession

    other = Event(slug="plm-lain", name="Lain", starts_on=event.starts_on, ends_on=event.ends_on)
    db.session.add(other)
    db.session.flush()
    theirs = EventSession(event_id=other.id, title="Sesi Lain", kind="workshop", signup_required=True, capacity=5,
                          starts_at=workshop.starts_at, ends_at=workshop.ends_at)
    db.session.add(theirs)
    db.session.commit()
    token = token_for(schedule_factory.person())
    for action in ("signup", "leave"):
        response = client.post(f"/e/plm-test/me/{token}/sessions/{theirs.id}/{action}")
        assert response.status_code == 404, action
    assert signups() == 0
    assert client.post(f"/e/plm-test/me/{token}/sessions/{workshop.id}/signup").status_code == 303
