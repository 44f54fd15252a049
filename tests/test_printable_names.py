"""Names and institutions are refused at input when the print fonts cannot draw them or they would not fit
(issue 14, item 5): registration, the participant's and staff's edit, walk-in and import share one rule."""


import pytest
from sqlalchemy import func, select

from plm.documents import certificates
from plm.documents.badges import _LH_NAME, LAYOUTS, PT_PER_MM, _metrics
from plm.extensions import db
from plm.models import Participant
from plm.participants import importexport
from plm.pdf.fonts import FONT_BOLD, FONT_REGULAR, PRINTED_LENGTHS, fit_font_size, unprintable
from tests.helpers import manage_token, register


@pytest.mark.nodb
def test_the_caps_fit_every_layout_without_the_ellipsis():
    name = ("Ni Luh Putu Ayu Sri Wahyuni Kusumadewi Pratiwi Anak Agung Gede Ngurah Made Wirawan Muhammad "
            "Abdurrahman")[:PRINTED_LENGTHS["full_name"]]
    institution = ("Perpustakaan Umum Daerah Kabupaten Kepulauan Mentawai Provinsi Sumatera Barat Dinas "
                   "Perpustakaan dan Kearsipan")[:PRINTED_LENGTHS["institution"]]
    cert = fit_font_size(name, FONT_BOLD, certificates._NAME_W * PT_PER_MM, 34, 22, 2,
                         box_height_pt=2 * 34 * 1.12, line_height=1.12, floor_pt=12)
    assert not any("…" in line for line in cert.lines)
    for layout in LAYOUTS.values():
        m = _metrics(layout)
        badge = fit_font_size(name, FONT_BOLD, m["text_w"] * PT_PER_MM, m["name_max"], m["name_min"],
                              m["name_lines"], box_height_pt=m["name_cap"], line_height=_LH_NAME,
                              floor_pt=m["name_floor"])
        inst = fit_font_size(institution, FONT_REGULAR, m["text_w"] * PT_PER_MM, m["inst_max"], m["inst_min"],
                             m["inst_lines"], box_height_pt=m["inst_cap"], line_height=1.2, floor_pt=m["inst_floor"])
        assert not any("…" in line for line in badge.lines + inst.lines), layout.name


@pytest.mark.nodb
def test_unprintable_finds_what_dejavu_lacks():
    assert unprintable("Nguyễn Thị Minh Khai · Αλέξανδρος · Иван · محمد") == []
    assert unprintable("Wayan 🌺 Bunga 🌺") == ["🌺"]
    assert unprintable("張偉") == ["張", "偉"]


@pytest.mark.parametrize("field, value, message", [
    ("full_name", "Wayan 🌺 Bunga", "tidak dapat dicetak di badge dan sertifikat: 🌺"),
    ("full_name", "ᬅᬦᬓ᭄ᬅᬕᬸᬂ", "tidak dapat dicetak"),  # Balinese script: not in the shipped fonts
    ("name_on_badge", "Ayu ✨" if unprintable("✨") else "Ayu 🎉", "tidak dapat dicetak"),
    ("name_on_badge", "A" * 61, "Paling banyak 60 karakter"),
    ("institution", "TBM 📚 Pelangi", "tidak dapat dicetak"),
    ("institution", "P" * 101, "Paling banyak 100 karakter"),
])
def test_registration_refuses_with_a_clear_message(client, event, field, value, message):
    page = register(client, event, **{field: value}).get_data(as_text=True)
    assert message in page
    assert db.session.scalar(select(func.count()).select_from(Participant)) == 0


def test_the_form_says_the_limits(client, event):
    page = client.get(f"/e/{event.slug}/register").get_data(as_text=True)
    assert 'maxlength="100"' in page and 'maxlength="60"' in page
    assert "paling banyak 100 karakter" in page and "Paling banyak 60 karakter" in page


def test_participant_edit_staff_edit_and_walk_in_share_the_rule(client, event, login):
    register(client, event)
    token = manage_token(client, event)
    person = db.session.scalar(select(Participant))
    mine = client.post(f"/e/{event.slug}/me/{token}", data={
        "full_name": "Ayu 🌺", "phone": "0812 3456 7890", "institution": "TBM", "institution_type": "tbm",
        "province": "Bali"})
    assert "tidak dapat dicetak" in mine.get_data(as_text=True)
    login("organizer")
    staff = client.post(f"/staff/events/{event.slug}/participants/{person.public_id}", data={
        "full_name": "Ayu", "email": person.email, "role": "participant", "institution": "📚",
        "institution_type": "tbm", "province": "Bali"})
    assert "tidak dapat dicetak" in staff.get_data(as_text=True)
    walk_in = client.post(f"/staff/events/{event.slug}/walk-in", data={"full_name": "Z" * 101})
    assert "Paling banyak 100 karakter" in walk_in.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Participant)) == 1
    assert db.session.scalar(select(Participant.full_name)) != "Ayu 🌺"


def test_import_refuses_the_same_rows(app, event):
    data = ("full_name,email,institution\n"
            "Wayan 🌺,w@example.id,TBM\n"
            f"{'N' * 101},n@example.id,TBM\n"
            "Made,m@example.id,TBM\n").encode()
    plan = importexport.plan_import(db.session, event, data, "list.csv")
    reasons = {(issue.row, issue.column, issue.reason) for issue in plan.refused}
    assert reasons == {(2, "full_name", "bad_text"), (3, "full_name", "too_long")}
    assert len(plan.to_add) == 1
