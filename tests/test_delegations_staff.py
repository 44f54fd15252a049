"""Staff side of delegations: the partner list import (dry run, Indonesian headers, per-row report), the
overview with its per-province and per-type sums and export, invitations and reminders, matching
free-text institutions, caps, settings and who may do it."""

from __future__ import annotations

import io
from urllib.parse import unquote

from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from plm.delegations.models import DelegationCap, Institution
from plm.extensions import db
from plm.models import AuditLog, MailMessage, Participant
from tests.delegation_helpers import delegate_data, make_institution
from tests.helpers import SECRET, add_participant

CSV = (b"Nama Instansi;Jenis;Provinsi;Kabupaten/Kota;Narahubung;WhatsApp;Email;Kuota\n"
       b"Perpustakaan Umum Daerah Kabupaten Bantul;kabupaten/kota;DIY;Bantul;Sri Lestari;0812-2233-4455;sri@bantul.example;3\n"
       b"TBM Pelangi;tbm;Jawa Tengah;Wonosobo;Budi;;budi@pelangi.example;2\n"
       b";village;Bali;;;;;1\n"
       b"Perpustakaan Desa Ubud;desa;Bali Selatan;Gianyar;;12;nope;x\n")


def _upload(client, event, data, dry_run=True, name="mitra.csv"):
    fields = {"file": (io.BytesIO(data), name)}
    if dry_run:
        fields["dry_run"] = "y"
    return client.post(f"/staff/events/{event.slug}/delegations/import", data=fields, content_type="multipart/form-data")


def test_import_dry_run_reports_each_row_and_changes_nothing(client, event, login):
    login("organizer")
    page = _upload(client, event, CSV).get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Institution)) == 0
    assert "Pemeriksaan (tidak ada yang disimpan)" in page
    assert "Nama lembaga tidak diisi" in page  # row 4
    for reason in ("Provinsi tidak dikenal", "Nomor telepon tidak valid", "Kursi harus bilangan bulat"):
        assert reason in page, reason
    assert "Perpustakaan Umum Daerah Kabupaten Bantul" in page and "TBM Pelangi" in page


def test_import_applies_only_a_clean_file_and_updates_by_name(client, event, login):
    login("organizer")
    _upload(client, event, CSV, dry_run=False)
    assert db.session.scalar(select(func.count()).select_from(Institution)) == 0  # refused rows: nothing saved
    good = b"\n".join(CSV.split(b"\n")[:3]) + b"\n"
    assert _upload(client, event, good, dry_run=False).status_code == 200
    bantul = db.session.scalar(select(Institution).where(Institution.name.like("%Bantul")))
    assert (bantul.province, bantul.institution_type, bantul.seats, bantul.contact_whatsapp) == \
        ("DI Yogyakarta", "regency_city", 3, "+6281222334455")
    again = good.replace(b";3\n", b";5\n")
    _upload(client, event, again, dry_run=False)
    db.session.expire_all()
    assert db.session.get(Institution, bantul.id).seats == 5
    assert db.session.scalar(select(func.count()).select_from(Institution)) == 2


def test_import_reads_xlsx(client, event, login):
    login("organizer")
    book = Workbook()
    sheet = book.active
    sheet.append(["nama instansi", "jenis", "provinsi", "kuota"])
    sheet.append(["Perpustakaan Provinsi Bali", "provinsi", "Bali", 4])
    out = io.BytesIO()
    book.save(out)
    _upload(client, event, out.getvalue(), dry_run=False, name="mitra.xlsx")
    item = db.session.scalar(select(Institution))
    assert (item.name, item.institution_type, item.seats) == ("Perpustakaan Provinsi Bali", "provincial", 4)


def test_a_broken_file_is_a_clear_message(client, event, login):
    login("organizer")
    response = _upload(client, event, b"PK\x03\x04 not really", name="x.xlsx")
    assert response.status_code == 200 and "tidak dapat dibaca" in response.get_data(as_text=True)


