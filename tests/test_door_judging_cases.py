"""The door's judging rules, one table for both sides (issue 15, item 6).

tests/data/door_judging_cases.json is fed here through the server (record_scan and search_participants on a
real database) and in tests/js/door_judging.test.mjs through the door's offline judge
(static/js/door/judge.js), so the two cannot drift apart unnoticed.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete

from plm.checkin import service
from plm.extensions import db
from plm.models import (
    CheckIn,
    Checkpoint,
    Event,
    EventSession,
    Participant,
    SessionSignup,
)
from plm.tickets import participant_code
from tests.conftest import STAFF_PASSWORD

CASES_PATH = Path(__file__).parent / "data" / "door_judging_cases.json"
CASES = json.loads(CASES_PATH.read_text(encoding="utf-8"))


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text)  # Python 3.11 reads the Z


def _event(slug: str, **kw) -> Event:
    event = Event(slug=slug, name=slug.title(), venue="Hotel", city="Bali", capacity=100, **kw)
    db.session.add(event)
    db.session.flush()
    return event


def _participant(event: Event, row: dict) -> Participant:
    p = Participant(event_id=event.id, public_id=row["id"], full_name=row["full_name"],
                    name_on_badge=row.get("name_on_badge", ""), email=f"{row['id'].lower()}@x.example",
                    institution=row.get("institution", ""), province=row.get("province", ""),
                    status=row.get("status", "registered"), ticket_secret=row["ticket_secret"])
    db.session.add(p)
    return p


def build_world(cases: dict) -> tuple[Event, dict[str, Checkpoint], dict[str, Participant]]:
    """The table's event, participants, checkpoints, sign-ups and earlier check-ins, in the database."""
    spec = cases["event"]
    event = _event(spec["slug"], timezone=spec["timezone"], starts_on=date.fromisoformat(spec["starts_on"]),
                   ends_on=date.fromisoformat(spec["ends_on"]),
                   registration_opens_at=_when(spec["registration_opens_at"]))
    other = _event(cases["other_event"]["slug"], starts_on=event.starts_on, ends_on=event.ends_on)
    for row in cases["other_event"]["participants"]:
        _participant(other, row)
    people = {row["id"]: _participant(event, row) for row in cases["participants"]}
    db.session.flush()
    checkpoints = {}
    for name, cp in cases["checkpoints"].items():
        if cp["kind"] == "day":
            checkpoint = Checkpoint(event_id=event.id, kind="day", day=date.fromisoformat(cp["day"]), name=name)
        else:
            session = EventSession(event_id=event.id, title=name, starts_at=_when(cp["starts_at"]),
                                   ends_at=_when(cp["ends_at"]), signup_required=cp["signup_required"])
            db.session.add(session)
            db.session.flush()
            for pid in cp.get("signed_up", []):
                db.session.add(SessionSignup(session_id=session.id, participant_id=people[pid].id))
            checkpoint = Checkpoint(event_id=event.id, kind="session", session_id=session.id, name=name)
        db.session.add(checkpoint)
        db.session.flush()
        for pid, at in cp.get("checked_in", {}).items():
            db.session.add(CheckIn(participant_id=people[pid].id, checkpoint_id=checkpoint.id, checked_in_at=_when(at),
                                   device="Pintu 1", source="qr"))
        checkpoints[name] = checkpoint
    db.session.commit()
    return event, checkpoints, people


def server_snapshot(event: Event, checkpoint: Checkpoint) -> dict:
    """The snapshot as the door downloads it, without what changes from run to run."""
    data = service.snapshot(db.session, CASES["app_secret"], event, checkpoint)
    return {k: v for k, v in data.items() if k not in ("generated_at", "checkpoint")}


def judge_on_server(event: Event, checkpoints: dict[str, Checkpoint], case: dict, n: int) -> dict:
    scan = service.ScanRequest(
        code=case["code"], checkpoint_id=checkpoints[case["checkpoint"]].id, client_uuid=f"door-case-{n:04d}",
        scanned_at=_when(case.get("scanned_at", CASES["default_scanned_at"])), device="Pintu 2",
        source=case.get("source", "qr"), override=case.get("override", False),
        correction=case.get("correction", False))
    answer, _ = service.record_scan(db.session, CASES["app_secret"], event.slug, scan, None,
                                    day_margin=timedelta(hours=CASES["day_margin_hours"]))
    if answer["result"] == "ok":  # every case starts from the table's state
        db.session.execute(delete(CheckIn).where(CheckIn.id == answer["checkin_id"]))
        db.session.commit()
    return answer


def differences(case: dict, answer: dict) -> dict:
    """What the server answered unlike the table (empty when it agrees)."""
    got = {"result": answer["result"]}
    want = {"result": case["expect"]}
    for key in ("participant", "reason", "checked_in_local"):
        if key in case:
            want[key] = case[key]
            value = answer.get(key)
            got[key] = value["id"] if key == "participant" and value else value
    return {} if got == want else {"case": case["case"], "want": want, "got": got}


@pytest.fixture
def world(app):
    return build_world(CASES)


def test_the_tables_codes_and_snapshots_are_the_servers(world):
    event, checkpoints, people = world
    for row in CASES["participants"]:
        assert participant_code(CASES["app_secret"], people[row["id"]]) == row["code"], row["id"]
    for name, checkpoint in checkpoints.items():
        assert server_snapshot(event, checkpoint) == CASES["snapshots"][name], name


def test_every_judging_case_on_the_server(world):
    event, checkpoints, _ = world
    wrong = [d for n, case in enumerate(CASES["judging"]) if (d := differences(case, judge_on_server(event, checkpoints, case, n)))]
    assert wrong == []


def test_every_search_case_on_the_server(world):
    event, _, _ = world
    wrong = []
    for case in CASES["search"]:
        got = [r["id"] for r in service.search_participants(db.session, event, case["query"])]
        if got != case["expect"]:
            wrong.append({"query": case["query"], "want": case["expect"], "got": got})
    assert wrong == []


def test_the_table_covers_every_result_the_door_shows():
    results = {case["expect"] for case in CASES["judging"]}
    assert results == {r.value for r in service.Result}
    assert {case["checkpoint"] for case in CASES["judging"]} == set(CASES["checkpoints"])


def test_a_changed_expectation_is_caught(world):
    """The comparison is live: flip one expected result and the server disagrees."""
    event, checkpoints, _ = world
    case = dict(CASES["judging"][0], expect="already")
    assert differences(case, judge_on_server(event, checkpoints, case, 9999))["got"]["result"] == "ok"


def test_the_door_page_gives_the_offline_judge_the_servers_day_margin(make_app):
    from plm.auth.service import create_user

    app = make_app(CHECKIN_DAY_MARGIN_HOURS=5)
    with app.app_context():
        event, _, _ = build_world(CASES)
        slug = event.slug
        create_user(db.session, "door@test.example", "organizer", STAFF_PASSWORD)
        db.session.commit()
    staff = app.test_client()
    staff.post("/staff/login", data={"email": "door@test.example", "password": STAFF_PASSWORD})
    html = staff.get(f"/staff/events/{slug}/door").get_data(as_text=True)
    assert '"dayMarginHours": 5' in html
    assert 'type="module" src="/static/js/door/main.js' in html
