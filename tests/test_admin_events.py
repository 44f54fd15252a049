import io
from datetime import date

from PIL import Image
from sqlalchemy import select

from plm.extensions import db
from plm.models import AuditLog, Checkpoint, Event
from tests.helpers import EVENT_FORM as FORM


def test_admin_creates_and_edits_an_event(client, login):
    login("admin")
    response = client.post("/staff/events/new", data=FORM)
    assert response.status_code == 302
    event = db.session.scalar(select(Event).where(Event.slug == "plm-kalimantan-2026"))
    assert event.capacity == 120 and event.starts_on == date(2026, 9, 1)
    # 08:00 WITA is 00:00 UTC
    assert event.registration_opens_at.isoformat() == "2026-07-01T00:00:00+00:00"
    assert len(db.session.scalars(select(Checkpoint).where(Checkpoint.event_id == event.id)).all()) == 3
    edit = client.get(f"/staff/events/{event.slug}/edit").get_data(as_text=True)
    assert 'value="2026-07-01T08:00"' in edit  # shown back in the event's time zone
    client.post(f"/staff/events/{event.slug}/edit", data={**FORM, "ends_on": "2026-09-04", "capacity": ""})
    db.session.expire_all()
    event = db.session.get(Event, event.id)
    assert event.capacity is None and event.ends_on == date(2026, 9, 4)
    assert len(db.session.scalars(select(Checkpoint).where(Checkpoint.event_id == event.id)).all()) == 4
    actions = db.session.scalars(select(AuditLog.action).where(AuditLog.event_id == event.id)).all()
    assert actions == ["event.create", "event.update"]


def test_bad_event_input_is_explained_and_changes_nothing(client, login):
    login("admin")
    page = client.post("/staff/events/new", data={**FORM, "slug": "Bad Slug!", "ends_on": "2026-08-01",
                                                  "timezone": "Mars/Olympus"}).get_data(as_text=True)
    assert "huruf kecil" in page            # slug rule, in Indonesian
    assert "Hari terakhir tidak boleh" in page
    assert "Zona waktu tidak dikenal" in page
    assert 'value="PLM Regional Kalimantan"' in page  # what was typed is kept
    assert db.session.scalar(select(Event)) is None


def test_duplicate_slug_is_refused(client, login, event):
    login("admin")
    page = client.post("/staff/events/new", data={**FORM, "slug": event.slug}).get_data(as_text=True)
    assert "sudah dipakai" in page
    assert len(db.session.scalars(select(Event)).all()) == 1


def test_logo_upload_is_reencoded(client, login, app):
    login("admin")
    raw = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(raw, format="JPEG")
    data = {**FORM, "logo": (io.BytesIO(raw.getvalue()), "logo.jpg")}
    assert client.post("/staff/events/new", data=data, content_type="multipart/form-data").status_code == 302
    event = db.session.scalar(select(Event))
    assert event.logo_path.endswith(".png")
    served = client.get(f"/e/{event.slug}/logo")
    assert served.status_code == 200 and served.data.startswith(b"\x89PNG")
    served.close()


def test_fake_image_is_refused(client, login):
    login("admin")
    data = {**FORM, "logo": (io.BytesIO(b"<svg onload=alert(1)>"), "logo.png")}
    page = client.post("/staff/events/new", data=data, content_type="multipart/form-data").get_data(as_text=True)
    assert "bukan gambar" in page
    assert db.session.scalar(select(Event)) is None


def test_archive_hides_event_from_public(client, login, event):
    assert event.name in client.get("/").get_data(as_text=True)
    login("admin")
    client.post(f"/staff/events/{event.slug}/archive")
    assert event.name not in client.get("/").get_data(as_text=True)
    assert client.get(f"/e/{event.slug}/").status_code == 404
    client.post(f"/staff/events/{event.slug}/archive")  # restore
    assert client.get(f"/e/{event.slug}/").status_code == 200


def test_event_home_shows_what_where_when(client, event):
    page = client.get(f"/e/{event.slug}/").get_data(as_text=True)
    assert event.name in page and "Hotel Ungasan" in page and "Pendaftaran" in page
