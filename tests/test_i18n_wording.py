"""Wording for librarians (issue 14, item 13): one name for walk-ins, the live dashboard's name, the
walk-in form speaks to staff, the registration desk is not a break."""

from plm.extensions import db


def test_walk_in_has_one_name_and_the_form_addresses_staff(client, event, login):
    login("organizer")
    page = client.get(f"/staff/events/{event.slug}/walk-in").get_data(as_text=True)
    assert "<h1>Daftar di tempat</h1>" in page
    assert "Pendaftaran di tempat" not in page and "Pendaftar di tempat" not in page
    assert "pilih provinsi Anda" not in page and "— pilih provinsi —" in page
    done = client.post(f"/staff/events/{event.slug}/walk-in", data={"full_name": "Made Wirawan"})
    text = client.get(done.location).get_data(as_text=True) if done.status_code in (302, 303) else done.get_data(as_text=True)
    assert "Daftar di tempat: orang berikutnya" in text


def test_live_dashboard_is_pantauan_kehadiran(client, event, login):
    login("organizer")
    page = client.get(f"/staff/events/{event.slug}/checkin").get_data(as_text=True)
    assert "Pantauan kehadiran" in page and "Kehadiran langsung" not in page


def test_registration_desk_gets_no_checkpoint_and_no_hours(app, event, schedule_factory):
    from plm.checkin.service import ensure_session_checkpoints
    from plm.models import Checkpoint

    desk = schedule_factory.session("Registrasi Peserta", kind="registration", start="08:00", end="09:00")
    talk = schedule_factory.session("Pembukaan", kind="plenary", start="09:00", end="10:00")
    ensure_session_checkpoints(db.session, event)
    ids = {c.session_id for c in db.session.query(Checkpoint).filter(Checkpoint.kind == "session")}
    assert talk.id in ids and desk.id not in ids
