"""Schedule CSV import/export (web and CLI) and the facilitators' sessions and sign-up lists."""

import csv
import io

from pypdf import PdfReader
from sqlalchemy import func, select

from plm.extensions import db
from plm.models import EventSession, Room, SessionSignup

BASE = "/staff/events/plm-test/schedule"


def upload(client, text, dry_run=False):
    data = {"file": (io.BytesIO(text.encode("utf-8")), "jadwal.csv")}
    if dry_run:
        data["dry_run"] = "y"
    return client.post(BASE + "/import", data=data, content_type="multipart/form-data")


def count_sessions():
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(EventSession))


def test_csv_import_reports_rows_and_is_idempotent(client, event, login, schedule_factory):
    leader = schedule_factory.leader("Ayu Lestari", "ayu@test.example")
    login("admin")
    day = event.starts_on.isoformat()
    text = (
        "hari;mulai;selesai;ruang;judul;jenis;fasilitator;kapasitas;pendaftaran\n"
        f"{day};09:00;10:30;Ruang Kuta;Literasi Digital;berbagi;AYU@test.example;;tidak\n"
        f"{day};11:00;12:30;Ruang Kuta;Lokakarya SLiMS;lokakarya;;25;ya\n"
        f"{day};13:00;12:00;Ruang Kuta;Terbalik;sharing;;;\n"
        f"kemarin;13:00;14:00;;Hari Salah;sharing;;;\n"
        f"{day};13:00;14:00;;Orang Asing;sharing;siapa@test.example;;\n"
        f"{day};15:00;16:00;;Jenis Aneh;konser;;;\n"
    )
    preview = upload(client, text, dry_run=True)
    assert "Hanya pemeriksaan" in preview.get_data(as_text=True)
    assert count_sessions() == 0
    html = upload(client, text).get_data(as_text=True)
    assert "<strong>2</strong> baris diterima" in html and "<strong>4</strong> baris ditolak" in html
    for message in ("Sesi harus selesai setelah dimulai", "Hari bukan tanggal", "siapa@test.example bukan fasilitator",
                    "Jenis harus plenary", "Ruang baru Ruang Kuta dibuat"):
        assert message in html, message
    assert "<td>4</td>" in html and "<td>5</td>" in html  # line numbers of refused rows
    assert count_sessions() == 2
    literasi = db.session.scalar(select(EventSession).where(EventSession.title == "Literasi Digital"))
    assert [p.id for p in literasi.facilitators] == [leader.id] and literasi.room.name == "Ruang Kuta"
    slims = db.session.scalar(select(EventSession).where(EventSession.title == "Lokakarya SLiMS"))
    assert slims.kind == "workshop" and slims.capacity == 25 and slims.signup_required
    again = upload(client, text).get_data(as_text=True)
    assert count_sessions() == 2 and "0 baru, 0 diperbarui, 2 tidak berubah" in again
    assert db.session.scalar(select(func.count()).select_from(Room)) == 1


def test_csv_export_round_trip_updates_by_uid(client, event, login, schedule_factory):
    room = schedule_factory.room("Ruang Sanur")
    item = schedule_factory.session("=HYPERLINK(\"x\")", room=room)
    login("admin")
    exported = client.get(BASE + "/export.csv")
    assert exported.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0]["title"].startswith("'=")  # formula injection defused
    assert rows[0]["uid"] == item.uid and rows[0]["start"] == "10:00" and rows[0]["room"] == "Ruang Sanur"
    rows[0]["title"] = "Judul Baru"
    rows[0]["start"] = "10:15"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0].keys()))
    writer.writeheader()
    writer.writerows(rows)
    upload(client, out.getvalue())
    assert count_sessions() == 1
    db.session.refresh(item)
    assert item.title == "Judul Baru" and item.sequence == 1


def test_csv_cli(app, event, schedule_factory, tmp_path):
    schedule_factory.session("Sesi CLI")
    out = tmp_path / "jadwal.csv"
    runner = app.test_cli_runner()
    assert runner.invoke(args=["plm", "export-schedule", "--event", "plm-test", "-o", str(out)]).exit_code == 0
    result = runner.invoke(args=["plm", "import-schedule", str(out), "--event", "plm-test"])
    assert result.exit_code == 0 and "0 new, 0 updated, 1 unchanged, 0 refused" in result.output


def test_facilitator_sees_only_own_sessions_and_lists(client, event, login, schedule_factory):
    me = schedule_factory.leader("Fasilitator Saya", "fasil@test.example")
    other = schedule_factory.leader("Orang Lain", "lain@test.example")
    mine = schedule_factory.session("Sesi Saya", kind="workshop", capacity=10, signup=True, facilitators=[me])
    theirs = schedule_factory.session("Sesi Mereka", start="13:00", end="14:00", facilitators=[other])
    person = schedule_factory.person("Wayan Sukerta")
    db.session.add(SessionSignup(session_id=mine.id, participant_id=person.id))
    db.session.commit()

    login("facilitator", "FASIL@test.example")
    page = client.get("/staff/events/plm-test/my-sessions").get_data(as_text=True)
    assert "Sesi Saya" in page and "Sesi Mereka" not in page
    listing = client.get(f"{BASE}/sessions/{mine.id}/signups").get_data(as_text=True)
    assert "Wayan Sukerta" in listing and "Perpustakaan Desa Sukamaju" in listing and "Jawa Timur" in listing
    csv_text = client.get(f"{BASE}/sessions/{mine.id}/signups.csv").get_data(as_text=True)
    assert "Wayan Sukerta,Perpustakaan Desa Sukamaju,Jawa Timur" in csv_text and "@" not in csv_text
    pdf = client.get(f"{BASE}/sessions/{mine.id}/signups.pdf")
    assert "Wayan Sukerta" in PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    for suffix in ("signups", "signups.csv", "signups.pdf"):
        assert client.get(f"{BASE}/sessions/{theirs.id}/{suffix}").status_code == 403
    assert client.get(BASE).status_code == 403  # no schedule editing


def test_admin_sees_every_list_and_organizer_none(client, event, login, schedule_factory, make_user):
    item = schedule_factory.session("Sesi Apa Saja")
    login("admin")
    assert "Sesi Apa Saja" in client.get("/staff/events/plm-test/my-sessions").get_data(as_text=True)
    assert client.get(f"{BASE}/sessions/{item.id}/signups").status_code == 200
    client.post("/staff/logout")
    login("organizer")
    assert client.get("/staff/events/plm-test/my-sessions").status_code == 403
    assert client.get(f"{BASE}/sessions/{item.id}/signups").status_code == 403


def test_demo_facilitator_login_sees_their_own_sessions(app, demo_event):
    from plm.auth.service import find_user, set_password
    from plm.demo.data import DEMO_STAFF
    from plm.models import EventSession, Participant

    staff = next(s for s in DEMO_STAFF if s["role"] == "facilitator")
    set_password(db.session, find_user(db.session, staff["email"]), "facilitator-pass")  # demo passwords are random
    db.session.commit()
    client = app.test_client()
    assert client.post("/staff/login", data={"email": staff["email"], "password": "facilitator-pass"}).status_code == 302
    page = client.get(f"/staff/events/{demo_event.slug}/my-sessions").get_data(as_text=True)
    me = db.session.scalar(select(Participant).where(Participant.email == staff["email"]))
    led = [s for s in db.session.scalars(select(EventSession)) if me in s.facilitators]
    assert led and all(s.title.replace("'", "&#39;") in page for s in led)
