"""Lodging end to end on the real database: hotels and rooms (form and CSV/XLSX import), nights from the
answers, the suggestion previewed then applied, manual moves with conflicts, the rooming list PDF and XLSX
read back, and the participant's room on their manage page only once published."""

from __future__ import annotations

import io
import subprocess
from datetime import timedelta

import pytest
from openpyxl import Workbook, load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select

from plm.extensions import db
from plm.lodging import service
from plm.lodging.models import Hotel, HotelRoom, LodgingSettings, RoomAssignment
from plm.models import Participant
from tests.helpers import spying

PROVINCES = ["Aceh", "Bali", "Papua", "Riau"]


@pytest.fixture
def people(event):
    """Eight registered people: four women and three men from four provinces, one without a gender answer."""
    from plm.questions import service as questions

    gender = questions.add_preset(db.session, event.id, "gender")
    arrival = questions.add_preset(db.session, event.id, "arrival_date")
    departure = questions.add_preset(db.session, event.id, "departure_date")
    made = []
    for n in range(8):
        person = Participant(event_id=event.id, full_name=f"Peserta {n}", email=f"p{n}@test.example",
                             email_normalized=f"p{n}@test.example", province=PROVINCES[n % 4], institution=f"TBM {n % 4}")
        db.session.add(person)
        db.session.flush()
        values = {}
        if n < 7:
            values["gender"] = "female" if n % 2 == 0 else "male"
        if n == 1:  # arrives a day late
            values["arrival_date"] = event.starts_on + timedelta(days=1)
            values["departure_date"] = event.ends_on
        questions.save_values(db.session, person, [gender, arrival, departure], values)
        made.append(person)
    db.session.commit()
    return made


def _csv(text: str):
    return (io.BytesIO(text.encode("utf-8")), "kamar.csv")


def _hotel(client, event) -> Hotel:
    response = client.post(f"/staff/events/{event.slug}/lodging/hotels",
                           data={"name": "Hotel Sanur", "address": "Jl. Pantai 1", "phone": "0361 1"})
    assert response.status_code == 302
    return db.session.scalar(select(Hotel).where(Hotel.event_id == event.id))


def test_staff_add_hotel_rooms_and_import_with_indonesian_headers(client, login, event):
    login("organizer")
    hotel = _hotel(client, event)
    base = f"/staff/events/{event.slug}/lodging"
    assert client.post(f"{base}/hotels/{hotel.id}/rooms", data={"number": "101", "room_type": "single"}).status_code == 302
    room = db.session.scalar(select(HotelRoom).where(HotelRoom.number == "101"))
    assert room.capacity == 1 and room.first_night == event.starts_on and room.last_night == event.ends_on - timedelta(days=1)
    csv = "nomor kamar;tipe;kapasitas\n201;twin;\n202;Tripel;3\n101;twin;2\n"
    response = client.post(f"{base}/hotels/{hotel.id}/import", data={"file": _csv(csv)}, content_type="multipart/form-data")
    assert response.status_code == 302
    db.session.expire_all()
    rooms = {r.number: (r.room_type, r.capacity) for r in db.session.scalars(select(HotelRoom))}
    assert rooms == {"101": ("twin", 2), "201": ("twin", 2), "202": ("triple", 3)}
    # A bad row: nothing imported, the row named in Indonesian.
    bad = "nomor kamar,tipe,kapasitas\n301,twin,2\n302,suite,2\n"
    response = client.post(f"{base}/hotels/{hotel.id}/import", data={"file": _csv(bad)}, content_type="multipart/form-data",
                           follow_redirects=True)
    assert "3: Tipe kamar harus single, twin atau triple" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(HotelRoom.id))) == 3
    # XLSX with dates in the availability columns.
    book = Workbook()
    sheet = book.active
    sheet.append(["Nomor kamar", "Tipe", "Kapasitas", "Malam pertama", "Malam terakhir"])
    sheet.append([401, "single", None, event.starts_on - timedelta(days=1), event.ends_on])
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    client.post(f"{base}/hotels/{hotel.id}/import", data={"file": (data, "kamar.xlsx")}, content_type="multipart/form-data")
    imported = db.session.scalar(select(HotelRoom).where(HotelRoom.number == "401"))
    assert imported.capacity == 1 and imported.first_night == event.starts_on - timedelta(days=1)
    # A duplicate number by the form: refused, nothing changes; the page answers 200.
    client.post(f"{base}/hotels/{hotel.id}/rooms", data={"number": "401", "room_type": "twin"})
    assert db.session.scalar(select(func.count(HotelRoom.id))) == 4
    assert client.get(f"{base}/hotels/{hotel.id}").status_code == 200
    assert client.get(f"{base}/rooms/{imported.id}").status_code == 200
    assert client.get(base).status_code == 200


