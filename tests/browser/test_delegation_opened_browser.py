"""Issue 16 on a 360 px phone: loading the invitation link's page records the opening (a POST the page
sends, with its CSRF token); the staff overview then shows "Dibuka", and "Belum dibuka" for the others."""

from __future__ import annotations

from plm.delegations.models import Institution
from plm.extensions import db
from tests.browser.conftest import has_horizontal_overflow, screenshot
from tests.delegation_helpers import make_institution
from tests.helpers import log_in


def test_loading_the_page_records_the_opening_and_the_overview_shows_it(app, live_server, new_page, event, make_user):
    opened, token = make_institution(event, name="Perpustakaan Umum Daerah Kabupaten Gianyar", seats=3)
    make_institution(event, name="Taman Bacaan Masyarakat Pelangi Nusantara Karangasem", seats=2,
                     contact_whatsapp="+6281300000001")
    assert opened.first_opened_at is None

    page = new_page(width=360)
    with page.expect_response(lambda r: r.url.endswith(f"/delegation/{token}/opened")) as answer:
        page.goto(f"{live_server}/e/{event.slug}/delegation/{token}")
    assert answer.value.status == 204
    assert not has_horizontal_overflow(page)
    assert page.external_requests == [] and page.console_errors == []
    db.session.expire_all()
    stored = db.session.get(Institution, opened.id)
    assert stored.first_opened_at is not None and stored.first_active_at is None

    staff = new_page(width=360)
    log_in(staff, live_server, make_user("organizer", "pintu@test.example").email)
    staff.goto(f"{live_server}/staff/events/{event.slug}/delegations")
    rows = staff.locator("#institutions tbody tr")
    assert "Dibuka" in rows.filter(has_text="Gianyar").inner_text()
    assert "Belum dibuka" in rows.filter(has_text="Pelangi").inner_text()
    assert "Belum dibuka" not in rows.filter(has_text="Gianyar").inner_text()
    assert not has_horizontal_overflow(staff)
    screenshot(staff, "delegations-overview-opened-id-360")
    assert staff.external_requests == [] and staff.console_errors == []
