"""Check-in API: every result and error, idempotent retries, offline replays, undo window, search, snapshot, stats."""

from __future__ import annotations

import gzip
import json
import uuid
from datetime import UTC, timedelta

import pytest
from sqlalchemy import func, select

from plm.extensions import db
from plm.models import AuditLog, CheckIn, Event, EventSession, Participant, ScanLog, SessionSignup, utcnow
from plm.tickets import code_digest, participant_code
from tests.helpers import SECRET, add_participant, day_checkpoint, scan


def test_ok_then_already_with_time_and_door(client, door, event):
    p = add_participant(event)
    cp = day_checkpoint(event)
    code = participant_code(SECRET, p)
    first = scan(client, event, code, cp, device="Pintu 2")
    assert first.status_code == 201
    body = first.get_json()
    assert body["result"] == "ok"
    assert body["participant"] == {"id": p.public_id, "name": "Ni Luh Putu Ayu", "full_name": "Ni Luh Putu Ayu",
                                   "institution": "Perpustakaan Desa Ungasan", "province": "Bali",
                                   "role": "participant", "status": "registered"}
    assert body["by"] == "Pintu 2" and body["checked_in_at"].endswith("Z") and body["checkin_id"]
    second = scan(client, event, code.lower() + "\n", cp, device="Pintu 3")
    assert second.status_code == 200
    again = second.get_json()
    assert again["result"] == "already"
    assert again["by"] == "Pintu 2"
    assert again["checked_in_local"] == body["checked_in_local"]
    assert db.session.scalar(select(func.count(CheckIn.id))) == 1
    assert db.session.scalar(select(func.count(ScanLog.id))) == 2


def test_refused_results_are_logged(client, door, event, make_app):
    cp = day_checkpoint(event)
    p = add_participant(event)
    cancelled = add_participant(event, "Batal", status="cancelled")
    waiting = add_participant(event, "Tunggu", status="waitlisted")
    other = Event(slug="plm-lain", name="Lain", starts_on=event.starts_on, ends_on=event.ends_on)
    db.session.add(other)
    db.session.commit()
    stranger = add_participant(other, "Orang Lain")
    code = participant_code(SECRET, p)
    forged = code[:-1] + ("A" if code[-1] != "A" else "B")
    unknown = f"PLM1:{event.slug.upper()}:ZZZZZZZZZZ:{code.split(':')[-1]}"
    cases = [
        (forged, "invalid"), ("hello world", "invalid"), (unknown, "unknown"),
        (participant_code(SECRET, cancelled), "cancelled"), (participant_code(SECRET, stranger), "wrong_event"),
        (participant_code(SECRET, waiting), "invalid"), ("PLM1:NOPE:ABCDEFGHJK:ABCDEFGHJKLMN", "invalid"),
        ("QQQQQQQQQQ", "invalid"),  # a bare ticket number from a camera: only staff entries (manual) may send one
    ]
    for text, expected in cases:
        response = scan(client, event, text, cp)
        assert response.status_code == 200, text
        assert response.get_json()["result"] == expected, text
    wrong = scan(client, event, participant_code(SECRET, stranger), cp).get_json()
    assert wrong["participant"] == {"id": stranger.public_id, "name": "Orang Lain"}
    assert scan(client, event, participant_code(SECRET, waiting), cp).get_json()["reason"] == "waitlisted"
    assert scan(client, event, "QQQQQQQQQQ", cp, source="manual").get_json()["result"] == "unknown"
    assert db.session.scalar(select(func.count(CheckIn.id))) == 0
    logs = db.session.scalars(select(ScanLog).order_by(ScanLog.id)).all()
    assert [log.result for log in logs[:len(cases)]] == [expected for _, expected in cases]
    assert logs[0].scanned == forged and logs[0].user_id == door.id


def test_manual_checkin_by_public_id(client, door, event):
    p = add_participant(event)
    cp = day_checkpoint(event)
    body = scan(client, event, p.public_id.lower(), cp, source="manual").get_json()
    assert body["result"] == "ok"
    checkin = db.session.scalar(select(CheckIn))
    assert checkin.source == "manual"
    assert scan(client, event, p.public_id, cp, source="manual").get_json()["result"] == "already"


