"""Registration questions end to end: every kind through the public form, the participant's manage page, the
staff page, the staff list's filters and the reports' API; required vs optional, NIP, dates, i18n."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from plm.extensions import db
from plm.models import AuditLog, Participant, utcnow
from plm.questions import service
from plm.questions.models import RegistrationAnswer
from tests.helpers import form_data, manage_token, register
from tests.questions_helpers import FORM_INPUT, TYPED, every_kind


def answers_of(participant):
    return {a.question.key: a.value for a in db.session.scalars(select(RegistrationAnswer).where(RegistrationAnswer.participant_id == participant.id))}


def only_participant():
    return db.session.scalar(select(Participant))


def test_every_kind_round_trips_through_registration_manage_and_staff(client, event, login):
    every_kind(event)
    page = client.get(f"/e/{event.slug}/register").get_data(as_text=True)
    for name in FORM_INPUT:
        assert f'name="{name}"' in page
    assert "Tanya motto" in page and "Bantuan motto" in page and "<script" not in page
    assert 'type="date"' in page and 'type="radio"' in page and 'type="checkbox"' in page
    response = register(client, event, **FORM_INPUT)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    person = only_participant()
    assert answers_of(person) == TYPED
    assert isinstance(answers_of(person)["years"], float) and isinstance(answers_of(person)["birthday"], date)

    # the manage page shows the answers and edits them (until registration closes)
    token = manage_token(client, event)
    manage = client.get(f"/e/{event.slug}/me/{token}").get_data(as_text=True)
    assert "Biru" in manage and "Literasi; Anak" in manage and 'value="12,5"' in manage
    edited = dict(form_data(), q_motto="Baru", q_story="", q_years="7", q_birthday="1991-01-02", q_colour="merah",
                  q_topics=["digital"], q_first_time="no")
    assert client.post(f"/e/{event.slug}/me/{token}", data=edited).status_code == 302
    assert answers_of(person) == {"motto": "Baru", "years": 7, "birthday": date(1991, 1, 2), "colour": "merah",
                                  "topics": ["digital"], "first_time": False}  # the emptied optional answer is gone

    # the staff page shows and edits them; the change is in the participant's history
    login("organizer")
    url = f"/staff/events/{event.slug}/participants/{person.public_id}"
    staff = client.get(url).get_data(as_text=True)
    assert "Merah" in staff and "Tidak" in staff and "1991-01-02" in staff
    staff_form = {"full_name": person.full_name, "name_on_badge": "", "email": person.email, "phone": "",
                  "institution": person.institution, "institution_type": "village", "province": "Bali",
                  "role": "participant", "diet": "", "access_needs": "", **FORM_INPUT}
    assert client.post(url, data=staff_form).status_code == 302
    assert answers_of(person) == TYPED
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "participant.answers"))
    assert entry is not None and "motto" in entry.detail["questions"]


def test_required_and_optional(client, event):
    every_kind(event, required=True)
    response = register(client, event)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and only_participant() is None
    assert page.count("Mohon jawab pertanyaan ini.") == 7
    db.session.execute(RegistrationAnswer.__table__.delete())
    for question in service.list_questions(db.session, event.id):
        question.required = False
    db.session.commit()
    assert register(client, event).status_code == 302  # all optional: nothing needed
    assert db.session.scalar(select(func.count()).select_from(RegistrationAnswer)) == 0


@pytest.mark.parametrize("field, value, message", [
    ("q_years", "dua belas", "Ketik angka"),
    ("q_birthday", "21/04/1990x", "Ketik tanggal"),
    ("q_colour", "ungu", "Pilih salah satu jawaban"),
    ("q_topics", "ungu", "Pilih salah satu jawaban"),
    ("q_first_time", "mungkin", "Jawab ya atau tidak"),
    ("q_motto", "x" * 301, "terlalu panjang"),
])
def test_bad_answers_are_refused_with_a_clear_message(client, event, field, value, message):
    every_kind(event)
    response = register(client, event, **{**FORM_INPUT, field: value})
    assert response.status_code == 200 and only_participant() is None
    assert message in response.get_data(as_text=True)


def test_nip_eighteen_digits_spaces_stripped(client, event):
    service.add_preset(db.session, event.id, "nip")
    db.session.commit()
    for bad in ("19800101 200501 1 00", "1980010120050110011", "19800101-200501-1-001", "abcdefghijklmnopqr"):
        page = register(client, event, q_nip=bad).get_data(as_text=True)
        assert "tepat 18 angka" in page and only_participant() is None, bad
    assert register(client, event, q_nip="19800101 200501 1 001").status_code == 302
    assert service.answers_by_key(db.session, event.id, "nip") == {only_participant().id: "198001012005011001"}


def test_departure_not_before_arrival(client, event):
    service.add_preset(db.session, event.id, "arrival_date")
    service.add_preset(db.session, event.id, "departure_date")
    db.session.commit()
    page = register(client, event, q_arrival_date="2026-12-20", q_departure_date="2026-12-19").get_data(as_text=True)
    assert "tanggal kepulangan tidak boleh sebelum tanggal kedatangan" in page.lower() and only_participant() is None
    assert register(client, event, q_arrival_date="2026-12-20", q_departure_date="2026-12-20").status_code == 302


def test_labels_and_messages_in_english_fall_back_to_indonesian(client, event):
    every_kind(event, required=True)
    question = service.list_questions(db.session, event.id)[0]
    question.label_en = ""
    db.session.commit()
    client.set_cookie("plm_lang", "en")
    page = register(client, event).get_data(as_text=True)
    assert "Ask story" in page and "Help story" in page and "Tanya motto" in page  # no English label: Indonesian
    assert "Please answer this question." in page and "Red" in page and "Merah" not in page
    client.set_cookie("plm_lang", "id")
    page = client.get(f"/e/{event.slug}/register").get_data(as_text=True)
    assert "Tanya story" in page and "Merah" in page and "Ya" in page


def test_manage_page_stops_asking_once_registration_closes(client, event):
    every_kind(event)
    register(client, event, **FORM_INPUT)
    token = manage_token(client, event)
    event.registration_closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    page = client.get(f"/e/{event.slug}/me/{token}").get_data(as_text=True)
    assert 'name="q_motto"' not in page and "Membaca itu kuat" in page  # shown, not asked
    client.post(f"/e/{event.slug}/me/{token}", data=dict(form_data(), q_motto="Diam-diam diubah"))
    assert answers_of(only_participant())["motto"] == "Membaca itu kuat"


def test_delegation_only_questions_stay_off_the_public_form(client, event, login):
    service.add_question(db.session, event.id, {"key": "sk_number", "kind": "short_text", "label_id": "Nomor SK",
                                                "audience": "delegation", "required": True})
    db.session.commit()
    assert 'name="q_sk_number"' not in client.get(f"/e/{event.slug}/register").get_data(as_text=True)
    assert register(client, event).status_code == 302  # required, but not asked here
    login("organizer")
    staff = client.get(f"/staff/events/{event.slug}/participants/{only_participant().public_id}").get_data(as_text=True)
    assert 'name="q_sk_number"' in staff  # staff see every question


def test_staff_list_filters_on_answers_and_reports_api(client, event, login):
    gender = service.add_preset(db.session, event.id, "gender")
    every_kind(event)
    people = []
    for index, (name, sex, topics) in enumerate([("Ayu", "female", ["anak"]), ("Budi", "male", ["literasi", "anak"]),
                                                 ("Citra", "female", []), ("Dodi", None, ["digital"])]):
        person = Participant(event_id=event.id, full_name=name, email=f"p{index}@example.id")
        db.session.add(person)
        db.session.flush()
        service.save_values(db.session, person, service.list_questions(db.session, event.id),
                            {"gender": sex, "topics": topics or None, "first_time": index % 2 == 0})
        people.append(person)
    db.session.commit()
    assert service.answers_by_key(db.session, event.id, "gender") == {people[0].id: "female", people[1].id: "male",
                                                                     people[2].id: "female"}
    assert service.answers_by_key(db.session, event.id, "no_such_key") == {}
    questions, table = service.answer_table(db.session, event.id)
    assert questions[0].id == gender.id and table[people[1].id] == {"gender": "male", "topics": ["literasi", "anak"],
                                                                   "first_time": False}
    login("admin")  # the export links (admin) carry the filters too
    url = f"/staff/events/{event.slug}/participants"

    def names(query):
        return re.findall(r'/participants/[A-Z0-9]{10}">([^<]+)</a>', client.get(url + query).get_data(as_text=True))

    page = client.get(url).get_data(as_text=True)
    assert 'name="q_gender"' in page and "Perempuan" in page
    assert names("?q_gender=female") == ["Ayu", "Citra"]
    assert names("?q_gender=-") == ["Dodi"]
    assert names("?q_topics=anak") == ["Ayu", "Budi"]
    assert names("?q_first_time=yes&q_gender=female") == ["Ayu", "Citra"]
    assert names("?q_first_time=no") == ["Budi", "Dodi"]
    assert names("?q_gender=%27%20OR%201=1") == [] and names("?q_unknown=x") == []
    link = re.search(r'href="([^"]*export\.csv[^"]*)"', client.get(url + "?q_gender=female").get_data(as_text=True))
    assert "q_gender=female" in link.group(1)
    export = client.get(f"/staff/events/{event.slug}/participants/export.csv?q_gender=female").get_data(as_text=True)
    assert "Ayu" in export and "Citra" in export and "Budi" not in export


def test_removed_choice_stays_readable_and_selectable_for_who_chose_it(client, event, login):
    every_kind(event)
    register(client, event, **FORM_INPUT)
    colour = next(q for q in service.list_questions(db.session, event.id) if q.key == "colour")
    service.update_question(db.session, colour, {"kind": "single_choice", "label_id": colour.label_id,
                                                 "choices": service.parse_choices("merah | Merah | Red")})
    db.session.commit()
    person = only_participant()
    assert dict((q.key, shown) for q, shown in service.participant_answers(db.session, person, "id"))["colour"] == "biru"
    token = manage_token(client, event)
    page = client.get(f"/e/{event.slug}/me/{token}").get_data(as_text=True)
    assert 'value="biru"' in page  # still offered to this participant, checked
    assert client.post(f"/e/{event.slug}/me/{token}", data=dict(form_data(), **FORM_INPUT)).status_code == 302
    assert answers_of(person)["colour"] == "biru"
    assert 'value="biru"' not in client.get(f"/e/{event.slug}/register").get_data(as_text=True)


def test_answers_are_in_my_data_and_go_with_an_erasure(app, event):
    from plm.privacy import service as privacy

    every_kind(event)
    person = Participant(event_id=event.id, full_name="Ni Luh Ayu", email="ayu@example.id")
    db.session.add(person)
    db.session.flush()
    service.save_values(db.session, person, service.list_questions(db.session, event.id), TYPED)
    db.session.commit()
    data = privacy.export_participant_data(db.session, person)
    assert data["answers"]["birthday"] == "1990-04-21" and data["answers"]["topics"] == ["literasi", "anak"]
    privacy.erase_participant(db.session, person)
    db.session.commit()
    assert answers_of(person) == {}


def test_the_delegation_form_asks_delegation_only_questions_and_saves_the_answers(client, event):
    from tests.delegation_helpers import delegate_data, make_institution

    service.add_preset(db.session, event.id, "gender").required = True
    service.add_question(db.session, event.id, {"key": "sk_number", "kind": "short_text", "label_id": "Nomor SK",
                                                "audience": "delegation", "required": True})
    db.session.commit()
    _institution, token = make_institution(event)
    url = f"/e/{event.slug}/delegation/{token}/add"
    page = client.get(url).get_data(as_text=True)
    assert 'name="q_gender"' in page and 'name="q_sk_number"' in page and "Tentang delegasi (lanjutan)" in page
    refused = client.post(url, data=delegate_data(q_gender="male"))
    assert "Mohon jawab pertanyaan ini." in refused.get_data(as_text=True) and only_participant() is None
    assert client.post(url, data=delegate_data(q_gender="male", q_sk_number="SK 12/2026")).status_code == 302
    assert answers_of(only_participant()) == {"gender": "male", "sk_number": "SK 12/2026"}
