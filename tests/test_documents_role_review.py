"""Security issue 12, item 8: the participant role decides certificate eligibility (facilitators and
speakers by role), so only an admin changes it; a certificate whose role no longer holds is flagged
for review, and /verify says so instead of "valid"."""

from sqlalchemy import select

from plm.documents import service
from plm.extensions import db
from plm.models import AuditLog, Certificate, Participant


def _form(person, role):
    return {"full_name": person.full_name, "name_on_badge": person.full_name, "email": person.email, "phone": "",
            "institution": person.institution, "institution_type": "village", "province": "Jawa Timur",
            "role": role, "diet": "", "access_needs": ""}


def _three_day_rule(event):
    event.certificate_min_days = 3
    db.session.commit()


def test_organizer_cannot_make_a_no_show_a_speaker(app, client, event, schedule_factory, login):
    _three_day_rule(event)
    person = schedule_factory.person("Budi Santoso")  # no check-in at all
    login("organizer")
    url = f"/staff/events/{event.slug}/participants/{person.public_id}"
    refused = client.post(url, data=_form(person, "speaker"))
    assert refused.status_code == 403
    assert "Hanya admin" in refused.get_data(as_text=True)
    db.session.expire_all()
    person = db.session.get(Participant, person.id)
    assert person.role == "participant"
    assert service.certificates_to_print(db.session, event, [person]) == []
    # Switching between roles that give no certificate stays open to organisers.
    assert client.post(url, data=_form(person, "committee")).status_code == 302


def test_certificate_issued_on_a_role_taken_away_is_under_review(app, client, event, schedule_factory, login):
    _three_day_rule(event)
    person = schedule_factory.person("Budi Santoso")
    admin = login("admin")
    url = f"/staff/events/{event.slug}/participants/{person.public_id}"
    assert client.post(url, data=_form(person, "speaker")).status_code == 302
    db.session.expire_all()
    person = db.session.get(Participant, person.id)
    chosen = service.certificates_to_print(db.session, event, [person])
    serial = service.prepare_certificates(db.session, event, chosen, base_url="https://plm.example")[0].serial
    db.session.commit()
    assert "Sertifikat sah" in client.get(f"/verify/{serial}").get_data(as_text=True)

    # The role is reverted: the certificate it was issued on is flagged, not silently valid.
    assert client.post(url, data=_form(person, "participant")).status_code == 302
    db.session.expire_all()
    cert = db.session.scalar(select(Certificate).where(Certificate.serial == serial))
    assert cert.review_at is not None and cert.revoked_at is None and "speaker" in cert.review_reason
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "certificate.review"))
    assert entry.user_id == admin.id and entry.detail["serial"] == serial
    verify = client.get(f"/verify/{serial}").get_data(as_text=True)
    assert "Sertifikat sah" not in verify and "verify-review" in verify and "Sedang ditinjau" in verify
    page = client.get(f"/staff/events/{event.slug}/certificates").get_data(as_text=True)
    assert 'id="under-review"' in page and "sedang ditinjau" in page
    assert service.certificates_to_print(db.session, event, [db.session.get(Participant, person.id)]) == []

    # The admin decides it stays valid: the flag goes, and the decision is audited.
    assert client.post(f"/staff/events/{event.slug}/certificates/{person.public_id}/reinstate").status_code == 302
    db.session.expire_all()
    assert db.session.get(Certificate, cert.id).review_at is None
    assert "Sertifikat sah" in client.get(f"/verify/{serial}").get_data(as_text=True)
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "certificate.reinstate")) is not None


def test_role_given_back_clears_the_review(app, client, event, schedule_factory, login):
    _three_day_rule(event)
    person = schedule_factory.person("Budi Santoso", role="speaker")
    cert = service.issue_certificate(db.session, event, person, None)
    db.session.commit()
    login("admin")
    url = f"/staff/events/{event.slug}/participants/{person.public_id}"
    client.post(url, data=_form(person, "participant"))
    db.session.expire_all()
    assert db.session.get(Certificate, cert.id).review_at is not None
    client.post(url, data=_form(person, "speaker"))
    db.session.expire_all()
    assert db.session.get(Certificate, cert.id).review_at is None
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "certificate.review_cleared")) is not None
