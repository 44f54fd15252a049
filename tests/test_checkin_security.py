"""Door check-in security (issues 12 and 13, server side): verified codes only from scans, re-issue refuses
every form of the old code, odd codes are `invalid` never a 500, tokens only for the JSON API and CSRF for
every cookie session, client_uuid answers scoped to event and caller, scanned_at bounds, the chunked body
limit, the wrong-day rule with its staff correction, and undo by id within the event only."""

from __future__ import annotations

import io
import uuid
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from plm.admin.service import ensure_day_checkpoints
from plm.extensions import db
from plm.models import AuditLog, CheckIn, Checkpoint, Event, EventSession, Participant, ScanLog, utcnow
from plm.tickets import participant_code
from tests.conftest import STAFF_PASSWORD, csrf_token_from
from tests.helpers import SECRET, add_participant, day_checkpoint, scan


@pytest.fixture
def door(client, login, event):
    return login("organizer")


def _checkins() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(CheckIn.id)))


# ---- 2. a bare public id checks a person in only as a staff entry; re-issue refuses every old form ----

def test_a_bare_public_id_is_invalid_from_a_camera_and_a_manual_entry_from_staff(client, door, event):
    p = add_participant(event)
    cp = day_checkpoint(event)
    code = participant_code(SECRET, p)
    for source in (None, "qr", "offline-sync"):
        extra = {"source": source} if source else {}
        for text in (p.public_id, code.rsplit(":", 1)[0], code.rsplit(":", 1)[0] + ":"):
            body = scan(client, event, text, cp, **extra).get_json()
            assert body["result"] == "invalid" and body["participant"] is None, (source, text)
    assert scan(client, event, p.public_id, cp).get_json()["reason"] == "public_id_needs_manual"
    assert _checkins() == 0
    typed = scan(client, event, p.public_id.lower(), cp, source="manual")
    assert typed.status_code == 201 and typed.get_json()["result"] == "ok"
    row = db.session.scalar(select(CheckIn))
    assert row.source == "manual" and row.user_id == door.id
    assert db.session.scalar(select(ScanLog.scanned).where(ScanLog.result == "ok")) == p.public_id.lower()
    # Back from the walk-in form the door checks the new participant in by id: a staff entry too.
    other = add_participant(event, "Walk In")
    assert scan(client, event, other.public_id, cp, source="walk-in").get_json()["result"] == "ok"


def test_a_reissued_ticket_refuses_every_form_of_its_old_code(client, door, event):
    p = add_participant(event)
    cp = day_checkpoint(event)
    old_code, old_id = participant_code(SECRET, p), p.public_id
    assert client.post(f"/staff/events/{event.slug}/participants/{old_id}/reissue").status_code == 302
    db.session.expire_all()
    p = db.session.get(Participant, p.id)
    assert p.public_id != old_id  # the ticket number printed under the QR changes with the code
    for text, source in ((old_code, "qr"), (old_code, "manual"), (old_id, "manual"), (old_id, "walk-in"),
                         (old_code.rsplit(":", 1)[0], "manual"), (old_id, "qr")):
        result = scan(client, event, text, cp, source=source).get_json()["result"]
        assert result in ("invalid", "unknown"), (text, source)
    assert _checkins() == 0
    assert db.session.scalar(select(AuditLog.detail).where(AuditLog.action == "participant.reissue_ticket")) == {
        "old_public_id": old_id, "public_id": p.public_id}
    assert scan(client, event, participant_code(SECRET, p), cp).get_json()["result"] == "ok"


def test_reissuing_every_ticket_of_the_event_refuses_old_codes_and_numbers(client, login, event):
    from plm.registration.service import rotate_event_ticket_key

    admin = login("admin")
    people = [add_participant(event, f"Peserta {i}") for i in range(3)]
    cp = day_checkpoint(event)
    old = [(participant_code(SECRET, p), p.public_id) for p in people]
    rotate_event_ticket_key(db.session, event, admin)
    db.session.commit()
    for code, public_id in old:
        assert scan(client, event, code, cp).get_json()["result"] in ("invalid", "unknown")
        assert scan(client, event, public_id, cp, source="manual").get_json()["result"] == "unknown"
    db.session.expire_all()
    fresh = [participant_code(SECRET, db.session.get(Participant, p.id)) for p in people]
    assert [scan(client, event, code, cp).get_json()["result"] for code in fresh] == ["ok"] * 3


