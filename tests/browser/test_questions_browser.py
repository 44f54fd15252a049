"""The question editor and the registration form with questions on a 360 px phone, in Indonesian and English."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from plm.extensions import db
from plm.models import Participant
from plm.questions import service
from tests.browser.conftest import has_horizontal_overflow, screenshot
from tests.helpers import fill_registration, log_in


def _questions(event):
    for key in ("gender", "position", "nip", "arrival_date", "departure_date", "shirt_size"):
        question = service.add_preset(db.session, event.id, key)
        question.required = key in ("gender", "shirt_size")
    service.add_question(db.session, event.id, {
        "key": "topics", "kind": "multiple_choice", "label_id": "Topik yang Anda minati",
        "label_en": "Topics you are interested in",
        "choices": service.parse_choices("Literasi untuk kesejahteraan | Literacy for well-being\n"
                                         "Perpustakaan digital | Digital libraries\nLayanan anak | Children's services")})
    service.add_question(db.session, event.id, {"key": "first_time", "kind": "yes_no",
                                                "label_id": "Pertama kali ikut PLM?", "label_en": "First PLM?"})
    db.session.commit()


@pytest.mark.parametrize("lang", ["id", "en"])
def test_editor_and_registration_with_questions_at_360(app, live_server, new_page, event, make_user, lang):
    _questions(event)
    user = make_user("organizer", "org@test.example")
    page = new_page(width=360)
    if lang == "en":
        page.context.add_cookies([{"name": "plm_lang", "value": "en", "url": live_server}])
    log_in(page, live_server, user.email)
    page.goto(f"{live_server}/staff/events/{event.slug}/questions")
    assert not has_horizontal_overflow(page)
    screenshot(page, f"questions-editor-{lang}-360")
    page.goto(f"{live_server}/e/{event.slug}/register")
    assert not has_horizontal_overflow(page)
    # submit with the required answers missing and a bad NIP: messages in the page's language, nothing saved
    fill_registration(page)
    page.fill("#q_nip", "1980 0101")
    page.check("#consent")
    page.click("form.reg-form button[type=submit]")
    page.wait_for_load_state("load")
    text = page.content()
    assert ("Mohon jawab pertanyaan ini." if lang == "id" else "Please answer this question.") in text
    assert ("tepat 18 angka" if lang == "id" else "exactly 18 digits") in text
    assert not has_horizontal_overflow(page)
    screenshot(page, f"register-questions-errors-{lang}-360")
    page.check("#q_gender-0")
    page.check("#q_shirt_size-2")
    page.fill("#q_nip", "19800101 200501 1 001")
    page.check("#q_topics-1")
    page.click("form.reg-form button[type=submit]")
    page.wait_for_url("**/registered")
    person = db.session.scalar(select(Participant))
    assert service.answer_table(db.session, event.id)[1][person.id] == {
        "gender": "female", "shirt_size": "l", "nip": "198001012005011001", "topics": ["perpustakaan_digital"]}
    # the answers on the staff participant page, and the delete confirmation that counts them
    page.goto(f"{live_server}/staff/events/{event.slug}/participants/{person.public_id}")
    assert ("Perempuan" if lang == "id" else "Female") in page.content() and not has_horizontal_overflow(page)
    screenshot(page, f"participant-answers-{lang}-360")
    gender = next(q for q in service.list_questions(db.session, event.id) if q.key == "gender")
    page.goto(f"{live_server}/staff/events/{event.slug}/questions/{gender.id}/delete")
    assert not has_horizontal_overflow(page)
    screenshot(page, f"question-delete-{lang}-360")
    assert page.external_requests == [] and page.console_errors == []
