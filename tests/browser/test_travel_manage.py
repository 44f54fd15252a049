"""A participant enters their flight on the manage page at 360 px (Indonesian): the form fits the phone, the
date-time pickers take typed values, and the plan is stored in UTC from the event's local time."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import expect
from sqlalchemy import select

from plm.extensions import db
from plm.travel.models import TravelPlan
from tests.browser.conftest import has_horizontal_overflow, screenshot
from tests.helpers import add_participant, token_for


def test_participant_enters_a_flight_at_360(live_server, new_page, event):
    person = add_participant(event, "Ni Luh Putu Ayu Kusumawardhani Prawirodirdjo", province="Nusa Tenggara Barat")
    token = token_for(person)
    page = new_page(width=360)
    page.goto(f"{live_server}/e/{event.slug}/me/{token}")
    page.click("text=Perjalanan saya")
    page.wait_for_url("**/travel")
    assert not has_horizontal_overflow(page)
    expect(page.locator("#origin_province")).to_have_value("Nusa Tenggara Barat")
    page.fill("#origin_regency", "Kota Bima")
    page.select_option("#mode", "plane")
    eve = (event.starts_on - timedelta(days=1)).isoformat()
    page.fill("#arrival_at", f"{eve}T09:35")
    page.fill("#arrival_carrier", "Wings Air")
    page.fill("#arrival_number", "IW 1841")
    page.fill("#arrival_point", "Bandara I Gusti Ngurah Rai")
    page.fill("#departure_at", f"{event.ends_on.isoformat()}T16:10")
    page.fill("#departure_point", "Bandara I Gusti Ngurah Rai")
    assert not has_horizontal_overflow(page)
    screenshot(page, "travel-mine-360")
    page.click("text=Simpan perjalanan saya")
    expect(page.locator(".flash")).to_contain_text("Data perjalanan disimpan")
    db.session.expire_all()
    plan = db.session.scalar(select(TravelPlan).where(TravelPlan.participant_id == person.id))
    local = datetime.combine(event.starts_on - timedelta(days=1), datetime.min.time()).replace(
        hour=9, minute=35, tzinfo=ZoneInfo(event.timezone))
    assert plan.arrival_at == local and plan.arrival_number == "IW 1841" and plan.origin_regency == "Kota Bima"
    expect(page.locator("#arrival_at")).to_have_value(f"{eve}T09:35")
    assert page.console_errors == []
