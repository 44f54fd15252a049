"""The OpenAPI document at /api/v1/openapi.json matches the app.

Every /api/v1 route in the URL map is documented and every documented path exists; every documented
operation is called with valid and invalid inputs, every answer's status must be documented for that
operation and its JSON body must validate against the documented schema (jsonschema, draft 2020-12,
which OpenAPI 3.1 uses); and every documented response status is seen at least once.
"""

from __future__ import annotations

import gzip
import json
import re
import uuid
from collections import defaultdict
from datetime import UTC, datetime, time, timedelta

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from plm.api import OPENAPI_FILE
from plm.extensions import db
from plm.models import CheckIn, Event, EventSession, SessionSignup
from plm.tickets import participant_code
from tests.helpers import SECRET, add_participant, day_checkpoint

DOC = json.loads(OPENAPI_FILE.read_text(encoding="utf-8"))
BASE = "urn:plm-openapi"
REGISTRY = Registry().with_resource(BASE, Resource.from_contents(DOC, default_specification=DRAFT202012))
METHODS = ("get", "post", "put", "patch", "delete")


def _pointer(*parts: str) -> str:
    return "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _operations():
    for path, item in DOC["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def _template(rule_text: str) -> str:
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule_text)


def _match(path: str):
    for template in DOC["paths"]:
        pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path):
            return template
    raise AssertionError(f"{path} is not documented")


class Conformance:
    """Calls the API and checks every answer against the document; remembers which statuses were seen."""

    def __init__(self):
        self.seen: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.calls = 0

    def check(self, response, path: str, method: str):
        template = _match(path.split("?")[0])
        operation = DOC["paths"][template][method.lower()]
        status = str(response.status_code)
        assert status in operation["responses"], f"{method} {path} answered {status}, not documented"
        self.seen[(template, method.lower())].add(status)
        self.calls += 1
        documented = operation["responses"][status]
        if "content" not in documented:
            assert not response.get_data(), f"{method} {path} {status} has a body it does not document"
            return response
        assert response.mimetype == "application/json", f"{method} {path} {status} is {response.mimetype}"
        raw = response.get_data()
        if response.headers.get("Content-Encoding") == "gzip":
            raw = gzip.decompress(raw)
        body = json.loads(raw)
        pointer = _pointer("paths", template, method.lower(), "responses", status, "content", "application/json", "schema")
        validator = Draft202012Validator({"$ref": f"{BASE}#/{pointer}"}, registry=REGISTRY,
                                         format_checker=Draft202012Validator.FORMAT_CHECKER)
        errors = sorted(validator.iter_errors(body), key=str)
        assert not errors, f"{method} {path} {status}: {errors[0].message} at {list(errors[0].absolute_path)}"
        return response


