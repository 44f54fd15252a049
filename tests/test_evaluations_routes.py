"""Evaluation pages (issue 17): answering from the short link (ticket code) or the manage link, the staff
pages, who sees what, reminders, and both languages."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from plm.evaluations import service
from plm.evaluations.models import Answer, Questionnaire, Submission
from plm.extensions import db
from plm.models import CheckIn, Checkpoint, MailMessage, utcnow
from plm.tickets import participant_code
from tests.helpers import SECRET, add_participant


@pytest.fixture
def setup(event, schedule_factory):
    """A session led by Ayu with an open evaluation, one attendee (Made) and one who stayed away (Ketut)."""
    from plm.checkin.service import ensure_session_checkpoints

    leader = schedule_factory.leader("Ayu Lestari", "ayu@test.example")
    mine = schedule_factory.session("Literasi digital", facilitators=[leader])
    other = schedule_factory.session("Pojok baca", start="13:00", end="14:00",
                                     facilitators=[schedule_factory.leader("Budi Santoso", "budi@test.example")])
    ensure_session_checkpoints(db.session, event)
    form = service.create_from_starter(db.session, event, "evaluation", event_session=mine)
    other_form = service.create_from_starter(db.session, event, "evaluation", event_session=other)
    form.opens_at, form.closes_at = utcnow() - timedelta(hours=1), utcnow() + timedelta(hours=1)
    made = add_participant(event, "Made Oka", phone="+6281234567890")
    ketut = add_participant(event, "Ketut Sari")
    checkpoint = db.session.scalar(select(Checkpoint).where(Checkpoint.session_id == mine.id))
    db.session.add(CheckIn(participant_id=made.id, checkpoint_id=checkpoint.id))
    db.session.commit()
    return dict(form=form, other_form=other_form, made=made, ketut=ketut, event=event)


def answers_for(form, rating="4", text=""):
    body = {}
    for question in form.questions:
        body[f"q{question.id}"] = text if question.kind == "text" else rating
    return body


def test_short_link_asks_for_the_ticket_code_then_takes_the_answers(client, setup):
    form, made, event = setup["form"], setup["made"], setup["event"]
    url = f"/e/{event.slug}/q/{form.code}"
    page = client.get(url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Kode tiket" in html and 'type="email"' not in html

    code = participant_code(SECRET, made)
    forged = code[:-1] + ("Q" if code[-1] != "Q" else "R")  # one character off (never the right one by chance)
    wrong = client.post(f"{url}/identify", data={"ticket": forged})
    assert wrong.status_code == 422 and "bukan kode tiket" in wrong.get_data(as_text=True)
    assert client.post(url, data=answers_for(form)).status_code == 400  # nobody identified yet

    right = client.post(f"{url}/identify", data={"ticket": participant_code(SECRET, made).lower()})
    assert right.status_code == 302 and right.headers["Location"].endswith(url)
    page = client.get(url).get_data(as_text=True)
    assert "Made Oka" in page and "Materi relevan dengan pekerjaan saya" in page and "<script" not in page

    missing = client.post(url, data=answers_for(form, rating=""))
    assert missing.status_code == 422 and "Mohon jawab" in missing.get_data(as_text=True)
    sent = client.post(url, data=answers_for(form, text="Tambah waktu praktik"))
    assert sent.status_code == 302 and sent.headers["Location"].endswith(f"{url}/thanks")
    assert "Terima kasih" in client.get(sent.headers["Location"]).get_data(as_text=True)
    row = db.session.scalar(select(Answer))
    assert row.participant_id == made.id and "Tambah waktu praktik" in row.values.values()

    # The same phone opens the form again: it is remembered, the answers are shown and can be changed.
    again = client.get(url).get_data(as_text=True)
    assert "Tambah waktu praktik" in again
    assert client.post(url, data=answers_for(form, rating="5")).status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(Answer)).values[str(form.questions[0].id)] == 5
    assert len(db.session.scalars(select(Submission)).all()) == 1


def test_someone_who_did_not_attend_cannot_answer(client, setup):
    form, ketut, event = setup["form"], setup["ketut"], setup["event"]
    url = f"/e/{event.slug}/q/{form.code}"
    client.post(f"{url}/identify", data={"ticket": participant_code(SECRET, ketut)})
    page = client.get(url).get_data(as_text=True)
    assert "check-in Anda tidak ditemukan" in page and "Kirim jawaban" not in page
    refused = client.post(url, data=answers_for(form))
    assert refused.status_code == 422
    assert db.session.scalar(select(Answer)) is None


def test_manage_page_lists_the_form_and_its_link_identifies(client, setup):
    form, made, event = setup["form"], setup["made"], setup["event"]
    token = made.issue_manage_token()
    db.session.commit()
    manage = client.get(f"/e/{event.slug}/me/{token}").get_data(as_text=True)
    link = f"/e/{event.slug}/me/{token}/q/{form.code}"
    assert link in manage and "Evaluasi: Literasi digital" in manage
    assert "Pojok baca" not in manage  # not attended
    assert participant_code(SECRET, made) in manage  # the code to type on another phone
    assert client.get(link).status_code == 200
    sent = client.post(link, data=answers_for(form))
    assert sent.status_code == 302 and sent.headers["Location"].endswith(f"{link}/thanks")
    thanks = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert f"/e/{event.slug}/me/{token}" in thanks
    assert client.get(f"/e/{event.slug}/me/not-a-token/q/{form.code}").status_code == 404
    assert client.get(f"/e/{event.slug}/q/NOPE1234").status_code == 404


def test_form_page_is_small(client, setup):
    """A cheap phone on a slow network: the answer page and its CSS together under 30 KB."""
    form, made, event = setup["form"], setup["made"], setup["event"]
    token = made.issue_manage_token()
    db.session.commit()
    html = client.get(f"/e/{event.slug}/me/{token}/q/{form.code}").get_data()
    css = b"".join(client.get(href).get_data() for href in re.findall(r'href="(/static/[^"]+\.css)"', html.decode()))
    assert len(html) + len(css) < 30_000, (len(html), len(css))


def test_facilitator_sees_only_their_own_sessions_forms(client, login, setup):
    form, other_form, event = setup["form"], setup["other_form"], setup["event"]
    login("facilitator", "ayu@test.example")
    index = client.get(f"/staff/events/{event.slug}/evaluations").get_data(as_text=True)
    assert "Evaluasi: Literasi digital" in index and "Pojok baca" not in index
    base = f"/staff/events/{event.slug}/evaluations"
    assert client.get(f"{base}/{form.id}/results").status_code == 200
    assert client.get(f"{base}/{form.id}/screen").status_code == 200
    for page in ("results", "screen"):
        assert client.get(f"{base}/{other_form.id}/{page}").status_code == 403
    assert client.get(f"{base}/{other_form.id}").status_code == 403
    assert client.post(f"{base}/{form.id}/delete").status_code == 403  # organizers delete
    # A facilitator makes a form only for their own session.
    assert client.post(f"{base}/new", data={"kind": "test", "scope": "event"}).status_code == 302
    assert db.session.scalar(select(Questionnaire).where(Questionnaire.kind == "test")) is None
    assert client.post(f"{base}/new", data={"kind": "test", "scope": f"session:{form.session_id}"}).status_code == 302
    assert db.session.scalar(select(Questionnaire).where(Questionnaire.kind == "test")).session_id == form.session_id


def test_results_show_rate_chart_open_answers_and_reminders(client, login, setup):
    form, made, ketut, event = setup["form"], setup["made"], setup["ketut"], setup["event"]
    # Ketut attends too, but does not answer.
    checkpoint = db.session.scalar(select(Checkpoint).where(Checkpoint.session_id == form.session_id))
    db.session.add(CheckIn(participant_id=ketut.id, checkpoint_id=checkpoint.id))
    db.session.commit()
    service.submit(db.session, form, made, {k: [v] for k, v in answers_for(form, "5", "Lebih banyak praktik").items()})
    login("organizer")
    page = client.get(f"/staff/events/{event.slug}/evaluations/{form.id}/results").get_data(as_text=True)
    assert "1 / 2" in page and "50%" in page
    assert page.count("<svg") >= 4 and "Lebih banyak praktik" in page
    assert "Ketut Sari" in page and "Made Oka" not in page.split('id="missing"')[1]
    response = client.post(f"/staff/events/{event.slug}/evaluations/{form.id}/remind/{ketut.id}")
    assert response.status_code == 302
    mail = db.session.scalar(select(MailMessage))
    assert mail.recipient == ketut.email and f"/e/{event.slug}/q/{form.code}" in mail.body_text
    assert mail.body_text.startswith("http") is False and "http://" in mail.body_text
    # Made has answered: no reminder to them.
    client.post(f"/staff/events/{event.slug}/evaluations/{form.id}/remind/{made.id}")
    assert len(db.session.scalars(select(MailMessage)).all()) == 1


def test_whatsapp_reminder_link_uses_the_public_address(client, login, setup, app):
    form, event = setup["form"], setup["event"]
    app.config["PUBLIC_BASE_URL"] = "https://plm.example.org"
    made = setup["made"]
    made.phone = "+6281234567890"
    db.session.delete(db.session.scalar(select(CheckIn)))
    db.session.commit()
    # Made no longer counts as an attendee; give the form to the whole first day instead.
    login("organizer")
    page = client.get(f"/staff/events/{event.slug}/evaluations/{form.id}/results").get_data(as_text=True)
    assert "Made Oka" not in page
    form_day = service.create_from_starter(db.session, event, "evaluation", day=event.starts_on)
    form_day.opens_at, form_day.closes_at = utcnow() - timedelta(hours=1), utcnow() + timedelta(hours=1)
    door = db.session.scalar(select(Checkpoint).where(Checkpoint.kind == "day", Checkpoint.day == event.starts_on))
    db.session.add(CheckIn(participant_id=made.id, checkpoint_id=door.id))
    db.session.commit()
    page = client.get(f"/staff/events/{event.slug}/evaluations/{form_day.id}/results").get_data(as_text=True)
    assert "https://wa.me/6281234567890?text=" in page
    assert f"https%3A%2F%2Fplm.example.org%2Fe%2F{event.slug}%2Fq%2F{form_day.code}" in page


def test_staff_edit_questions_in_both_languages(client, login, setup):
    form, event = setup["form"], setup["event"]
    login("organizer")
    url = f"/staff/events/{event.slug}/evaluations/{form.id}"
    html = client.get(url).get_data(as_text=True)
    assert "Materi relevan dengan pekerjaan saya" in html and "The content is relevant to my work" in html
    data = {"title_id": "Evaluasi sesi", "title_en": "Session evaluation", "opens_at": "", "closes_at": ""}
    for i, question in enumerate(form.questions):
        data.update({f"questions-{i}-question_id": str(question.id), f"questions-{i}-kind": question.kind,
                     f"questions-{i}-text_id": question.text_id, f"questions-{i}-text_en": question.text_en,
                     f"questions-{i}-options": service.options_text(question.options),
                     f"questions-{i}-required": "y" if question.required else ""})
    data["questions-2-remove"] = "y"  # "Waktu cukup"
    n = len(form.questions)
    data.update({f"questions-{n}-kind": "single", f"questions-{n}-text_id": "Sesi mana paling berguna?",
                 f"questions-{n}-text_en": "Which session was most useful?",
                 f"questions-{n}-options": "Pagi | Morning\nSiang | Afternoon", f"questions-{n}-required": "y"})
    response = client.post(url, data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.expire_all()
    form = db.session.get(Questionnaire, form.id)
    assert form.title_en == "Session evaluation"
    assert [q.text_id for q in form.questions][-1] == "Sesi mana paling berguna?"
    assert "Waktu cukup" not in [q.text_id for q in form.questions]
    assert form.questions[-1].options == [["Pagi", "Morning"], ["Siang", "Afternoon"]]
    # A choice question with one choice is refused with a message, nothing saved.
    data[f"questions-{n}-options"] = "Pagi"
    data.pop(f"questions-{n}-text_id")
    data.update({f"questions-{n - 1}-question_id": str(form.questions[-1].id)})
    bad = {k: v for k, v in data.items()}
    bad["questions-0-kind"] = "single"
    bad["questions-0-options"] = "Satu saja"
    response = client.post(url, data=bad, follow_redirects=False)
    assert response.status_code == 200 and "paling sedikit dua pilihan" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Questionnaire, form.id).questions[0].kind == "rating"


def test_english_participant_sees_english_questions(client, setup):
    form, made, event = setup["form"], setup["made"], setup["event"]
    token = made.issue_manage_token()
    db.session.commit()
    client.get("/lang/en")
    page = client.get(f"/e/{event.slug}/me/{token}/q/{form.code}").get_data(as_text=True)
    assert "The content is relevant to my work" in page and "Strongly agree" in page
    assert "Send my answers" in page


def test_a_phone_that_answered_from_the_manage_link_opens_the_next_short_link_directly(client, setup):
    form, made, event = setup["form"], setup["made"], setup["event"]
    token = made.issue_manage_token()
    day_form = service.create_from_starter(db.session, event, "evaluation", day=event.starts_on)
    day_form.opens_at, day_form.closes_at = utcnow() - timedelta(hours=1), utcnow() + timedelta(hours=1)
    db.session.commit()
    short = f"/e/{event.slug}/q/{day_form.code}"
    assert "Siapa yang menjawab?" in client.get(short).get_data(as_text=True)
    client.post(f"/e/{event.slug}/me/{token}/q/{form.code}", data=answers_for(form))
    page = client.get(short).get_data(as_text=True)
    assert "Menjawab sebagai Made Oka" in page
    # "Not me": the phone forgets, and asks again.
    client.post(f"{short}/forget")
    assert "Siapa yang menjawab?" in client.get(short).get_data(as_text=True)
    # A re-issued ticket makes a remembered identity stop working.
    client.post(f"/e/{event.slug}/q/{form.code}/identify", data={"ticket": participant_code(SECRET, made)})
    made.ticket_secret = "reissued0000000"
    db.session.commit()
    assert "Siapa yang menjawab?" in client.get(short).get_data(as_text=True)


def _attend(person, form):
    checkpoint = db.session.scalar(select(Checkpoint).where(Checkpoint.session_id == form.session_id))
    db.session.add(CheckIn(participant_id=person.id, checkpoint_id=checkpoint.id))
    db.session.commit()


def test_reminders_speak_indonesian_first_and_english_whatever_the_staff_language(client, login, setup):
    form, ketut, event = setup["form"], setup["ketut"], setup["event"]
    form.title_en = "Digital literacy evaluation"
    _attend(ketut, form)
    login("organizer")
    client.get("/lang/en")  # the staff member reads English; Ketut is not asked
    client.post(f"/staff/events/{event.slug}/evaluations/{form.id}/remind/{ketut.id}")
    mail = db.session.scalar(select(MailMessage))
    body = mail.body_text
    assert body.index("Mohon isi") < body.index("Please fill in")
    assert f"\"{form.title_id}\"" in body and "\"Digital literacy evaluation\"" in body
    assert "kode tiket" in body and "ticket code" in body
    assert mail.subject.startswith("Pengingat: ") and "Reminder: Digital literacy evaluation" in mail.subject


def test_remind_everyone_mails_each_non_respondent_once_a_day_and_lists_whatsapp_links(client, login, setup):
    form, made, ketut, event = setup["form"], setup["made"], setup["ketut"], setup["event"]
    walk_in = add_participant(event, "Wayan Tamu", email="tamu-1@walk-in.invalid", phone="+6285711112222")
    late = add_participant(event, "Nyoman Telat", phone="+6285733334444")
    for person in (ketut, walk_in, late):
        _attend(person, form)
    service.submit(db.session, form, made, {k: [v] for k, v in answers_for(form, "5").items()})
    db.session.commit()
    login("organizer")
    results = client.get(f"/staff/events/{event.slug}/evaluations/{form.id}/results").get_data(as_text=True)
    assert f"/evaluations/{form.id}/remind-all" in results
    # Nyoman was reminded an hour ago by hand: not mailed again today.
    client.post(f"/staff/events/{event.slug}/evaluations/{form.id}/remind/{late.id}")
    assert len(db.session.scalars(select(MailMessage)).all()) == 1

    page = client.post(f"/staff/events/{event.slug}/evaluations/{form.id}/remind-all")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    mails = db.session.scalars(select(MailMessage).order_by(MailMessage.id)).all()
    assert [m.recipient for m in mails] == [late.email, ketut.email]  # Made answered; the walk-in has no address
    assert "https://wa.me/6285711112222?text=" in html and "https://wa.me/6285733334444?text=" in html
    assert "wa.me/6281234567890" not in html  # Made answered
    assert "Mohon%20isi" in html
    # A second press the same day mails nobody.
    client.post(f"/staff/events/{event.slug}/evaluations/{form.id}/remind-all")
    assert len(db.session.scalars(select(MailMessage)).all()) == 2
    # A day later, the non-respondents are reminded again.
    from plm.models import AuditLog

    for entry in db.session.scalars(select(AuditLog).where(AuditLog.action == "questionnaire.remind")):
        entry.created_at = utcnow() - timedelta(hours=25)
    db.session.commit()
    client.post(f"/staff/events/{event.slug}/evaluations/{form.id}/remind-all")
    assert len(db.session.scalars(select(MailMessage)).all()) == 4


def test_remind_everyone_on_a_closed_form_sends_nothing(client, login, setup):
    form, ketut, event = setup["form"], setup["ketut"], setup["event"]
    _attend(ketut, form)
    form.opens_at, form.closes_at = utcnow() - timedelta(hours=3), utcnow() - timedelta(hours=2)
    db.session.commit()
    login("organizer")
    response = client.post(f"/staff/events/{event.slug}/evaluations/{form.id}/remind-all")
    assert response.status_code == 302 and db.session.scalar(select(MailMessage)) is None


def test_another_events_person_or_an_unknown_form_is_a_404(client, login, setup):
    """A reminder to another event's participant is a 404 (not "has answered already") and queues nothing;
    "not me" on a form code this event does not have is a 404 too."""
    from plm.models import Event

    event, form = setup["event"], setup["form"]
    other = Event(slug="plm-lain", name="Lain", starts_on=event.starts_on, ends_on=event.ends_on)
    db.session.add(other)
    db.session.commit()
    stranger = add_participant(other, "Orang Lain")
    login("organizer")
    response = client.post(f"/staff/events/{event.slug}/evaluations/{form.id}/remind/{stranger.id}")
    assert response.status_code == 404
    assert client.post(f"/staff/events/{event.slug}/evaluations/{form.id}/remind/{2**31}").status_code == 404
    assert db.session.scalar(select(db.func.count(MailMessage.id))) == 0
    assert client.post(f"/e/plm-lain/q/{form.code}/forget").status_code == 404
    assert client.post(f"/e/{event.slug}/q/{form.code}/forget").status_code == 302