def test_idempotent_retry_returns_first_answer(client, door, event):
    p = add_participant(event)
    cp = day_checkpoint(event)
    uid = str(uuid.uuid4())
    code = participant_code(SECRET, p)
    first = scan(client, event, code, cp, client_uuid=uid).get_json()
    retry = scan(client, event, code, cp, client_uuid=uid)
    assert retry.status_code == 200
    body = retry.get_json()
    assert body["result"] == "ok" and body["replayed"] is True
    assert body["checkin_id"] == first["checkin_id"]
    assert db.session.scalar(select(func.count(ScanLog.id))) == 1


def test_offline_replay_twice_gives_exactly_n_and_keeps_earliest(client, door, event):
    cp = day_checkpoint(event)
    people = [add_participant(event, f"Peserta {i}") for i in range(5)]
    start = utcnow() - timedelta(minutes=30)
    event.registration_opens_at = start - timedelta(days=1)  # scans may not predate it
    db.session.commit()
    queue = [{"code": participant_code(SECRET, p), "checkpoint": cp.id, "client_uuid": str(uuid.uuid4()),
              "scanned_at": (start + timedelta(minutes=i)).isoformat(), "source": "offline-sync", "device": "HP 1"}
             for i, p in enumerate(people)]
    for _ in range(2):
        for item in queue:
            assert client.post(f"/api/v1/events/{event.slug}/checkins", json=item).get_json()["result"] == "ok"
    assert db.session.scalar(select(func.count(CheckIn.id))) == len(people)
    # A second door recorded person 0 earlier while it was offline too: the earliest time wins.
    earlier = (start - timedelta(minutes=10)).isoformat().replace("+00:00", "Z")
    body = scan(client, event, queue[0]["code"], cp, scanned_at=earlier, device="HP 2").get_json()
    assert body["result"] == "already" and body["by"] == "HP 2"
    db.session.expire_all()
    row = db.session.scalar(select(CheckIn).where(CheckIn.participant_id == people[0].id))
    assert row.checked_in_at == start - timedelta(minutes=10)
    assert row.device == "HP 2"
    # A later replay never moves it forward.
    scan(client, event, queue[0]["code"], cp, scanned_at=start.isoformat(), device="HP 3")
    db.session.expire_all()
    assert db.session.scalar(select(CheckIn.checked_in_at).where(CheckIn.id == row.id)) == start - timedelta(minutes=10)


@pytest.mark.parametrize("payload,status,error", [
    ({"code": "", "checkpoint": "CP"}, 422, "invalid_field"),
    ({"code": "   ", "checkpoint": "CP"}, 422, "invalid_field"),
    ({"code": 123, "checkpoint": "CP"}, 422, "invalid_field"),
    ({"code": "x" * 10_000, "checkpoint": "CP"}, 413, "too_large"),
    ({"code": "x" * 201, "checkpoint": "CP"}, 422, "invalid_field"),
    ({"code": "PLM1:A:B:C", "checkpoint": "abc"}, 422, "invalid_field"),
    ({"code": "PLM1:A:B:C", "checkpoint": None}, 422, "invalid_field"),
    ({"code": "PLM1:A:B:C", "checkpoint": True}, 422, "invalid_field"),
    ({"code": "PLM1:A:B:C", "checkpoint": 999999}, 422, "unknown_checkpoint"),
    ({"code": "PLM1:A:B:C", "checkpoint": "CP", "client_uuid": "short"}, 422, "invalid_field"),
    ({"code": "PLM1:A:B:C", "checkpoint": "CP", "client_uuid": ["x"]}, 422, "invalid_field"),
    ({"code": "PLM1:A:B:C", "checkpoint": "CP", "scanned_at": "yesterday"}, 422, "invalid_field"),
    ({"code": "PLM1:A:B:C", "checkpoint": "CP", "scanned_at": "2030-01-01T10:00:00"}, 422, "invalid_field"),
    ({"code": "PLM1:A:B:C", "checkpoint": "CP", "scanned_at": "2999-01-01T10:00:00Z"}, 422, "invalid_field"),
    ({"code": "PLM1:A:B:C", "checkpoint": "CP", "override": "yes"}, 422, "invalid_field"),
    ({"code": "PLM1:A:B:C", "checkpoint": "CP", "source": "magic"}, 422, "invalid_field"),
    ({"code": "PLM1:A:B:C", "checkpoint": "CP", "device": "d" * 61}, 422, "invalid_field"),
    ([1, 2], 400, "invalid_body"),
    ("just a string", 400, "invalid_body"),
])
def test_bad_bodies(client, door, event, payload, status, error):
    cp = day_checkpoint(event)
    if isinstance(payload, dict) and payload.get("checkpoint") == "CP":
        payload = dict(payload, checkpoint=cp.id)
    response = client.post(f"/api/v1/events/{event.slug}/checkins", json=payload)
    assert response.status_code == status
    assert response.get_json()["error"] == error
    assert response.get_json()["message"]
    assert db.session.scalar(select(func.count(CheckIn.id))) == 0


