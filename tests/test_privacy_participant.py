"""The participant's own privacy rights from the manage page: download their data, delete it (UU PDP 2022)."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from plm.extensions import db
from plm.models import AuditLog, CheckIn, Checkpoint, MailMessage, Participant
from tests.conftest import csrf_token_from
from tests.helpers import manage_token, register


def _registered(client, event, **overrides):
    assert register(client, event, **overrides).status_code == 302
    return manage_token(client, event)


def test_manage_page_links_to_download_and_delete(client, event):
    token = _registered(client, event)
    page = client.get(f"/e/{event.slug}/me/{token}").get_data(as_text=True)
    assert f"/e/{event.slug}/me/{token}/my-data.json" in page
    assert f"/e/{event.slug}/me/{token}/delete" in page


def test_download_my_data_is_a_json_attachment_with_everything(client, event):
    token = _registered(client, event)
    person = db.session.scalar(select(Participant))
    checkpoint = db.session.scalar(select(Checkpoint).where(Checkpoint.event_id == event.id))
    db.session.add(CheckIn(participant_id=person.id, checkpoint_id=checkpoint.id))
    db.session.commit()
    response = client.get(f"/e/{event.slug}/me/{token}/my-data.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response.headers["Cache-Control"]
    data = json.loads(response.get_data(as_text=True))
    assert data["participant"]["full_name"] == "Ni Luh Putu Ayu Sri Wahyuni"
    assert data["participant"]["email"] == "ayu@example.id" and data["participant"]["phone"] == "+6281234567890"
    assert data["event"]["slug"] == event.slug and len(data["checkins"]) == 1
    assert data["mails"] and data["mails"][0]["subject"]
    # No secrets in the export: neither the manage token nor the ticket secret.
    raw = response.get_data(as_text=True)
    assert token not in raw and person.ticket_secret not in raw and "manage_token" not in raw


def test_another_events_token_or_a_wrong_token_reveals_nothing(client, event, make_app):
    from datetime import timedelta

    from plm.models import Event

    token = _registered(client, event)
    other = Event(slug="plm-other", name="Other", timezone="Asia/Makassar", starts_on=event.starts_on,
                  ends_on=event.starts_on + timedelta(days=1), capacity=10)
    db.session.add(other)
    db.session.commit()
    assert client.get(f"/e/plm-other/me/{token}/my-data.json").status_code == 404
    assert client.get(f"/e/{event.slug}/me/{token}x/my-data.json").status_code == 404
    assert client.post(f"/e/plm-other/me/{token}/delete", data={"confirm": "y"}).status_code == 404
    assert db.session.scalar(select(Participant.full_name)) == "Ni Luh Putu Ayu Sri Wahyuni"


def test_delete_needs_the_confirmation_then_erases_and_the_link_stops_working(client, event):
    token = _registered(client, event)
    person_id = db.session.scalar(select(Participant.id))
    page = client.get(f"/e/{event.slug}/me/{token}/delete")
    assert page.status_code == 200 and 'name="confirm"' in page.get_data(as_text=True)
    unticked = client.post(f"/e/{event.slug}/me/{token}/delete", data={})
    assert unticked.status_code == 200
    db.session.expire_all()
    assert db.session.get(Participant, person_id).status == "registered"  # nothing happened without the tick
    done = client.post(f"/e/{event.slug}/me/{token}/delete", data={"confirm": "y"})
    assert done.status_code == 200 and "no-store" in done.headers["Cache-Control"]
    db.session.expire_all()
    person = db.session.get(Participant, person_id)
    assert person.status == "cancelled" and "Wahyuni" not in person.full_name and person.email.endswith(".invalid")
    assert person.phone == "" and person.institution == "" and person.diet == "" and person.manage_token_hash is None
    assert db.session.scalar(select(func.count()).select_from(MailMessage)) == 0
    assert db.session.scalar(select(AuditLog.action).where(AuditLog.action == "participant.erase"))
    for url in ("", "/my-data.json", "/delete", "/ticket.png"):
        assert client.get(f"/e/{event.slug}/me/{token}{url}").status_code == 404, url


def test_deleting_a_seat_promotes_the_waiting_list(client, event):
    event.capacity = 1
    db.session.commit()
    token = _registered(client, event)
    _registered(client, event, email="kedua@example.id", full_name="Kedua Menunggu")
    waiting = db.session.scalar(select(Participant).where(Participant.email == "kedua@example.id"))
    assert waiting.status == "waitlisted"
    client.post(f"/e/{event.slug}/me/{token}/delete", data={"confirm": "y"})
    db.session.expire_all()
    assert db.session.get(Participant, waiting.id).status == "registered"


def test_delete_is_csrf_protected(make_app, event):
    from plm.extensions import db as _db

    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        person = Participant(event_id=event.id, full_name="Sri Rahayu", email="sri@example.id",
                             institution="TBM Lentera", province="Bali", status="registered")
        _db.session.add(person)
        _db.session.flush()
        token = person.issue_manage_token()
        _db.session.commit()
        client = app.test_client()
        assert client.post(f"/e/{event.slug}/me/{token}/delete", data={"confirm": "y"}).status_code == 400
        page = client.get(f"/e/{event.slug}/me/{token}/delete").get_data(as_text=True)
        ok = client.post(f"/e/{event.slug}/me/{token}/delete", data={"confirm": "y", "csrf_token": csrf_token_from(page)})
        assert ok.status_code == 200
        _db.session.expire_all()
        assert _db.session.get(Participant, person.id).email.endswith(".invalid")


def _answered_forms(event, person):
    """person answers a named evaluation and the pre test; someone else answers an anonymous evaluation."""
    from datetime import timedelta

    from plm.evaluations import service as evaluations
    from plm.evaluations.models import QuestionKind
    from plm.models import utcnow
    from tests.helpers import add_participant, day_checkpoint

    now = utcnow()
    named = evaluations.create_from_starter(db.session, event, "evaluation", day=event.starts_on)
    anonymous = evaluations.create_from_starter(db.session, event, "evaluation", day=event.starts_on)
    anonymous.anonymous = True
    test = evaluations.create_from_starter(db.session, event, "test")
    for form in (named, anonymous, test):
        form.opens_at, form.closes_at = now - timedelta(hours=1), now + timedelta(hours=1)
    test.post_opens_at, test.post_closes_at = now + timedelta(hours=2), now + timedelta(hours=3)
    db.session.commit()
    door = day_checkpoint(event)
    other = add_participant(event, "Orang Lain")
    for someone in (person, other):
        db.session.add(CheckIn(participant_id=someone.id, checkpoint_id=door.id))
    db.session.commit()

    def rated(form, text):
        raw = {f"q{q.id}": ["4"] for q in form.questions if q.kind == QuestionKind.RATING}
        raw.update({f"q{q.id}": [text] for q in form.questions if q.kind == QuestionKind.TEXT})
        return raw

    evaluations.submit(db.session, named, person, rated(named, "Lebih banyak praktik"))
    evaluations.submit(db.session, anonymous, person, rated(anonymous, "Rahasia saya"))
    evaluations.submit(db.session, anonymous, other, rated(anonymous, "Rahasia orang lain"))
    first, second, third = test.questions
    evaluations.submit(db.session, test, person, {f"q{first.id}": ["0"], f"q{second.id}": ["0", "2"],
                                                  f"q{third.id}": ["0"]})
    db.session.commit()
    return named, anonymous, test


def test_download_my_data_holds_named_answers_and_test_scores_not_anonymous_ones(client, event):
    token = _registered(client, event)
    person = db.session.scalar(select(Participant))
    named, anonymous, test = _answered_forms(event, person)
    data = json.loads(client.get(f"/e/{event.slug}/me/{token}/my-data.json").get_data(as_text=True))
    by_form = {(entry["form"], entry["phase"]): entry for entry in data["evaluations"]}
    assert len(data["evaluations"]) == 2  # the named evaluation and the pre test; not the anonymous one
    evaluation = by_form[(named.title_id, "once")]
    assert {"question": "Saran", "answer": "Lebih banyak praktik"} in evaluation["answers"]
    assert {"question": "Waktu cukup", "answer": 4} in evaluation["answers"]
    assert evaluation["score"] is None and evaluation["answered_at"]
    pre = by_form[(test.title_id, "pre")]
    assert (pre["score"], pre["max_score"]) == (2.0, 3)  # q1 and q2 right, q3 wrong
    assert {"question": "Apa kepanjangan TBM?", "answer": "Taman Bacaan Masyarakat"} in pre["answers"]
    assert "Rahasia" not in json.dumps(data)


def test_deleting_my_data_unlinks_my_named_answers_and_keeps_anonymous_ones(client, event):
    from plm.evaluations.models import Answer

    token = _registered(client, event)
    person = db.session.scalar(select(Participant).where(Participant.email == "ayu@example.id"))
    person_id = person.id
    _answered_forms(event, person)
    assert db.session.scalar(select(func.count()).select_from(Answer).where(Answer.participant_id == person_id)) == 2
    assert client.post(f"/e/{event.slug}/me/{token}/delete", data={"confirm": "y"}).status_code == 200
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Answer).where(Answer.participant_id == person_id)) == 0
    # The answers still count in the results (4 in all: named, pre test, two anonymous), with no time left.
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 4
    assert db.session.scalar(select(func.count()).select_from(Answer).where(Answer.updated_at.is_not(None))) == 0
    suggestions = {value for values in db.session.scalars(select(Answer.values)) for value in values.values()
                   if isinstance(value, str)}
    assert {"Lebih banyak praktik", "Rahasia saya", "Rahasia orang lain"} <= suggestions


def test_anonymising_the_event_unlinks_every_named_answer(client, event):
    from datetime import date, timedelta

    from plm.evaluations.models import Answer
    from plm.privacy.service import anonymise_event

    _registered(client, event)
    person = db.session.scalar(select(Participant).where(Participant.email == "ayu@example.id"))
    _answered_forms(event, person)
    event.starts_on, event.ends_on = date.today() - timedelta(days=5), date.today() - timedelta(days=2)
    anonymise_event(db.session, event)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Answer).where(Answer.participant_id.is_not(None))) == 0
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 4
