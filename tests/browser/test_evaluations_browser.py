"""Evaluations in Chromium at 360 px (issue 17): a participant opens the session's short link, identifies with
the ticket code, answers without JavaScript and sees the thank-you; the facilitator sees the chart."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from plm.evaluations import service
from plm.evaluations.models import Answer
from plm.extensions import db
from plm.models import CheckIn, Checkpoint, utcnow
from plm.tickets import participant_code
from tests.browser.conftest import has_horizontal_overflow, screenshot
from tests.helpers import SECRET, log_in

LONG_TITLE = "Strategi Pengembangan Layanan Perpustakaan Berbasis Inklusi Sosial untuk Kesejahteraan Masyarakat Desa"


def test_participant_answers_from_the_short_link_and_the_facilitator_sees_the_chart(
        live_server, new_page, event, schedule_factory, make_user):
    from plm.checkin.service import ensure_session_checkpoints

    make_user("facilitator", "fasil@test.example")
    leader = schedule_factory.leader("Ayu Lestari", email="fasil@test.example")
    item = schedule_factory.session(LONG_TITLE, facilitators=[leader])
    ensure_session_checkpoints(db.session, event)
    form = service.create_from_starter(db.session, event, "evaluation", event_session=item)
    form.opens_at, form.closes_at = utcnow() - timedelta(hours=1), utcnow() + timedelta(hours=1)
    person = schedule_factory.person("Ni Luh Putu Ayu Kusumawardhani", "luh@test.example")
    checkpoint = db.session.scalar(select(Checkpoint).where(Checkpoint.session_id == item.id))
    db.session.add(CheckIn(participant_id=person.id, checkpoint_id=checkpoint.id))
    db.session.commit()
    short_link = service_link = f"{live_server}/e/{event.slug}/q/{form.code}"

    # The facilitator's screen: a big QR and the short link.
    staff = new_page(width=360)
    log_in(staff, live_server, "fasil@test.example")
    staff.goto(f"{live_server}/staff/events/{event.slug}/evaluations/{form.id}/screen")
    assert staff.locator(".eval-link").inner_text() == service_link
    assert staff.locator("svg.eval-screen-qr").count() == 1
    assert not has_horizontal_overflow(staff)
    screenshot(staff, "evaluations-screen-360")

    # The participant's phone, JavaScript off: open the link, type the ticket code, answer.
    phone = new_page(width=360, java_script_enabled=False)
    phone.goto(short_link)
    assert not has_horizontal_overflow(phone)
    screenshot(phone, "evaluations-identify-360")
    phone.fill("input[name=ticket]", participant_code(SECRET, person))
    phone.click("button[type=submit]")
    phone.wait_for_url(short_link)
    assert "Ni Luh Putu Ayu Kusumawardhani" in phone.inner_text("main")
    assert not has_horizontal_overflow(phone)
    screenshot(phone, "evaluations-form-360")
    ratings = [q for q in form.questions if q.kind == "rating"]
    for question, value in zip(ratings, (5, 4, 3, 5), strict=True):
        phone.check(f"input[name=q{question.id}][value='{value}']")
    phone.fill("textarea", "Tambah waktu praktik")
    phone.click("button.btn-primary")
    phone.wait_for_url(f"{short_link}/thanks")
    assert "Terima kasih!" in phone.inner_text("h1")
    assert not has_horizontal_overflow(phone)
    screenshot(phone, "evaluations-thanks-360")
    db.session.expire_all()
    answer = db.session.scalar(select(Answer))
    assert answer.participant_id == person.id and answer.values[str(ratings[0].id)] == 5

    # The facilitator's results: the response rate, a chart per rating question, the open answer.
    staff.goto(f"{live_server}/staff/events/{event.slug}/evaluations/{form.id}/results")
    assert "1 / 1" in staff.inner_text("main")
    charts = staff.locator(".eval-chart svg")
    assert charts.count() == 4
    assert charts.first.get_attribute("role") == "img"
    assert "Tambah waktu praktik" in staff.inner_text("main")
    assert not has_horizontal_overflow(staff)
    screenshot(staff, "evaluations-results-360")
    for path, name in (("", "index"), (f"/{form.id}", "edit")):
        staff.goto(f"{live_server}/staff/events/{event.slug}/evaluations{path}")
        assert not has_horizontal_overflow(staff), name
        screenshot(staff, f"evaluations-{name}-360")
    assert phone.external_requests == [] and staff.external_requests == []