def test_not_json_and_unknown_event(client, door, event):
    response = client.post(f"/api/v1/events/{event.slug}/checkins", data=b"{not json", content_type="application/json")
    assert response.status_code == 400 and response.get_json()["error"] == "not_json"
    response = client.post(f"/api/v1/events/{event.slug}/checkins", data="\xff\xfe".encode("latin-1"))
    assert response.status_code == 400
    cp = day_checkpoint(event)
    response = client.post("/api/v1/events/nope/checkins", json={"code": "x", "checkpoint": cp.id})
    assert response.status_code == 404 and response.get_json()["error"] == "event_not_found"


def test_auth_required_and_roles(client, event, make_user, app):
    cp = day_checkpoint(event)
    response = client.post(f"/api/v1/events/{event.slug}/checkins", json={"code": "x", "checkpoint": cp.id})
    assert response.status_code == 401 and response.get_json()["error"] == "unauthorized"
    for path in ("participants?q=ab", "checkin-snapshot", "stats"):
        assert client.get(f"/api/v1/events/{event.slug}/{path}").status_code == 401


def test_bearer_token_skips_csrf(make_app, event, make_user):
    from plm.auth.service import create_api_token

    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        user = make_user("organizer", "pintu@test.example")
        token = create_api_token(db.session, user, "HP pintu")
        db.session.commit()
        p = add_participant(event)
        cp = day_checkpoint(event)
        code = participant_code(SECRET, p)
    client = app.test_client()
    response = client.post(f"/api/v1/events/{event.slug}/checkins", json={"code": code, "checkpoint": cp.id},
                           headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201 and response.get_json()["result"] == "ok"
    bad = client.post(f"/api/v1/events/{event.slug}/checkins", json={"code": code, "checkpoint": cp.id},
                      headers={"Authorization": "Bearer plm_wrong"})
    assert bad.status_code == 401


def test_a_token_records_its_last_use_on_scans_not_on_gets(client, event, make_user):
    """GET never writes: the door's snapshot and search with a token leave its "last used" alone; a scan
    records it (at most once a minute)."""
    from plm.auth.service import create_api_token
    from plm.models import ApiToken

    user = make_user("organizer", "pintu@test.example")
    token = create_api_token(db.session, user, "HP pintu")
    db.session.commit()
    p = add_participant(event)
    cp = day_checkpoint(event)
    code = participant_code(SECRET, p)
    headers = {"Authorization": f"Bearer {token}"}
    for path in ("checkin-snapshot", "participants?q=ab", "stats", "checkpoints"):
        assert client.get(f"/api/v1/events/{event.slug}/{path}", headers=headers).status_code == 200
    db.session.expire_all()
    assert db.session.scalar(select(ApiToken.last_used_at)) is None
    response = client.post(f"/api/v1/events/{event.slug}/checkins", json={"code": code, "checkpoint": cp.id},
                           headers=headers)
    assert response.status_code == 201
    db.session.expire_all()
    assert db.session.scalar(select(ApiToken.last_used_at)) is not None


def test_cookie_request_needs_csrf_header(make_app, event, make_user):
    from tests.conftest import STAFF_PASSWORD, csrf_token_from

    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        make_user("organizer", "pintu@test.example")
        p = add_participant(event)
        cp = day_checkpoint(event)
        code = participant_code(SECRET, p)
    client = app.test_client()
    token = csrf_token_from(client.get("/staff/login").get_data(as_text=True))
    client.post("/staff/login", data={"email": "pintu@test.example", "password": STAFF_PASSWORD, "csrf_token": token})
    body = {"code": code, "checkpoint": cp.id}
    refused = client.post(f"/api/v1/events/{event.slug}/checkins", json=body)
    assert refused.status_code == 400 and refused.get_json()["error"] == "csrf_failed"
    page = client.get(f"/staff/events/{event.slug}/door").get_data(as_text=True)
    import re
    header = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    ok = client.post(f"/api/v1/events/{event.slug}/checkins", json=body, headers={"X-CSRFToken": header})
    assert ok.status_code == 201


def test_session_checkpoint_signup_and_override(client, door, event):
    from datetime import datetime, time

    start = datetime.combine(event.starts_on, time(2), UTC)
    workshop = EventSession(event_id=event.id, title="Workshop literasi", kind="workshop", starts_at=start,
                            ends_at=start + timedelta(hours=2), capacity=20, signup_required=True)
    talk = EventSession(event_id=event.id, title="Berbagi", kind="sharing", starts_at=start,
                        ends_at=start + timedelta(hours=1))
    db.session.add_all([workshop, talk])
    db.session.flush()
    from plm.checkin.service import ensure_session_checkpoints

    ensure_session_checkpoints(db.session, event)  # what saving the schedule does
    db.session.commit()
    listing = client.get(f"/api/v1/events/{event.slug}/checkpoints").get_json()["checkpoints"]
    by_session = {c["session"]: c["id"] for c in listing if c["kind"] == "session"}
    assert set(by_session) == {workshop.id, talk.id}
    signed = add_participant(event, "Sudah Daftar")
    walker = add_participant(event, "Belum Daftar")
    db.session.add(SessionSignup(session_id=workshop.id, participant_id=signed.id))
    db.session.commit()
    ws = by_session[workshop.id]
    assert scan(client, event, participant_code(SECRET, signed), ws).get_json()["result"] == "ok"
    refused = scan(client, event, participant_code(SECRET, walker), ws).get_json()
    assert refused["result"] == "not_signed_up" and refused["participant"]["id"] == walker.public_id
    forced = scan(client, event, participant_code(SECRET, walker), ws, override=True).get_json()
    assert forced["result"] == "ok" and forced["override"] is True
    assert scan(client, event, participant_code(SECRET, walker), by_session[talk.id]).get_json()["result"] == "ok"
    assert db.session.scalar(select(func.count(CheckIn.id))) == 3


def test_undo_window_and_audit(frozen_time, client, door, event, make_user, app):
    p = add_participant(event)
    q = add_participant(event, "Kedua")
    cp = day_checkpoint(event)
    first = scan(client, event, participant_code(SECRET, p), cp).get_json()
    second = scan(client, event, participant_code(SECRET, q), cp).get_json()
    response = client.delete(f"/api/v1/events/{event.slug}/checkins/{first['checkin_id']}")
    assert response.status_code == 200
    assert db.session.get(CheckIn, first["checkin_id"]) is None
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "checkin.undo"))
    assert entry.user_id == door.id and entry.detail["participant"] == p.public_id
    assert scan(client, event, participant_code(SECRET, p), cp).get_json()["result"] == "ok"
    # Past 15 minutes the scanning staff may not undo...
    frozen_time.shift(timedelta(minutes=16))
    late = client.delete(f"/api/v1/events/{event.slug}/checkins/{second['checkin_id']}")
    assert late.status_code == 403 and late.get_json()["error"] == "undo_window_passed"
    # ...another organizer never...
    other_app_client = app.test_client()
    from tests.conftest import STAFF_PASSWORD
    make_user("organizer", "lain@test.example")
    other_app_client.post("/staff/login", data={"email": "lain@test.example", "password": STAFF_PASSWORD})
    third = scan(client, event, participant_code(SECRET, add_participant(event, "Ketiga")), cp).get_json()
    refused = other_app_client.delete(f"/api/v1/events/{event.slug}/checkins/{third['checkin_id']}")
    assert refused.status_code == 403 and refused.get_json()["error"] == "undo_not_allowed"
    # ...an admin always.
    make_user("admin", "admin2@test.example")
    other_app_client.post("/staff/logout")
    admin = app.test_client()
    admin.post("/staff/login", data={"email": "admin2@test.example", "password": STAFF_PASSWORD})
    assert admin.delete(f"/api/v1/events/{event.slug}/checkins/{second['checkin_id']}").status_code == 200
    assert admin.delete(f"/api/v1/events/{event.slug}/checkins/{second['checkin_id']}").status_code == 404
    assert db.session.scalar(select(func.count(AuditLog.id)).where(AuditLog.action == "checkin.undo")) == 2


