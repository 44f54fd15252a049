from datetime import timedelta

from sqlalchemy import func, select

from plm import clock
from plm.extensions import db
from plm.models import AuditLog, Certificate, CheckIn, Checkpoint, MailMessage, Participant
from plm.privacy.service import erase_participant, export_participant_data


def _past(event):
    event.starts_on = clock.today() - timedelta(days=10)
    event.ends_on = clock.today() - timedelta(days=7)
    db.session.commit()


def _with_attendance_and_certificate(demo_event):
    person = db.session.scalar(select(Participant).where(Participant.event_id == demo_event.id).order_by(Participant.id))
    checkpoint = db.session.scalar(select(Checkpoint).where(Checkpoint.event_id == demo_event.id, Checkpoint.kind == "day"))
    db.session.add(CheckIn(participant_id=person.id, checkpoint_id=checkpoint.id))
    db.session.add(Certificate(participant_id=person.id, serial="PLM15-TEST-0001", hours=24))
    db.session.add(MailMessage(event_id=demo_event.id, participant_id=person.id, recipient=person.email,
                               subject="Tiket", body_text=person.full_name))
    db.session.commit()
    return person


def test_export_holds_everything_about_the_participant(app, demo_event):
    person = _with_attendance_and_certificate(demo_event)
    data = export_participant_data(db.session, person)
    assert data["participant"]["email"] == person.email and data["participant"]["full_name"] == person.full_name
    assert len(data["checkins"]) == 1 and data["certificate"]["serial"] == "PLM15-TEST-0001"
    assert data["mails"][0]["subject"] == "Tiket"


def test_erase_removes_personal_data_but_keeps_attendance(app, demo_event):
    person = _with_attendance_and_certificate(demo_event)
    name, email = person.full_name, person.email
    erase_participant(db.session, person)
    db.session.commit()
    db.session.expire_all()
    person = db.session.get(Participant, person.id)
    assert person.status == "cancelled" and name not in person.full_name and person.email != email
    assert person.phone == "" and person.manage_token_hash is None
    assert db.session.scalar(select(func.count()).select_from(CheckIn).where(CheckIn.participant_id == person.id)) == 1
    assert db.session.scalar(select(Certificate.serial).where(Certificate.participant_id == person.id)) == "PLM15-TEST-0001"
    assert db.session.scalar(select(func.count()).select_from(MailMessage)) == 0


def test_admin_anonymises_an_event_only_after_it_ended(frozen_time, client, login, demo_event):
    login("admin")
    person = _with_attendance_and_certificate(demo_event)
    client.post(f"/staff/events/{demo_event.slug}/anonymise")
    assert db.session.scalar(select(Participant.email).where(Participant.id == person.id)) == person.email  # not over yet
    _past(demo_event)
    page = client.post(f"/staff/events/{demo_event.slug}/anonymise", follow_redirects=True).get_data(as_text=True)
    assert "350" in page
    db.session.expire_all()
    provinces = db.session.scalar(select(func.count(func.distinct(Participant.province))))
    emails = db.session.scalars(select(Participant.email)).all()
    assert provinces == 16 and all(e.endswith("@anonymised.invalid") for e in emails)
    assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 1
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 1
    assert db.session.scalar(select(AuditLog.action).where(AuditLog.action == "event.anonymise"))


def test_anonymise_cli(frozen_time, app, demo_event):
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["plm", "anonymise", "--event", demo_event.slug, "--yes"])
    assert refused.exit_code == 1 and "not ended" in refused.output
    _past(demo_event)
    done = runner.invoke(args=["plm", "anonymise", "--event", demo_event.slug, "--yes"])
    assert done.exit_code == 0 and "Anonymised 350" in done.output


def test_anonymise_cli_finds_the_event_whatever_the_case_of_its_slug(frozen_time, app, demo_event):
    """Like every other command, `--event PLM-2015` is the event `plm-2015`."""
    _past(demo_event)
    done = app.test_cli_runner().invoke(args=["plm", "anonymise", "--event", demo_event.slug.upper(), "--yes"])
    assert done.exit_code == 0 and "Anonymised 350" in done.output
