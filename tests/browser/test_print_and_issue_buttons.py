"""GET never writes (issue 15), in Chromium: the door's "Print badge" button is a POST into a new tab that
records the printing and lands on the badge PDF (one tap); the participant's certificate button is a POST
that issues the certificate and then downloads it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from plm.extensions import db
from plm.models import Certificate, CheckIn, Participant
from plm.tickets import participant_code
from tests.browser.conftest import has_horizontal_overflow, screenshot
from tests.helpers import SECRET, add_participant, day_checkpoint, log_in, open_door, wedge

pytestmark = pytest.mark.usefixtures("door_clock")


def test_door_print_badge_is_one_tap_to_the_pdf_and_records_it(live_server, new_page, event, make_user):
    make_user("organizer", "pintu@test.example")
    p = add_participant(event, "Ni Luh Putu Ayu", institution="Perpustakaan Desa Ungasan", province="Bali")
    cp = day_checkpoint(event)
    page = new_page(width=360)
    log_in(page, live_server, "pintu@test.example")
    open_door(page, live_server, event, cp)
    wedge(page, participant_code(SECRET, p))
    page.wait_for_selector("#door-result[data-result=ok]")
    button = page.locator("#door-result-actions form button", has_text="Cetak tanda pengenal")
    assert button.is_visible() and not has_horizontal_overflow(page)
    screenshot(page, "door-print-badge-360")
    db.session.expire_all()
    assert db.session.get(Participant, p.id).badge_printed_at is None  # scanning is not printing
    with page.context.expect_event("response", lambda r: r.url.endswith(f"/{p.public_id}/badge.pdf")) as answer:
        with page.context.expect_page():
            button.click()
    assert answer.value.status == 200 and answer.value.headers["content-type"] == "application/pdf"
    assert answer.value.request.method == "GET"  # the POST answered 303: the PDF is a plain read
    db.session.expire_all()
    assert db.session.get(Participant, p.id).badge_printed_at is not None
    # The door's own tab is untouched: the next scan needs no tap.
    assert page.url.endswith(f"/door?checkpoint={cp.id}") and page.evaluate("!!window.plmDoor")
    assert page.external_requests == [] and page.console_errors == []


def test_participant_certificate_button_issues_then_downloads(live_server, new_page, event):
    p = add_participant(event, "Ni Luh Putu Ayu")
    person = db.session.get(Participant, p.id)
    token = person.issue_manage_token()
    db.session.commit()
    db.session.add(CheckIn(participant_id=p.id, checkpoint_id=day_checkpoint(event).id, source="manual"))
    db.session.commit()  # the default rule: one day at the door
    page = new_page(width=360)
    page.goto(f"{live_server}/e/{event.slug}/me/{token}/documents")
    button = page.locator("form button", has_text="Unduh sertifikat")
    assert button.is_visible() and not has_horizontal_overflow(page)
    screenshot(page, "participant-certificate-button-360")
    # The download URL opened before the certificate is issued: a page with the same button, nothing issued.
    page.goto(f"{live_server}/e/{event.slug}/me/{token}/certificate.pdf")
    assert page.locator("form button", has_text="Unduh sertifikat").is_visible()
    assert not has_horizontal_overflow(page)
    screenshot(page, "participant-certificate-not-issued-360")
    assert db.session.scalar(select(Certificate.id)) is None  # opening the pages issued nothing
    page.goto(f"{live_server}/e/{event.slug}/me/{token}/documents")
    with page.expect_download() as download:
        button.click()
    with open(download.value.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    serial = db.session.scalar(select(Certificate.serial))
    assert serial and download.value.suggested_filename == f"sertifikat-{serial}.pdf"
    # The download URL opened on its own later (a bookmark): the same serial, nothing new.
    page.goto(f"{live_server}/e/{event.slug}/me/{token}/documents")
    assert serial in page.text_content("main")
    assert db.session.scalars(select(Certificate.serial)).all() == [serial]
    assert page.external_requests == [] and page.console_errors == []
