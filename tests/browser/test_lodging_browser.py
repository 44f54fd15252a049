"""Lodging at 360 px, in Indonesian and English: the allocation page (a small demo with its hotel) and the
rooming section of a participant's manage page."""

from __future__ import annotations

import os
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from plm.demo import load_demo
from plm.extensions import db
from plm.lodging.models import RoomAssignment
from plm.models import Event, Participant
from tests.browser.conftest import SCREENSHOT_DIR, has_horizontal_overflow, screenshot
from tests.helpers import log_in


@pytest.mark.parametrize("lang", ["id", "en"])
def test_allocation_and_manage_room_at_360(app, live_server, new_page, make_user, lang):
    load_demo(db.session, date.today() + timedelta(days=21), count=40)
    event = db.session.scalar(select(Event).where(Event.slug == "plm-2015"))
    shared = select(RoomAssignment.room_id).group_by(RoomAssignment.room_id).having(func.count() > 1)
    person = db.session.scalar(select(Participant).join(RoomAssignment, RoomAssignment.participant_id == Participant.id)
                               .where(RoomAssignment.room_id.in_(shared)).order_by(Participant.id))
    token = person.issue_manage_token()
    db.session.commit()
    user = make_user("organizer", "org-rooms@test.example")
    page = new_page(width=360)
    if lang == "en":
        page.context.add_cookies([{"name": "plm_lang", "value": "en", "url": live_server}])
    log_in(page, live_server, user.email)
    page.goto(f"{live_server}/staff/events/{event.slug}/lodging/allocation")
    assert not has_horizontal_overflow(page)
    assert page.locator(".room-item").count() >= 15
    page.locator("#suggestion summary").last.click()
    screenshot(page, f"lodging-allocation-{lang}-360")
    page.goto(f"{live_server}/staff/events/{event.slug}/lodging")
    assert not has_horizontal_overflow(page)
    screenshot(page, f"lodging-index-{lang}-360")
    page.goto(f"{live_server}/e/{event.slug}/me/{token}#room")
    assert not has_horizontal_overflow(page)
    section = page.locator("#room")
    assert ("Kamar hotel Anda" if lang == "id" else "Your hotel room") in section.inner_text()
    assert ("Teman sekamar" if lang == "id" else "Room-mates") in section.inner_text()
    if SCREENSHOT_DIR:
        section.screenshot(path=os.path.join(SCREENSHOT_DIR, f"lodging-manage-section-{lang}-360.png"))
