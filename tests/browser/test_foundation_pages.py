"""The public and staff pages at 360 px and 1280 px, in Indonesian and English."""

import pytest

from tests.browser.conftest import has_horizontal_overflow, screenshot
from tests.conftest import STAFF_PASSWORD


@pytest.mark.parametrize("width", [360, 1280])
def test_public_pages_fit_the_screen_and_fetch_nothing_outside(live_server, new_page, event, width):
    page = new_page(width=width)
    for path, name in (("/", "home"), (f"/e/{event.slug}/", "event"), ("/staff/login", "login"), ("/nope", "404")):
        page.goto(live_server + path)
        assert not has_horizontal_overflow(page), f"{path} overflows at {width}px"
        screenshot(page, f"{name}-id-{width}")
    page.click("text=English")
    assert page.locator("html").get_attribute("lang") == "en"
    page.goto(live_server + f"/e/{event.slug}/")
    assert page.locator("h2", has_text="Registration").count() == 1
    screenshot(page, f"event-en-{width}")
    assert page.external_requests == []


def test_staff_login_and_event_setup_in_the_browser(live_server, new_page, make_user):
    make_user("admin", "admin@test.example")
    page = new_page(width=360)
    page.goto(live_server + "/staff/login")
    page.fill("input[name=email]", "admin@test.example")
    page.fill("input[name=password]", STAFF_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/staff/")
    page.goto(live_server + "/staff/events/new")
    page.fill("#name", "PLM Regional Jawa Timur")
    page.fill("#slug", "plm-jatim")
    page.fill("#starts_on", "2027-03-01")
    page.fill("#ends_on", "2027-03-03")
    page.fill("#venue", "Hotel Surabaya")
    assert not has_horizontal_overflow(page)
    screenshot(page, "event-form-id-360")
    page.click("button:has-text('Simpan')")
    page.wait_for_url("**/staff/events/")
    assert page.locator("td", has_text="PLM Regional Jawa Timur").count() == 1
    screenshot(page, "events-id-360")
    page.goto(live_server + "/staff/")
    screenshot(page, "dashboard-id-360")
    assert not has_horizontal_overflow(page)
    assert page.console_errors == []