def test_nights_come_from_travel_then_the_answers_else_the_event(app, event, people):
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    from plm.travel.models import TravelPlan

    zone = ZoneInfo(event.timezone)
    # Travel says: arrives the evening before (local time; 23:30 WITA is still that day), leaves on day 3.
    db.session.add(TravelPlan(event_id=event.id, participant_id=people[1].id,
                              arrival_at=datetime.combine(event.starts_on - timedelta(days=1), time(23, 30), zone),
                              departure_at=datetime.combine(event.starts_on + timedelta(days=2), time(9, 0), zone)))
    # A plan without dates (own transport) falls back to the answers, then the event.
    db.session.add(TravelPlan(event_id=event.id, participant_id=people[2].id))
    db.session.commit()
    stays = service.stays(db.session, event, people)
    last = event.ends_on - timedelta(days=1)
    assert stays[people[0].id] == (event.starts_on, last)
    assert stays[people[1].id] == (event.starts_on - timedelta(days=1), event.starts_on + timedelta(days=1))
    assert stays[people[2].id] == (event.starts_on, last)
    db.session.delete(db.session.scalar(select(TravelPlan).where(TravelPlan.participant_id == people[1].id)))
    db.session.commit()
    assert service.stays(db.session, event, people)[people[1].id] == (event.starts_on + timedelta(days=1), last)


def _rooms(event, *specs):
    hotel = Hotel(event_id=event.id, name="Hotel Sanur", address="Jl. Pantai 1")
    db.session.add(hotel)
    db.session.flush()
    for number, capacity in specs:
        db.session.add(HotelRoom(hotel_id=hotel.id, number=number, room_type="twin" if capacity == 2 else "triple" if capacity == 3 else "single",
                                 capacity=capacity, first_night=event.starts_on, last_night=event.ends_on - timedelta(days=1)))
    db.session.commit()
    return hotel


def test_preview_writes_nothing_apply_assigns_and_moves_show_conflicts(client, login, event, people):
    login("organizer")
    _rooms(event, ("101", 1), ("201", 2), ("202", 2), ("203", 2), ("204", 2))
    base = f"/staff/events/{event.slug}/lodging"
    page = client.get(f"{base}/allocation?mode=keep")
    assert page.status_code == 200 and "Peserta 7" in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count(RoomAssignment.id))) == 0
    assert client.post(f"{base}/allocation", data={"mode": "mix"}).status_code == 302
    db.session.expire_all()
    placed = {a.participant_id: a.room for a in db.session.scalars(select(RoomAssignment))}
    assert len(placed) == 8
    assert placed[people[7].id].capacity == 1  # no gender answer: alone in the single room
    by_room = {}
    for pid, room in placed.items():
        by_room.setdefault(room.id, []).append(pid)
    for ids in by_room.values():
        assert len({("f" if people.index(next(p for p in people if p.id == i)) % 2 == 0 else "m") for i in ids}) == 1
    assert db.session.get(LodgingSettings, event.id).mode == "mix"
    assert service.current_conflicts(db.session, event) == []

    # Move a man into a woman's room: saved, shown as a conflict.
    woman_room = placed[people[0].id]
    client.post(f"{base}/assignments/move", data={"person": people[1].public_id, "room": woman_room.id})
    text = client.get(f"{base}/allocation").get_data(as_text=True)
    kinds = {c.kind for c in service.current_conflicts(db.session, event)}
    assert "mixed_gender" in kinds and "has-conflict" in text
    client.post(f"{base}/assignments/move", data={"person": people[3].public_id, "room": woman_room.id})
    assert "over_capacity" in {c.kind for c in service.current_conflicts(db.session, event)}
    client.post(f"{base}/assignments/unassign", data={"person": people[1].public_id})
    client.post(f"{base}/assignments/unassign", data={"person": people[3].public_id})
    assert service.current_conflicts(db.session, event) == []
    # Swap two women's rooms.
    first, second = people[0], people[4]
    before = {p.id: db.session.scalar(select(RoomAssignment.room_id).where(RoomAssignment.participant_id == p.id)) for p in (first, second)}
    client.post(f"{base}/assignments/swap", data={"first": first.public_id, "second": second.public_id})
    db.session.expire_all()
    after = {p.id: db.session.scalar(select(RoomAssignment.room_id).where(RoomAssignment.participant_id == p.id)) for p in (first, second)}
    assert after == {first.id: before[second.id], second.id: before[first.id]}
    # Unknown person: a message, nothing changes, never a 500.
    response = client.post(f"{base}/assignments/move", data={"person": "nobody", "room": woman_room.id}, follow_redirects=True)
    assert response.status_code == 200 and "tidak ditemukan" in response.get_data(as_text=True)


