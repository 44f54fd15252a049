"""The payment desk in Chromium at 360 px: the treasurer finds a person, the person signs with a finger on
the pad, the treasurer pays; the payment and the drawn signature are stored, the desk is ready for the next."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from plm.allowances import service
from plm.allowances.models import Allowance
from plm.attendance import service as attendance
from plm.extensions import db
from tests.browser.conftest import has_horizontal_overflow, screenshot
from tests.helpers import SECRET, add_participant, day_checkpoint, log_in

LONG_NAME = "Ni Luh Putu Ayu Kusumawardhani Prawirodirdjo"


def test_treasurer_pays_one_person_at_360(live_server, new_page, event, make_user):
    admin = make_user("admin")
    make_user("finance", "bendahara@test.example")
    service.save_settings(db.session, event, admin, daily_amount=350_000, actual_cost_cap=0, purpose="",
                          signatory_title="", signatory_name="", serial_prefix="KW", roles={},
                          transport_text="Bali; 300.000")
    person = add_participant(event, LONG_NAME, province="Bali",
                             institution="Taman Bacaan Masyarakat Pelangi Nusantara Kabupaten Karangasem")
    add_participant(event, "Budi Santoso", province="Bali")
    for day in (0, 1):
        attendance.mark(db.session, SECRET, event, day_checkpoint(event, day), person.public_id, admin)
    db.session.commit()

    page = new_page(width=360)
    log_in(page, live_server, "bendahara@test.example")
    page.click("text=Uang transport, uang harian dan kuitansi")
    page.wait_for_url("**/allowances/")
    assert not has_horizontal_overflow(page)
    screenshot(page, "allowances-list-360")
    page.goto(f"{live_server}/staff/events/{event.slug}/allowances/desk")
    page.fill("#desk-q", "kusuma")
    page.press("#desk-q", "Enter")
    page.wait_for_url("**/desk?q=kusuma*")
    expect(page.locator(".alw-desk .alw-row")).to_have_count(1)
    assert not has_horizontal_overflow(page)
    screenshot(page, "allowances-desk-360")
    page.click(".alw-open")
    page.wait_for_url(f"**/people/{person.public_id}")
    expect(page.locator(".alw-net")).to_contain_text("Rp 1.000.000")
    expect(page.locator(".alw-words")).to_have_text("Satu juta rupiah")
    assert not has_horizontal_overflow(page)
    page.locator("#pay-pad").scroll_into_view_if_needed()
    pad = page.locator("#pay-pad").bounding_box()
    assert pad["width"] > 280  # the pad has the card's width on a phone
    page.mouse.move(pad["x"] + 20, pad["y"] + 60)
    page.mouse.down()
    for i in range(30):
        page.mouse.move(pad["x"] + 20 + i * 7, pad["y"] + 60 + (i % 5) * 8)
    page.mouse.up()
    screenshot(page, "allowances-person-360")
    page.click("#pay-submit")
    page.wait_for_url("**/desk?paid=*")
    expect(page.locator(".flash, [role=status], .alert").first).to_contain_text("Dibayar")
    db.session.expire_all()
    row = db.session.scalar(select(Allowance).where(Allowance.participant_id == person.id))
    assert row.status == "paid" and row.method == "cash" and row.paid_figures["net"] == 1_000_000
    assert row.signature_svg and "<path" in row.signature_svg
    assert page.console_errors == []
