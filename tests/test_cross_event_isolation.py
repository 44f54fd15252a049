"""One event's URL never reaches another event's rows, tried as an attacker would: every route that names an
event and something else is asked with event A's slug and event B's values, as an admin, with every method
it takes. The routes come from app.url_map, so a new route is tried without editing this test.

Each answer must be a refusal (404, or 400/403/410/422 with a message), never a success or a 5xx; nothing in
the database may change; and no page may show B's data (B's names all carry MARK). Ids carried in query
strings, form bodies and the check-in API, and a facilitator on a session they do not lead, are tried below."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select

from plm import clock
from plm.extensions import db
from tests.conftest import STAFF_PASSWORD, load_demo_cached

SLUG_B = "plm-beta"
MARK = "Xyzzy"  # in every name of event B: a page of event A that shows it leaks B
# URL arguments that name nothing of an event (a file format, the n-th logo of the URL's own event).
NOT_EVENT_VALUES = {"fmt", "index"}
# Tables that change on any request (logins, tokens' last use) or that log refused attempts on purpose.
LOG_TABLES = {"users", "api_tokens", "login_throttle", "audit_log", "scan_log", "qr_masks"}
# Pages that have nothing to show for A's sample values either.
A_MISSING = {"attendance_api.get_signature": "the check-in has no signature",
             "allowances.transport_photo": "no receipt photo was uploaded (B's person is refused before the photo)"}
REFUSED = {400, 403, 404, 410, 422}
# Routes that cannot be tried here, with the reason.
SKIP: dict[str, str] = {}
# A body the route needs before it looks the row up (others look it up first and take an empty body).
BODIES = {"attendance_api.put_signature": {"json": {"width": 100, "height": 50, "strokes": [[[1, 1], [20, 20]]]}}}
# Files that take long to make: not fetched with A's own values (a 404 for B's is before any rendering).
RENDERED = re.compile(r"\.(pdf|xlsx|png)$")


def _mark_event_b(event) -> None:
    """Rename B's rows so that any of them on one of A's pages is seen."""
    from plm.delegations.models import Institution
    from plm.evaluations.models import Questionnaire
    from plm.lodging.models import Hotel
    from plm.models import EventSession, Participant, Room, Track

    for model, columns in ((Participant, ("full_name", "name_on_badge", "institution")),
                           (EventSession, ("title",)), (Room, ("name",)), (Track, ("name",)), (Hotel, ("name",)),
                           (Institution, ("name",)), (Questionnaire, ("title_id", "title_en"))):
        for row in db.session.scalars(select(model).where(model.event_id == event.id)):
            for column in columns:
                if getattr(row, column):
                    setattr(row, column, f"{MARK} {getattr(row, column)}")
    for person in db.session.scalars(select(Participant).where(Participant.event_id == event.id)):
        person.email = f"b.{person.email}"  # the demo draws the same people twice


def _values(event, user) -> dict:
    """A value for every URL argument, all of `event`'s rows (plm.i18n_audit.sample_values and a few more)."""
    from flask import current_app

    from plm.attendance.service import record_paper
    from plm.i18n_audit import sample_values
    from plm.models import CheckIn, Checkpoint, Participant
    from plm.schedule.service import feed_key
    from plm.vocabulary import ParticipantStatus

    secret = current_app.config["SECRET_KEY"]
    values = sample_values(db.session, event, user)
    person = db.session.scalar(select(Participant).where(Participant.public_id == values["public_id"]))
    others = db.session.scalars(select(Participant).where(
        Participant.event_id == event.id, Participant.status == ParticipantStatus.REGISTERED,
        Participant.id != person.id).order_by(Participant.id).limit(2)).all()
    day = db.session.get(Checkpoint, values["checkpoint_id"])
    batch = record_paper(db.session, secret, event, day, [p.public_id for p in others], user)
    values.update(
        participant_id=person.id, index=0, key=feed_key(secret, person),
        signed=URLSafeTimedSerializer(secret, salt="plm-email-change").dumps(
            {"p": person.public_id, "old": person.email_normalized, "new": "baru@test.example"}),
        batch_id=batch["batch"],
        checkin_id=db.session.scalar(select(CheckIn.id).where(CheckIn.participant_id == others[0].id)))
    db.session.commit()
    return values


