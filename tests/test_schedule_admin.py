"""Staff side of the schedule: rooms, tracks, sessions, conflicts, publication and change marks."""

from datetime import UTC, datetime

from sqlalchemy import func, select

from plm.demo.data import DEMO_CONFLICT_TITLES
from plm.extensions import db
from plm.models import AuditLog, EventSession, Room, Track

BASE = "/staff/events/plm-test/schedule"


def session_form(event, **overrides):
    data = {"title": "Literasi Digital", "kind": "sharing", "day": event.starts_on.isoformat(), "start": "09:00",
            "end": "10:30", "room_id": "None", "track_id": "None", "capacity": "", "description": ""}
    data.update(overrides)
    return data


def test_schedule_pages_need_an_admin(client, event, login):
    assert client.get(BASE).status_code == 302  # to the login page
    login("organizer")
    for path in (BASE, BASE + "/rooms", BASE + "/conflicts", BASE + "/import", BASE + "/export.csv",
                 BASE + "/sessions/new", "/staff/events/plm-test/schedule.pdf"):
        assert client.get(path).status_code == 403, path
    assert client.post(BASE + "/publish").status_code == 403


def test_rooms_and_tracks(client, event, login):
    login("admin")
    response = client.post(BASE + "/rooms", data={"name": "Ruang Jimbaran", "capacity": "60", "notes": "Lantai 1"})
    assert response.status_code == 302
    room = db.session.scalar(select(Room))
    assert (room.name, room.capacity, room.notes) == ("Ruang Jimbaran", 60, "Lantai 1")
    again = client.post(BASE + "/rooms", data={"name": "ruang jimbaran", "capacity": ""})
    assert again.status_code == 422
    assert "sudah punya ruang dengan nama ini" in again.get_data(as_text=True)
    assert client.post(BASE + "/rooms", data={"name": "Ruang X", "capacity": "-3"}).status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Room)) == 1

    bad = client.post(BASE + "/tracks", data={"name": "Advokasi", "colour": "red; background:url(x)"})
    assert bad.status_code == 422
    assert client.post(BASE + "/tracks", data={"name": "Advokasi", "colour": "#B3261E"}).status_code == 302
    track = db.session.scalar(select(Track))
    assert track.colour == "#b3261e"
    css = client.get("/e/plm-test/schedule/tracks.css")
    assert css.mimetype == "text/css" and f".trk-{track.id}{{--trk:#b3261e}}" in css.get_data(as_text=True)


def test_room_in_use_cannot_be_deleted(client, event, login, schedule_factory):
    room = schedule_factory.room()
    schedule_factory.session(room=room)
    login("admin")
    response = client.post(f"{BASE}/rooms/{room.id}/delete", follow_redirects=True)
    assert "Masih ada sesi di ruang ini" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Room)) == 1


def test_create_session_stores_utc_and_shows_event_time(client, event, login, schedule_factory):
    room = schedule_factory.room()
    leader = schedule_factory.leader()
    login("admin")
    response = client.post(BASE + "/sessions/new", data=session_form(
        event, room_id=str(room.id), facilitator_ids=[str(leader.id)], capacity="30", signup_required="y"))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    item = db.session.scalar(select(EventSession))
    # 09:00 in Bali (WITA, UTC+8) is 01:00 UTC.
    assert item.starts_at == datetime.combine(event.starts_on, datetime.min.time(), UTC).replace(hour=1)
    assert item.ends_at.hour == 2 and item.ends_at.minute == 30
    assert [p.id for p in item.facilitators] == [leader.id]
    assert item.signup_required and item.capacity == 30 and item.sequence == 0
    grid = client.get(BASE + f"?day={event.starts_on.isoformat()}").get_data(as_text=True)
    assert "Literasi Digital" in grid and "09:00–10:30" in grid
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "session.create")) is not None


def test_session_form_refuses_bad_input(client, event, login, schedule_factory):
    participant = schedule_factory.person()  # role participant: not a facilitator choice
    login("admin")
    response = client.post(BASE + "/sessions/new", data=session_form(event, start="11:00", end="10:00"))
    assert response.status_code == 422
    assert "Sesi harus selesai setelah dimulai" in response.get_data(as_text=True)
    response = client.post(BASE + "/sessions/new", data=session_form(event, facilitator_ids=[str(participant.id)]))
    assert response.status_code == 422
    response = client.post(BASE + "/sessions/new", data=session_form(event, title="", day="kemarin"))
    assert response.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(EventSession)) == 0


def test_editing_time_or_room_bumps_sequence(client, event, login, schedule_factory):
    room, other = schedule_factory.room(), schedule_factory.room("Ruang Sanur", position=1)
    item = schedule_factory.session(room=room)
    login("admin")
    form = session_form(event, title="Sesi Berbagi", start="10:00", end="11:30", room_id=str(room.id),
                        description="Lebih jelas")
    assert client.post(f"{BASE}/sessions/{item.id}/edit", data=form).status_code == 302
    db.session.refresh(item)
    assert item.sequence == 0 and item.description == "Lebih jelas"  # no significant change
    form["room_id"] = str(other.id)
    client.post(f"{BASE}/sessions/{item.id}/edit", data=form)
    db.session.refresh(item)
    assert item.sequence == 1 and item.room_id == other.id
    client.post(f"{BASE}/sessions/{item.id}/cancel")
    db.session.refresh(item)
    assert item.cancelled_at is not None and item.sequence == 2