def test_nights_outside_the_stay_and_closed_room_are_conflicts(app, event, people):
    hotel = _rooms(event, ("201", 2))
    room = hotel.rooms[0]
    service.move(db.session, event, people[0].public_id, room)
    room.last_night = event.starts_on  # the hotel closes the room after the first night
    assignment = db.session.scalar(select(RoomAssignment))
    assignment.first_night = event.starts_on - timedelta(days=1)  # nights no longer the stay
    db.session.commit()
    kinds = {c.kind for c in service.current_conflicts(db.session, event)}
    assert kinds == {"outside_stay", "room_unavailable"}


def test_rooming_list_pdf_and_xlsx_read_back(client, login, event, people, tmp_path):
    login("organizer")
    _rooms(event, ("101", 1), ("201", 2), ("202", 2), ("203", 2), ("204", 2))
    service.apply_suggestion(db.session, event, "keep")
    db.session.commit()
    base = f"/staff/events/{event.slug}/lodging"
    response = client.get(f"{base}/rooming.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    nights = (event.ends_on - event.starts_on).days
    assert len(reader.pages) == nights
    assert reader.pages[0].mediabox.width == pytest.approx(595, abs=2)  # A4
    first = reader.pages[0].extract_text()
    assert "Daftar kamar" in first and "Peserta 0" in first and "Aceh" in first and "Perempuan" in first
    assert "Peserta 1" not in first  # arrives the second night
    assert "Peserta 1" in reader.pages[1].extract_text()
    pdf = tmp_path / "rooming.pdf"
    pdf.write_bytes(response.data)
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True)
    assert (tmp_path / "page-1.png").stat().st_size > 1000

    response = client.get(f"{base}/rooming.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:5] == ("Malam", "Hotel", "No. kamar", "Tipe kamar", "Nama")
    body = rows[2:]
    assert len(body) == sum(nights if p.id != people[1].id else nights - 1 for p in people)
    assert {r[4] for r in body} == {p.full_name for p in people}
    assert all(r[1] == "Hotel Sanur" for r in body)


def test_manage_page_shows_the_room_only_when_published(client, login, event, people):
    _rooms(event, ("101", 1), ("201", 2), ("202", 2), ("203", 2), ("204", 2))
    service.apply_suggestion(db.session, event, "mix")
    person = people[0]
    token = person.issue_manage_token()
    db.session.commit()
    room = db.session.scalar(select(RoomAssignment).where(RoomAssignment.participant_id == person.id)).room
    page = client.get(f"/e/{event.slug}/me/{token}").get_data(as_text=True)
    assert "Kamar hotel Anda" not in page and "Hotel Sanur" not in page
    login("organizer")
    client.post(f"/staff/events/{event.slug}/lodging/publish", data={"publish": "1"})
    page = client.get(f"/e/{event.slug}/me/{token}").get_data(as_text=True)
    assert "Kamar hotel Anda" in page and "Hotel Sanur" in page and f">{room.number}<" in page
    client.post(f"/staff/events/{event.slug}/lodging/publish", data={"publish": "0"})
    assert "Hotel Sanur" not in client.get(f"/e/{event.slug}/me/{token}").get_data(as_text=True)


def test_facilitators_cannot_open_lodging(client, login, event):
    login("facilitator")
    assert client.get(f"/staff/events/{event.slug}/lodging").status_code == 403
    assert client.post(f"/staff/events/{event.slug}/lodging/allocation", data={"mode": "mix"}).status_code == 403


def test_rooming_pdf_renders_in_a_child_process(make_app, event, people):
    """Outside tests the web process never renders the rooming list itself (its GIL serves the door)."""
    from plm.auth.service import create_user
    from plm.lodging import routes
    from tests.conftest import STAFF_PASSWORD

    _rooms(event, ("101", 1), ("201", 2), ("202", 2), ("203", 2), ("204", 2))
    service.apply_suggestion(db.session, event, "mix")
    create_user(db.session, "rooms-kid@test.example", "organizer", STAFF_PASSWORD)
    db.session.commit()
    child_app = make_app(LODGING_RENDER_CHILD=True)
    with child_app.app_context():
        client = child_app.test_client()
        client.post("/staff/login", data={"email": "rooms-kid@test.example", "password": STAFF_PASSWORD})
        with spying(routes, "_render_pdf_in_child") as calls:
            response = client.get(f"/staff/events/{event.slug}/lodging/rooming.pdf")
        assert response.status_code == 200 and calls
        text = PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
        assert "Daftar kamar" in text and "Peserta 0" in text


def test_bad_input_changes_nothing_and_says_why(client, login, event):
    login("organizer")
    base = f"/staff/events/{event.slug}/lodging"
    response = client.post(f"{base}/hotels", data={"name": "  "}, follow_redirects=True)
    assert response.status_code == 200 and "Isi nama hotel" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Hotel.id))) == 0
    hotel = _hotel(client, event)
    for data, name in ((b"PK\x03\x04 not a zip", "kamar.xlsx"), (b"", "kamar.csv"), (b"kamar,harga\n1,2\n", "kamar.csv")):
        response = client.post(f"{base}/hotels/{hotel.id}/import", data={"file": (io.BytesIO(data), name)},
                               content_type="multipart/form-data", follow_redirects=True)
        assert response.status_code == 200, name
    assert db.session.scalar(select(func.count(HotelRoom.id))) == 0
    response = client.post(f"{base}/hotels/{hotel.id}/rooms", follow_redirects=True,
                           data={"number": "9", "room_type": "twin", "first_night": "2015-05-20", "last_night": "2015-05-18"})
    assert "Malam terakhir tidak boleh sebelum malam pertama" in response.get_data(as_text=True)
    assert client.post(f"{base}/allocation", data={"mode": "sideways"}).status_code == 400
    assert client.get(f"{base}/allocation?mode=sideways").status_code == 200
    assert client.get(f"{base}/hotels/999").status_code == 404 and client.get(f"{base}/rooms/999").status_code == 404
    assert db.session.scalar(select(func.count(HotelRoom.id))) == 0


