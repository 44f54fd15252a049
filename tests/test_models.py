from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from plm import config as plm_config
from plm.extensions import db
from plm.models import CheckIn, Checkpoint, Event, Participant, User


def _participant(event, email, **kw):
    return Participant(event_id=event.id, full_name=kw.pop("name", "Sukarmi"), email=email, **kw)


def test_one_participant_per_email_per_event_case_insensitive(app, event):
    db.session.add(_participant(event, "Sari@Example.ID"))
    db.session.commit()
    db.session.add(_participant(event, "sari@example.id"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_same_email_may_register_for_two_events(app, event):
    other = Event(slug="plm-other", name="Other", starts_on=date(2030, 1, 1), ends_on=date(2030, 1, 2))
    db.session.add(other)
    db.session.flush()
    db.session.add_all([_participant(event, "a@example.id"), _participant(other, "a@example.id")])
    db.session.commit()
    assert db.session.scalar(select(Participant).where(Participant.event_id == other.id)).email == "a@example.id"


def test_one_checkin_per_participant_and_checkpoint(app, event):
    person = _participant(event, "b@example.id")
    db.session.add(person)
    db.session.flush()
    checkpoint = db.session.scalar(select(Checkpoint).where(Checkpoint.event_id == event.id))
    db.session.add(CheckIn(participant_id=person.id, checkpoint_id=checkpoint.id))
    db.session.commit()
    db.session.add(CheckIn(participant_id=person.id, checkpoint_id=checkpoint.id))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_day_checkpoints_created_for_each_event_day(app, event):
    days = db.session.scalars(select(Checkpoint.day).where(Checkpoint.event_id == event.id, Checkpoint.kind == "day")).all()
    assert sorted(days) == event.days and len(days) == 4


def test_times_round_trip_as_utc(app, event):
    moment = datetime(2015, 5, 18, 0, 12, 30, tzinfo=UTC)
    event.registration_opens_at = moment
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(Event, event.id).registration_opens_at
    assert stored == moment and stored.utcoffset().total_seconds() == 0


def test_naive_datetimes_are_refused(app, event):
    event.registration_opens_at = datetime(2015, 5, 18, 8, 0)
    with pytest.raises(Exception, match="naive datetime"):
        db.session.commit()
    db.session.rollback()


def test_public_ids_are_random_and_unambiguous(app, event):
    ids = set()
    for i in range(50):
        p = _participant(event, f"p{i}@example.id")
        db.session.add(p)
        db.session.flush()
        ids.add(p.public_id)
    assert len(ids) == 50
    assert all(len(i) == 10 and not set(i) & set("IO01") for i in ids)


def test_manage_token_is_stored_only_as_a_hash(app, event):
    person = _participant(event, "c@example.id")
    token = person.issue_manage_token()
    db.session.add(person)
    db.session.commit()
    assert len(token) >= 22  # 192 bits, URL-safe
    assert token not in (person.manage_token_hash or "")


def test_password_hashes_use_werkzeug(app):
    user = User(email="x@test.example", role="admin")
    user.set_password("secret-pass")
    assert user.password_hash.startswith("scrypt:256:8:1$")  # the suite's cheap cost (tests/conftest.py)
    assert user.check_password("secret-pass") and not user.check_password("nope")


def test_the_default_password_hash_is_werkzeugs_full_cost_scrypt(make_app):
    """Only the tests lower the cost: an app on the default settings hashes with scrypt n=32768, r=8, p=1,
    and a hash made at any cost still checks after the setting changes."""
    outside = User(email="y@test.example", role="admin")
    outside.set_password("secret-pass")  # outside an app: werkzeug's default
    assert outside.password_hash.startswith("scrypt:32768:8:1$")
    app = make_app()
    app.config["PASSWORD_HASH_METHOD"] = plm_config.PASSWORD_HASH_METHOD
    with app.app_context():
        user = User(email="x@test.example", role="admin")
        user.set_password("secret-pass")
        assert user.password_hash.startswith("scrypt:32768:8:1$")
        app.config["PASSWORD_HASH_METHOD"] = "scrypt:256:8:1"
        assert user.check_password("secret-pass") and not user.check_password("nope")


def test_deleting_an_event_removes_its_participants(app, event):
    db.session.add(_participant(event, "d@example.id"))
    db.session.commit()
    db.session.delete(db.session.get(Event, event.id))
    db.session.commit()
    assert db.session.scalar(select(Participant)) is None


def test_lookup_columns_follow_what_was_typed(app, event):
    person = _participant(event, " Ayu@Example.ID", name="Ni Luh Putu Ayu Sekarini", institution="Perpustakaan Désa")
    db.session.add(person)
    db.session.commit()
    assert person.email_normalized == "ayu@example.id"
    assert person.name_on_badge == "Ni Luh Putu Ayu Sekarini"
    assert "perpustakaan desa" in person.search_text
    person.institution = "TBM Cahaya"
    db.session.commit()
    assert "tbm cahaya" in person.search_text and "desa" not in person.search_text