@pytest.fixture
def two_events(app, make_user):
    """Two demo events of 30 people each: B (slug plm-beta, every name marked) and A (plm-2015)."""
    from plm.demo import load_demo
    from plm.models import Event

    first_day = clock.today() + timedelta(days=21)
    load_demo_cached(first_day, count=30)
    event_b = db.session.scalar(select(Event).where(Event.slug == "plm-2015"))
    event_b.slug, event_b.name = SLUG_B, f"{MARK} PLM"
    _mark_event_b(event_b)
    db.session.flush()
    load_demo(db.session, first_day, count=30)
    event_a = db.session.scalar(select(Event).where(Event.slug == "plm-2015"))
    admin = make_user("admin", "idor-admin@test.example")
    values_a = _values(event_a, admin)
    from plm.models import Certificate

    db.session.scalar(select(Certificate).where(Certificate.serial == values_a["serial"])).serial = "PLM-AUDIT-000A"
    values_a["serial"] = "PLM-AUDIT-000A"
    return {"a": values_a, "b": _values(event_b, admin), "event_a": event_a, "event_b": event_b}


def _fingerprint() -> dict[str, list]:
    """Every row of every table but the logs: what no refused request may change."""
    db.session.expire_all()
    found = {}
    for table in db.metadata.sorted_tables:
        if table.name not in LOG_TABLES:
            found[table.name] = sorted(map(tuple, db.session.execute(select(table)).all()), key=repr)
    db.session.rollback()
    return found


def _changed(before: dict, after: dict) -> list[str]:
    return [name for name in before if before[name] != after[name]]


def _url(rule, values: dict) -> str:
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: str(values[m.group(1)]), rule.rule)


def _variants(rule, a: dict, b: dict):
    """A's slug with all of B's values, then (for two or more) each of B's values alone among A's."""
    named = [name for name in rule.arguments if name != "slug" and name not in NOT_EVENT_VALUES]
    if not named:
        return
    base = {name: a[name] for name in rule.arguments}
    yield "all of B", {**base, **{name: b[name] for name in named}}
    if len(named) > 1:
        for name in named:
            yield f"B's {name}", {**base, name: b[name]}


def _event_rules(app):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "slug" in rule.arguments and len(rule.arguments) > 1 and rule.endpoint not in SKIP:
            yield rule


def _logged_in(app, email: str):
    client = app.test_client()
    assert client.post("/staff/login", data={"email": email, "password": STAFF_PASSWORD}).status_code == 302
    return client


def test_no_route_of_event_a_reaches_a_row_of_event_b(app, two_events):
    a, b = two_events["a"], two_events["b"]
    client = _logged_in(app, "idor-admin@test.example")
    before = _fingerprint()
    problems, tried = [], 0
    for rule in _event_rules(app):
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for label, values in _variants(rule, a, b):
                url = _url(rule, values)
                response = client.open(url, method=method, **BODIES.get(rule.endpoint, {}))
                tried += 1
                where = f"{method} {url} ({rule.endpoint}, {label}) -> {response.status_code}"
                if response.status_code not in REFUSED:
                    problems.append(where)
                elif MARK in response.get_data(as_text=True):
                    problems.append(f"{where} shows B's data")
                if method != "GET":
                    after = _fingerprint()
                    if changed := _changed(before, after):
                        problems.append(f"{where} changed {changed}")
                        before = after
    assert _changed(before, _fingerprint()) == []
    assert not problems, "\n".join(problems)
    assert tried > 100
    print(f"cross-event isolation: {tried} requests with event B's ids under event A's slug")
    # A's own pages, lists and exports (the slug only) show nothing of B either.
    shown = [rule.rule for rule in app.url_map.iter_rules() if rule.arguments == {"slug"} and "GET" in rule.methods
             and not RENDERED.search(rule.rule)
             and MARK in client.get(_url(rule, {"slug": a["slug"]})).get_data(as_text=True)]
    assert shown == []
    assert MARK in client.get(f"/staff/events/{b['slug']}/participants").get_data(as_text=True)  # it would be seen
    # The refusals are for B's values: A's own open (so a wrong A value cannot make the test pass).
    closed = [url for url in (_url(rule, a) for rule in _event_rules(app) if "GET" in rule.methods
                              and not RENDERED.search(rule.rule) and rule.endpoint not in A_MISSING)
              if client.get(url).status_code not in (200, 302)]
    assert closed == []