def test_a_room_saved_from_a_page_opened_before_someone_elses_save_is_refused(client, login, event):
    """Two organisers edit room 101: the second save, from the page opened before the first, must not
    silently put the old bed count back."""
    import re

    login("organizer")
    hotel = _hotel(client, event)
    base = f"/staff/events/{event.slug}/lodging"
    client.post(f"{base}/hotels/{hotel.id}/rooms", data={"number": "101", "room_type": "twin"})
    room = db.session.scalar(select(HotelRoom))
    seen = lambda page: re.search(r'name="seen" type="hidden" value="([0-9a-f]+)"', page).group(1)  # noqa: E731
    first = seen(client.get(f"{base}/rooms/{room.id}").get_data(as_text=True))
    second = seen(client.get(f"{base}/rooms/{room.id}").get_data(as_text=True))
    keep = {"number": "101", "first_night": room.first_night.isoformat(), "last_night": room.last_night.isoformat()}
    assert client.post(f"{base}/rooms/{room.id}", data={**keep, "room_type": "triple", "capacity": "3",
                                                         "seen": second}).status_code == 302
    answer = client.post(f"{base}/rooms/{room.id}", data={**keep, "room_type": "twin", "capacity": "2", "seen": first})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "Perubahan Anda tidak disimpan" in page
    assert 'value="3"' in page  # the form shows what is saved
    db.session.expire_all()
    assert (room.room_type, room.capacity) == ("triple", 3)
    # From the page now shown, the change goes through.
    assert client.post(f"{base}/rooms/{room.id}", data={**keep, "room_type": "twin", "capacity": "2",
                                                         "seen": seen(page)}).status_code == 302
    db.session.expire_all()
    assert room.capacity == 2


