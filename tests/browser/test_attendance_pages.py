"""Attendance in Chromium at 360 px: the facilitator's "Sesi saya" cards, tapping attendance in a session,
and drawing a signature on the door page after a check-in."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlalchemy import func, select

from plm.extensions import db
from plm.models import CheckIn, CheckInSignature, SessionSignup
from tests.browser.conftest import has_horizontal_overflow, screenshot
from tests.helpers import day_checkpoint, log_in, open_door

LONG_TITLE = "Strategi Pengembangan Layanan Perpustakaan Berbasis Inklusi Sosial untuk Kesejahteraan Masyarakat Desa"


def test_facilitator_taps_attendance_at_360(live_server, new_page, schedule_factory, make_user):
    make_user("facilitator", "fasil@test.example")
    leader = schedule_factory.leader("Ayu Lestari", email="fasil@test.example")
    item = schedule_factory.session(LONG_TITLE, facilitators=[leader], signup=True)
    people = [schedule_factory.person(name, email=f"p{i}@test.example") for i, name in
              enumerate(["Budi Santoso", "Ni Luh Putu Ayu Kusumawardhani Prawirodirdjo", "Citra Dewi"])]
    for p in people:
        db.session.add(SessionSignup(session_id=item.id, participant_id=p.id))
    db.session.commit()

    page = new_page(width=360)
    log_in(page, live_server, "fasil@test.example")
    page.goto(f"{live_server}/staff/events/plm-test/my-sessions")
    assert not has_horizontal_overflow(page)
    button = page.locator(".att-card .btn", has_text="Catat kehadiran")
    box = button.bounding_box()
    assert box["height"] < 60  # one line: no "Lis/t"
    title = page.locator(".att-card-title").bounding_box()
    assert title["width"] > 250  # the title has the card's width, not a squeezed table column
    screenshot(page, "attendance-my-sessions-360")

    button.click()
    page.wait_for_url(f"**/attendance/sessions/{item.id}")
    assert not has_horizontal_overflow(page)
    expect(page.locator("#att-present")).to_have_text("Hadir: 0")
    row = page.locator(f"#p-{people[1].public_id}")
    row.locator("button", has_text="Hadir").click()
    expect(row).to_have_class(re.compile(r"\bis-present\b"))
    expect(page.locator("#att-present")).to_have_text("Hadir: 1")
    expect(row.locator(".att-status")).to_contain_text(re.compile(r"Hadir · masuk pukul \d\d:\d\d"))
    # The filter narrows the list as one types.
    page.fill("#att-filter", "citra")
    expect(page.locator(".att-row:visible")).to_have_count(1)
    page.fill("#att-filter", "")
    screenshot(page, "attendance-session-360")
    db.session.expire_all()
    rows = db.session.scalars(select(CheckIn)).all()
    assert [(r.participant_id, r.source) for r in rows] == [(people[1].id, "manual")]
    # Undo the tap.
    row.locator("button", has_text="Urungkan").click()
    expect(row).not_to_have_class(re.compile(r"\bis-present\b"))
    expect(page.locator("#att-present")).to_have_text("Hadir: 0")
    assert page.external_requests == [] and page.console_errors == []


def test_signature_drawn_at_the_door_is_stored(live_server, new_page, event, schedule_factory, make_user):
    make_user("organizer", "pintu@test.example")
    person = schedule_factory.person("Ni Luh Putu Ayu")
    cp = day_checkpoint(event)
    page = new_page(width=360)
    log_in(page, live_server, "pintu@test.example")
    open_door(page, live_server, event, cp)
    expect(page.locator(".sig-toggle")).to_have_text("Minta tanda tangan setelah check-in")  # translated texts
    page.check("#sig-enabled")
    assert page.evaluate("localStorage.getItem('plm.signature.enabled')") == "1"
    # A check-in, then the event the door page sends after each ok scan.
    answer = page.evaluate("""async ([code, checkpoint]) => {
        const csrf = document.querySelector('meta[name="csrf-token"]').content;
        const r = await fetch('/api/v1/events/plm-test/checkins', {method: 'POST', credentials: 'same-origin',
            headers: {'Content-Type': 'application/json', 'X-CSRFToken': csrf},
            body: JSON.stringify({code, checkpoint, source: 'manual'})});
        const answer = await r.json();
        document.dispatchEvent(new CustomEvent('plm:checked-in', {detail: {checkin_id: answer.checkin_id, participant: answer.participant}}));
        return answer;
    }""", [person.public_id, cp.id])
    assert answer["result"] == "ok"
    panel = page.locator("#sig-panel")
    expect(panel).to_be_visible()
    expect(panel.locator(".sig-prompt")).to_have_text("Tanda tangan: Ni Luh Putu Ayu")
    assert not has_horizontal_overflow(page)
    box = page.locator("#sig-canvas").bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 100)
    page.mouse.down()
    for i in range(1, 25):
        page.mouse.move(box["x"] + 20 + i * 10, box["y"] + 100 - (i % 5) * 12)
    page.mouse.up()
    page.mouse.move(box["x"] + 60, box["y"] + 40)
    page.mouse.down()
    page.mouse.move(box["x"] + 90, box["y"] + 130, steps=6)
    page.mouse.up()
    screenshot(page, "attendance-signature-360")
    with page.expect_response(re.compile(r"/signature$")) as saved:
        page.click("#sig-save")
    assert saved.value.status == 200
    expect(panel).to_be_hidden()
    db.session.expire_all()
    stored = db.session.scalar(select(CheckInSignature))
    assert stored.checkin_id == answer["checkin_id"] and stored.points >= 20
    assert stored.svg.startswith("<svg") and "<path d=\"M" in stored.svg
    assert db.session.scalar(select(func.count(CheckIn.id))) == 1
    assert page.external_requests == [] and page.console_errors == []


def test_paper_entry_select_all_on_this_page_at_360(live_server, new_page, event, schedule_factory, make_user):
    make_user("organizer", "pintu@test.example")
    for i in range(55):
        schedule_factory.person(f"Peserta Kertas {i:02d}", email=f"k{i}@test.example")
    cp = day_checkpoint(event)
    page = new_page(width=360)
    log_in(page, live_server, "pintu@test.example")
    page.goto(f"{live_server}/staff/events/plm-test/attendance/")
    assert not has_horizontal_overflow(page)
    screenshot(page, "attendance-index-360")
    page.locator(".att-days a", has_text="Isi dari daftar kertas").first.click()
    page.wait_for_url(f"**/attendance/paper/{cp.id}")
    expect(page.locator("input.paper-id")).to_have_count(50)
    page.check("#paper-all")
    assert page.locator("input.paper-id:checked").count() == 50
    screenshot(page, "attendance-paper-360")
    page.click("text=Simpan yang dicentang sebagai hadir")
    expect(page.locator(".flash-success")).to_contain_text("50 baru")
    db.session.expire_all()
    sources = db.session.scalars(select(CheckIn.source).where(CheckIn.checkpoint_id == cp.id)).all()
    assert sources == ["paper"] * 50
    expect(page.locator("input.paper-id")).to_have_count(0)  # everyone on page 1 is present now
    page.locator("form", has=page.locator("button", has_text="Urungkan")).locator("button").first.click()
    expect(page.locator(".flash-success")).to_contain_text("50 kehadiran dihapus")
    assert page.external_requests == [] and page.console_errors == []
