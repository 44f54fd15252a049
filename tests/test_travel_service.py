"""Travel: pick-up groups by day, point and time window (edges exactly at the window), the deadline for
participants, late changes after an export, the import (all or nothing), the WhatsApp text."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from plm.extensions import db
from plm.models import AuditLog
from plm.travel import service
from plm.travel.models import TravelPlan
from tests.helpers import add_participant

AIRPORT = "Bandara I Gusti Ngurah Rai"
HARBOUR = "Pelabuhan Benoa"


def _at(event, day: int, hhmm: str) -> datetime:
    h, m = map(int, hhmm.split(":"))
    local = datetime.combine(event.starts_on + timedelta(days=day), datetime.min.time()).replace(
        hour=h, minute=m, tzinfo=ZoneInfo(event.timezone))
    return local.astimezone(ZoneInfo("UTC"))


def _arrive(event, name, hhmm, point=AIRPORT, day=-1, mode="plane", **kw):
    person = add_participant(event, name, phone=kw.pop("phone", "+6281234567"), province=kw.pop("province", "Bali"))
    service.save_plan(db.session, event, person, service.PlanInput(
        mode=mode, arrival_at=_at(event, day, hhmm), arrival_carrier="Garuda", arrival_number="GA 404",
        arrival_point=point, departure_at=_at(event, 4, "10:00"), departure_point=AIRPORT), by="staff", **kw)
    db.session.commit()
    return person


def _shape(days):
    return [(d.day, [(g.point, g.start, g.end, [r.name for r in g.riders]) for g in d.groups]) for d in days]


def test_groups_by_day_point_and_window_edges(event):
    _arrive(event, "A", "09:00")
    _arrive(event, "B", "09:59")  # 59 minutes after the group's first: same group
    _arrive(event, "C", "10:00")  # exactly 60 minutes: a new group
    _arrive(event, "D", "10:30")
    _arrive(event, "E", "09:30", point=HARBOUR)
    _arrive(event, "F", "23:59")
    _arrive(event, "G", "00:10", day=0)  # after midnight: the next day
    _arrive(event, "H", "09:10", mode="own")  # own transport: nobody to pick up
    days = service.pickup_days(db.session, event, "arrival", 60)
    eve, first = event.starts_on - timedelta(days=1), event.starts_on
    assert _shape(days) == [
        (eve, [(AIRPORT, "09:00", "09:59", ["A", "B"]), (AIRPORT, "10:00", "10:30", ["C", "D"]),
               (AIRPORT, "23:59", "23:59", ["F"]), (HARBOUR, "09:30", "09:30", ["E"])]),
        (first, [(AIRPORT, "00:10", "00:10", ["G"])])]
    # A 90-minute window takes C into the first group, D (90 minutes) starts the next.
    assert _shape(service.pickup_days(db.session, event, "arrival", 90))[0][1][:2] == [
        (AIRPORT, "09:00", "10:00", ["A", "B", "C"]), (AIRPORT, "10:30", "10:30", ["D"])]
    departures = service.pickup_days(db.session, event, "departure", 60)
    assert [len(g.riders) for d in departures for g in d.groups] == [7]


def test_deadline_and_checks(event, make_user):
    admin = make_user("admin")
    person = add_participant(event, "Ayu")
    service.save_settings(db.session, event, admin, deadline=_at(event, -7, "17:00"), window_minutes=60)
    db.session.commit()
    data = service.PlanInput(arrival_at=_at(event, -1, "09:00"), arrival_point=AIRPORT)
    before, after = _at(event, -8, "12:00"), _at(event, -7, "17:00")
    service.save_plan(db.session, event, person, data, by="participant", now=before)
    with pytest.raises(service.TravelError) as error:
        service.save_plan(db.session, event, person, data, by="participant", now=after)
    assert error.value.code == "deadline_passed"
    service.save_plan(db.session, event, person, data, by="staff", user=admin, now=after)  # staff may
    for bad, code in ((service.PlanInput(arrival_at=_at(event, -40, "09:00")), "date_out_of_range"),
                      (service.PlanInput(arrival_at=_at(event, 0, "09:00"), departure_at=_at(event, 0, "08:00")),
                       "departure_before_arrival"),
                      (service.PlanInput(mode="rocket"), "bad_mode")):
        with pytest.raises(service.TravelError) as error:
            service.save_plan(db.session, event, person, bad, by="staff", user=admin, now=before)
        assert error.value.code == code
    with pytest.raises(service.TravelError):
        service.save_settings(db.session, event, admin, deadline=None, window_minutes=5)


def test_changes_after_an_export_are_marked_late(event, make_user):
    admin = make_user("admin")
    a = _arrive(event, "Ayu", "09:00", user=admin)
    _arrive(event, "Budi", "09:20", user=admin)
    service.mark_exported(db.session, event, "arrival", admin, "pdf")
    db.session.commit()
    plan = db.session.scalar(select(TravelPlan).where(TravelPlan.participant_id == a.id))
    service.save_plan(db.session, event, a, service.PlanInput(arrival_at=_at(event, -1, "09:40"), arrival_point=AIRPORT),
                      by="participant", now=plan.updated_at + timedelta(hours=1))
    db.session.commit()
    riders = {r.name: r.late for d in service.pickup_days(db.session, event, "arrival") for g in d.groups for r in g.riders}
    assert riders == {"Ayu": True, "Budi": False}
    text = service.whatsapp_text(event, service.pickup_days(db.session, event, "arrival"), "arrival")
    assert "*KEDATANGAN – PLM Test*" in text and "09:40 Ayu (Bali) Garuda" not in text
    assert "- 09:20 Budi (Bali) Garuda GA 404 +6281234567\n" in text and "- 09:40 Ayu (Bali) +6281234567 ⚠️BARU\n" in text
    assert "_Jemput di Bandara I Gusti Ngurah Rai, 09:20–09:40 (2 orang)_" in text
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "travel.export")) is not None


def test_import_is_all_or_nothing(event, make_user):
    admin = make_user("admin")
    a = add_participant(event, "Ayu", email="ayu@x.example")
    b = add_participant(event, "Budi")
    day = (event.starts_on - timedelta(days=1)).isoformat()
    header = ["email", "public_id", "mode", "arrival", "arrival_carrier", "arrival_number", "arrival_point"]
    good = [header, ["AYU@x.example", "", "plane", f"{day} 09:15", "Lion Air", "jt 30", AIRPORT],
            ["", b.public_id, "ship", f"{day} 14:00", "Pelni", "", HARBOUR]]
    assert service.import_rows(db.session, event, good, admin) == 2
    db.session.commit()
    plan = db.session.scalar(select(TravelPlan).where(TravelPlan.participant_id == a.id))
    assert plan.arrival_number == "JT 30" and plan.arrival_at == _at(event, -1, "09:15") and plan.updated_by == "import"
    bad = good + [["nobody@x.example", "", "plane", f"{day} 09:00", "", "", AIRPORT]]
    with pytest.raises(service.TravelError) as error:
        service.import_rows(db.session, event, bad, admin)
    assert (error.value.code, error.value.detail) == ("import_unknown_person", {"row": 4})
    db.session.rollback()
    with pytest.raises(service.TravelError) as error:
        service.import_rows(db.session, event, [header, ["ayu@x.example", "", "plane", "besok pagi", "", "", ""]], admin)
    assert (error.value.code, error.value.detail) == ("import_bad_time", {"row": 2})