def test_conflicts_are_found_shown_and_flashed(client, event, login, schedule_factory):
    room = schedule_factory.room("Ruang Kuta", capacity=20)
    leader = schedule_factory.leader()
    schedule_factory.session("Sesi A", room=room, facilitators=[leader])
    schedule_factory.session("Sesi Luar Hari", day=10, room=None)
    schedule_factory.session("Lokakarya Besar", day=1, room=room, capacity=40, signup=True)
    login("admin")
    other_room = schedule_factory.room("Ruang Sanur", position=1)
    response = client.post(BASE + "/sessions/new", data=session_form(
        event, title="Sesi B", start="11:00", end="12:00", room_id=str(room.id), facilitator_ids=[str(leader.id)]),
        follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Sesi disimpan" in html
    assert "Ruang Kuta dipakai dua sesi sekaligus" in html  # flashed on save, and on the grid
    assert "Ayu Lestari memimpin dua sesi sekaligus" in html
    page = client.get(BASE + "/conflicts").get_data(as_text=True)
    assert page.count("<tr class=\"conflict-") == 4
    for text in ("Ruang Kuta dipakai dua sesi sekaligus", "Ayu Lestari memimpin dua sesi sekaligus",
                 "“Sesi Luar Hari” berada di luar hari acara", "“Lokakarya Besar” menyediakan 40 kursi, tetapi Ruang Kuta hanya memuat 20"):
        assert text in page, text
    # Moving Sesi B to another room and time clears the room and facilitator warnings.
    sesi_b = db.session.scalar(select(EventSession).where(EventSession.title == "Sesi B"))
    client.post(f"{BASE}/sessions/{sesi_b.id}/edit", data=session_form(
        event, title="Sesi B", start="13:00", end="14:00", room_id=str(other_room.id), facilitator_ids=[str(leader.id)]))
    page = client.get(BASE + "/conflicts").get_data(as_text=True)
    assert page.count("<tr class=\"conflict-") == 2


def test_demo_conflict_is_on_the_conflict_page_and_the_grid(client, demo_event, login):
    login("admin")
    page = client.get("/staff/events/plm-2015/schedule/conflicts").get_data(as_text=True)
    assert f"“{DEMO_CONFLICT_TITLES[0]}” dan “{DEMO_CONFLICT_TITLES[1]}”" in page
    day = demo_event.starts_on.toordinal() + 1
    from datetime import date

    grid = client.get(f"/staff/events/plm-2015/schedule?day={date.fromordinal(day).isoformat()}").get_data(as_text=True)
    assert 'class="cell clash"' in grid and "conflict-box" in grid


def test_draft_is_hidden_then_published_with_change_marks(client, event, login, schedule_factory):
    room, other = schedule_factory.room(), schedule_factory.room("Ruang Sanur", position=1)
    moved = schedule_factory.session("Sesi Pindah", room=room)
    dropped = schedule_factory.session("Sesi Batal", start="13:00", end="14:00", room=room)
    assert "belum diterbitkan" in client.get("/e/plm-test/schedule").get_data(as_text=True)
    assert client.get(f"/e/plm-test/schedule/{moved.id}").status_code == 404
    assert client.get("/e/plm-test/schedule.ics").status_code == 404

    login("admin")
    assert client.post(BASE + "/publish").status_code == 302
    db.session.refresh(event)
    assert event.schedule_published_at is not None
    client.post(f"{BASE}/sessions/{moved.id}/edit", data=session_form(
        event, title="Sesi Pindah", start="15:00", end="16:00", room_id=str(other.id)))
    client.post(f"{BASE}/sessions/{dropped.id}/cancel")
    # Deleting a published session is refused: cancel it so participants see it.
    client.post(f"{BASE}/sessions/{dropped.id}/delete")
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(EventSession)) == 2
    client.post("/staff/logout")

    page = client.get(f"/e/plm-test/schedule?day={event.starts_on.isoformat()}").get_data(as_text=True)
    assert "Jam baru" in page and "Ruang baru" in page and "Dibatalkan" in page
    detail = client.get(f"/e/plm-test/schedule/{moved.id}").get_data(as_text=True)
    assert "Sebelumnya" in detail and "10:00" in detail


def test_unpublished_session_can_be_deleted(client, event, login, schedule_factory):
    item = schedule_factory.session()
    login("admin")
    client.post(f"{BASE}/sessions/{item.id}/delete")
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(EventSession)) == 0


def test_demo_has_exactly_the_one_deliberate_conflict(demo_event):
    from plm.schedule import service

    found = service.find_conflicts(demo_event, service.event_sessions(db.session, demo_event),
                                   service.signup_counts(db.session, demo_event))
    assert [(c.kind, sorted(s.title for s in c.sessions)) for c in found] == [("room", sorted(DEMO_CONFLICT_TITLES))]


def test_another_events_room_or_track_is_a_404(client, login, event):
    from datetime import date

    from plm.models import Event

    other = Event(slug="plm-other", name="Other", starts_on=date(2030, 1, 1), ends_on=date(2030, 1, 2))
    db.session.add(other)
    db.session.flush()
    room = Room(event_id=other.id, name="Ruang Lain")
    track = Track(event_id=other.id, name="Lain")
    db.session.add_all([room, track])
    db.session.commit()
    login("admin")
    assert client.get(f"{BASE}/rooms/{room.id}").status_code == 404
    assert client.get(f"{BASE}/tracks/{track.id}").status_code == 404
    assert client.post(f"{BASE}/rooms/{room.id}/delete").status_code == 404
    assert client.get(f"{BASE}/rooms/999999").status_code == 404
    assert db.session.scalar(select(func.count()).select_from(Room)) == 1
