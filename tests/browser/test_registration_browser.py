"""The registration form on a 360 px phone: fill, submit, follow the manage link, decode the QR on screen."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from pyzbar.pyzbar import decode
from sqlalchemy import select

from plm.extensions import db
from plm.models import Participant
from tests.browser.conftest import has_horizontal_overflow, screenshot
from tests.helpers import fill_registration


def test_register_on_a_phone_and_scan_the_ticket(app, live_server, new_page, event):
    page = new_page(width=360)
    page.goto(f"{live_server}/e/{event.slug}/register")
    assert not has_horizontal_overflow(page)
    box = page.locator("input[name=website]").bounding_box()
    assert box is None or box["x"] + box["width"] < 0  # honeypot: off screen, people never see it
    screenshot(page, "register-empty-id-360")
    fill_registration(page)
    page.select_option("#institution_type", "village")
    page.check("#consent")
    page.click("button[type=submit]:has-text('Daftar')")
    page.wait_for_url("**/registered")
    assert not has_horizontal_overflow(page)
    screenshot(page, "registered-id-360")
    link = page.locator("#manage-link").get_attribute("href")
    page.goto(link)
    assert not has_horizontal_overflow(page)
    screenshot(page, "manage-id-360")
    qr = page.locator(".ticket-qr svg")
    box = qr.bounding_box()
    assert box["width"] >= 250  # large enough to scan off a phone screen
    decoded = decode(Image.open(io.BytesIO(qr.screenshot())))
    participant = db.session.scalar(select(Participant))
    from plm.registration.ticket import ticket_code

    assert decoded and decoded[0].data.decode() == ticket_code(participant)
    assert page.external_requests == [] and page.console_errors == []


def test_validation_without_javascript_at_360(app, live_server, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=False, locale="id-ID")
    page = context.new_page()
    page.goto(f"{live_server}/e/plm-none/register")
    assert "404" in page.content()
    context.close()


@pytest.mark.parametrize("width", [360, 1280])
def test_errors_and_staff_pages_fit(app, live_server, new_page, event, make_user, width):
    from tests.conftest import STAFF_PASSWORD

    page = new_page(width=width)
    page.goto(f"{live_server}/e/{event.slug}/register")
    page.fill("#full_name", "Komang")
    page.fill("#phone", "12")
    page.click("button[type=submit]:has-text('Daftar')")
    assert page.locator(".error").count() >= 3
    assert not has_horizontal_overflow(page)
    screenshot(page, f"register-errors-id-{width}")
    make_user("admin", "admin@test.example")
    page.goto(f"{live_server}/staff/login")
    page.fill("input[name=email]", "admin@test.example")
    page.fill("input[name=password]", STAFF_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/staff/")
    page.goto(f"{live_server}/staff/events/{event.slug}/walk-in")
    page.fill("#full_name", "Wayan Walk")
    page.fill("#phone", "0813 1111 2222")
    page.click("main button[type=submit]")
    assert page.locator(".ticket-qr svg").count() == 1
    assert not has_horizontal_overflow(page)
    screenshot(page, f"walk-in-done-id-{width}")
    page.goto(f"{live_server}/staff/events/{event.slug}/participants")
    assert not has_horizontal_overflow(page)
    screenshot(page, f"participants-id-{width}")
    with page.expect_navigation():
        page.click("text=Wayan Walk")
    assert not has_horizontal_overflow(page)
    screenshot(page, f"participant-detail-id-{width}")
    page.goto(f"{live_server}/staff/outbox")
    screenshot(page, f"outbox-id-{width}")
    assert page.external_requests == []
