"""The door page during a database outage: a 503 from the API is treated like a network failure — the scan
is judged offline and queued — and it is sent (once) when the API answers again. CSP violations fail the test
(see conftest)."""

from __future__ import annotations

import json

from plm.tickets import participant_code
from tests.browser.conftest import screenshot
from tests.helpers import SECRET, add_participant, count_checkins, day_checkpoint, log_in, open_door, wedge

UNAVAILABLE = json.dumps({"error": "database_unavailable",
                          "message": "The service is busy or the database is unreachable. Please try again shortly."})


def test_a_503_queues_the_scan_and_it_is_sent_once_when_the_api_is_back(live_server, new_page, event, make_user):
    make_user("organizer", "pintu@test.example")
    people = [add_participant(event, f"Peserta Gangguan {i}") for i in range(2)]
    cp = day_checkpoint(event)
    page = new_page(width=360)
    log_in(page, live_server, "pintu@test.example")
    open_door(page, live_server, event, cp)
    refused = []

    def database_down(route):
        refused.append(route.request.post_data_json["client_uuid"])
        route.fulfill(status=503, content_type="application/json", body=UNAVAILABLE)

    page.route("**/api/v1/events/*/checkins", database_down)
    for person in people:
        wedge(page, participant_code(SECRET, person))
        page.wait_for_selector("#door-result.is-offline[data-result=ok]")
        assert page.text_content("#door-result-name") == person.full_name
    assert "Menunggu dikirim: 2" in page.text_content("#door-queue")
    screenshot(page, "door-503-queued-360")
    # The queue retries while the database is still down: the 503s keep the scans queued.
    tries = len(refused)
    page.evaluate("window.plmDoor.flush()")
    for _ in range(100):
        if len(refused) > tries:
            break
        page.wait_for_timeout(50)
    assert len(refused) > tries, "the queue did not retry"
    page.wait_for_timeout(200)
    assert page.evaluate("window.plmDoor.queue().length") == 2 and count_checkins() == 0
    assert "Menunggu dikirim: 2" in page.text_content("#door-queue")

    queued_uuids = set(page.evaluate("window.plmDoor.queue().map(function (item) { return item.client_uuid; })"))
    page.unroute("**/api/v1/events/*/checkins")  # the database is back
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_selector("#door-queue[hidden]", state="attached", timeout=15000)
    assert count_checkins() == 2
    from sqlalchemy import select

    from plm.extensions import db
    from plm.models import CheckIn

    db.session.expire_all()
    stored = set(db.session.scalars(select(CheckIn.client_uuid)))
    assert stored == queued_uuids  # sent with the uuid the scan got at the door, so a retry can never double it
    page.evaluate("window.plmDoor.flush()")
    assert count_checkins() == 2
