"""The public schedule at 360 px and 1280 px, and a session sign-up through the manage link, in Chromium."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from plm.extensions import db
from plm.models import EventSession, Participant, SessionSignup
from tests.browser.conftest import has_horizontal_overflow, screenshot
from tests.conftest import STAFF_PASSWORD


@pytest.mark.parametrize("width", [360, 1280])
def test_public_schedule_fits_and_fetches_nothing_outside(live_server, new_page, demo_event, width):
    page = new_page(width=width, height=900)
    day = demo_event.starts_on + timedelta(days=1)
    page.goto(f"{live_server}/e/plm-2015/schedule?day={day.isoformat()}")
    assert not has_horizontal_overflow(page)
    list_visible = page.locator(".sched-list").is_visible()
    grid_visible = page.locator(".sched-grid").is_visible()
    assert (list_visible, grid_visible) == ((True, False) if width == 360 else (False, True))
    screenshot(page, f"schedule-day2-{width}")
    page.locator("main a:visible", has_text="Klinik Proposal").first.click()
    page.wait_for_url("**/schedule/*")
    assert page.locator("h1").inner_text().startswith("Klinik Proposal")
    assert not has_horizontal_overflow(page)
    screenshot(page, f"schedule-session-{width}")
    assert page.external_requests == [] and page.console_errors == []


def test_sign_up_through_the_manage_link(live_server, new_page, demo_event):
    person = db.session.scalar(select(Participant).where(Participant.event_id == demo_event.id,
                                                         Participant.role == "participant",
                                                         Participant.status == "registered")  # not the pending delegate
                               .order_by(Participant.id))
    token = person.issue_manage_token()
    db.session.commit()
    workshop = db.session.scalar(select(EventSession).where(EventSession.event_id == demo_event.id,
                                                            EventSession.signup_required.is_(True))
                                 .order_by(EventSession.starts_at))
    page = new_page(width=360)
    page.goto(f"{live_server}/e/plm-2015/me/{token}/sessions")
    assert not has_horizontal_overflow(page)
    row = page.locator(".signup-row").filter(has_text=workshop.title)
    row.locator("button", has_text="Daftar").click()
    page.wait_for_load_state()
    assert page.locator(".flash-success").inner_text().startswith("Anda terdaftar")
    assert page.locator(".signup-row").filter(has_text=workshop.title).locator("text=Anda sudah terdaftar").count() == 1
    assert page.locator("section", has_text="Jadwal saya").filter(has_text=workshop.title).count() >= 1
    screenshot(page, "my-sessions-360")
    assert not has_horizontal_overflow(page)
    db.session.expire_all()
    assert db.session.scalar(select(SessionSignup).where(SessionSignup.participant_id == person.id)) is not None
    assert page.external_requests == []


def test_admin_grid_at_1280(live_server, new_page, demo_event, make_user):
    make_user("admin", "admin@test.example")
    page = new_page(width=1280, height=900)
    page.goto(live_server + "/staff/login")
    page.fill("input[name=email]", "admin@test.example")
    page.fill("input[name=password]", STAFF_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/staff/")
    day = demo_event.starts_on + timedelta(days=1)
    page.goto(f"{live_server}/staff/events/plm-2015/schedule?day={day.isoformat()}")
    assert page.locator(".conflict-box").is_visible()
    assert page.locator("td.clash").count() == 1
    screenshot(page, "schedule-admin-1280")
    page.goto(f"{live_server}/staff/events/plm-2015/schedule/conflicts")
    screenshot(page, "schedule-conflicts-1280")
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server}/staff/events/plm-2015/schedule?day={day.isoformat()}")
    assert not has_horizontal_overflow(page)
    screenshot(page, "schedule-admin-360")
