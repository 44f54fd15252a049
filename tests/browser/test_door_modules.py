"""The door as ES modules (issue 15, item 6): the service worker keeps every module for a reload without
network, and the offline judge applies the server's wrong-day rule (static/js/door/judge.js)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from plm.tickets import participant_code
from tests.helpers import (
    CHECKINS,
    SECRET,
    add_participant,
    count_checkins,
    day_checkpoint,
    door_url,
    log_in,
    ready,
    wait_until,
    wedge,
)

pytestmark = pytest.mark.usefixtures("door_clock")  # the event's first day (tests/browser/conftest.py)

MODULES = ("door/main", "door/judge", "door/queue", "door/camera", "door/ui", "signature-pad", "signature-capture")


def test_the_door_reloads_without_network_from_its_cached_modules(live_server, new_page, event, make_user):
    make_user("organizer", "pintu@test.example")
    cp = day_checkpoint(event)
    page = new_page(width=360)
    log_in(page, live_server, "pintu@test.example")
    page.goto(door_url(live_server, event, cp))
    ready(page)
    assert page.evaluate("window.plmDoor.pageCached") is True
    cached = page.evaluate("""async (names) => {
        const key = (await caches.keys()).find((k) => k.indexOf('plm-door-') === 0);
        const cache = await caches.open(key);
        const urls = (await cache.keys()).map((r) => new URL(r.url).pathname);
        return names.filter((n) => urls.indexOf('/static/js/' + n + '.js') >= 0);
    }""", list(MODULES))
    assert cached == list(MODULES)
    page.context.set_offline(True)
    page.reload()
    ready(page)
    expect(page.locator("#door-net")).to_have_class(re.compile("is-offline"))
    page.context.set_offline(False)


def test_offline_a_scan_on_another_day_is_wrong_day_and_queued_only_when_recorded_anyway(live_server, new_page, event,
                                                                                           make_user, app):
    app.config["CHECKIN_DAY_MARGIN_HOURS"] = 3  # the rule on; the phone's clock is weeks before the event's first day
    make_user("organizer", "pintu@test.example")
    p = add_participant(event, "Wayan Luring")
    cp = day_checkpoint(event)
    page = new_page(width=360)
    log_in(page, live_server, "pintu@test.example")
    page.goto(door_url(live_server, event, cp))
    expect(page.locator("#door-snap")).to_contain_text(re.compile(r"\d+ peserta"))
    page.route(CHECKINS, lambda route: route.abort())  # the Wi-Fi drops
    wedge(page, participant_code(SECRET, p))
    page.wait_for_selector("#door-result.is-offline[data-result=wrong_day]")
    assert page.text_content("#door-result-name") == "Wayan Luring"
    assert page.evaluate("window.plmDoor.queue().length") == 0  # the server would refuse it: nothing to send
    page.click("#door-result-actions .btn-warn")
    page.wait_for_selector("#door-result.is-offline[data-result=ok]")
    assert page.evaluate("window.plmDoor.queue().map((i) => i.correction)") == [True]
    page.unroute(CHECKINS)
    page.evaluate("window.plmDoor.flush()")
    wait_until(page, "window.plmDoor.queue().length === 0")
    assert count_checkins() == 1
