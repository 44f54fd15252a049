"""The allowance pages end to end: the treasurer sets rates, pays at the desk with a signature drawn on
screen, downloads the receipt (PDF read back: amount in words, serial, QR to the public check) and the
payment list (PDF and XLSX read back); every export is audited; the door's undo answers 409 after payment."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from plm.allowances.models import Allowance
from plm.extensions import db
from plm.models import AuditLog, CheckIn
from tests.conftest import STAFF_PASSWORD
from tests.helpers import SECRET, add_participant, day_checkpoint, decode_qr, rasterise_pdf


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _login(app, user):
    client = app.test_client()
    assert client.post("/staff/login", data={"email": user.email, "password": STAFF_PASSWORD}).status_code == 302
    return client


@pytest.fixture
def treasurer(make_user):
    return make_user("finance", "bendahara@test.example")


@pytest.fixture
def setup(app, event, treasurer, make_user):
    """Rates posted through the form as people type them; two people, Ayu at the door on two days."""
    client = _login(app, treasurer)
    form = {"daily_amount": "250.000", "actual_cost_cap": "", "transport": "Bali; 300.000\nJawa Timur; Rp 900.000",
            "purpose": "Transport dan uang harian peserta PLM", "signatory_title": "Ketua Panitia",
            "signatory_name": "Drs. I Made", "serial_prefix": "KW", "speaker_fee": "1.000.000", "speaker_tax": "5"}
    response = client.post(f"/staff/events/{event.slug}/allowances/rates", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    ayu = add_participant(event, "Ayu Lestari", province="Bali", institution="TBM Ungasan")
    budi = add_participant(event, "Budi Santoso", province="Jawa Timur", institution="Perpusda Malang", role="speaker")
    door = make_user("organizer", "pintu@test.example")
    from plm.attendance import service as attendance

    for person, days in ((ayu, (0, 1)), (budi, (0,))):
        for day in days:
            attendance.mark(db.session, SECRET, event, day_checkpoint(event, day), person.public_id, door)
    db.session.commit()
    return client, ayu, budi, door


def _strokes():
    return json.dumps({"width": 320, "height": 150, "strokes": [[[10 + i * 6, 60 + (i % 5) * 9] for i in range(40)]]})


def test_rates_form_refuses_bad_lines_and_changes_nothing(app, event, setup):
    client = setup[0]
    page = client.post(f"/staff/events/{event.slug}/allowances/rates",
                       data={"daily_amount": "100.000", "transport": "Bali; tiga ratus"}).get_data(as_text=True)
    assert "baris 1" in page  # Indonesian message naming the line
    page = client.get(f"/staff/events/{event.slug}/allowances/rates").get_data(as_text=True)
    assert 'value="250.000"' in page and "Jawa Timur; 900000" in page


def test_desk_pays_with_a_signature_and_the_receipt_reads_back(app, event, setup):
    client, ayu, budi, _ = setup
    desk = client.get(f"/staff/events/{event.slug}/allowances/desk?q=ayu").get_data(as_text=True)
    assert "Ayu Lestari" in desk and "Budi" not in desk and "Rp 800.000" in desk
    person = client.get(f"/staff/events/{event.slug}/allowances/people/{ayu.public_id}").get_data(as_text=True)
    assert "Delapan ratus ribu rupiah" in person
    response = client.post(f"/staff/events/{event.slug}/allowances/people/{ayu.public_id}/pay",
                           data={"method": "cash", "signature": _strokes()})
    assert response.status_code == 302 and "/desk" in response.headers["Location"]
    row = db.session.scalar(select(Allowance).where(Allowance.participant_id == ayu.id))
    assert row.status == "paid" and row.signature_svg.startswith("<svg") and row.paid_by_user_id is not None
    # Paying twice is refused with a message; nothing changes.
    client.post(f"/staff/events/{event.slug}/allowances/people/{ayu.public_id}/pay", data={"method": "cash"})
    db.session.expire_all()
    assert db.session.scalar(select(Allowance).where(Allowance.participant_id == ayu.id)).serial == row.serial

    pdf = client.post(f"/staff/events/{event.slug}/allowances/people/{ayu.public_id}/receipt.pdf").get_data()
    text = _text(pdf)
    assert "KUITANSI" in text and row.serial in text and "Delapan ratus ribu rupiah" in text
    assert "Rp 800.000" in text and "Ayu Lestari" in text
    qr = decode_qr(rasterise_pdf(pdf, 150)[0])
    assert qr == [f"http://localhost/verify/kuitansi/{row.serial}"]
    check = app.test_client().get(f"/verify/kuitansi/{row.serial}")
    assert check.status_code == 200 and "Ayu Lestari" in check.get_data(as_text=True)
    assert app.test_client().get("/verify/kuitansi/KW-0001-XXXX").status_code == 404
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "allowances.export.receipt")) is not None


def test_transfer_needs_bank_details(app, event, setup):
    client, ayu, _, _ = setup
    page = client.post(f"/staff/events/{event.slug}/allowances/people/{ayu.public_id}/pay",
                       data={"method": "transfer"}, follow_redirects=True).get_data(as_text=True)
    assert "rekening" in page.lower()
    assert db.session.scalar(select(Allowance.status).where(Allowance.participant_id == ayu.id)) in (None, "to_pay")
    bad = client.post(f"/staff/events/{event.slug}/allowances/people/{ayu.public_id}/bank",
                      data={"bank_name": "BRI", "account_number": "12ab", "account_holder": "Ayu"}, follow_redirects=True)
    assert "5" in bad.get_data(as_text=True) and "30" in bad.get_data(as_text=True)
    client.post(f"/staff/events/{event.slug}/allowances/people/{ayu.public_id}/bank",
                data={"bank_name": "BRI", "account_number": "0123 4567 890", "account_holder": "Ayu Lestari"})
    client.post(f"/staff/events/{event.slug}/allowances/people/{ayu.public_id}/pay", data={"method": "transfer"})
    db.session.expire_all()
    row = db.session.scalar(select(Allowance).where(Allowance.participant_id == ayu.id))
    assert (row.status, row.method, row.account_number) == ("paid", "transfer", "01234567890")


def test_payment_list_pdf_and_xlsx_are_audited(app, event, setup, treasurer):
    client, ayu, budi, _ = setup
    client.post(f"/staff/events/{event.slug}/allowances/people/{budi.public_id}/bank",
                data={"bank_name": "BNI", "account_number": "998877665", "account_holder": "Budi Santoso"})
    pdf = client.post(f"/staff/events/{event.slug}/allowances/export",
                      data={"group": "province", "status": "", "format": "pdf"})
    assert pdf.mimetype == "application/pdf"
    text = _text(pdf.data)
    reader = PdfReader(io.BytesIO(pdf.data))
    box = reader.pages[0].mediabox
    assert float(box.width) > float(box.height)  # A4 landscape
    assert "DAFTAR NOMINATIF" in text and "Bali" in text and "Jawa Timur" in text
    # Budi: speaker, one day: 900.000 + 250.000 + 1.000.000 - 5% of 1.250.000 (62.500) = 2.087.500
    assert "2.087.500" in text and "800.000" in text and "2.887.500" in text  # the grand total
    assert "BNI 998877665" in text and "Drs. I Made" in text
    xlsx = client.post(f"/staff/events/{event.slug}/allowances/export",
                       data={"group": "institution", "status": "", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    rows = [tuple(r) for r in sheet.iter_rows(values_only=True)]
    budi_row = next(r for r in rows if r[1] == "Budi Santoso")
    assert budi_row[5:12] == (1, 900_000, 250_000, 1_000_000, 2_150_000, 62_500, 2_087_500)
    assert budi_row[13] == "BNI 998877665 a.n. Budi Santoso"
    assert next(r for r in rows if r[1] == "JUMLAH SELURUHNYA")[11] == 2_887_500
    exports = db.session.scalars(select(AuditLog).where(AuditLog.action == "allowances.export.payment_list")).all()
    assert [(e.user_id, e.detail["format"]) for e in exports] == [(treasurer.id, "pdf"), (treasurer.id, "xlsx")]


def test_door_undo_after_payment_answers_409_until_an_admin_gives_a_reason(app, event, setup, make_user):
    client, ayu, _, door = setup
    client.post(f"/staff/events/{event.slug}/allowances/people/{ayu.public_id}/pay", data={"method": "cash"})
    checkin_id = db.session.scalar(select(CheckIn.id).where(CheckIn.participant_id == ayu.id))
    door_client = _login(app, door)
    response = door_client.delete(f"/api/v1/events/{event.slug}/checkins/{checkin_id}")
    assert response.status_code == 409 and response.get_json()["error"] == "allowance_paid"
    assert response.get_json()["message"].startswith("Uang harian")
    admin = _login(app, make_user("admin"))
    assert admin.delete(f"/api/v1/events/{event.slug}/checkins/{checkin_id}").status_code == 409
    response = admin.delete(f"/api/v1/events/{event.slug}/checkins/{checkin_id}",
                            json={"override_reason": "Dipindai untuk orang lain"})
    assert response.status_code == 200
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "allowances.undo_after_payment")) is not None


def test_bank_details_and_amounts_are_invisible_to_organizers_and_facilitators(app, event, setup, make_user):
    client, ayu, _, door = setup
    client.post(f"/staff/events/{event.slug}/allowances/people/{ayu.public_id}/bank",
                data={"bank_name": "BRI", "account_number": "5566778899", "account_holder": "Ayu Lestari"})
    base = f"/staff/events/{event.slug}/allowances"
    for role in ("organizer", "facilitator"):
        other = _login(app, door if role == "organizer" else make_user("facilitator", "fas@test.example"))
        for url in (base + "/", base + "/desk", f"{base}/people/{ayu.public_id}", base + "/rates"):
            assert other.get(url).status_code == 403, (role, url)
        assert other.post(base + "/export", data={"format": "xlsx"}).status_code == 403
        for url in (f"/staff/events/{event.slug}/participants", f"/staff/events/{event.slug}/participants/{ayu.public_id}",
                    "/staff/"):
            body = other.get(url).get_data(as_text=True)
            assert "5566778899" not in body and "Allowances" not in body and "Uang" not in body, (role, url)
    assert "5566778899" in client.get(f"{base}/people/{ayu.public_id}").get_data(as_text=True)
