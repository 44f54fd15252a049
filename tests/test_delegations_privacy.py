"""Institution contacts' personal data (name, WhatsApp, e-mail) under the privacy tools: a contact who is a
participant downloads and erases it; anonymising the event removes every contact and kills the links."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from plm.delegations import service
from plm.delegations.models import Institution
from plm.extensions import db
from plm.models import AuditLog, MailMessage
from plm.privacy.service import anonymise_event, erase_participant, export_participant_data
from tests.delegation_helpers import make_institution
from tests.helpers import SECRET, add_participant


def _contact_who_registered(event):
    institution, _token = make_institution(event, contact_email="Kontak@Gianyar.example")
    other, _ = make_institution(event, name="TBM Lentera", contact_email="lentera@example.id",
                                contact_whatsapp="+6285700000001", contact_name="Wayan Lentera")
    person = add_participant(event, "Made Sudarsana", email="kontak@gianyar.example")
    return institution, other, person


def test_a_contacts_download_holds_their_contact_entries_only(event):
    institution, _other, person = _contact_who_registered(event)
    data = export_participant_data(db.session, person)
    assert [entry["institution"] for entry in data["institution_contact"]] == [institution.name]
    entry = data["institution_contact"][0]
    assert (entry["contact_name"], entry["contact_whatsapp"]) == ("Made Sudarsana", "+6281234567890")
    stranger = add_participant(event, "Orang Lain", email="lain@example.id")
    assert export_participant_data(db.session, stranger)["institution_contact"] == []


def test_erasing_a_contact_removes_them_from_their_institution_only(event):
    institution, other, person = _contact_who_registered(event)
    erase_participant(db.session, person)
    db.session.commit()
    db.session.expire_all()
    institution, other = db.session.get(Institution, institution.id), db.session.get(Institution, other.id)
    assert (institution.contact_name, institution.contact_whatsapp, institution.contact_email) == ("", "", "")
    assert institution.name and institution.seats == 3 and institution.invite_token_hash  # the link still works
    assert other.contact_name == "Wayan Lentera" and other.contact_email == "lentera@example.id"


def test_the_audit_log_keeps_no_copy_of_a_contact(event, make_user):
    staff = make_user("admin", "staff@example.id")
    institution, _token = make_institution(event)
    service.save_institution(db.session, event, {"name": institution.name, "contact_name": "Ketut Baru",
                                                 "contact_email": "ketut@example.id", "seats": 4}, staff, institution)
    db.session.commit()
    details = [entry.detail for entry in db.session.scalars(select(AuditLog).where(AuditLog.action == "institution.update"))]
    assert details == [{"changes": {"contact_name": "changed", "contact_email": "changed", "seats": [3, 4]}}]
    assert "Ketut" not in repr(details) and "Sudarsana" not in repr(details)


def test_anonymising_the_event_removes_every_contact_and_kills_the_links(client, event, make_user):
    staff = make_user("admin", "staff@example.id")
    institution, token = make_institution(event)
    other, _ = make_institution(event, name="TBM Lentera", contact_email="lentera@example.id",
                                contact_whatsapp="+6285700000001", contact_name="Wayan Lentera")
    service.save_institution(db.session, event, {"name": other.name, "contact_name": "Wayan Baru"}, staff, other)
    db.session.add(MailMessage(event_id=event.id, recipient=institution.contact_email, subject="Undangan",
                               body_text="Yth. Made Sudarsana"))
    assert client.get(f"/e/{event.slug}/delegation/{token}").status_code == 200
    event.starts_on, event.ends_on = date.today() - timedelta(days=5), date.today() - timedelta(days=2)
    db.session.commit()
    anonymise_event(db.session, event, by=staff)
    db.session.commit()
    db.session.expire_all()
    for item in db.session.scalars(select(Institution)):
        assert (item.contact_name, item.contact_whatsapp, item.contact_email) == ("", "", "")
        assert item.invite_token_hash is None and item.invite_token(SECRET) is None
        assert item.name and item.seats == 3 and item.province == "Bali"
    assert db.session.scalar(select(MailMessage)) is None
    assert all(entry.detail == {} for entry in db.session.scalars(
        select(AuditLog).where(AuditLog.target_type == "institution")))
    assert client.get(f"/e/{event.slug}/delegation/{token}").status_code == 404