def test_search_accent_and_case_insensitive(client, door, event):
    add_participant(event, "Désa Wulandari", institution="TBM Pelangi")
    add_participant(event, "I Gede Agus", institution="Perpustakaan Desa Tenganan")
    add_participant(event, "Made 100% Sari", institution="Dinas Perpustakaan")
    url = f"/api/v1/events/{event.slug}/participants"
    names = lambda q: sorted(r["name"] for r in client.get(url, query_string={"q": q}).get_json()["results"])
    assert names("desa") == ["Désa Wulandari", "I Gede Agus"]
    assert names("DÉSA wul") == ["Désa Wulandari"]
    assert names("pelangi") == ["Désa Wulandari"]
    assert names("100%") == ["Made 100% Sari"]
    assert names("%%") == []
    short = client.get(url, query_string={"q": "d"})
    assert short.status_code == 422 and short.get_json()["error"] == "query_too_short"
    assert client.get(url, query_string={"q": "x" * 101}).status_code == 422


def test_search_on_5000(client, door, event):
    """Correct answers on 5,000 rows; how fast they come is bench/search.py's job (no wall clock in tests)."""
    rows = [dict(event_id=event.id, full_name=f"Peserta Nomor {i} Wayan", email=f"p{i}@x.example",
                 email_normalized=f"p{i}@x.example", institution=f"Perpustakaan {i % 97}",
                 search_text=f"peserta nomor {i} wayan perpustakaan {i % 97}", public_id=f"P{i:09d}"[:10])
            for i in range(5000)]
    db.session.execute(Participant.__table__.insert(), rows)
    db.session.commit()
    url = f"/api/v1/events/{event.slug}/participants"
    for q in ("nomor 4321", "wayan", "perpustakaan 42", "zzz"):
        assert client.get(url, query_string={"q": q}).status_code == 200
    assert len(client.get(url, query_string={"q": "wayan"}).get_json()["results"]) == 20