def test_overview_counts_and_export(client, event, login):
    first, token = make_institution(event, name="Perpustakaan A", seats=3)
    second, _ = make_institution(event, name="TBM B", seats=2, institution_type="tbm", province="Jawa Barat")
    client.post(f"/e/{event.slug}/delegation/{token}/add", data=delegate_data(email="a1@x.example"))
    add_participant(event, name="Pending B", status="pending", institution_id=second.id)
    login("organizer")
    page = client.get(f"/staff/events/{event.slug}/delegations").get_data(as_text=True)
    assert "<strong>2</strong> / 5" in page  # filled / offered
    assert "memakai tautan" in page and "Belum dibuka" in page  # A acted through the link; B never opened it
    assert 'id="per-province"' in page and "Jawa Barat" in page
    xlsx = client.get(f"/staff/events/{event.slug}/delegations/export.xlsx")
    rows = list(load_workbook(io.BytesIO(xlsx.data)).active.iter_rows(values_only=True))
    assert rows[0][0] == "name"
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["Perpustakaan A"][7:13] == (3, 1, 0, 0, 2, "yes")
    assert by_name["TBM B"][7:13] == (2, 0, 1, 0, 1, "no")
    csv = client.get(f"/staff/events/{event.slug}/delegations/export.csv").data.decode("utf-8-sig")
    assert csv.splitlines()[0].startswith("name,institution_type")
    assert client.get(f"/staff/events/{event.slug}/delegations/export.pdf").status_code == 404


def test_invitation_message_whatsapp_and_email(client, event, login):
    institution, token = make_institution(event, seats=4)
    login("organizer")
    page = client.get(f"/staff/events/{event.slug}/delegations/{institution.id}").get_data(as_text=True)
    assert f"/e/{event.slug}/delegation/{token}" in page
    link = page.split('href="https://wa.me/')[1].split('"')[0]
    assert link.startswith("6281234567890?text=")
    text = unquote(link.split("?text=")[1])
    assert "diundang mengirim 4 orang" in text and f"/e/{event.slug}/delegation/{token}" in text
    assert client.post(f"/staff/events/{event.slug}/delegations/{institution.id}/send").status_code == 302
    mail = db.session.scalar(select(MailMessage).where(MailMessage.recipient == institution.contact_email))
    assert mail is not None and token in mail.body_text and "Undangan" in mail.subject


def test_reminders_go_only_to_those_behind(client, event, login):
    full, full_token = make_institution(event, name="Penuh", seats=1, contact_email="penuh@x.example")
    behind, _ = make_institution(event, name="Kurang", seats=3, contact_email="kurang@x.example")
    client.post(f"/e/{event.slug}/delegation/{full_token}/add", data=delegate_data(email="satu@x.example"))
    login("organizer")
    page = client.get(f"/staff/events/{event.slug}/delegations").get_data(as_text=True)
    assert page.count("Ingatkan lewat WhatsApp") == 1
    client.post(f"/staff/events/{event.slug}/delegations/remind")
    recipients = set(db.session.scalars(select(MailMessage.recipient)))
    assert "kurang@x.example" in recipients and "penuh@x.example" not in recipients
    db.session.expire_all()
    assert db.session.get(Institution, behind.id).last_reminded_at is not None


def test_match_by_name_dry_run_then_apply(client, event, login):
    institution, _ = make_institution(event, name="Perpustakaan Desa Ubud")
    typed = add_participant(event, name="Ketik Sendiri", institution="perpustakaan desa  UBUD")
    other = add_participant(event, name="Lain", institution="TBM Entah")
    login("organizer")
    page = client.post(f"/staff/events/{event.slug}/delegations/match", data={}).get_data(as_text=True)
    assert "Belum ada yang diubah" in page
    db.session.expire_all()
    assert db.session.get(Participant, typed.id).institution_id is None
    client.post(f"/staff/events/{event.slug}/delegations/match", data={"apply": "y"})
    db.session.expire_all()
    assert db.session.get(Participant, typed.id).institution_id == institution.id
    assert db.session.get(Participant, other.id).institution_id is None
    client.post(f"/staff/events/{event.slug}/delegations/match/{other.public_id}", data={"institution_id": str(institution.id)})
    db.session.expire_all()
    assert db.session.get(Participant, other.id).institution_id == institution.id
    assert db.session.scalar(select(func.count()).select_from(AuditLog).where(
        AuditLog.action == "participant.match_institution")) == 2


def test_caps_and_settings(client, event, login):
    login("organizer")
    client.post(f"/staff/events/{event.slug}/delegations/caps", data={"kind": "province", "province": "Bali", "seats": "7"})
    assert db.session.scalar(select(DelegationCap.seats).where(DelegationCap.value == "Bali")) == 7
    client.post(f"/staff/events/{event.slug}/delegations/settings",
                data={"registration_mode": "approval", "substitution_deadline": "2030-01-05T17:00"})
    db.session.expire_all()
    from plm.models import Event

    saved = db.session.get(Event, event.id)
    assert saved.registration_mode == "approval"
    assert saved.substitution_deadline.isoformat() == "2030-01-05T09:00:00+00:00"  # 17:00 WITA
    bad = client.post(f"/staff/events/{event.slug}/delegations/settings", data={"registration_mode": "everyone"})
    assert bad.status_code == 302
    db.session.expire_all()
    assert db.session.get(Event, event.id).registration_mode == "approval"