# ---- 3. one odd QR never takes a door offline: malformed codes are `invalid`, never a 500 ----

@pytest.mark.parametrize("text", [
    "PLM1:PLM-2015:E3YUAW2LAU:CQGBG4QNBHR\u0410R",  # the Cyrillic A of the issue
    "PLM1:PLM-TEST:E3YUAW2LAU:CQGBG4QNBHR\u0410R",
    "PLM1:PLM-TEST:E3YUAW2LAU:\U0001f642\U0001f642\U0001f642\U0001f642\U0001f642\U0001f642\U0001f642",
    "PLM1:PLM-TEST:E3YUAW2LAU:CQGBG4QNBH\u00dfR",  # ß upper-cases to SS: one character longer
    "PLM1:PLM-TEST:E3YU\u0410W2LAU:CQGBG4QNBHRAR", "PLM1:PLM-TEST:\uff25\uff13YUAW2LAU:CQGBG4QNBHRAR",
    "PLM1:PL\u041c-TEST:E3YUAW2LAU:CQGBG4QNBHRAR", "PLM1:PLM-TEST:E3YUAW2LAU:CQGBG4QNBHRA1",
])
def test_a_malformed_code_is_invalid_not_a_500(client, door, event, text):
    response = scan(client, event, text, day_checkpoint(event))
    assert response.status_code == 200 and response.get_json()["result"] == "invalid"


