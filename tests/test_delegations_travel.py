"""Issue 18: a delegation contact fills travel for their own delegates on the invitation link, under the
participant's deadline, audited as done by the contact; another institution's delegate is not found."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import event as sa_event
from sqlalchemy import func, select

from plm.extensions import db
from plm.models import AuditLog, utcnow
from plm.travel.models import TravelPlan, TravelSettings
from tests.delegation_helpers import make_institution
from tests.helpers import add_participant
from tests.test_travel_routes import _form


def _delegate(event, institution, name):
    return add_participant(event, name, institution=institution.name, institution_id=institution.id)


def test_contact_fills_travel_for_a_delegate_and_the_page_shows_it(client, event):
    institution, token = make_institution(event)
    ayu, budi = _delegate(event, institution, "Ayu Lestari"), _delegate(event, institution, "Budi Santoso")
    page = client.get(f"/e/{event.slug}/delegation/{token}").get_data(as_text=True)
    assert page.count("belum diisi") == 2 and f"/delegation/{token}/travel/{ayu.public_id}" in page
    url = f"/e/{event.slug}/delegation/{token}/travel/{ayu.public_id}"
    form = client.get(url).get_data(as_text=True)
    assert "Perjalanan Ayu Lestari" in form and 'value="Bali"' in form
    assert client.post(url, data=_form(event, hhmm="14:20")).status_code == 302
    plan = db.session.scalar(select(TravelPlan))
    assert plan.participant_id == ayu.id and plan.updated_by == "contact" and plan.arrival_number == "IW 1841"
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "travel.plan"))
    assert entry.user_id is None and entry.detail["by"] == "contact"
    assert entry.detail["on_behalf"] == {"institution_id": institution.id, "contact_name": "Made Sudarsana",
                                         "contact_email": "kontak@gianyar.example"}
    page = client.get(f"/e/{event.slug}/delegation/{token}").get_data(as_text=True)
    day = (event.starts_on - timedelta(days=1)).day
    assert f"✓ tiba {day} " in page and "14:20, Bandara I Gusti Ngurah Rai" in page
    assert page.count("belum diisi") == 1  # Budi's travel is still empty
    # The saved plan comes back in the form for changes.
    assert 'value="Wings Air"' in client.get(url).get_data(as_text=True)
    assert budi.id not in {p.participant_id for p in db.session.scalars(select(TravelPlan))}


def test_another_institutions_delegate_or_a_wrong_link_is_not_found(client, event):
    mine, token = make_institution(event)
    other, _ = make_institution(event, name="TBM Lentera Pustaka", contact_email="lentera@example.id")
    stranger = _delegate(event, other, "Citra Dewi")
    unattached = add_participant(event, "Dewa Ketut")
    for person in (stranger, unattached):
        url = f"/e/{event.slug}/delegation/{token}/travel/{person.public_id}"
        assert client.get(url).status_code == 404
        assert client.post(url, data=_form(event)).status_code == 404
    own = _delegate(event, mine, "Eka Putri")
    assert client.get(f"/e/{event.slug}/delegation/{token[:-1]}x/travel/{own.public_id}").status_code == 404
    assert db.session.scalar(select(func.count()).select_from(TravelPlan)) == 0


def test_after_the_deadline_the_contact_is_refused_and_nothing_changes(client, event):
    institution, token = make_institution(event)
    ayu = _delegate(event, institution, "Ayu Lestari")
    url = f"/e/{event.slug}/delegation/{token}/travel/{ayu.public_id}"
    assert client.post(url, data=_form(event, hhmm="09:05")).status_code == 302
    db.session.add(TravelSettings(event_id=event.id, window_minutes=60, deadline=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    response = client.post(url, data=_form(event, hhmm="11:00", arrival_number="GA 400"))
    page = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "Batas waktu perubahan data perjalanan sudah lewat" in page and "disabled" in page
    db.session.expire_all()
    plan = db.session.scalar(select(TravelPlan))
    assert plan.arrival_number == "IW 1841" and plan.arrival_at.astimezone().minute == 5
    assert db.session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "travel.plan")) == 1
    # The form still shows (read only) with the saved values.
    page = client.get(url).get_data(as_text=True)
    assert 'value="IW 1841"' in page and "Simpan" not in page.split("<form", 1)[1]


def test_get_of_the_travel_pages_writes_nothing(client, event):
    institution, token = make_institution(event)
    ayu = _delegate(event, institution, "Ayu Lestari")
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        if statement.lstrip().split(None, 1)[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            statements.append(statement)

    sa_event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert client.get(f"/e/{event.slug}/delegation/{token}/travel/{ayu.public_id}").status_code == 200
        assert client.get(f"/e/{event.slug}/delegation/{token}").status_code == 200
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", record)
    assert statements == []