def test_institution_form_refuses_a_duplicate_name(client, event, login):
    make_institution(event, name="Perpustakaan Sama")
    login("organizer")
    response = client.post(f"/staff/events/{event.slug}/delegations/new", data={
        "name": "perpustakaan sama", "institution_type": "tbm", "province": "Bali", "seats": "2"})
    assert response.status_code == 200 and "sudah memakai nama ini" in response.get_data(as_text=True)
    ok = client.post(f"/staff/events/{event.slug}/delegations/new", data={
        "name": "TBM Baru", "institution_type": "tbm", "province": "Bali", "seats": "2", "contact_whatsapp": "0812 3456 7890"})
    assert ok.status_code == 302
    assert db.session.scalar(select(Institution.contact_whatsapp).where(Institution.name == "TBM Baru")) == "+6281234567890"


def test_facilitators_cannot_reach_delegations(client, event, login):
    institution, _ = make_institution(event)
    login("facilitator")
    for url in (f"/staff/events/{event.slug}/delegations", f"/staff/events/{event.slug}/approvals",
                f"/staff/events/{event.slug}/delegations/{institution.id}"):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/staff/events/{event.slug}/delegations/{institution.id}/invite").status_code == 403
    db.session.expire_all()
    assert db.session.get(Institution, institution.id).invite_token(SECRET) is not None


def test_the_export_reads_back_as_an_import(client, event, login):
    make_institution(event, name="Perpustakaan Ekspor", seats=3, province="Jawa Timur", institution_type="tbm")
    login("organizer")
    exported = client.get(f"/staff/events/{event.slug}/delegations/export.csv").data
    page = _upload(client, event, exported).get_data(as_text=True)
    assert "<strong>0</strong> tidak berubah" not in page and "<strong>1</strong> tidak berubah" in page


def test_an_institution_saved_from_a_page_opened_before_someone_elses_save_is_refused(client, event, login):
    """One organiser gives the institution a third seat; another, on a page opened before, fixes the contact's
    number: that save must not silently take the seat back."""
    import re

    institution, _token = make_institution(event, seats=2)
    login("organizer")
    url = f"/staff/events/{event.slug}/delegations/{institution.id}"
    seen = lambda page: re.search(r'name="seen" type="hidden" value="([0-9a-f]+)"', page).group(1)  # noqa: E731
    old_page = seen(client.get(url).get_data(as_text=True))
    fields = {"name": institution.name, "institution_type": "regency_city", "province": "Bali", "regency": "",
              "contact_name": "Made Sudarsana", "contact_whatsapp": "+6281234567890",
              "contact_email": "kontak@gianyar.example"}
    assert client.post(url, data={**fields, "seats": "3", "seen": old_page}).status_code == 302
    answer = client.post(url, data={**fields, "seats": "2", "contact_whatsapp": "+6281299990000", "seen": old_page})
    assert answer.status_code == 200 and "Perubahan Anda tidak disimpan" in answer.get_data(as_text=True)
    db.session.expire_all()
    assert (institution.seats, institution.contact_whatsapp) == (3, "+6281234567890")
    # A save without the stamp (a page from before this check) still goes through.
    assert client.post(url, data={**fields, "seats": "4"}).status_code == 302
    db.session.expire_all()
    assert institution.seats == 4


def test_the_english_invitation_counts_one_seat_as_one_person(client, event, login):
    institution, _token = make_institution(event, seats=1)
    login("organizer")
    client.get("/lang/en")
    page = client.get(f"/staff/events/{event.slug}/delegations/{institution.id}").get_data(as_text=True)
    assert "is invited to send 1 person to" in page and "1 people" not in page


def test_matching_one_person_to_an_id_past_the_database_integer_is_a_message(client, event, login):
    """Found by tests/test_post_routes_refuse_bad_input.py: a 20-digit institution id was an OverflowError
    (SQLite) or "integer out of range" (PostgreSQL), a 500; now it is no institution."""
    make_institution(event, name="Perpustakaan Desa Ubud")
    person = add_participant(event, name="Ketik Sendiri")
    login("organizer")
    for odd in ("99999999999999999999", "2147483648", "²", "-1"):
        response = client.post(f"/staff/events/{event.slug}/delegations/match/{person.public_id}",
                               data={"institution_id": odd}, follow_redirects=True)
        assert response.status_code == 200 and "Pilih lembaga" in response.get_data(as_text=True), odd
    db.session.expire_all()
    assert db.session.get(Participant, person.id).institution_id is None