def _person(values: dict, nth: int = 0):
    """The sample participant of these values, or the nth registered one after them."""
    from plm.models import Participant

    person = db.session.scalar(select(Participant).where(Participant.public_id == values["public_id"]))
    return person if not nth else db.session.scalars(select(Participant).where(
        Participant.event_id == person.event_id, Participant.status == "registered", Participant.id > person.id)
        .order_by(Participant.id.desc())).all()[nth - 1]


def test_ids_in_queries_and_bodies_stay_in_their_event(app, two_events):
    """The ids a form, a query string or the check-in API carries: B's under A's slug change nothing and show
    nothing of B (an admin, with a cookie or an API token)."""
    from plm.auth.service import create_api_token, find_user
    from plm.models import Participant
    from plm.tickets import participant_code

    a, b = two_events["a"], two_events["b"]
    client = _logged_in(app, "idor-admin@test.example")
    secret = app.config["SECRET_KEY"]
    code_a, code_b = participant_code(secret, _person(a)), participant_code(secret, _person(b))
    api = {"Authorization": "Bearer " + create_api_token(db.session, find_user(db.session, "idor-admin@test.example"))}
    db.session.commit()
    staff, door = f"/staff/events/{a['slug']}", f"/api/v1/events/{a['slug']}"
    # A check-in at B's door whose client_uuid A's door then sends again (an offline replay's key).
    replayed = str(uuid.uuid4())
    assert client.post(f"/api/v1/events/{b['slug']}/checkins", headers=api, json={
        "code": participant_code(secret, _person(b, 1)), "checkpoint": b["checkpoint_id"],
        "client_uuid": replayed}).get_json()["result"] == "ok"
    day = (two_events["event_a"].starts_on).isoformat()
    session_form = {"title": "Sesi", "kind": "sharing", "day": day, "start": "10:00", "end": "11:00", "track_id": ""}
    leader_b = db.session.scalar(select(Participant.id).where(Participant.event_id == two_events["event_b"].id,
                                                              Participant.role == "facilitator"))
    pending = {key: db.session.scalar(select(Participant.public_id).where(
        Participant.event_id == two_events[f"event_{key}"].id, Participant.status == "pending")) for key in "ab"}
    before = _fingerprint()

    def checkin(code, checkpoint):
        return client.post(f"{door}/checkins", json={"code": code, "checkpoint": checkpoint}, headers=api)

    # B's ticket at A's door is named as another event's (the person shows it), never checked in.
    assert checkin(code_b, a["checkpoint_id"]).get_json()["result"] == "wrong_event"
    answer = checkin(code_a, b["checkpoint_id"])
    assert answer.status_code in REFUSED and answer.get_json()["error"] == "unknown_checkpoint"
    assert client.get(f"{door}/participants?q={MARK}", headers=api).get_json()["results"] == []
    for checkpoint, code in ((b["checkpoint_id"], code_b), (a["checkpoint_id"], "PLM1:X")):
        answer = client.post(f"{door}/checkins", headers=api,
                             json={"code": code, "checkpoint": checkpoint, "client_uuid": replayed})
        assert answer.status_code in (200, *REFUSED) and MARK not in answer.get_data(as_text=True), checkpoint
        assert answer.get_json().get("result") != "ok"
    cases = [
        ("GET", f"{door}/checkin-snapshot?checkpoint={b['checkpoint_id']}", {"headers": api}),
        ("GET", f"{door}/participants?q=a&checkpoint={b['checkpoint_id']}", {"headers": api}),
        ("GET", f"{staff}/door?checkpoint={b['checkpoint_id']}", {}),
        ("GET", f"{staff}/checkin?checkpoint={b['checkpoint_id']}", {}),
        ("GET", f"{staff}/walk-in?checkpoint={b['checkpoint_id']}", {}),
        ("GET", f"{staff}/certificates?session={b['session_id']}", {}),
        ("GET", f"/e/{a['slug']}/schedule?token={b['token']}", {}),
        ("GET", f"{staff}/attendance/sheet?checkpoint={b['checkpoint_id']}&format=xlsx", {}),
        ("POST", f"/e/{a['slug']}/q/{a['code']}/identify", {"data": {"ticket": code_b}}),
        ("POST", f"/e/{a['slug']}/resend-link", {"data": {"email": _person(b).email}}),
        ("POST", f"{staff}/attendance/paper/{a['checkpoint_id']}", {"data": {"ids": [b["public_id"]]}}),
        ("POST", f"{staff}/attendance/sessions/{a['session_id']}/mark", {"data": {"participant": b["public_id"]}}),
        ("POST", f"{staff}/lodging/assignments/move", {"data": {"person": b["public_id"], "room": a["hotel_room_id"]}}),
        ("POST", f"{staff}/lodging/assignments/move", {"data": {"person": a["public_id"], "room": b["hotel_room_id"]}}),
        ("POST", f"{staff}/lodging/assignments/swap", {"data": {"first": a["public_id"], "second": b["public_id"]}}),
        ("POST", f"{staff}/lodging/assignments/unassign", {"data": {"person": b["public_id"]}}),
        ("POST", f"{staff}/delegations/match/{a['public_id']}", {"data": {"institution_id": b["institution_id"]}}),
        ("POST", f"{staff}/approvals", {"data": {"ids": [pending["b"]], "approve": "y"}}),
        ("POST", f"{staff}/certificates/print", {"data": {"session_id": b["session_id"]}}),
        ("POST", f"{staff}/evaluations/new", {"data": {"kind": "evaluation", "scope": f"session:{b['session_id']}"}}),
        ("POST", f"{staff}/badges", {"data": {"ids": b["public_id"], "layout": "a6", "sort": "name"}}),
        ("POST", f"{staff}/schedule/sessions/{a['session_id']}/edit", {"data": {**session_form, "room_id": b["room_id"]}}),
        ("POST", f"{staff}/schedule/sessions/{a['session_id']}/edit", {"data": {**session_form, "room_id": a["room_id"],
                                                                                "facilitator_ids": [leader_b]}}),
        ("POST", f"{staff}/schedule/sessions/new", {"data": {**session_form, "room_id": "", "track_id": b["track_id"]}}),
    ]
    problems = []
    for method, url, kwargs in cases:
        response = client.open(url, method=method, **kwargs)
        where = f"{method} {url} {kwargs.get('data', '')} -> {response.status_code}"
        if response.status_code >= 500 or MARK in response.get_data(as_text=True):
            problems.append(where)
        if changed := _changed(before, _fingerprint()):
            problems.append(f"{where} changed {changed}")
    assert not problems, "\n".join(problems)
    # The same requests with A's own ids do their work (so the refusals above are about B's).
    other = db.session.scalar(select(Participant.public_id).where(
        Participant.event_id == two_events["event_a"].id, Participant.status == "registered",
        Participant.public_id != a["public_id"]).order_by(Participant.id.desc()))
    controls = [
        (f"{staff}/attendance/paper/{a['checkpoint_id']}", {"ids": [other]}, "checkins"),
        (f"{staff}/attendance/sessions/{a['session_id']}/mark", {"participant": other}, "checkins"),
        (f"{staff}/lodging/assignments/unassign", {"person": a["public_id"]}, "room_assignments"),
        (f"{staff}/delegations/match/{other}", {"institution_id": a["institution_id"]}, "participants"),
        (f"{staff}/approvals", {"ids": [pending["a"]], "approve": "y"}, "participants"),
        (f"{staff}/evaluations/new", {"kind": "evaluation", "scope": f"session:{a['session_id']}"}, "questionnaires"),
        (f"{staff}/badges", {"ids": a["public_id"], "layout": "a6", "sort": "name"}, "jobs"),
        (f"/e/{a['slug']}/resend-link", {"email": _person(a).email}, "mail_messages"),
        (f"{staff}/schedule/sessions/{a['session_id']}/edit", {**session_form, "room_id": a["room_id"]}, "sessions"),
    ]
    for url, data, table in controls:
        before = _fingerprint()
        assert client.post(url, data=data).status_code == 302, url
        assert table in _changed(before, _fingerprint()), url
    assert client.post(f"/e/{a['slug']}/q/{a['code']}/identify", data={"ticket": code_a}).status_code == 302