def test_snapshot_compact_with_etag_and_digests(client, door, demo_event):
    cp = day_checkpoint(demo_event)
    url = f"/api/v1/events/{demo_event.slug}/checkin-snapshot?checkpoint={cp.id}"
    response = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200 and response.headers["Content-Encoding"] == "gzip"
    assert len(response.data) < 50_000
    data = json.loads(gzip.decompress(response.data))
    assert len(data["participants"]) == 349  # the demo's one pending delegate (no ticket yet) is not at the door
    p = db.session.scalar(select(Participant).where(
        Participant.event_id == demo_event.id, Participant.status == "registered").order_by(Participant.id).limit(1))
    entry = next(e for e in data["participants"] if e[0] == p.public_id)
    assert entry[5] == code_digest(participant_code(SECRET, p))
    assert "ticket_secret" not in response.data.decode("latin-1") and p.ticket_secret not in json.dumps(data)
    etag = response.headers["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    scan(client, demo_event, participant_code(SECRET, p), cp)
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    entry = next(e for e in changed.get_json()["participants"] if e[0] == p.public_id)
    assert entry[6]  # checked-in time shown offline


def test_stats(client, door, demo_event):
    cp = day_checkpoint(demo_event)
    people = db.session.scalars(select(Participant).where(
        Participant.event_id == demo_event.id, Participant.status == "registered").order_by(Participant.id).limit(7)).all()
    for p in people:
        scan(client, demo_event, participant_code(SECRET, p), cp)
    scan(client, demo_event, "not a ticket!", cp)
    data = client.get(f"/api/v1/events/{demo_event.slug}/stats").get_json()
    first = next(c for c in data["checkpoints"] if c["id"] == cp.id)
    assert first["checked_in"] == 7 and first["expected"] == data["registered"]
    assert first["percent"] == round(700 / data["registered"], 1)
    assert sum(a["count"] for a in data["arrivals"]) == 7
    assert sum(p["checked_in"] for p in data["provinces"]) == 7
    assert sum(t["checked_in"] for t in data["institution_types"]) == 7
    assert len(data["last_scans"]) == 8 and data["last_scans"][0]["result"] == "invalid"
    assert any(c["kind"] == "session" for c in data["checkpoints"])
