"""The door scanner in headless Chromium: keyboard wedge, camera (fake .y4m of a real ticket QR), offline queue."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from plm.tickets import participant_code
from tests.browser.conftest import has_horizontal_overflow, screenshot
from tests.helpers import SECRET, add_participant, count_checkins, day_checkpoint, log_in, open_door, wedge

pytestmark = pytest.mark.usefixtures("door_clock")  # the event's first day (tests/browser/conftest.py)


@pytest.mark.parametrize("width", [360, 1280])
def test_keyboard_wedge_green_then_amber(live_server, new_page, event, make_user, width):
    make_user("organizer", "pintu@test.example")
    p = add_participant(event, "Ni Luh Putu Ayu", institution="Perpustakaan Desa Ungasan", province="Bali")
    cp = day_checkpoint(event)
    code = participant_code(SECRET, p)
    page = new_page(width=width)
    log_in(page, live_server, "pintu@test.example")
    open_door(page, live_server, event, cp)
    screenshot(page, f"door-ready-{width}")
    wedge(page, code)
    result = page.locator("#door-result")
    page.wait_for_selector("#door-result[data-result=ok]")
    assert "is-ok" in result.get_attribute("class")
    assert page.text_content("#door-result-name") == "Ni Luh Putu Ayu"
    assert "Perpustakaan Desa Ungasan · Bali" == page.text_content("#door-result-detail")
    assert not has_horizontal_overflow(page)
    screenshot(page, f"door-ok-{width}")
    # The field is empty and focused again: the next scan needs no tap.
    assert page.evaluate("document.activeElement.id") == "door-code"
    assert page.input_value("#door-code") == ""
    wedge(page, code)
    page.wait_for_selector("#door-result[data-result=already]")
    assert "is-warn" in result.get_attribute("class")
    assert re.search(r"\d\d:\d\d, Pintu 1", page.text_content("#door-result-title"))
    screenshot(page, f"door-already-{width}")
    wedge(page, code[:-2] + ("ZZ" if not code.endswith("ZZ") else "YY"))
    page.wait_for_selector("#door-result[data-result=invalid]")
    assert "is-bad" in result.get_attribute("class")
    screenshot(page, f"door-invalid-{width}")
    assert count_checkins() == 1
    assert page.external_requests == [] and page.console_errors == []


def test_name_search_and_undo(live_server, new_page, event, make_user):
    make_user("organizer", "pintu@test.example")
    add_participant(event, "Désa Wulandari", institution="TBM Pelangi", province="Jawa Timur")
    cp = day_checkpoint(event)
    page = new_page(width=360)
    log_in(page, live_server, "pintu@test.example")
    open_door(page, live_server, event, cp)
    page.fill("#door-q", "desa wul")
    page.wait_for_selector("#door-hits li button")
    screenshot(page, "door-search-360")
    page.click("#door-hits li button")
    page.wait_for_selector("#door-result[data-result=ok]")
    assert page.text_content("#door-result-name") == "Désa Wulandari"
    assert count_checkins() == 1
    page.click("#door-recent button")
    expect(page.locator("#door-recent button")).to_have_count(0)
    expect(page.locator("#door-result-title")).not_to_be_empty()
    assert count_checkins() == 0


def test_camera_reads_a_real_ticket(live_server, camera_page, event, make_user):
    make_user("organizer", "pintu@test.example")
    p = add_participant(event, "Made Kamera", province="Bali")
    cp = day_checkpoint(event)
    page = camera_page(participant_code(SECRET, p))
    log_in(page, live_server, "pintu@test.example")
    open_door(page, live_server, event, cp)
    assert page.evaluate("'BarcodeDetector' in window") is False  # the vendored decoder is what reads it
    page.click("#door-camera-btn")
    page.wait_for_selector("#door-result[data-result=ok]", timeout=15000)
    assert page.text_content("#door-result-name") == "Made Kamera"
    screenshot(page, "door-camera-360")
    # The badge stays in front of the camera: counted once, no 'already' flood within 3 s.
    page.wait_for_timeout(1500)
    assert page.locator("#door-recent li").count() == 1
    assert count_checkins() == 1
    page.click("#door-camera-btn")


def test_offline_queue_survives_reload_and_syncs(live_server, new_page, event, make_user):
    make_user("organizer", "pintu@test.example")
    people = [add_participant(event, f"Peserta Luring {i}") for i in range(3)]
    cp = day_checkpoint(event)
    page = new_page(width=360)
    log_in(page, live_server, "pintu@test.example")
    open_door(page, live_server, event, cp)
    assert page.evaluate("window.plmDoor.pageCached") is True  # the service worker holds the page
    page.route("**/api/v1/events/*/checkins", lambda route: route.abort())
    for p in people:
        wedge(page, participant_code(SECRET, p))
        page.wait_for_selector("#door-result.is-offline[data-result=ok]")
        assert page.text_content("#door-result-name") == p.full_name
    wedge(page, participant_code(SECRET, people[0]))  # a repeat is judged from the device's own record
    page.wait_for_selector("#door-result.is-offline[data-result=already]")
    assert "Menunggu dikirim: 4" in page.text_content("#door-queue")
    screenshot(page, "door-offline-360")
    assert count_checkins() == 0
    # The whole network goes: the page reloads from the service worker and the queue is still there.
    page.context.set_offline(True)
    page.reload()
    page.wait_for_selector("#door-queue:not([hidden])")
    assert "Menunggu dikirim: 4" in page.text_content("#door-queue")
    assert page.text_content("#door-net") == "luring"
    page.context.set_offline(False)
    page.unroute("**/api/v1/events/*/checkins")
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_selector("#door-queue[hidden]", state="attached", timeout=15000)
    assert count_checkins() == 3
    stats = page.evaluate(f"fetch('/api/v1/events/{event.slug}/stats').then(r => r.json())")
    day = next(c for c in stats["checkpoints"] if c["id"] == cp.id)
    assert day["checked_in"] == 3
    page.goto(f"{live_server}/staff/events/{event.slug}/checkin")
    page.wait_for_selector(".live-day-count")
    assert page.locator(".live-day-count").first.text_content() == "3"
    screenshot(page, "live-360")


@pytest.mark.parametrize("width", [360, 1280])
def test_live_dashboard_updates_without_reload(live_server, new_page, event, make_user, client, width):
    make_user("organizer", "pintu@test.example")
    p = add_participant(event, "Peserta Dasbor")
    cp = day_checkpoint(event)
    page = new_page(width=width)
    log_in(page, live_server, "pintu@test.example")
    page.goto(f"{live_server}/staff/events/{event.slug}/checkin")
    assert page.locator(".live-day-count").first.text_content() == "0"
    page.evaluate("""([url, body]) => fetch(url, {method: 'POST', headers: {'Content-Type': 'application/json'},
                     body: JSON.stringify(body)})""",
                  [f"/api/v1/events/{event.slug}/checkins", {"code": participant_code(SECRET, p), "checkpoint": cp.id}])
    expect(page.locator(".live-day-count").first).to_have_text("1", timeout=12000)
    assert not has_horizontal_overflow(page)
    screenshot(page, f"live-{width}")
