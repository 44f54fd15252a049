"""Travel pages: a participant enters travel on the manage link (refused after the deadline, nothing
changed); organizers edit and download the pick-up list (PDF read back and rasterised, XLSX, WhatsApp)."""

from __future__ import annotations

import io
from datetime import timedelta

from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from plm.extensions import db
from plm.models import utcnow
from plm.travel.models import TravelPlan, TravelSettings
from tests.helpers import add_participant, rasterise_pdf, token_for


def _form(event, day=-1, hhmm="09:05", **over):
    when = (event.starts_on + timedelta(days=day)).isoformat()
    data = {"origin_province": "Nusa Tenggara Barat", "origin_regency": "Kota Bima", "mode": "plane",
            "arrival_at": f"{when}T{hhmm}", "arrival_carrier": "Wings Air", "arrival_number": "iw 1841",
            "arrival_point": "Bandara I Gusti Ngurah Rai", "departure_at": f"{(event.ends_on).isoformat()}T15:30",
            "departure_carrier": "Wings Air", "departure_number": "IW 1840", "departure_point": "Bandara I Gusti Ngurah Rai"}
    data.update(over)
    return data


def test_participant_enters_travel_until_the_deadline(client, event):
    person = add_participant(event, "Ayu Lestari", phone="+6281311112222")
    token = token_for(person)
    url = f"/e/{event.slug}/me/{token}/travel"
    page = client.get(url).get_data(as_text=True)
    assert "Perjalanan saya" in page and 'value="Bali"' in page  # province from the registration
    assert client.post(url, data=_form(event)).status_code == 302
    plan = db.session.scalar(select(TravelPlan))
    assert plan.arrival_number == "IW 1841" and plan.updated_by == "participant"
    assert plan.arrival_at.astimezone().utcoffset() is not None
    # A departure before the arrival is refused in Indonesian; nothing changes.
    page = client.post(url, data=_form(event, departure_at=f"{(event.starts_on - timedelta(days=2)).isoformat()}T08:00"))
    assert "harus setelah" in page.get_data(as_text=True)
    db.session.add(TravelSettings(event_id=event.id, window_minutes=60, deadline=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    page = client.post(url, data=_form(event, hhmm="11:00")).get_data(as_text=True)
    assert "Batas waktu" in page and "disabled" in page
    db.session.expire_all()
    assert db.session.scalar(select(TravelPlan)).arrival_number == "IW 1841"
    assert db.session.scalar(select(TravelPlan)).arrival_at.astimezone().minute == 5


def test_organizer_downloads_pickup_lists(client, event, login):
    login("organizer")
    for i, (name, hhmm) in enumerate((("Ayu Lestari", "09:05"), ("Budi Santoso", "09:40"), ("Citra Dewi", "13:00"))):
        person = add_participant(event, name, phone=f"+62813000000{i}")
        assert client.post(f"/staff/events/{event.slug}/travel/people/{person.public_id}",
                           data=_form(event, hhmm=hhmm)).status_code == 302
    page = client.get(f"/staff/events/{event.slug}/travel/").get_data(as_text=True)
    assert "Jemput di Bandara I Gusti Ngurah Rai, 09:05–09:40 (2 orang)" in page
    pdf = client.post(f"/staff/events/{event.slug}/travel/export", data={"direction": "arrival", "format": "pdf"})
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "DAFTAR JEMPUTAN KEDATANGAN" in text and "+628130000001" in text and "09:05–09:40 · 2 orang" in text
    image = rasterise_pdf(pdf.data, 50)[0]
    assert image.width < image.height  # portrait, rendered
    xlsx = client.post(f"/staff/events/{event.slug}/travel/export", data={"direction": "departure", "format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(xlsx.data)).active.iter_rows(values_only=True))
    assert sum(1 for r in rows if r[4] in ("Ayu Lestari", "Budi Santoso", "Citra Dewi")) == 3
    wa = client.post(f"/staff/events/{event.slug}/travel/export", data={"direction": "arrival", "format": "whatsapp"})
    assert wa.mimetype == "text/plain" and "*KEDATANGAN" in wa.get_data(as_text=True)
    # After the export a change is marked on the page.
    person = db.session.scalar(select(TravelPlan).order_by(TravelPlan.id)).participant
    client.post(f"/staff/events/{event.slug}/travel/people/{person.public_id}", data=_form(event, hhmm="09:10"))
    assert "berubah" in client.get(f"/staff/events/{event.slug}/travel/").get_data(as_text=True)


def test_travel_pages_are_for_organizers(client, event, login):
    login("facilitator")
    assert client.get(f"/staff/events/{event.slug}/travel/").status_code == 403


def test_a_save_from_an_older_page_is_refused_and_shows_what_is_saved(client, event, login):
    """The participant and the committee edit the same travel: the second save, made from a page opened before
    the first, must not silently undo it."""
    import re

    person = add_participant(event, "Ayu Lestari", phone="+6281311112222")
    mine = f"/e/{event.slug}/me/{token_for(person)}/travel"
    assert client.post(mine, data=_form(event)).status_code == 302
    login("organizer")
    staff = f"/staff/events/{event.slug}/travel/people/{person.public_id}"
    seen = re.search(r'name="seen"[^>]*value="([^"]+)"', client.get(staff).get_data(as_text=True)).group(1)
    # Meanwhile the participant changes their flight, from their own page (opened now).
    own = re.search(r'name="seen"[^>]*value="([^"]+)"', client.get(mine).get_data(as_text=True)).group(1)
    assert own == seen
    assert client.post(mine, data=_form(event, arrival_number="JT 30", seen=own)).status_code == 302
    # The organiser saves the page they opened before: refused, nothing changed, the form shows the new flight.
    answer = client.post(staff, data=_form(event, hhmm="11:00", arrival_number="GA 400", seen=seen))
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "Perubahan Anda tidak disimpan" in page
    assert 'value="JT 30"' in page and "GA 400" not in page
    db.session.expire_all()
    assert db.session.scalar(select(TravelPlan)).arrival_number == "JT 30"
    # Saving again from the page now shown works.
    fresh = re.search(r'name="seen"[^>]*value="([^"]+)"', page).group(1)
    assert client.post(staff, data=_form(event, arrival_number="GA 400", seen=fresh)).status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(TravelPlan)).arrival_number == "GA 400"
