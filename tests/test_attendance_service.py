"""Attendance use cases: who is on a list, tap and paper entry (idempotent, audited, undoable, counted for
certificates), signatures made from stroke points, and the daftar hadir read back from PDF and XLSX."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from plm.attendance import service, sheets, signatures
from plm.extensions import db
from plm.models import AuditLog, CheckIn, CheckInSignature, Checkpoint, Participant, SessionSignup

SECRET = "test-secret-key"


def _pdf(data: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def people(app, event, schedule_factory):
    """Three registered participants, one on the waiting list, one cancelled."""
    made = {}
    for name, status, province in (("Ayu Lestari", "registered", "Bali"), ("Budi Santoso", "registered", "Jawa Timur"),
                                   ("Citra Dewi", "registered", "Bali"), ("Dedi Waiting", "waitlisted", "Bali"),
                                   ("Eka Cancelled", "cancelled", "Aceh")):
        p = schedule_factory.person(name, status=status)
        p.province = province
        made[name.split()[0].lower()] = p
    db.session.commit()
    return made


@pytest.fixture
def admin(make_user):
    return make_user("admin")


def _day(event, n=1) -> Checkpoint:
    return service.day_checkpoint(db.session, event, n)


def _stroke_body(n=30):
    return {"width": 320, "height": 160, "strokes": [[[10 + i * 5, 50 + (i % 7) * 6] for i in range(n)],
                                                     [[40, 120], [80, 110], [120, 130]]]}


# ------------------------------------------------------------------ lists

def test_day_list_is_every_registered_participant(event, people):
    names = [e.participant.full_name for e in service.entries(db.session, event, _day(event))]
    assert names == ["Ayu Lestari", "Budi Santoso", "Citra Dewi"]


def test_session_list_signed_up_then_anyone_checked_in(event, people, schedule_factory, admin):
    workshop = schedule_factory.session("Klinik Proposal", signup=True)
    db.session.add(SessionSignup(session_id=workshop.id, participant_id=people["ayu"].id))
    db.session.commit()
    cp = service.session_checkpoint(db.session, event, workshop)
    assert [e.participant.full_name for e in service.entries(db.session, event, cp)] == ["Ayu Lestari"]
    # A facilitator taps someone who did not sign up: a deliberate choice, so they are checked in and listed.
    answer = service.mark(db.session, SECRET, event, cp, people["budi"].public_id, admin)
    assert answer["result"] == "ok"
    listed = service.entries(db.session, event, cp)
    assert [(e.participant.full_name, e.signed_up, bool(e.checkin)) for e in listed] == [
        ("Ayu Lestari", True, False), ("Budi Santoso", False, True)]


def test_open_sharing_session_lists_only_who_came(event, people, schedule_factory, admin):
    sharing = schedule_factory.session("Berbagi praktik baik", kind="sharing")
    plenary = schedule_factory.session("Pembukaan", kind="plenary", start="08:00", end="09:00")
    cp = service.session_checkpoint(db.session, event, sharing)
    assert service.entries(db.session, event, cp) == []
    assert len(service.entries(db.session, event, service.session_checkpoint(db.session, event, plenary))) == 3


# ------------------------------------------------------------------ tap and paper

def test_tap_and_undo(event, people, schedule_factory, make_user):
    facilitator = make_user("facilitator", "fasil@test.example")
    leader = schedule_factory.leader("Fasil", email="fasil@test.example")
    item = schedule_factory.session("Sesi A", facilitators=[leader])
    cp = service.session_checkpoint(db.session, event, item)
    assert service.mark(db.session, SECRET, event, cp, people["ayu"].public_id.lower(), facilitator)["result"] == "ok"
    assert service.mark(db.session, SECRET, event, cp, people["ayu"].public_id, facilitator)["result"] == "already"
    row = db.session.scalar(select(CheckIn).where(CheckIn.checkpoint_id == cp.id))
    assert (row.source, row.user_id) == ("manual", facilitator.id)
    service.unmark(db.session, event, cp, people["ayu"].public_id, facilitator)
    assert db.session.scalar(select(CheckIn).where(CheckIn.checkpoint_id == cp.id)) is None
    with pytest.raises(service.AttendanceError) as exc:
        service.unmark(db.session, event, cp, people["ayu"].public_id, facilitator)
    assert exc.value.code == "not_checked_in"
    with pytest.raises(service.AttendanceError) as exc:
        service.mark(db.session, SECRET, event, cp, "NOSUCHID22", facilitator)
    assert exc.value.code == "unknown_participant"


def test_paper_entry_is_idempotent_audited_and_undoable(event, people, admin):
    cp = _day(event)
    ids = [people["ayu"].public_id, people["budi"].public_id, people["eka"].public_id, people["dedi"].public_id]
    first = service.record_paper(db.session, SECRET, event, cp, ids, admin)
    assert (first["created"], first["already"], first["refused"]) == (2, 0, 2)  # cancelled, waiting list
    rows = db.session.scalars(select(CheckIn).where(CheckIn.checkpoint_id == cp.id)).all()
    assert sorted(r.source for r in rows) == ["paper", "paper"]
    again = service.record_paper(db.session, SECRET, event, cp, ids[:2] + [people["citra"].public_id], admin)
    assert (again["created"], again["already"]) == (1, 2)
    assert db.session.scalar(select(db.func.count(CheckIn.id)).where(CheckIn.checkpoint_id == cp.id)) == 3
    batches = service.paper_batches(db.session, event, cp)
    assert [b.detail["ticked"] for b in batches] == [3, 4]
    assert service.undo_paper(db.session, event, batches[1].id, admin) == 2  # the first batch's two
    names = {e.participant.full_name for e in service.entries(db.session, event, cp) if e.checkin}
    assert names == {"Citra Dewi"}
    with pytest.raises(service.AttendanceError) as exc:
        service.undo_paper(db.session, event, batches[1].id, admin)
    assert exc.value.code == "already_undone"
    actions = db.session.scalars(select(AuditLog.action).where(AuditLog.action.like("attendance.%"))).all()
    assert sorted(actions) == ["attendance.paper", "attendance.paper", "attendance.paper_undo"]


def test_paper_refuses_unknown_ids_and_changes_nothing(event, people, admin):
    cp = _day(event)
    with pytest.raises(service.AttendanceError) as exc:
        service.record_paper(db.session, SECRET, event, cp, [people["ayu"].public_id, "ZZZZZZZZZZ"], admin)
    assert exc.value.code == "unknown_participant"
    with pytest.raises(service.AttendanceError):
        service.record_paper(db.session, SECRET, event, cp, ["", "  "], admin)
    assert db.session.scalar(select(db.func.count(CheckIn.id))) == 0


def test_undo_paper_only_by_its_author_or_an_admin(event, people, make_user):
    door = make_user("organizer", "door@test.example")
    other = make_user("organizer", "other@test.example")
    result = service.record_paper(db.session, SECRET, event, _day(event), [people["ayu"].public_id], door)
    with pytest.raises(service.AttendanceError) as exc:
        service.undo_paper(db.session, event, result["batch"], other)
    assert exc.value.code == "forbidden"
    assert service.undo_paper(db.session, event, result["batch"], door) == 1


def test_paper_entry_counts_toward_certificate_eligibility(event, people, admin):
    from plm.documents.service import eligibility_for

    event.certificate_min_days = 2
    db.session.commit()
    ayu = people["ayu"]
    assert not eligibility_for(db.session, event, ayu).eligible
    service.record_paper(db.session, SECRET, event, _day(event, 1), [ayu.public_id], admin)
    service.record_paper(db.session, SECRET, event, _day(event, 2), [ayu.public_id], admin)
    db.session.expire_all()
    result = eligibility_for(db.session, event, db.session.get(Participant, ayu.id))
    assert result.eligible and result.checks[0].params["n"] == 2


def test_paper_page_search_province_and_pages(event, people, schedule_factory):
    for i in range(60):
        schedule_factory.person(f"Peserta {i:02d}", email=f"p{i}@test.example")
    cp = _day(event)
    page = service.paper_page(db.session, event, cp, per_page=50)
    assert (page.total, page.pages, len(page.entries)) == (63, 2, 50)
    assert service.paper_page(db.session, event, cp, page=2).entries[-1].participant.full_name == "Peserta 59"
    assert [e.participant.full_name for e in service.paper_page(db.session, event, cp, query="ayu").entries] == ["Ayu Lestari"]
    assert service.paper_page(db.session, event, cp, province="Bali").total == 2
    assert "Jawa Timur" in page.provinces


# ------------------------------------------------------------------ signatures

def test_signature_svg_is_made_here_from_numbers_only(event, people, admin):
    cp = _day(event)
    checkin_id = service.mark(db.session, SECRET, event, cp, people["ayu"].public_id, admin)["checkin_id"]
    item = service.save_signature(db.session, event, checkin_id, _stroke_body(), admin)
    assert item.svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 100"')
    assert re.fullmatch(r'<svg [^<>]*><path d="[ML0-9. ]+" [^<>]*/></svg>', item.svg)
    assert item.points == 33
    # Replacing keeps one row.
    service.save_signature(db.session, event, checkin_id, _stroke_body(10), admin)
    assert db.session.scalar(select(db.func.count()).select_from(CheckInSignature)) == 1


@pytest.mark.parametrize("body, code", [
    ([], "invalid_body"),
    ({"width": 300, "height": 100}, "empty"),
    ({"width": 300, "height": 100, "strokes": [[[1, 1]]]}, "empty"),
    ({"width": 300, "height": 100, "strokes": [[["<script>", 1], [2, 2]]]}, "invalid_field"),
    ({"width": 300, "height": 100, "strokes": [[[1, 1], [2, 2], [5000, 2]]]}, "invalid_field"),
    ({"width": 300, "height": 100, "strokes": [[[1, 1], [float("nan"), 2]]]}, "invalid_field"),
    ({"width": True, "height": 100, "strokes": [[[1, 1], [2, 2]]]}, "invalid_field"),
    ({"width": 300, "height": 100, "strokes": "<svg onload=alert(1)>"}, "empty"),
    ({"width": 300, "height": 100, "strokes": [[[1, 1], [2, 2]]] * 61}, "too_large"),
    ({"width": 300, "height": 100, "strokes": [[[1, 1]] * 3001]}, "too_large"),
])
def test_bad_strokes_are_refused(body, code):
    with pytest.raises(signatures.SignatureError) as exc:
        signatures.parse_strokes(body)
    assert exc.value.code == code


def test_signature_of_another_events_checkin_is_not_found(event, people, admin):
    from datetime import date

    from plm.models import Event

    other = Event(slug="other", name="Other", starts_on=date(2030, 1, 1), ends_on=date(2030, 1, 1))
    db.session.add(other)
    db.session.commit()
    checkin_id = service.mark(db.session, SECRET, event, _day(event), people["ayu"].public_id, admin)["checkin_id"]
    with pytest.raises(service.AttendanceError) as exc:
        service.save_signature(db.session, other, checkin_id, _stroke_body(), admin)
    assert exc.value.code == "not_found"


# ------------------------------------------------------------------ the sheet

def test_day_sheet_pdf_rows_names_pages_signature(event, people, admin, schedule_factory):
    long_name = "Raden Mas Haryo Bagus Adityawarman Soeryosoemarno Kusumawardhani Prawirodirdjo Hadiningrat"
    schedule_factory.person(long_name, email="raden@test.example")
    cp = _day(event, 2)
    checkin_id = service.mark(db.session, SECRET, event, cp, people["budi"].public_id, admin)["checkin_id"]
    service.save_signature(db.session, event, checkin_id, _stroke_body(), admin)
    service.record_paper(db.session, SECRET, event, cp, [people["citra"].public_id], admin)
    pdf = service.render_sheet(db.session, event, cp, upload_folder="/nonexistent", blank_rows=3)
    pages, text = _pdf(pdf)
    flat = re.sub(r"\s+", " ", text)
    assert pages == 1
    assert "DAFTAR HADIR" in text and "Hari ke-2" in text and "Halaman 1 dari 1" in flat
    for name in ("Ayu Lestari", "Budi Santoso", "Citra Dewi"):
        assert name in flat
    assert "Hadiningrat" in flat  # the long name wraps inside its cell, all of it printed
    assert re.search(r"Jumlah dalam daftar 4", flat) and re.search(r"Hadir 2", flat)
    assert "Tanda tangan digital 1" in flat and "kertas" in flat
    # Rows 1..4 for people, 5..7 blank for walk-ins.
    assert all(re.search(rf"(^|\s){n}(\s|$)", text) for n in range(1, 8))
    # The signature is drawn as vector paths in the page.
    content = b"".join(p.get_contents().get_data() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert content.count(b" l\n") + content.count(b" l ") > 20


def test_sheet_of_350_pages_numbered_grouped_by_province(event, schedule_factory, admin):
    provinces = ["Aceh", "Bali", "Jawa Barat", "Papua", "Riau"]
    for i in range(350):
        db.session.add(Participant(event_id=event.id, full_name=f"Peserta {i:03d}", email=f"p{i}@test.example",
                                   province=provinces[i % 5], institution="Perpustakaan Desa"))
    db.session.commit()
    cp = _day(event)
    pdf = service.render_sheet(db.session, event, cp, upload_folder="/nonexistent", sort="province",
                               orientation="landscape", blank_rows=0)
    reader = PdfReader(io.BytesIO(pdf))
    pages = len(reader.pages)
    assert pages > 10
    assert reader.pages[0].mediabox.width > reader.pages[0].mediabox.height  # landscape
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert f"Halaman {pages} dari {pages}" in re.sub(r"\s+", " ", text)
    assert sum(1 for i in range(350) if f"Peserta {i:03d}" in text) == 350
    assert "Aceh (70)" in text and "Riau (70)" in text
    assert re.search(r"(^|\s)350(\s|$)", text)


def test_sheet_xlsx_reads_back(event, people, admin):
    from openpyxl import load_workbook

    cp = _day(event)
    service.mark(db.session, SECRET, event, cp, people["ayu"].public_id, admin)
    people["budi"].full_name = "=HYPERLINK(\"http://x\")"
    db.session.commit()
    data = service.render_sheet(db.session, event, cp, upload_folder="/x", fmt="xlsx")
    sheet = load_workbook(io.BytesIO(data)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = next(i for i, r in enumerate(rows) if r[0] == "No.")
    body = [r for r in rows[header + 1:] if isinstance(r[0], int)]
    assert [r[1] for r in body] == ["'=HYPERLINK(\"http://x\")", "Ayu Lestari", "Citra Dewi"]
    assert body[1][5] == "manual" and re.fullmatch(r"\d\d:\d\d", body[1][4])
    assert ["Hadir", 1] in [r[:2] for r in rows]


def test_sheet_options_are_checked(event):
    cp = _day(event)
    for kwargs, code in (({"fmt": "doc"}, "bad_format"), ({"orientation": "sideways"}, "bad_orientation"),
                         ({"blank_rows": 101}, "bad_blank_rows"), ({"sort": "age"}, "bad_sort")):
        with pytest.raises(service.AttendanceError) as exc:
            service.render_sheet(db.session, event, cp, upload_folder="/x", **kwargs)
        assert exc.value.code == code


@pytest.mark.nodb
def test_renderer_wraps_long_unbroken_names_inside_the_page():
    rows = [sheets.SheetRow(name="X" * 120, institution="Y" * 150, province="Z" * 40, time="08:00", source="qr")]
    info = sheets.SheetInfo(event_name="PLM", subtitle="Hari ke-1")
    text = _pdf(sheets.render_sheet_pdf(info, rows, blank_rows=0))[1]
    assert text.replace("\n", "").count("X") >= 120


def test_erasing_a_participant_removes_their_signature_keeps_the_checkin(event, people, admin):
    from plm.privacy.service import erase_participant

    checkin_id = service.mark(db.session, SECRET, event, _day(event), people["ayu"].public_id, admin)["checkin_id"]
    service.save_signature(db.session, event, checkin_id, _stroke_body(), admin)
    erase_participant(db.session, db.session.get(Participant, people["ayu"].id))
    db.session.commit()
    assert db.session.get(CheckInSignature, checkin_id) is None
    assert db.session.get(CheckIn, checkin_id) is not None