def test_deleting_a_room_with_people_in_it_needs_a_tick_naming_them(client, login, event, people):
    login("organizer")
    hotel = _hotel(client, event)
    base = f"/staff/events/{event.slug}/lodging"
    client.post(f"{base}/hotels/{hotel.id}/rooms", data={"number": "101", "room_type": "twin"})
    room = db.session.scalar(select(HotelRoom))
    service.move(db.session, event, people[0].public_id, room)
    db.session.commit()
    page = client.get(f"{base}/rooms/{room.id}").get_data(as_text=True)
    assert f"Ya: {people[0].full_name} kehilangan kamar ini" in page and 'name="confirm"' in page
    refused = client.post(f"{base}/rooms/{room.id}/delete", follow_redirects=True)
    assert "Centang kotaknya" in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count(RoomAssignment.id))) == 1
    assert client.post(f"{base}/rooms/{room.id}/delete", data={"confirm": "1"}).status_code == 302
    assert db.session.scalar(select(func.count(HotelRoom.id))) == 0
    assert db.session.scalar(select(func.count(RoomAssignment.id))) == 0


def test_two_people_of_the_same_name_are_told_apart_in_the_move_list(client, login, event, people):
    login("organizer")
    _hotel(client, event)
    twin = Participant(event_id=event.id, full_name="Peserta 0", email="twin@test.example",
                       email_normalized="twin@test.example", province="Aceh", institution="TBM Lain")
    db.session.add(twin)
    db.session.commit()
    page = client.get(f"/staff/events/{event.slug}/lodging/allocation").get_data(as_text=True)
    assert f"Peserta 0 · Aceh · TBM 0 · {people[0].public_id}</option>" in page
    assert f"Peserta 0 · Aceh · TBM Lain · {twin.public_id}</option>" in page
    assert "Peserta 1 · Bali</option>" in page  # a name of its own stays short


def test_applying_a_new_suggestion_over_current_rooms_needs_a_tick(client, login, event, people):
    """'Apply' replaces every assignment, manual moves included (and what participants see once published):
    with rooms already given, it happens only when the organiser ticks that they mean it."""
    login("organizer")
    _rooms(event, ("101", 1), ("201", 2), ("202", 2), ("203", 2), ("204", 2))
    base = f"/staff/events/{event.slug}/lodging"
    assert client.post(f"{base}/allocation", data={"mode": "mix"}).status_code == 302  # nobody placed yet
    placed = {a.participant_id: a.room_id for a in db.session.scalars(select(RoomAssignment))}
    page = client.get(f"{base}/allocation").get_data(as_text=True)
    assert "Ya, ganti 8 penempatan kamar" in page and 'name="replace"' in page
    refused = client.post(f"{base}/allocation", data={"mode": "keep"}, follow_redirects=True)
    assert "Centang kotaknya untuk mengganti" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert {a.participant_id: a.room_id for a in db.session.scalars(select(RoomAssignment))} == placed
    assert client.post(f"{base}/allocation", data={"mode": "keep", "replace": "1"}).status_code == 302
    assert db.session.get(LodgingSettings, event.id).mode == "keep"


def test_moves_with_an_id_past_the_database_integer_or_a_nul_are_messages(client, login, event, people):
    """Found by tests/test_post_routes_refuse_bad_input.py: a 20-digit room id was an OverflowError, and a NUL
    in the person's ticket number a 500 on PostgreSQL (text cannot hold NUL); both are "not found" now."""
    login("organizer")
    _rooms(event, ("101", 2))
    room = db.session.scalar(select(HotelRoom))
    base = f"/staff/events/{event.slug}/lodging/assignments"
    for url, data in (("move", {"person": people[0].public_id, "room": "99999999999999999999"}),
                      ("move", {"person": "\x00", "room": room.id}),
                      ("swap", {"first": people[0].public_id, "second": "\x00"}),
                      ("unassign", {"person": "\x00"})):
        response = client.post(f"{base}/{url}", data=data, follow_redirects=True)
        assert response.status_code == 200 and "tidak ditemukan" in response.get_data(as_text=True), (url, data)
    assert db.session.scalar(select(func.count(RoomAssignment.id))) == 0
    # A NUL around a real ticket number is dropped, as at the door: the person is found and moved.
    assert client.post(f"{base}/move", data={"person": people[0].public_id + "\x00", "room": room.id}).status_code == 302
    assert db.session.scalar(select(func.count(RoomAssignment.id))) == 1