def test_a_facilitator_reaches_only_the_sessions_they_lead(app, two_events):
    """A facilitator of event A, for an A session they do not lead: its lists, attendance, paper batches,
    check-ins and signatures, certificates and forms are refused and left as they were."""
    from plm.attendance.service import record_paper, save_signature
    from plm.auth.service import create_api_token, find_user
    from plm.demo.data import DEMO_STAFF
    from plm.documents.service import scoped_participants
    from plm.evaluations.service import create_from_starter
    from plm.models import CheckIn, Checkpoint, EventSession, Participant
    from plm.schedule.service import sessions_for_user
    from plm.tickets import participant_code

    event, a = two_events["event_a"], two_events["a"]
    facilitator = find_user(db.session, next(s["email"] for s in DEMO_STAFF if s["role"] == "facilitator"))
    facilitator.set_password(STAFF_PASSWORD)
    mine = {s.id for s in sessions_for_user(db.session, event, facilitator)}
    theirs = db.session.scalar(select(EventSession).join(Checkpoint, Checkpoint.session_id == EventSession.id)
                               .where(EventSession.event_id == event.id, EventSession.id.not_in(mine))
                               .order_by(EventSession.id))
    checkpoint = db.session.scalar(select(Checkpoint).where(Checkpoint.session_id == theirs.id))
    in_scope = {p.id for p in scoped_participants(db.session, event, facilitator, None)}
    person = db.session.scalar(select(Participant).where(
        Participant.event_id == event.id, Participant.status == "registered", Participant.id.not_in(in_scope),
        Participant.role == "participant").order_by(Participant.id.desc()))
    batch = record_paper(db.session, app.config["SECRET_KEY"], event, checkpoint, [person.public_id],
                         find_user(db.session, "idor-admin@test.example"))["batch"]
    checkin_id = db.session.scalar(select(CheckIn.id).where(CheckIn.checkpoint_id == checkpoint.id))
    form = create_from_starter(db.session, event, "evaluation", event_session=theirs)
    signature = {"width": 100, "height": 50, "strokes": [[[1, 1], [20, 20]]]}
    save_signature(db.session, event, checkin_id, signature, None)  # signed at their door (commits)
    api = {"Authorization": "Bearer " + create_api_token(db.session, facilitator)}
    db.session.commit()
    assert mine and theirs.id not in mine
    client = _logged_in(app, facilitator.email)
    staff, door = f"/staff/events/{a['slug']}", f"/api/v1/events/{a['slug']}"
    code = participant_code(app.config["SECRET_KEY"], person)
    cases = [
        ("GET", f"{staff}/schedule/sessions/{theirs.id}/signups", {}),
        ("GET", f"{staff}/schedule/sessions/{theirs.id}/signups.csv", {}),
        ("GET", f"{staff}/schedule/sessions/{theirs.id}/signups.pdf", {}),
        ("GET", f"{staff}/attendance/sessions/{theirs.id}", {}),
        ("POST", f"{staff}/attendance/sessions/{theirs.id}/mark", {"data": {"participant": a["public_id"]}}),
        ("GET", f"{staff}/attendance/sheet?checkpoint={checkpoint.id}&format=xlsx", {}),
        ("GET", f"{staff}/attendance/paper/{checkpoint.id}", {}),
        ("POST", f"{staff}/attendance/paper/{checkpoint.id}", {"data": {"ids": [a["public_id"]]}}),
        ("POST", f"{staff}/attendance/paper/batches/{batch}/undo", {}),
        ("GET", f"{door}/checkins/{checkin_id}/signature", {"headers": api}),
        ("PUT", f"{door}/checkins/{checkin_id}/signature", {"headers": api, "json": signature}),
        ("DELETE", f"{door}/checkins/{checkin_id}/signature", {"headers": api}),
        ("DELETE", f"{door}/checkins/{checkin_id}", {"headers": api}),
        ("POST", f"{door}/checkins", {"headers": api, "json": {"code": code, "checkpoint": checkpoint.id}}),
        ("GET", f"{door}/checkin-snapshot?checkpoint={checkpoint.id}", {"headers": api}),
        ("GET", f"{door}/participants?q=an&checkpoint={checkpoint.id}", {"headers": api}),
        ("GET", f"{staff}/certificates?session={theirs.id}", {}),
        ("POST", f"{staff}/certificates/print", {"data": {"session_id": theirs.id}}),
        ("POST", f"{staff}/certificates/{person.public_id}/issue", {}),
        ("GET", f"{staff}/certificates/{person.public_id}/certificate.pdf", {}),
        ("GET", f"{staff}/evaluations/{form.id}", {}),
        ("POST", f"{staff}/evaluations/{form.id}", {"data": {"title_id": "Diambil alih"}}),
        ("GET", f"{staff}/evaluations/{form.id}/results", {}),
        ("GET", f"{staff}/evaluations/{form.id}/screen", {}),
        ("POST", f"{staff}/evaluations/{form.id}/remind-all", {}),
        ("POST", f"{staff}/evaluations/{form.id}/remind/{person.id}", {}),
    ]
    # Their session is not among the new form's choices: back to the list with a message.
    cases.append(("POST", f"{staff}/evaluations/new", {"data": {"kind": "evaluation", "scope": f"session:{theirs.id}"},
                                                        "expect": (302,)}))
    before = _fingerprint()
    problems = []
    for method, url, kwargs in cases:
        expected = kwargs.pop("expect", (403, 404))
        response = client.open(url, method=method, **kwargs)
        where = f"{method} {url} -> {response.status_code}"
        if response.status_code not in expected:
            problems.append(where)
        if changed := _changed(before, _fingerprint()):
            problems.append(f"{where} changed {changed}")
            before = _fingerprint()
    assert not problems, "\n".join(problems)
    # A session they lead in event B, under A's slug: as missing as any other id.
    db.session.scalar(select(Participant).where(Participant.event_id == two_events["event_b"].id,
                                                Participant.email == f"b.{facilitator.email}")).email = facilitator.email
    led_b = sessions_for_user(db.session, two_events["event_b"], facilitator)[0]
    form_b = create_from_starter(db.session, two_events["event_b"], "evaluation", event_session=led_b)
    checkpoint_b = db.session.scalar(select(Checkpoint.id).where(Checkpoint.session_id == led_b.id))
    db.session.commit()
    for url in (f"{staff}/schedule/sessions/{led_b.id}/signups", f"{staff}/attendance/sessions/{led_b.id}",
                f"{staff}/attendance/paper/{checkpoint_b}", f"{staff}/evaluations/{form_b.id}/results",
                f"{staff}/certificates?session={led_b.id}", f"{door}/checkin-snapshot?checkpoint={checkpoint_b}"):
        response = client.get(url, headers=api if url.startswith(door) else None)
        assert response.status_code in (404, 422) and MARK not in response.get_data(as_text=True), url
    assert client.get(f"/staff/events/{SLUG_B}/attendance/sessions/{led_b.id}").status_code == 200  # under B's own
    # ...while their own session opens (the refusals above are about whose session it is).
    own = min(mine)
    assert client.get(f"{staff}/attendance/sessions/{own}").status_code == 200
    assert client.get(f"{staff}/schedule/sessions/{own}/signups").status_code == 200
