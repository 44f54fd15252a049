"""A partner institution's contact on a 360 px phone: opens the invitation link, registers three delegates,
replaces one; the staff overview fits the same phone."""

from __future__ import annotations

from sqlalchemy import select

from plm.extensions import db
from plm.models import MailMessage, Participant
from tests.browser.conftest import has_horizontal_overflow, screenshot
from tests.delegation_helpers import make_institution
from tests.helpers import log_in


def _fill_delegate(page, name, email, phone):
    page.fill("#full_name", name)
    page.fill("#email", email)
    page.fill("#phone", phone)
    page.check("#consent")


def test_contact_registers_three_delegates_and_replaces_one(app, live_server, new_page, event, make_user):
    institution, token = make_institution(event, name="Perpustakaan Umum Daerah Kabupaten Gianyar", seats=4)
    page = new_page(width=360)
    page.goto(f"{live_server}/e/{event.slug}/delegation/{token}")
    assert not has_horizontal_overflow(page)
    assert "0 / 4" in page.locator(".deleg-seats").inner_text().replace("\n", " ")
    people = [("I Wayan Sudirta", "wayan@gianyar.example", "0812 1111 2222"),
              ("Ni Made Ayu Kusumawati", "ayu@gianyar.example", "0813 3333 4444"),
              ("Dr. I Gusti Ngurah Bagus Putra Wiratmaja, S.Sos., M.Si.", "bagus@gianyar.example", "0857 5555 6666")]
    for name, email, phone in people:
        page.click("#add-delegate")
        page.wait_for_url("**/add")
        assert not has_horizontal_overflow(page)
        _fill_delegate(page, name, email, phone)
        page.click("form.reg-form button[type=submit]")
        page.wait_for_url(f"**/delegation/{token}")
        assert name in page.locator("#delegates").inner_text()
    assert not has_horizontal_overflow(page)
    screenshot(page, "delegation-id-360")
    assert "3 / 4" in page.locator(".deleg-seats").inner_text().replace("\n", " ")

    # Ni Made cannot come: Ketut takes her seat.
    page.locator("#delegates li", has_text="Ni Made Ayu").get_by_role("link", name="Ganti").click()
    page.wait_for_url("**/replace/**")
    assert not has_horizontal_overflow(page)
    screenshot(page, "delegation-replace-id-360")
    _fill_delegate(page, "I Ketut Arsana", "ketut@gianyar.example", "0878 7777 8888")
    page.click("form.reg-form button[type=submit]")
    page.wait_for_url(f"**/delegation/{token}")
    listing = page.locator("#delegates").inner_text()
    assert "I Ketut Arsana" in listing and "Ni Made Ayu" not in listing
    assert "3 / 4" in page.locator(".deleg-seats").inner_text().replace("\n", " ")
    assert not has_horizontal_overflow(page)
    screenshot(page, "delegation-after-replace-id-360")
    assert page.external_requests == [] and page.console_errors == []

    db.session.expire_all()
    old = db.session.scalar(select(Participant).where(Participant.email == "ayu@gianyar.example"))
    new = db.session.scalar(select(Participant).where(Participant.email == "ketut@gianyar.example"))
    assert old.status == "cancelled" and new.status == "registered" and new.institution_id == institution.id
    assert db.session.scalar(select(MailMessage).where(MailMessage.recipient == "ketut@gianyar.example")) is not None

    staff = new_page(width=360)
    user = make_user("organizer", "pintu@test.example")
    log_in(staff, live_server, user.email)
    staff.goto(f"{live_server}/staff/events/{event.slug}/delegations")
    assert not has_horizontal_overflow(staff)
    screenshot(staff, "delegations-overview-id-360")
    staff.goto(f"{live_server}/staff/events/{event.slug}/delegations/{institution.id}")
    assert not has_horizontal_overflow(staff)
    screenshot(staff, "delegations-institution-id-360")
