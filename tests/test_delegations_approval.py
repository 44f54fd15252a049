"""Events with approval: new registrations wait as `pending` (no ticket, unknown at the door) until staff
approve them in bulk (ticket mail) or decline them with a reason (polite mail)."""

from __future__ import annotations

from sqlalchemy import select

from plm.extensions import db
from plm.models import AuditLog, MailMessage, Participant
from plm.tickets import participant_code
from tests.delegation_helpers import delegate_data, make_institution
from tests.helpers import SECRET, day_checkpoint, form_data, scan


def _pending_event(event):
    event.registration_mode = "approval"
    db.session.commit()


def _mails(address):
    db.session.expire_all()
    return db.session.scalars(select(MailMessage).where(MailMessage.recipient == address).order_by(MailMessage.id)).all()


def test_a_registration_waits_for_approval_without_a_ticket(client, event, login):
    _pending_event(event)
    response = client.post(f"/e/{event.slug}/register", data=form_data(email="tunggu@x.example"))
    assert response.status_code == 302
    person = db.session.scalar(select(Participant).where(Participant.email == "tunggu@x.example"))
    assert person.status == "pending"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Menunggu persetujuan" in page and "<svg" not in page.split('id="pending"')[1][:400]
    mail = _mails("tunggu@x.example")
    assert len(mail) == 1 and not mail[0].attachments and "sudah kami terima" in mail[0].subject
    token = page.split(f"/e/{event.slug}/me/")[1].split('"')[0]
    assert client.get(f"/e/{event.slug}/me/{token}/ticket.pdf").status_code == 404
    login("organizer")
    code = participant_code(SECRET, person)
    assert scan(client, event, code, day_checkpoint(event)).get_json()["result"] == "invalid"
    snapshot = client.get(f"/api/v1/events/{event.slug}/checkin-snapshot").get_json()
    assert person.public_id not in {row[0] for row in snapshot["participants"]}


def test_delegates_wait_for_approval_too(client, event):
    _pending_event(event)
    institution, token = make_institution(event, seats=1)
    assert client.post(f"/e/{event.slug}/delegation/{token}/add", data=delegate_data(email="d@x.example")).status_code == 302
    assert db.session.scalar(select(Participant.status).where(Participant.email == "d@x.example")) == "pending"
    # a pending delegate holds the institution's seat
    second = client.post(f"/e/{event.slug}/delegation/{token}/add", data=delegate_data(email="e@x.example"))
    assert second.status_code == 200


def test_staff_approve_in_bulk_and_the_ticket_is_mailed(client, event, login):
    _pending_event(event)
    for name in ("a", "b", "c"):
        client.post(f"/e/{event.slug}/register", data=form_data(email=f"{name}@x.example", full_name=f"Orang {name}"))
    people = db.session.scalars(select(Participant).order_by(Participant.email)).all()
    login("organizer")
    page = client.get(f"/staff/events/{event.slug}/approvals").get_data(as_text=True)
    assert all(p.public_id in page for p in people)
    response = client.post(f"/staff/events/{event.slug}/approvals",
                           data={"ids": [people[0].public_id, people[1].public_id], "approve": "1"})
    assert response.status_code == 302
    db.session.expire_all()
    assert [db.session.get(Participant, p.id).status for p in people] == ["registered", "registered", "pending"]
    approved = _mails("a@x.example")[-1]
    assert approved.attachments and "Disetujui" in approved.subject
    login_code = participant_code(SECRET, db.session.get(Participant, people[0].id))
    assert scan(client, event, login_code, day_checkpoint(event)).get_json()["result"] == "ok"


def test_declining_needs_a_reason_that_the_mail_carries(client, event, login):
    _pending_event(event)
    client.post(f"/e/{event.slug}/register", data=form_data(email="tolak@x.example"))
    person = db.session.scalar(select(Participant).where(Participant.email == "tolak@x.example"))
    login("organizer")
    no_reason = client.post(f"/staff/events/{event.slug}/approvals", data={"ids": [person.public_id], "decline": "1"})
    assert no_reason.status_code == 200
    db.session.expire_all()
    assert db.session.get(Participant, person.id).status == "pending"
    client.post(f"/staff/events/{event.slug}/approvals",
                data={"ids": [person.public_id], "decline": "1", "reason": "Kuota provinsi sudah penuh"})
    db.session.expire_all()
    assert db.session.get(Participant, person.id).status == "cancelled"
    mail = _mails("tolak@x.example")[-1]
    assert "Kuota provinsi sudah penuh" in mail.body_text and "Mohon maaf" in mail.body_text and not mail.attachments


def test_approval_respects_the_event_capacity(client, event, login):
    _pending_event(event)
    event.capacity = 1
    db.session.commit()
    for name in ("p", "q"):
        client.post(f"/e/{event.slug}/register", data=form_data(email=f"{name}@x.example"))
    people = db.session.scalars(select(Participant).order_by(Participant.email)).all()
    login("organizer")
    client.post(f"/staff/events/{event.slug}/approvals", data={"ids": [p.public_id for p in people], "approve": "1"})
    db.session.expire_all()
    assert sorted(db.session.get(Participant, p.id).status for p in people) == ["registered", "waitlisted"]


def test_badges_default_to_registered_only(app, event):
    from plm.documents.service import BadgeSelection, select_badges
    from tests.helpers import add_participant

    add_participant(event, name="Belum Disetujui", status="pending")
    add_participant(event, name="Sudah Terdaftar")
    names = [p.full_name for p in select_badges(db.session, event, BadgeSelection())]
    assert names == ["Sudah Terdaftar"]


def test_certificates_refuse_pending(app, event):
    from plm.documents.service import Attendance, evaluate
    from tests.helpers import add_participant

    person = add_participant(event, name="Belum Disetujui", status="pending")
    assert not evaluate(event, person, Attendance()).eligible


def test_registering_a_pending_person_from_the_participant_page_sends_the_ticket_too(client, event, login):
    _pending_event(event)
    client.post(f"/e/{event.slug}/register", data=form_data(email="halaman@x.example"))
    person = db.session.scalar(select(Participant).where(Participant.email == "halaman@x.example"))
    assert len(_mails("halaman@x.example")) == 1  # "received, waiting for approval"
    login("organizer")
    response = client.post(f"/staff/events/{event.slug}/participants/{person.public_id}/status",
                           data={"status": "registered"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Participant, person.id).status == "registered"
    mails = _mails("halaman@x.example")
    assert len(mails) == 2 and mails[-1].attachments and "Disetujui" in mails[-1].subject
    assert db.session.scalar(select(AuditLog.action).where(AuditLog.target_id == person.id,
                                                           AuditLog.action == "participant.approve"))
    # Setting it again changes nothing and mails nothing.
    client.post(f"/staff/events/{event.slug}/participants/{person.public_id}/status", data={"status": "registered"})
    assert len(_mails("halaman@x.example")) == 2
