"""`load_demo` (plm/demo/__init__.py) creates the same demo as before its data moved to files:
the counts, known rows, and the seeded choice of who leads which session."""

import hashlib
import json
from datetime import date

from sqlalchemy import func, select

from plm.demo import load_demo
from plm.demo.data import DEMO_CONFLICT_TITLES
from plm.extensions import db
from plm.models import Checkpoint, Event, EventSession, Participant, Room, Track, User, session_facilitators


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_load_demo_creates_the_known_demo(app):
    summary = load_demo(db.session, date(2015, 5, 18))
    db.session.commit()
    logins = summary.pop("logins")
    assert summary == {"event": "PLM Demo (meniru PLM 2015, Bali)", "slug": "plm-2015", "participants": 350,
                       "provinces": 16, "sessions": 60, "rooms": 9, "hotel_rooms": 188}
    assert [(login["role"], login["email"]) for login in logins] == [
        ("admin", "admin@plm.example"), ("organizer", "pintu@plm.example"),
        ("facilitator", "fasilitator@plm.example"), ("finance", "bendahara@plm.example")]
    assert len({login["password"] for login in logins}) == 4  # random, one each
    assert (count(Event), count(Room), count(Track), count(EventSession), count(User)) == (1, 9, 5, 60, 4)
    # A checkpoint for each of the four days and each session that is programme (not a break or the desk).
    assert count(Checkpoint) == 4 + 49
    assert db.session.scalar(select(func.count()).select_from(session_facilitators)) == 97

    event = db.session.scalar(select(Event))
    assert (event.starts_on, event.ends_on) == (date(2015, 5, 18), date(2015, 5, 21))
    assert event.timezone == "Asia/Makassar"
    assert event.certificate_serial_prefix == "PLM15" and len(event.signatories) == 2
    andi = db.session.scalar(select(Participant).where(Participant.email == "bessetasabbi71@mail.example"))
    assert andi.name_on_badge == "Andi Besse" and andi.province == "Sulawesi Selatan" and andi.source == "demo"
    assert andi.institution == "Perpustakaan Desa Kanreapi, Kab. Sidenreng Rappang"

    sessions = db.session.scalars(select(EventSession).order_by(EventSession.starts_at, EventSession.title)).all()
    # The seeded draw of facilitators, pinned from before the move (the same on SQLite and PostgreSQL).
    leads = [(s.title, s.starts_at.isoformat(), sorted(p.email for p in s.facilitators)) for s in sessions]
    digest = hashlib.sha256(json.dumps(leads, ensure_ascii=False).encode("utf-8")).hexdigest()
    assert digest == "07600221c8e331d91041d89b6ea51439f32754d5765b76c3511ecc919ce91080"
    leader = db.session.scalar(select(Participant).where(Participant.email == "fasilitator@plm.example"))
    assert leader.role == "facilitator" and any(leader in s.facilitators for s in sessions)
    conflict = [s for s in sessions if s.title in DEMO_CONFLICT_TITLES]
    assert len(conflict) == 2 and conflict[0].room_id == conflict[1].room_id
    assert conflict[1].starts_at < conflict[0].ends_at


def test_demo_has_rates_travel_and_with_attendance_a_few_paid_receipts(app):
    """Issue 18: the payment list, the desk, the receipts and the pick-up lists have something to show."""
    from plm.allowances import service as allowances
    from plm.allowances.models import Allowance
    from plm.checkin.commands import simulate_attendance
    from plm.demo.allowances import simulate_payments
    from plm.travel import service as travel

    load_demo(db.session, date(2015, 5, 18))
    db.session.commit()
    event = db.session.scalar(select(Event))
    assert allowances.settings_for(db.session, event).daily_amount == 350_000
    assert allowances.lines(db.session, event, status="to_pay") == []  # nobody came yet: nobody is owed
    arrivals = travel.pickup_days(db.session, event, "arrival")
    assert len(arrivals) == 1 and arrivals[0].day == date(2015, 5, 17) and arrivals[0].count > 150
    assert {g.point for g in arrivals[0].groups} >= {"Bandara I Gusti Ngurah Rai", "Pelabuhan Padangbai", "Terminal Mengwi"}

    simulate_attendance(db.session, event)
    assert simulate_payments(db.session, event) == 8
    db.session.commit()
    paid = db.session.scalars(select(Allowance).where(Allowance.status == "paid").order_by(Allowance.serial)).all()
    assert len(paid) == 8 and paid[0].serial.startswith("KW-0001-")
    assert sum(1 for a in paid if a.signature_svg) == 6 and sum(1 for a in paid if a.method == "transfer") == 2
    assert all(a.paid_figures["days"] > 0 and a.paid_figures["transport"] > 0 for a in paid)
    groups, total = allowances.grouped(allowances.lines(db.session, event), "province")
    assert total.paid == 8 and total.people > 300 and len(groups) == 16
