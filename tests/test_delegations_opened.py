"""Issue 16: the staff overview knows who has not opened their invitation link. Opening is told by a POST
the page sends once loaded (GET never writes), throttled to once a minute, and by the first change made
through the page when JavaScript is off; never-opened links are on the reminder list."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import event as sa_event

from plm.delegations import service
from plm.delegations.models import Institution
from plm.extensions import db
from plm.models import Event
from tests.conftest import FROZEN_NOW
from tests.delegation_helpers import delegate_data, make_institution


def _opened(client, event, token, **kw):
    return client.post(f"/e/{event.slug}/delegation/{token}/opened", **kw)


def _reload(institution: Institution) -> Institution:
    db.session.expire_all()
    return db.session.get(Institution, institution.id)


def test_the_page_get_writes_nothing_and_names_the_opened_endpoint(client, event):
    institution, token = make_institution(event)
    writes: list[str] = []

    def record(conn, cursor, statement, *args):
        if statement.lstrip().split(None, 1)[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            writes.append(statement)

    sa_event.listen(db.engine, "before_cursor_execute", record)
    try:
        page = client.get(f"/e/{event.slug}/delegation/{token}").get_data(as_text=True)
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", record)
    assert writes == []
    assert f'data-url="/e/{event.slug}/delegation/{token}/opened"' in page and "delegation-opened.js" in page
    assert _reload(institution).first_opened_at is None


def test_the_post_records_the_opening_and_a_bad_token_is_404(frozen_time, client, event):
    institution, token = make_institution(event)
    response = _opened(client, event, token)
    assert response.status_code == 204 and response.get_data() == b""
    stored = _reload(institution)
    assert stored.first_opened_at == FROZEN_NOW == stored.last_opened_at
    assert stored.first_active_at is None  # opening is not using
    assert _opened(client, event, token[:-1] + ("0" if token[-1] != "0" else "1")).status_code == 404
    assert _opened(client, event, "x" * 200).status_code == 404
    assert client.get(f"/e/{event.slug}/delegation/{token}/opened").status_code == 405


def test_openings_are_throttled_to_one_a_minute_and_the_first_is_kept(frozen_time, client, event):
    institution, token = make_institution(event)
    assert _opened(client, event, token).status_code == 204
    frozen_time.shift(timedelta(seconds=50))
    assert _opened(client, event, token).status_code == 204
    assert _reload(institution).last_opened_at == FROZEN_NOW  # within the minute: not moved
    frozen_time.shift(timedelta(seconds=15))
    assert _opened(client, event, token).status_code == 204
    stored = _reload(institution)
    assert stored.first_opened_at == FROZEN_NOW
    assert stored.last_opened_at == FROZEN_NOW + timedelta(seconds=65)


def test_without_javascript_the_first_change_records_the_opening(frozen_time, client, event):
    institution, token = make_institution(event, seats=2)
    assert client.post(f"/e/{event.slug}/delegation/{token}/add", data=delegate_data()).status_code == 302
    stored = _reload(institution)
    assert stored.first_opened_at == FROZEN_NOW == stored.first_active_at


def test_the_post_needs_the_pages_csrf_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        event = Event(slug="plm-csrf", name="PLM", starts_on=date.today() + timedelta(days=20),
                      ends_on=date.today() + timedelta(days=21))
        db.session.add(event)
        db.session.commit()
        institution, token = make_institution(event)
        client = app.test_client()
        assert _opened(client, event, token).status_code == 400
        assert _reload(institution).first_opened_at is None
        page = client.get(f"/e/{event.slug}/delegation/{token}").get_data(as_text=True)
        csrf = page.split('data-csrf="', 1)[1].split('"', 1)[0]
        assert _opened(client, event, token, data={"csrf_token": csrf}).status_code == 204
        assert _reload(institution).first_opened_at is not None
        db.session.remove()


def test_the_opening_counts_in_the_per_link_limit(make_app):
    app = make_app(RATELIMIT_ENABLED=True, DELEGATION_TOKEN_RATE_LIMIT="2 per hour")
    with app.app_context():
        event = Event(slug="plm-limit", name="PLM", starts_on=date.today() + timedelta(days=20),
                      ends_on=date.today() + timedelta(days=21))
        db.session.add(event)
        db.session.commit()
        _, token = make_institution(event)
        client = app.test_client()
        assert [_opened(client, event, token).status_code for _ in range(3)] == [204, 204, 429]
        db.session.remove()


def test_the_overview_shows_not_opened_and_opened_and_reminds_the_unopened(frozen_time, client, event, login):
    unopened, _ = make_institution(event, name="Perpustakaan Kab. Bangli", seats=1)
    opened, opened_token = make_institution(event, name="TBM Pelangi Karangasem", seats=1,
                                            contact_whatsapp="+6281300000001")
    full, full_token = make_institution(event, name="Perpustakaan Kota Denpasar", seats=1,
                                        contact_whatsapp="+6281300000002")
    never_invited = Institution(event_id=event.id, name="TBM Tanpa Tautan", seats=0)
    db.session.add(never_invited)
    db.session.commit()
    assert _opened(client, event, opened_token).status_code == 204
    assert client.post(f"/e/{event.slug}/delegation/{full_token}/add", data=delegate_data()).status_code == 302

    rows = {row.institution.name: row for row in service.overview(db.session, event)}
    assert rows["Perpustakaan Kab. Bangli"].not_opened and rows["Perpustakaan Kab. Bangli"].behind
    assert not rows["TBM Pelangi Karangasem"].not_opened and rows["TBM Pelangi Karangasem"].behind  # seat empty
    assert not rows["Perpustakaan Kota Denpasar"].behind  # opened and full
    assert not rows["TBM Tanpa Tautan"].not_opened and not rows["TBM Tanpa Tautan"].behind  # no link yet

    # A full institution that never opened its link (staff matched its people) is still reminded.
    db.session.get(Institution, full.id).first_opened_at = None
    db.session.commit()
    assert {r.institution.name: r for r in service.overview(db.session, event)}["Perpustakaan Kota Denpasar"].behind

    login("organizer")
    page = client.get(f"/staff/events/{event.slug}/delegations").get_data(as_text=True)
    assert page.count("Belum dibuka") == 2  # Bangli and (again) Denpasar
    assert "Dibuka 2 Mar 09.30" in page or "Dibuka 2 Mar 09:30" in page
    assert page.count("deleg-behind") == 3
    client.get(f"/lang/en?next=/staff/events/{event.slug}/delegations")
    page = client.get(f"/staff/events/{event.slug}/delegations").get_data(as_text=True)
    assert page.count("Not opened yet") == 2 and "Opened 2 Mar" in page
