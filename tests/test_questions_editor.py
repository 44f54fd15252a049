"""The question editor: add (own and ready-made), edit, order, kind locked once answered, delete asks first."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from plm.extensions import db
from plm.models import AuditLog, Participant
from plm.questions import service
from plm.questions.models import RegistrationAnswer, RegistrationQuestion
from tests.questions_helpers import every_kind


def fresh(model, ident):
    db.session.expire_all()
    return db.session.get(model, ident)


def keys(event):
    return [q.key for q in service.list_questions(db.session, event.id)]


def test_add_a_question_with_choices_in_both_languages(client, event, login):
    login("organizer")
    url = f"/staff/events/{event.slug}/questions"
    page = client.get(url).get_data(as_text=True)
    assert "Belum ada pertanyaan" in page and "+ Jenis kelamin" in page
    response = client.post(url, data={"label_id": "Makanan favorit", "label_en": "Favourite food", "kind": "multiple_choice",
                                      "choices": "Nasi goreng | Fried rice\nsate | Sate | Satay\n\nBakso",
                                      "required": "y", "audience": "everyone", "key": ""})
    assert response.status_code == 302
    question = db.session.scalar(select(RegistrationQuestion))
    assert question.key == "makanan_favorit" and question.required and question.kind == "multiple_choice"
    assert question.choices == [{"value": "nasi_goreng", "label_id": "Nasi goreng", "label_en": "Fried rice"},
                                {"value": "sate", "label_id": "Sate", "label_en": "Satay"},
                                {"value": "bakso", "label_id": "Bakso", "label_en": ""}]
    page = client.get(url).get_data(as_text=True)
    assert "Makanan favorit" in page and "Nasi goreng · Sate · Bakso" in page
    client.set_cookie("plm_lang", "en")
    page = client.get(url).get_data(as_text=True)
    assert "Favourite food" in page and "Fried rice · Satay · Bakso" in page and "Registration questions" in page
    # a choice question without choices, and a taken key, are refused with a message and change nothing
    bad = client.post(url, data={"label_id": "Warna", "kind": "single_choice", "choices": "", "audience": "everyone"})
    assert bad.status_code == 400 and "at least one choice" in bad.get_data(as_text=True)
    taken = client.post(url, data={"label_id": "Lain", "kind": "short_text", "key": "makanan_favorit", "audience": "everyone"})
    assert taken.status_code == 400 and "already uses this key" in taken.get_data(as_text=True)
    bad_key = client.post(url, data={"label_id": "Lain", "kind": "short_text", "key": "Bad Key!", "audience": "everyone"})
    assert bad_key.status_code == 400
    assert keys(event) == ["makanan_favorit"]


def test_ready_made_questions_with_one_click(client, event, login):
    login("organizer")
    url = f"/staff/events/{event.slug}/questions/preset"
    for key in ("gender", "position", "nip", "arrival_date", "departure_date", "shirt_size"):
        assert client.post(url, data={"preset": key}).status_code == 302
    assert keys(event) == ["gender", "position", "nip", "arrival_date", "departure_date", "shirt_size"]
    gender = db.session.scalar(select(RegistrationQuestion).where(RegistrationQuestion.key == "gender"))
    assert [(c["value"], c["label_id"], c["label_en"]) for c in gender.choices] == [
        ("female", "Perempuan", "Female"), ("male", "Laki-laki", "Male")]
    shirt = db.session.scalar(select(RegistrationQuestion).where(RegistrationQuestion.key == "shirt_size"))
    assert [c["label_id"] for c in shirt.choices] == ["S", "M", "L", "XL", "XXL", "XXXL"]
    again = client.post(url, data={"preset": "gender"}, follow_redirects=True).get_data(as_text=True)
    assert "sudah ada di daftar" in again and len(keys(event)) == 6
    assert client.post(url, data={"preset": "nonsense"}).status_code == 302 and len(keys(event)) == 6
    page = client.get(f"/staff/events/{event.slug}/questions").get_data(as_text=True)
    assert "+ Jenis kelamin" not in page  # offered only while missing
    # the ready-made keys cannot be renamed (reports and room allocation read them)
    edit = client.post(f"/staff/events/{event.slug}/questions/{gender.id}", data={
        "label_id": "Jenis kelamin", "kind": "single_choice", "choices": "female | Perempuan | Female\nmale | Laki-laki | Male",
        "audience": "everyone", "key": "sex"})
    assert edit.status_code == 400 and fresh(RegistrationQuestion, gender.id).key == "gender"


def test_order_with_up_and_down_buttons(client, event, login):
    every_kind(event)
    login("organizer")
    first, second, *_ = service.list_questions(db.session, event.id)
    move = f"/staff/events/{event.slug}/questions/{{}}/move"
    assert client.post(move.format(second.id), data={"direction": "up"}).status_code == 302
    assert keys(event)[:3] == ["story", "motto", "years"]
    client.post(move.format(second.id), data={"direction": "up"})  # already first: nothing moves
    client.post(move.format(first.id), data={"direction": "down"})
    assert keys(event)[:3] == ["story", "years", "motto"]
    last = service.list_questions(db.session, event.id)[-1]
    client.post(move.format(last.id), data={"direction": "down"})
    assert keys(event)[-1] == last.key
    page = client.get(f"/e/{event.slug}/register").get_data(as_text=True)
    positions = [page.index(f'name="q_{key}"') for key in keys(event)]
    assert positions == sorted(positions)  # the form follows the order


def _answer(event, question, value):
    number = db.session.scalar(select(func.count()).select_from(Participant))
    person = Participant(event_id=event.id, full_name=f"P {value}", email=f"p{number}@example.id")
    db.session.add(person)
    db.session.flush()
    service.save_values(db.session, person, [question], {question.key: value})
    db.session.commit()
    return person


def test_kind_locked_once_answered_and_labels_still_editable(client, event, login):
    login("organizer")
    question = service.add_question(db.session, event.id, {"kind": "short_text", "label_id": "Motto"})
    db.session.commit()
    url = f"/staff/events/{event.slug}/questions/{question.id}"
    form = {"label_id": "Motto", "kind": "number", "audience": "everyone", "key": "motto"}
    assert client.post(url, data=form).status_code == 302  # no answers yet: the kind may change
    assert fresh(RegistrationQuestion, question.id).kind == "number"
    _answer(event, question, 3)
    page = client.get(url).get_data(as_text=True)
    assert "sudah punya 1 jawaban" in page
    refused = client.post(url, data={**form, "kind": "short_text"})
    assert refused.status_code == 400 and "jenisnya tidak dapat diubah" in refused.get_data(as_text=True)
    assert fresh(RegistrationQuestion, question.id).kind == "number"
    assert client.post(url, data={**form, "label_id": "Moto hidup", "label_en": "Life motto"}).status_code == 302
    assert fresh(RegistrationQuestion, question.id).label("en") == "Life motto"
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "question.edit")) is not None


def test_delete_without_answers_goes_at_once_with_answers_asks_first(client, event, login):
    login("organizer")
    lonely = service.add_question(db.session, event.id, {"kind": "short_text", "label_id": "Sepi"})
    answered = service.add_preset(db.session, event.id, "gender")
    db.session.commit()
    for value in ("female", "male", "female"):
        _answer(event, answered, value)
    base = f"/staff/events/{event.slug}/questions"
    assert client.post(f"{base}/{lonely.id}/delete").status_code == 302
    assert keys(event) == ["gender"]
    page = client.get(f"{base}/{answered.id}/delete").get_data(as_text=True)
    assert "3 peserta sudah menjawab" in page and 'name="confirm"' in page
    unconfirmed = client.post(f"{base}/{answered.id}/delete", data={})
    assert unconfirmed.status_code == 400 and keys(event) == ["gender"]
    assert db.session.scalar(select(func.count()).select_from(RegistrationAnswer)) == 3
    assert client.post(f"{base}/{answered.id}/delete", data={"confirm": "y"}).status_code == 302
    assert keys(event) == [] and db.session.scalar(select(func.count()).select_from(RegistrationAnswer)) == 0
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "question.delete", AuditLog.detail["key"].as_string() == "gender"))
    assert entry.detail["answers"] == 3
    assert client.get(f"{base}/{answered.id}/delete").status_code == 404


def test_questions_of_another_event_are_not_reachable(client, event, login):
    from plm.models import Event

    other = Event(slug="lain", name="Lain", starts_on=event.starts_on, ends_on=event.ends_on)
    db.session.add(other)
    db.session.flush()
    foreign = service.add_question(db.session, other.id, {"kind": "short_text", "label_id": "Rahasia"})
    db.session.commit()
    login("organizer")
    for suffix, method in (("", "get"), ("/delete", "get"), ("/delete", "post"), ("/move", "post")):
        response = getattr(client, method)(f"/staff/events/{event.slug}/questions/{foreign.id}{suffix}")
        assert response.status_code == 404, suffix
    assert fresh(RegistrationQuestion, foreign.id) is not None


@pytest.mark.parametrize("role, status", [("facilitator", 403), ("organizer", 200), ("admin", 200)])
def test_who_may_edit_questions(client, event, login, role, status):
    login(role)
    assert client.get(f"/staff/events/{event.slug}/questions").status_code == status


def test_anonymous_is_sent_to_login(client, event):
    response = client.get(f"/staff/events/{event.slug}/questions")
    assert response.status_code in (302, 401) and re.search(r"/staff/login", response.headers.get("Location", "/staff/login"))


def test_keys_of_the_participant_columns_are_reserved(app, event):
    from plm.participants.importexport import COLUMNS

    assert service.RESERVED_KEYS == set(COLUMNS)
    made = service.add_question(db.session, event.id, {"kind": "short_text", "label_id": "Email"})
    assert made.key == "email_2"  # made from the label: moved aside
    with pytest.raises(service.QuestionError, match="reserved_key"):
        service.add_question(db.session, event.id, {"kind": "short_text", "label_id": "X", "key": "province"})


def test_an_empty_post_to_a_question_keeps_it_as_it_is(client, event, login):
    """Found by tests/test_post_routes_refuse_bad_input.py: a POST without fields filled the form from the
    question, whose choices are a list, and the editor failed on it (a 500). Now it saves the question unchanged;
    so does saving the edit page as shown (its choices box read "merah | Merah" back as English "Merah")."""
    login("organizer")
    choices = service.parse_choices("Merah\nBiru | Blue\nhijau | Hijau tua |\nx | Kuning | Yellow")
    question = service.add_question(db.session, event.id, {"kind": "single_choice", "label_id": "Warna",
                                                           "choices": choices})
    db.session.commit()
    url = f"/staff/events/{event.slug}/questions/{question.id}"
    assert client.post(url, data={}).status_code == 302
    assert fresh(RegistrationQuestion, question.id).choices == choices
    page = client.get(url).get_data(as_text=True)
    shown = re.search(r'<textarea[^>]*name="choices"[^>]*>\s*(.*?)</textarea>', page, re.S).group(1)
    assert shown.splitlines() == ["Merah", "Biru | Blue", "hijau | Hijau tua |", "x | Kuning | Yellow"]
    assert client.post(url, data={"label_id": "Warna kesukaan", "kind": "single_choice", "choices": shown,
                                  "audience": "everyone", "key": question.key}).status_code == 302
    assert fresh(RegistrationQuestion, question.id).choices == choices
