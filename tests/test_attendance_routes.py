"""Attendance over HTTP: who sees which session, tap to mark (JSON and plain form), sheet downloads,
paper entry, partner logos, the signature API; and `flask plm attendance-sheets`."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from plm.attendance import service
from plm.extensions import db
from plm.models import AuditLog, CheckIn, CheckInSignature, Event
from tests.helpers import spying

STROKES = {"width": 320, "height": 160, "strokes": [[[10, 10], [40, 60], [90, 30], [150, 90]]]}


@pytest.fixture
def setup(app, event, schedule_factory):
    """Two sessions: Ayu (facilitator, fasil@test.example) leads 'Sesi Ayu'; nobody we log in leads 'Sesi Lain'."""
    leader = schedule_factory.leader("Ayu Lestari", email="fasil@test.example")
    mine = schedule_factory.session("Sesi Ayu dengan judul yang panjang sekali", facilitators=[leader], signup=True)
    other = schedule_factory.session("Sesi Lain", start="13:00", end="14:00")
    budi = schedule_factory.person("Budi Santoso")
    from plm.models import SessionSignup

    db.session.add(SessionSignup(session_id=mine.id, participant_id=budi.id))
    db.session.commit()
    return {"mine": mine, "other": other, "budi": budi, "event": event}


def test_facilitator_sees_only_own_sessions(client, login, setup):
    login("facilitator", "fasil@test.example")
    page = client.get("/staff/events/plm-test/attendance/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Sesi Ayu" in html and "Sesi Lain" not in html
    assert "Daftar hadir per day" not in html and "Daftar hadir per hari" not in html  # days: organizers
    assert client.get(f"/staff/events/plm-test/attendance/sessions/{setup['other'].id}").status_code == 403
    page = client.get(f"/staff/events/plm-test/attendance/sessions/{setup['mine'].id}")
    assert page.status_code == 200 and "Budi Santoso" in page.get_data(as_text=True)
    cp_other = service.session_checkpoint(db.session, setup["event"], setup["other"])
    assert client.get(f"/staff/events/plm-test/attendance/sheet?checkpoint={cp_other.id}").status_code == 403
    day = service.day_checkpoint(db.session, setup["event"], 1)
    assert client.get(f"/staff/events/plm-test/attendance/sheet?checkpoint={day.id}").status_code == 404
    assert client.get(f"/staff/events/plm-test/attendance/paper/{day.id}").status_code == 404


def test_organizer_sees_every_session_and_the_days(client, login, setup):
    login("organizer")
    html = client.get("/staff/events/plm-test/attendance/").get_data(as_text=True)
    assert "Sesi Ayu" in html and "Sesi Lain" in html and "Hari 1" in html
    assert client.get(f"/staff/events/plm-test/attendance/sessions/{setup['other'].id}").status_code == 200


def test_my_sessions_page_links_to_attendance(client, login, setup):
    login("facilitator", "fasil@test.example")
    html = client.get("/staff/events/plm-test/my-sessions").get_data(as_text=True)
    assert f"/staff/events/plm-test/attendance/sessions/{setup['mine'].id}" in html
    assert "<table" not in html  # cards: a table squeezed titles to a few letters per line on phones


def test_tap_json_and_plain_form(client, login, setup):
    login("facilitator", "fasil@test.example")
    url = f"/staff/events/plm-test/attendance/sessions/{setup['mine'].id}/mark"
    budi = setup["budi"].public_id
    answer = client.post(url, data={"participant": budi}, headers={"Accept": "application/json"}).get_json()
    assert answer["result"] == "ok" and answer["present"] == 1 and answer["message"] == "Hadir"
    again = client.post(url, data={"participant": budi}, headers={"Accept": "application/json"}).get_json()
    assert again["result"] == "already"
    undone = client.post(url, data={"participant": budi, "action": "undo"}, headers={"Accept": "application/json"})
    assert undone.get_json()["result"] == "undone" and undone.get_json()["present"] == 0
    # Without JavaScript: a redirect back to the row, with a message.
    response = client.post(url, data={"participant": budi})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#p-{budi}")
    assert db.session.scalar(select(CheckIn.source)) == "manual"


def test_tap_bad_input_is_a_clear_message(client, login, setup):
    login("facilitator", "fasil@test.example")
    url = f"/staff/events/plm-test/attendance/sessions/{setup['mine'].id}/mark"
    for data in ({}, {"participant": "<script>"}, {"participant": "NOSUCHONE22"}, {"participant": "X" * 40}):
        response = client.post(url, data=data, headers={"Accept": "application/json"})
        assert response.status_code in (404, 422) and response.get_json()["message"]
    assert db.session.scalar(select(db.func.count(CheckIn.id))) == 0
    other = f"/staff/events/plm-test/attendance/sessions/{setup['other'].id}/mark"
    assert client.post(other, data={"participant": setup["budi"].public_id}).status_code == 403


def test_sheet_download_pdf_and_xlsx(client, login, setup):
    login("facilitator", "fasil@test.example")
    cp = service.session_checkpoint(db.session, setup["event"], setup["mine"])
    response = client.get(f"/staff/events/plm-test/attendance/sheet?checkpoint={cp.id}&orientation=landscape&blank=2")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert f"sesi-{setup['mine'].id}.pdf" in response.headers["Content-Disposition"]
    text = PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
    assert "Budi Santoso" in text and "Sesi: Sesi Ayu" in re.sub(r"\s+", " ", text)
    response = client.get(f"/staff/events/plm-test/attendance/sheet?checkpoint={cp.id}&format=xlsx&sort=institution")
    assert response.status_code == 200 and response.data[:2] == b"PK"
    for bad in ("", "checkpoint=abc", f"checkpoint={cp.id}&format=doc", f"checkpoint={cp.id}&blank=1000",
                "checkpoint=99999999"):
        response = client.get(f"/staff/events/plm-test/attendance/sheet?{bad}")
        assert response.status_code in (404, 422), bad


def test_paper_entry_page_round_trip(client, login, setup):
    login("organizer")
    day = service.day_checkpoint(db.session, setup["event"], 1)
    url = f"/staff/events/plm-test/attendance/paper/{day.id}"
    html = client.get(url + "?q=budi").get_data(as_text=True)
    assert "Budi Santoso" in html and "Select all on this page" not in html  # Indonesian UI
    response = client.post(url, data={"ids": [setup["budi"].public_id]}, follow_redirects=True)
    assert "1 baru" in response.get_data(as_text=True) or "1 new" in response.get_data(as_text=True)
    assert db.session.scalar(select(CheckIn.source).where(CheckIn.checkpoint_id == day.id)) == "paper"
    response = client.post(url, data={}, follow_redirects=True)
    assert response.status_code == 200 and "Centang" in response.get_data(as_text=True)
    batch = db.session.scalar(select(AuditLog).where(AuditLog.action == "attendance.paper"))
    response = client.post(f"/staff/events/plm-test/attendance/paper/batches/{batch.id}/undo", follow_redirects=True)
    assert response.status_code == 200
    assert db.session.scalar(select(db.func.count(CheckIn.id))) == 0


def test_partner_logos_admin_only(client, login, setup, make_user):
    from PIL import Image

    image = io.BytesIO()
    Image.new("RGB", (60, 30), "red").save(image, "PNG")
    login("admin")
    response = client.post("/staff/events/plm-test/attendance/logos",
                           data={"logo": (io.BytesIO(image.getvalue()), "mitra.png")}, content_type="multipart/form-data")
    assert response.status_code == 302
    event = db.session.scalar(select(Event).where(Event.slug == "plm-test"))
    db.session.refresh(event)
    assert len(event.partner_logos) == 1
    response = client.post("/staff/events/plm-test/attendance/logos",
                           data={"logo": (io.BytesIO(b"not an image"), "x.png")}, content_type="multipart/form-data",
                           follow_redirects=True)
    assert "bukan gambar" in response.get_data(as_text=True) or "not a PNG" in response.get_data(as_text=True)
    day = service.day_checkpoint(db.session, event, 1)
    pdf = client.get(f"/staff/events/plm-test/attendance/sheet?checkpoint={day.id}").data
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert len(page.images) == 1  # the partner logo in the header
    assert client.post("/staff/events/plm-test/attendance/logos/0/delete").status_code == 302
    db.session.refresh(event)
    assert event.partner_logos == []


def test_signature_api(client, login, setup):
    user = login("organizer")
    day = service.day_checkpoint(db.session, setup["event"], 1)
    checkin = client.post("/api/v1/events/plm-test/checkins", json={
        "code": setup["budi"].public_id, "checkpoint": day.id, "source": "manual"}).get_json()
    url = f"/api/v1/events/plm-test/checkins/{checkin['checkin_id']}/signature"
    response = client.put(url, json=STROKES)
    assert response.status_code == 200 and response.get_json()["points"] == 4
    svg = client.get(url).get_json()["svg"]
    assert '<path d="M' in svg and "script" not in svg
    stored = db.session.scalar(select(CheckInSignature))
    assert stored.user_id == user.id
    for body, status in (("<svg/>", 400), ({"strokes": []}, 422), ({**STROKES, "strokes": [[[1, 1]] * 3001]}, 413)):
        response = client.put(url, data=body if isinstance(body, str) else None, json=None if isinstance(body, str) else body,
                              content_type="application/json")
        assert response.status_code == status and response.is_json
    assert client.put("/api/v1/events/plm-test/checkins/999999/signature", json=STROKES).status_code == 404
    assert client.delete(url).get_json()["removed"] is True
    assert client.get(url).status_code == 404


def test_signature_api_for_a_facilitator_is_their_own_sessions_only(app, client, login, setup):
    """A facilitator draws, reads and deletes signatures of check-ins at the sessions they lead, as at the
    door; one taken at another session (or at the day's door) is a 403 and stays as it was."""
    from plm.checkin.service import ensure_session_checkpoints
    from plm.models import Checkpoint

    ensure_session_checkpoints(db.session, setup["event"])
    admin = login("admin")
    checkpoints = {c.session_id: c for c in db.session.scalars(select(Checkpoint).where(Checkpoint.session_id.is_not(None)))}
    ids = {}
    for name, checkpoint in (("mine", checkpoints[setup["mine"].id]), ("other", checkpoints[setup["other"].id]),
                             ("day", service.day_checkpoint(db.session, setup["event"], 1))):
        answer = service.mark(db.session, app.config["SECRET_KEY"], setup["event"], checkpoint, setup["budi"].public_id, admin)
        ids[name] = answer["checkin_id"]
        service.save_signature(db.session, setup["event"], ids[name], STROKES, admin)
    client.post("/staff/logout")
    login("facilitator", "fasil@test.example")
    url = "/api/v1/events/plm-test/checkins/{}/signature".format
    for name in ("other", "day"):
        for method in ("GET", "PUT", "DELETE"):
            response = client.open(url(ids[name]), method=method, json=STROKES if method == "PUT" else None)
            assert response.status_code == 403 and response.get_json()["error"] == "forbidden_checkpoint", (name, method)
    assert db.session.scalar(select(db.func.count(CheckInSignature.checkin_id))) == 3
    assert client.get(url(ids["mine"])).status_code == 200
    assert client.put(url(ids["mine"]), json=STROKES).status_code == 200
    assert client.delete(url(ids["mine"])).get_json()["removed"] is True


def test_signature_api_needs_staff(client, setup):
    response = client.put("/api/v1/events/plm-test/checkins/1/signature", json=STROKES)
    assert response.status_code == 401 and response.is_json


# ------------------------------------------------------------------ CLI

def test_cli_day_pdf_and_xlsx(app, setup, tmp_path):
    runner = app.test_cli_runner()
    out = tmp_path / "hari1.pdf"
    result = runner.invoke(args=["plm", "attendance-sheets", "--event", "plm-test", "--day", "1", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "2 people" in result.output
    reader = PdfReader(str(out))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "Ayu Lestari" in text and "Budi Santoso" in text and "Halaman 1 dari 1" in re.sub(r"\s+", " ", text)
    xlsx = tmp_path / "hari1.xlsx"
    result = runner.invoke(args=["plm", "attendance-sheets", "--event", "plm-test", "--day", "1", "-o", str(xlsx)])
    assert result.exit_code == 0 and xlsx.read_bytes()[:2] == b"PK"
    other = tmp_path / "sesi.dat"
    result = runner.invoke(args=["plm", "attendance-sheets", "--event", "plm-test", "--session", str(setup["mine"].id),
                                 "--format", "xlsx", "-o", str(other), "--sort", "province"])
    assert result.exit_code == 0 and other.read_bytes()[:2] == b"PK"


@pytest.mark.parametrize("args, message", [
    (["--day", "1", "--session", "1"], "exactly one"),
    ([], "exactly one"),
    (["--day", "9"], "days 1 to 4"),
    (["--session", "999999"], "no session"),
])
def test_cli_refuses_clearly(app, setup, tmp_path, args, message):
    result = app.test_cli_runner().invoke(
        args=["plm", "attendance-sheets", "--event", "plm-test", "-o", str(tmp_path / "x.pdf"), *args])
    assert result.exit_code != 0 and message in result.output
    assert not (tmp_path / "x.pdf").exists()


def test_cli_unknown_event(app, tmp_path):
    result = app.test_cli_runner().invoke(
        args=["plm", "attendance-sheets", "--event", "nope", "--day", "1", "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code != 0 and "no event" in result.output


def test_sheet_pdf_renders_in_a_child_process(make_app, setup):
    """Outside tests the web process never renders the sheet itself (its GIL serves the door)."""
    child_app = make_app(ATTENDANCE_RENDER_CHILD=True)
    from plm.attendance import routes

    with child_app.app_context():
        child = child_app.test_client()
        from plm.auth.service import create_user
        from tests.conftest import STAFF_PASSWORD

        create_user(db.session, "kid@test.example", "organizer", STAFF_PASSWORD)
        db.session.commit()
        child.post("/staff/login", data={"email": "kid@test.example", "password": STAFF_PASSWORD})
        day = service.day_checkpoint(db.session, setup["event"], 1)
        with spying(routes, "_render_pdf_in_child") as calls:
            response = child.get(f"/staff/events/plm-test/attendance/sheet?checkpoint={day.id}&sort=province")
        assert response.status_code == 200 and calls
        text = PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
        assert "Budi Santoso" in text and "Jawa Timur (2)" in text