@pytest.mark.nodb
def test_the_document_is_openapi_3_with_valid_schemas():
    assert DOC["openapi"].startswith("3.1") and DOC["info"]["title"]
    for schema in DOC["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)
    ids = [op["operationId"] for _, _, op in _operations()]
    assert len(ids) == len(set(ids))
    for path, method, operation in _operations():
        assert operation["responses"], (path, method)
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "path":
                assert "{" + parameter["name"] + "}" in path
        for name in re.findall(r"\{([^}]+)\}", path):
            assert any(p["name"] == name and p["in"] == "path" for p in operation.get("parameters", [])), (path, name)
    # Every $ref resolves.
    for ref in set(re.findall(r'"\$ref": "([^"]+)"', json.dumps(DOC))):
        REGISTRY.resolver(BASE).lookup(ref)


@pytest.mark.nodb
def test_array_schemas_are_openapi_3_1_not_3_0():
    """JSON Schema 2020-12 (OpenAPI 3.1): a tuple is `prefixItems` (+ `items`: false); `items` is one schema
    or a boolean, never the old array form; no 3.0-only `nullable`. Checked for every schema in the document."""
    def walk(node, where):
        if isinstance(node, dict):
            assert "nullable" not in node, where
            if "items" in node:
                assert isinstance(node["items"], (dict, bool)), where
            if "prefixItems" in node:
                assert isinstance(node["prefixItems"], list) and node.get("type") == "array", where
            for key, value in node.items():
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{where}/{i}")

    walk(DOC, "#")
    rows = DOC["components"]["schemas"]["Snapshot"]["properties"]["participants"]["items"]
    validator = Draft202012Validator(rows)
    assert validator.is_valid(["ABCDEFGH23", "Ayu", "Perpus", "Bali", "r", "0123456789abcdef", "", "Ayu Lestari"])
    assert validator.is_valid(["ABCDEFGH23", "Ayu", "Perpus", "Bali", "r", "0123456789abcdef", "08:12", "Ayu Lestari", 1])
    assert not validator.is_valid(["ABCDEFGH23", "Ayu", "Perpus", "Bali", "r", "0123456789abcdef", "", "Ayu Lestari", 1,
                                   "extra"])
    assert not validator.is_valid(["ABCDEFGH23", "Ayu", "Perpus", "Bali", "r", "0123456789abcdef", ""])
    checkpoint = DOC["components"]["schemas"]["ScanRequest"]["properties"]["checkpoint"]
    assert not Draft202012Validator(checkpoint).is_valid("0") and not Draft202012Validator(checkpoint).is_valid(0)


def test_it_is_served_and_every_api_route_is_documented_and_vice_versa(app, client):
    served = client.get("/api/v1/openapi.json")
    assert served.status_code == 200 and served.mimetype == "application/json"
    assert served.get_json() == DOC  # anonymous: it describes the API and holds no data
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1"):
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                routes.add((_template(rule.rule), method.lower()))
    documented = {(path, method) for path, method, _ in _operations()}
    assert routes == documented, f"undocumented: {routes - documented}; not in the app: {documented - routes}"


def test_every_operation_answers_with_the_documented_shapes(app, client, make_user, make_app, event):
    from plm.auth.service import create_api_token

    api = Conformance()
    organizer = make_user("organizer", "pintu-oa@test.example")
    other_door = make_user("organizer", "pintu2-oa@test.example")
    facilitator = make_user("facilitator", "fasilitator-oa@test.example")
    bearer = {"Authorization": f"Bearer {create_api_token(db.session, organizer, 'Pintu 1')}"}
    other_bearer = {"Authorization": f"Bearer {create_api_token(db.session, other_door, 'Pintu 2')}"}
    facilitator_bearer = {"Authorization": f"Bearer {create_api_token(db.session, facilitator, 'Laptop')}"}
    db.session.commit()
    slug = event.slug
    cp = day_checkpoint(event)
    people = [add_participant(event, f"Peserta Uji {i}", institution="Perpustakaan Desa Ungasan") for i in range(4)]
    cancelled = add_participant(event, "Batal", status="cancelled")
    waiting = add_participant(event, "Tunggu", status="waitlisted")
    other = Event(slug="plm-lain", name="Lain", starts_on=event.starts_on, ends_on=event.ends_on)
    db.session.add(other)
    start = datetime.combine(event.starts_on, time(2), UTC)
    workshop = EventSession(event_id=event.id, title="Workshop literasi", kind="workshop", starts_at=start,
                            ends_at=start + timedelta(hours=2), capacity=20, signup_required=True)
    db.session.add(workshop)
    db.session.flush()
    from plm.admin.service import ensure_day_checkpoints
    from plm.checkin.service import ensure_session_checkpoints

    ensure_session_checkpoints(db.session, event)  # what saving the schedule does
    ensure_day_checkpoints(db.session, other)  # what saving an event does
    db.session.commit()
    stranger = add_participant(other, "Orang Lain")
    db.session.add(SessionSignup(session_id=workshop.id, participant_id=people[0].id))
    db.session.commit()

    def call(method, path, **kwargs):
        kwargs.setdefault("headers", bearer)
        return api.check(client.open(path, method=method, **kwargs), path, method)

    # /openapi.json and /me
    call("GET", "/api/v1/openapi.json", headers={})
    assert call("GET", "/api/v1/me").json["email"] == organizer.email
    call("GET", "/api/v1/me", headers={})
    call("GET", "/api/v1/me", headers={"Authorization": "Bearer plm_not-a-token"})

    # checkpoints (session checkpoints are created when first listed)
    listing = call("GET", f"/api/v1/events/{slug}/checkpoints").json["checkpoints"]
    ws = next(c["id"] for c in listing if c["session"] == workshop.id)
    call("GET", "/api/v1/events/no-such-event/checkpoints")
    call("GET", f"/api/v1/events/{slug}/checkpoints", headers={})

    # checkins: every result, replays, and every kind of refusal
    checkins = f"/api/v1/events/{slug}/checkins"
    first_uuid = str(uuid.uuid4())
    code0 = participant_code(SECRET, people[0])
    ok = call("POST", checkins, json={"code": code0, "checkpoint": cp.id, "client_uuid": first_uuid, "device": "Pintu 1"})
    assert ok.status_code == 201 and ok.json["result"] == "ok"
    assert call("POST", checkins, json={"code": code0, "checkpoint": cp.id, "client_uuid": first_uuid}).json["replayed"]
    assert call("POST", checkins, json={"code": code0, "checkpoint": str(cp.id)}).json["result"] == "already"
    forged = code0[:-1] + ("A" if code0[-1] != "A" else "B")
    for code, result in [(forged, "invalid"), (participant_code(SECRET, cancelled), "cancelled"),
                         (participant_code(SECRET, stranger), "wrong_event"), (participant_code(SECRET, waiting), "invalid"),
                         (f"PLM1:{slug.upper()}:ZZZZZZZZZZ:{code0.split(':')[-1]}", "unknown"), ("hello", "invalid")]:
        assert call("POST", checkins, json={"code": code, "checkpoint": cp.id}).json["result"] == result, code
    assert call("POST", checkins, json={"code": participant_code(SECRET, people[1]), "checkpoint": ws}).json["result"] == "not_signed_up"
    forced = call("POST", checkins, json={"code": participant_code(SECRET, people[1]), "checkpoint": ws, "override": True,
                                          "source": "manual", "scanned_at": (datetime.now(UTC) - timedelta(minutes=3)).isoformat()})
    assert forced.status_code == 201
    call("POST", checkins, json={"code": participant_code(SECRET, people[2]), "checkpoint": cp.id}, headers=other_bearer)
    for body in [{"checkpoint": cp.id}, {"code": 5, "checkpoint": cp.id}, {"code": "", "checkpoint": cp.id},
                 {"code": "x" * 201, "checkpoint": cp.id}, {"code": "x", "checkpoint": "one"}, {"code": "x", "checkpoint": 0},
                 {"code": "x", "checkpoint": True}, {"code": "x", "checkpoint": cp.id, "client_uuid": "short"},
                 {"code": "x", "checkpoint": cp.id, "device": "d" * 61}, {"code": "x", "checkpoint": cp.id, "source": "fax"},
                 {"code": "x", "checkpoint": cp.id, "override": "yes"}, {"code": "x", "checkpoint": cp.id, "scanned_at": "yesterday"},
                 {"code": "x", "checkpoint": "0"}, {"code": "x", "checkpoint": "0" + str(cp.id)},
                 {"code": "x", "checkpoint": cp.id, "correction": 1},
                 {"code": "x", "checkpoint": cp.id, "scanned_at": "2001-01-01T00:00:00Z"},
                 {"code": "x", "checkpoint": cp.id, "scanned_at": "2999-01-01T00:00:00Z"},
                 {"code": "x", "checkpoint": 999999}]:
        response = call("POST", checkins, json=body)
        assert response.status_code == 422 and response.json.get("field"), body
    assert call("POST", checkins, data="not json", content_type="application/json").json["error"] == "not_json"
    assert call("POST", checkins, json=[1, 2]).json["error"] == "invalid_body"
    call("POST", checkins, data="x" * 10_001, content_type="application/json")
    call("POST", "/api/v1/events/no-such-event/checkins", json={"code": "x", "checkpoint": cp.id})
    call("POST", checkins, json={"code": code0, "checkpoint": cp.id}, headers={})
    # A bare public id: invalid from a camera, a check-in as a staff entry.
    bare = call("POST", checkins, json={"code": people[3].public_id, "checkpoint": cp.id}).json
    assert bare["result"] == "invalid" and bare["reason"] == "public_id_needs_manual"
    assert call("POST", checkins, json={"code": people[3].public_id, "checkpoint": cp.id, "source": "manual"}).status_code == 201
    # The same client_uuid from another account: 409. A facilitator at a door that is not theirs: 403.
    assert call("POST", checkins, json={"code": code0, "checkpoint": cp.id, "client_uuid": first_uuid},
                headers=other_bearer).json["error"] == "client_uuid_conflict"
    assert call("POST", checkins, json={"code": code0, "checkpoint": cp.id},
                headers=facilitator_bearer).json["error"] == "forbidden_checkpoint"

    # undo
    mine = ok.json["checkin_id"]
    theirs = db.session.scalar(db.select(CheckIn.id).where(CheckIn.participant_id == people[2].id))
    call("DELETE", f"{checkins}/{theirs}")  # another door's scan: 403
    assert call("DELETE", f"{checkins}/{mine}").json["undone"] == mine
    call("DELETE", f"{checkins}/{mine}")  # gone: 404
    call("DELETE", f"/api/v1/events/no-such-event/checkins/{theirs}")
    call("DELETE", f"{checkins}/{theirs}", headers={})

    # search
    found = call("GET", f"/api/v1/events/{slug}/participants?q=peserta%20uji&checkpoint={cp.id}").json["results"]
    assert len(found) == 4 and any(hit["checked_in_at"] for hit in found)
    for query in ("q=a", "q=" + "x" * 101, "q=ab&checkpoint=abc", "q=ab&checkpoint=999999", "q=ab&checkpoint=0", ""):
        assert call("GET", f"/api/v1/events/{slug}/participants?{query}").status_code == 422, query
    call("GET", "/api/v1/events/no-such-event/participants?q=ab")
    call("GET", f"/api/v1/events/{slug}/participants?q=ab&checkpoint={cp.id}", headers=facilitator_bearer)
    call("GET", f"/api/v1/events/{slug}/participants?q=ab", headers={})

    # snapshot: plain, gzip, for a session checkpoint, 304, refusals
    snap = call("GET", f"/api/v1/events/{slug}/checkin-snapshot?checkpoint={cp.id}")
    assert len(snap.json["participants"]) == 6
    call("GET", f"/api/v1/events/{slug}/checkin-snapshot?checkpoint={ws}", headers={**bearer, "Accept-Encoding": "gzip"})
    call("GET", f"/api/v1/events/{slug}/checkin-snapshot")
    assert call("GET", f"/api/v1/events/{slug}/checkin-snapshot?checkpoint={cp.id}",
                headers={**bearer, "If-None-Match": snap.headers["ETag"]}).status_code == 304
    call("GET", f"/api/v1/events/{slug}/checkin-snapshot?checkpoint=x")
    assert call("GET", f"/api/v1/events/{slug}/checkin-snapshot?checkpoint=0").json["error"] == "invalid_field"
    call("GET", f"/api/v1/events/{slug}/checkin-snapshot", headers=facilitator_bearer)
    assert call("GET", f"/api/v1/events/{slug}/checkpoints", headers=facilitator_bearer).json["checkpoints"] == []
    assert call("GET", f"/api/v1/events/{slug}/stats", headers=facilitator_bearer).json["checkpoints"] == []
    call("GET", "/api/v1/events/no-such-event/checkin-snapshot")
    call("GET", f"/api/v1/events/{slug}/checkin-snapshot", headers={})

    # stats
    stats = call("GET", f"/api/v1/events/{slug}/stats").json
    assert stats["last_scans"] and stats["current_day"]["checked_in"] >= 1
    call("GET", "/api/v1/events/no-such-event/stats")
    call("GET", f"/api/v1/events/{slug}/stats", headers={})

    # signatures drawn at the door (plm/attendance)
    sig = f"{checkins}/{forced.json['checkin_id']}/signature"
    strokes = {"width": 300, "height": 100, "strokes": [[[1, 1], [50, 40], [90, 20]]]}
    call("GET", sig)  # none yet: 404
    assert call("PUT", sig, json=strokes).json["points"] == 3
    assert call("GET", sig).json["svg"].startswith("<svg")
    call("PUT", sig, data="not json", content_type="application/json")
    call("PUT", sig, json={**strokes, "strokes": [[[1, 1], [2, 2]]] * 61})
    call("PUT", sig, json={**strokes, "strokes": []})
    call("PUT", f"{checkins}/999999/signature", json=strokes)
    for method in ("GET", "PUT", "DELETE"):
        call(method, sig, json=strokes if method == "PUT" else None, headers={})
        # a facilitator, for a check-in at the day's door (not one of their sessions): 403
        assert call(method, sig, json=strokes if method == "PUT" else None,
                    headers=facilitator_bearer).json["error"] == "forbidden_checkpoint"
    assert call("DELETE", sig).json["removed"] is True
    call("DELETE", f"{checkins}/999999/signature")

    # A cookie session without the CSRF header: 400 csrf_failed, as documented.
    from tests.conftest import STAFF_PASSWORD, csrf_token_from

    strict = make_app(WTF_CSRF_ENABLED=True)
    with strict.app_context():
        cookie = strict.test_client()
        page = cookie.get("/staff/login").get_data(as_text=True)
        cookie.post("/staff/login", data={"email": organizer.email, "password": STAFF_PASSWORD,
                                          "csrf_token": csrf_token_from(page)})
        for method, path in (("POST", checkins), ("DELETE", f"{checkins}/{theirs}"), ("PUT", sig), ("DELETE", sig)):
            response = api.check(cookie.open(path, method=method, json={"code": "x", "checkpoint": cp.id}), path, method)
            assert response.status_code == 400 and response.json["error"] == "csrf_failed"

    # The database gone: 503 database_unavailable, as documented, for every operation that reads it.
    dead = make_app(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1")
    with dead.app_context():
        down = dead.test_client()
        for path, method, operation in _operations():
            if "503" not in operation["responses"]:
                continue
            url = path.replace("{slug}", slug).replace("{checkin_id}", "1")
            response = api.check(down.open(url, method=method.upper(), headers=bearer,
                                           json={"code": "x", "checkpoint": 1} if method == "post" else None), url, method)
            assert response.status_code == 503 and response.json["error"] == "database_unavailable", url

    missing = [(path, method, status) for path, method, operation in _operations()
               for status in operation["responses"] if status not in api.seen[(path, method)]]
    assert missing == [], f"documented but never seen: {missing}"
    print(f"OpenAPI conformance: {api.calls} calls over {len(list(_operations()))} operations, all shapes valid")
