"""A delegation contact fills a delegate's flight at 360 px (Indonesian, then English): the delegation page
shows who has travel and who not, the form fits the phone, and the saved arrival shows on the list."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from plm.extensions import db
from plm.travel.models import TravelPlan
from tests.browser.conftest import has_horizontal_overflow, screenshot
from tests.delegation_helpers import make_institution
from tests.helpers import add_participant


def test_contact_fills_a_delegates_flight_at_360(live_server, new_page, event):
    institution, token = make_institution(event, name="Perpustakaan Umum Daerah Kabupaten Lombok Timur")
    ayu = add_participant(event, "Ni Luh Putu Ayu Kusumawardhani Prawirodirdjo", institution=institution.name,
                          institution_id=institution.id, province="Nusa Tenggara Barat")
    add_participant(event, "Budi Santoso", institution=institution.name, institution_id=institution.id)
    page = new_page(width=360)
    home = f"{live_server}/e/{event.slug}/delegation/{token}"
    page.goto(home)
    expect(page.locator("#delegates")).to_contain_text("belum diisi")
    page.locator("#delegates li").first.get_by_role("link", name="Perjalanan").click()
    page.wait_for_url(f"**/travel/{ayu.public_id}")
    expect(page.locator("#origin_province")).to_have_value("Nusa Tenggara Barat")
    page.fill("#arrival_at", f"{(event.starts_on - timedelta(days=1)).isoformat()}T14:20")
    page.fill("#arrival_carrier", "Lion Air")
    page.fill("#arrival_number", "JT 650")
    page.fill("#arrival_point", "DPS")
    assert not has_horizontal_overflow(page)
    screenshot(page, "delegation-travel-form-360")
    page.click("text=Simpan perjalanan")
    page.wait_for_url(home)
    expect(page.locator(".flash")).to_contain_text("disimpan")
    expect(page.locator("#delegates li").first).to_contain_text("✓ tiba")
    expect(page.locator("#delegates li").first).to_contain_text("14:20, DPS")
    expect(page.locator("#delegates li").nth(1)).to_contain_text("belum diisi")
    assert not has_horizontal_overflow(page)
    screenshot(page, "delegation-travel-list-360")
    db.session.expire_all()
    plan = db.session.scalar(select(TravelPlan).where(TravelPlan.participant_id == ayu.id))
    assert plan.updated_by == "contact" and plan.arrival_number == "JT 650"
    english = new_page(width=360, locale="en-US")
    english.goto(home)
    english.click("text=English")
    english.wait_for_load_state("load")
    expect(english.locator("#delegates")).to_contain_text("arrives")
    assert not has_horizontal_overflow(english)
    screenshot(english, "delegation-travel-list-360-en")
    assert page.console_errors == []