def test_arbitrary_unicode_codes_never_give_a_5xx(client, door, event):
    cp = day_checkpoint(event)
    p = add_participant(event)
    code = participant_code(SECRET, p)
    prefix = f"PLM1:{event.slug.upper()}:"
    chars = st.characters(exclude_categories=("Cs",))
    codes = st.one_of(
        st.text(chars, min_size=1, max_size=60),
        st.builds(lambda mac: prefix + p.public_id + ":" + mac, st.text(chars, min_size=1, max_size=20)),
        st.builds(lambda i, c: code[:i] + c + code[i + 1:], st.integers(0, len(code) - 1), chars),
        st.builds(lambda pid: prefix + pid + ":" + code.rsplit(":", 1)[1], st.text(chars, min_size=1, max_size=16)),
    )

    @settings(max_examples=300, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(text=codes, source=st.sampled_from(["qr", "manual", "offline-sync", "walk-in"]))
    def run(text, source):
        response = client.post(f"/api/v1/events/{event.slug}/checkins",
                               json={"code": text, "checkpoint": cp.id, "source": source})
        assert response.status_code < 500 and response.is_json, (text, response.status_code)
        if response.status_code in (200, 201):
            assert response.get_json()["result"] in ("ok", "already", "invalid", "unknown", "wrong_event")

    run()


# ---- 9. tokens authenticate only /api/v1; CSRF is skipped only when a token logged the request in ----

@pytest.fixture
def strict(make_app, event):
    """An app with CSRF on, an organizer, their door token and a participant."""
    from plm.auth.service import create_api_token, create_user

    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        user = create_user(db.session, "pintu-h2@test.example", "organizer", STAFF_PASSWORD)
        token = create_api_token(db.session, user, "Pintu 1")
        db.session.commit()
        person = add_participant(event)
        yield app, user, token, person


def _cookie_login(client, email):
    page = client.get("/staff/login").get_data(as_text=True)
    assert client.post("/staff/login", data={"email": email, "password": STAFF_PASSWORD,
                                             "csrf_token": csrf_token_from(page)}).status_code == 302


def test_a_bearer_token_does_not_log_in_to_staff_pages_or_forms(strict, event):
    app, user, token, person = strict
    bearer = {"Authorization": f"Bearer {token}"}
    client = app.test_client()
    secret = person.ticket_secret
    form = client.post(f"/staff/events/{event.slug}/participants/{person.public_id}/reissue", headers=bearer)
    assert form.status_code in (302, 400) and "/staff/login" in form.headers.get("Location", "/staff/login")
    page = client.get(f"/staff/events/{event.slug}/door", headers=bearer)
    assert page.status_code == 302 and "/staff/login" in page.headers["Location"]
    db.session.expire_all()
    assert db.session.get(Participant, person.id).ticket_secret == secret
    me = client.get("/api/v1/me", headers=bearer)
    assert me.status_code == 200 and "Set-Cookie" not in me.headers  # a token call never starts a cookie session


def test_an_authorization_header_does_not_switch_csrf_off_for_a_cookie_session(strict, event, make_user):
    from plm.auth.service import create_api_token

    app, user, token, person = strict
    client = app.test_client()
    _cookie_login(client, user.email)
    url = f"/api/v1/events/{event.slug}/checkins"
    body = {"code": participant_code(SECRET, person), "checkpoint": day_checkpoint(event).id}
    other = create_api_token(db.session, make_user("organizer", "lain-h2@test.example"), "lain")
    db.session.commit()
    for header in ("Bearer plm_forged", f"Bearer {token}", f"Bearer {other}", "Basic eDp5", "Bearer "):
        refused = client.post(url, json=body, headers={"Authorization": header})
        assert refused.status_code == 400 and refused.get_json()["error"] == "csrf_failed", header
    assert _checkins() == 0
    # The same token without the cookie: the token logged it in, no CSRF needed.
    assert app.test_client().post(url, json=body, headers={"Authorization": f"Bearer {token}"}).status_code == 201


def test_an_anonymous_json_api_call_answers_401_json_even_with_csrf_on(strict, event):
    app, user, token, person = strict
    client = app.test_client()
    for method, path in (("POST", "checkins"), ("DELETE", "checkins/1"), ("GET", "stats")):
        response = client.open(f"/api/v1/events/{event.slug}/{path}", method=method, json={"code": "x", "checkpoint": 1})
        assert response.status_code == 401 and response.get_json()["error"] == "unauthorized", path


# ---- low items: client_uuid scope, scanned_at bounds, chunked bodies, undo by id ----

def test_a_client_uuid_answers_only_in_its_event_and_to_its_caller(app, client, door, event, make_user):
    from plm.auth.service import create_api_token

    other = Event(slug="plm-lain", name="Lain", starts_on=event.starts_on, ends_on=event.ends_on)
    db.session.add(other)
    db.session.flush()
    ensure_day_checkpoints(db.session, other)
    db.session.commit()
    uid = str(uuid.uuid4())
    p, q = add_participant(event, "Ayu"), add_participant(other, "Budi")
    first = scan(client, event, participant_code(SECRET, p), day_checkpoint(event), client_uuid=uid).get_json()
    assert first["result"] == "ok"
    # The same uuid at another event: judged afresh, the first event's answer (Ayu) never comes back.
    there = scan(client, other, participant_code(SECRET, q), day_checkpoint(other), client_uuid=uid)
    assert there.status_code == 201 and there.get_json()["participant"]["name"] == "Budi"
    assert "replayed" not in there.get_json()
    # Another account replaying it in the first event gets a conflict, not Ayu's answer.
    token = create_api_token(db.session, make_user("organizer", "lain-h2@test.example"), "lain")
    db.session.commit()
    stolen = app.test_client().post(f"/api/v1/events/{event.slug}/checkins", headers={"Authorization": f"Bearer {token}"},
                         json={"code": "x", "checkpoint": day_checkpoint(event).id, "client_uuid": uid})
    assert stolen.status_code == 409 and stolen.get_json() == {
        "error": "client_uuid_conflict", "message": "this client_uuid was used by another account", "field": "client_uuid"}
    retry = scan(client, event, participant_code(SECRET, p), day_checkpoint(event), client_uuid=uid).get_json()
    assert retry["replayed"] and retry["checkin_id"] == first["checkin_id"]
    assert _checkins() == 2


def test_scanned_at_is_not_before_registration_opened_nor_in_the_future(client, door, event):
    p = add_participant(event)
    cp = day_checkpoint(event)
    now = utcnow()
    event.registration_opens_at = now - timedelta(days=2)
    db.session.commit()
    for at in (now - timedelta(days=3), now - timedelta(days=400), now + timedelta(minutes=30)):
        response = scan(client, event, participant_code(SECRET, p), cp, scanned_at=at.isoformat())
        assert response.status_code == 422 and response.get_json()["field"] == "scanned_at", at
    assert _checkins() == 0
    assert scan(client, event, participant_code(SECRET, p), cp,
                scanned_at=(now - timedelta(days=1)).isoformat()).status_code == 201


class CountingStream(io.BytesIO):
    def __init__(self, data: bytes):
        super().__init__(data)
        self.taken = 0

    def read(self, size=-1):
        chunk = super().read(size)
        self.taken += len(chunk)
        return chunk

    def readline(self, size=-1):
        chunk = super().readline(size)
        self.taken += len(chunk)
        return chunk


def test_a_chunked_body_obeys_the_limit(client, door, event):
    import json

    cp = day_checkpoint(event)
    big = json.dumps({"code": "x", "checkpoint": cp.id, "device": "d" * 500_000}).encode()
    stream = CountingStream(big)
    response = client.post(f"/api/v1/events/{event.slug}/checkins", input_stream=stream,
                           headers={"Content-Type": "application/json", "Transfer-Encoding": "chunked"},
                           environ_overrides={"wsgi.input_terminated": True})
    assert response.status_code == 413 and response.get_json()["error"] == "too_large"
    assert stream.taken <= 64 * 1024  # read a little past the limit at most, never the whole body
    small = json.dumps({"code": participant_code(SECRET, add_participant(event)), "checkpoint": cp.id}).encode()
    ok = client.post(f"/api/v1/events/{event.slug}/checkins", input_stream=io.BytesIO(small),
                     headers={"Content-Type": "application/json", "Transfer-Encoding": "chunked"},
                     environ_overrides={"wsgi.input_terminated": True})
    assert ok.status_code == 201
    nested = client.post(f"/api/v1/events/{event.slug}/checkins", data="[" * 5000, content_type="application/json")
    assert nested.status_code == 400 and nested.get_json()["error"] == "not_json"


def test_undo_is_by_id_within_the_event_only(client, login, event):
    login("admin")
    other = Event(slug="plm-lain", name="Lain", starts_on=event.starts_on, ends_on=event.ends_on)
    db.session.add(other)
    db.session.flush()
    ensure_day_checkpoints(db.session, other)
    db.session.commit()
    theirs = scan(client, other, participant_code(SECRET, add_participant(other)), day_checkpoint(other)).get_json()
    response = client.delete(f"/api/v1/events/{event.slug}/checkins/{theirs['checkin_id']}")
    assert response.status_code == 404 and response.get_json()["error"] == "not_found"
    assert _checkins() == 1
    assert client.delete(f"/api/v1/events/{other.slug}/checkins/{theirs['checkin_id']}").status_code == 200
    assert _checkins() == 0


# ---- issue 13: the wrong-day rule and the staff correction ----

@pytest.fixture
def day_rule(frozen_time, make_app, event):
    """An app with the day rule on (3 hours' margin), logged in as an organizer; the event's first door
    checkpoint moved to today (in the event's timezone), its others stay four weeks ahead."""
    from plm.auth.service import create_user

    app = make_app(CHECKIN_DAY_MARGIN_HOURS=3)
    with app.app_context():
        create_user(db.session, "pintu-day@test.example", "organizer", STAFF_PASSWORD)
        tz = ZoneInfo(event.timezone)
        today = utcnow().astimezone(tz).date()
        first = db.session.get(Checkpoint, day_checkpoint(event).id)
        first.day = today
        db.session.get(Event, event.id).registration_opens_at = utcnow() - timedelta(days=30)
        db.session.commit()
        client = app.test_client()
        assert client.post("/staff/login", data={"email": "pintu-day@test.example",
                                                 "password": STAFF_PASSWORD}).status_code == 302
        yield client, first, datetime.combine(today, time(0), tz)


def test_a_scan_outside_the_checkpoints_day_is_wrong_day(day_rule, event):
    client, today_cp, midnight = day_rule
    later_cp = day_checkpoint(event, 1)
    p = add_participant(event)
    code = participant_code(SECRET, p)
    wrong = scan(client, event, code, later_cp)
    assert wrong.status_code == 200
    body = wrong.get_json()
    assert body["result"] == "wrong_day" and body["day"] == later_cp.day.isoformat()
    assert body["participant"]["id"] == p.public_id and body["checkin_id"] is None
    assert body["message"]
    assert _checkins() == 0
    assert db.session.scalar(select(ScanLog.result).order_by(ScanLog.id.desc())) == "wrong_day"
    # Within the margin before the day began: accepted; beyond it: wrong_day.
    early = scan(client, event, code, today_cp, scanned_at=(midnight - timedelta(hours=4)).isoformat()).get_json()
    assert early["result"] == "wrong_day"
    ok = scan(client, event, code, today_cp, scanned_at=(midnight - timedelta(hours=2)).isoformat())
    assert ok.status_code == 201 and "correction" not in ok.get_json()
    # Already checked in today, then scanned at tomorrow's door: still wrong_day, not a misleading "already".
    assert scan(client, event, code, later_cp).get_json()["result"] == "wrong_day"


def test_a_staff_correction_records_a_wrong_day_scan_and_says_so(day_rule, event):
    client, today_cp, midnight = day_rule
    later_cp = day_checkpoint(event, 2)
    p = add_participant(event)
    corrected = scan(client, event, participant_code(SECRET, p), later_cp, correction=True)
    assert corrected.status_code == 201
    body = corrected.get_json()
    assert body["result"] == "ok" and body["correction"] is True
    row = db.session.scalar(select(CheckIn))
    assert row.correction is True and row.checkpoint_id == later_cp.id
    log = db.session.scalar(select(AuditLog).where(AuditLog.action == "checkin.correction"))
    assert log.target_id == row.id and log.detail["participant"] == p.public_id
    # A correction flag on an in-day scan changes nothing: a plain check-in.
    q = add_participant(event, "Hari Ini")
    plain = scan(client, event, participant_code(SECRET, q), today_cp, correction=True).get_json()
    assert plain["result"] == "ok" and "correction" not in plain
    db.session.expire_all()
    assert db.session.scalar(select(CheckIn.correction).where(CheckIn.participant_id == q.id)) is False
    refused = scan(client, event, participant_code(SECRET, q), today_cp, correction="yes")
    assert refused.status_code == 422 and refused.get_json()["field"] == "correction"


def test_a_session_checkpoint_follows_its_sessions_day(day_rule, event):
    from plm.checkin.service import ensure_session_checkpoints

    client, today_cp, midnight = day_rule
    start = datetime.combine(event.starts_on, time(10), ZoneInfo(event.timezone))
    later = EventSession(event_id=event.id, title="Sesi nanti", kind="sharing", starts_at=start,
                         ends_at=start + timedelta(hours=1))
    now_session = EventSession(event_id=event.id, title="Sesi sekarang", kind="sharing", starts_at=midnight + timedelta(hours=10),
                               ends_at=midnight + timedelta(hours=11))
    db.session.add_all([later, now_session])
    db.session.flush()
    ensure_session_checkpoints(db.session, event)
    db.session.commit()
    cps = {c.session_id: c for c in db.session.scalars(select(Checkpoint).where(Checkpoint.kind == "session"))}
    p = add_participant(event)
    code = participant_code(SECRET, p)
    assert scan(client, event, code, cps[later.id]).get_json()["result"] == "wrong_day"
    assert scan(client, event, code, cps[later.id], correction=True).get_json()["correction"] is True
    assert scan(client, event, code, cps[now_session.id]).get_json()["result"] == "ok"


def test_the_day_rule_is_off_when_its_margin_is_null(client, door, event):
    # conftest sets CHECKIN_DAY_MARGIN_HOURS to None: the event four weeks ahead accepts a scan now.
    assert scan(client, event, participant_code(SECRET, add_participant(event)), day_checkpoint(event)).status_code == 201


@pytest.mark.nodb
def test_the_day_rule_is_on_by_default():
    from plm import config

    assert config.CHECKIN_DAY_MARGIN_HOURS == 3
