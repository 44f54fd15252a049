"""CSRF on every state-changing route, enumerated from app.url_map; Bearer-token API calls skip it.
And no template carries inline script (the CSP forbids it): no <script> without src, no on*= handler."""

from __future__ import annotations

import re
import uuid

from sqlalchemy import func, select

from plm.extensions import db
from plm.models import AuditLog, CheckIn, Event, Participant, User
from tests.conftest import ROOT, STAFF_PASSWORD, csrf_token_from
from tests.helpers import SECRET, add_participant, day_checkpoint, rule_url

STATE_CHANGING = ("POST", "PUT", "PATCH", "DELETE")


def _row_counts():
    db.session.expire_all()
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Participant, CheckIn, Event, User, AuditLog)}


def test_every_state_changing_route_refuses_a_request_without_the_token(make_app, event):
    from plm.auth.service import create_user

    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        create_user(db.session, "csrf-admin@test.example", "admin", STAFF_PASSWORD)
        db.session.commit()
        client = app.test_client()
        token = csrf_token_from(client.get("/staff/login").get_data(as_text=True))
        logged_in = client.post("/staff/login", data={"email": "csrf-admin@test.example", "password": STAFF_PASSWORD,
                                                      "csrf_token": token})
        assert logged_in.status_code == 302  # the cookie session is an admin's from here on
        assert client.get("/staff/").status_code == 200
        before = _row_counts()
        checked = []
        for rule in app.url_map.iter_rules():
            for method in sorted(rule.methods & set(STATE_CHANGING)):
                url = rule_url(rule, event.slug)
                response = client.open(url, method=method, data={"confirm": "y", "email": "x@example.id"})
                assert response.status_code == 400, f"{method} {rule.rule} -> {response.status_code}"
                if rule.rule.startswith("/api/"):
                    assert response.is_json and response.json["error"] == "csrf_failed", rule.rule
                else:
                    assert "text/html" in response.content_type, rule.rule
                checked.append(f"{method} {rule.rule}")
                # A wrong token is refused as well as a missing one.
                wrong = client.open(url, method=method, headers={"X-CSRFToken": "forged"}, data={"csrf_token": "forged"})
                assert wrong.status_code == 400, f"{method} {rule.rule} with a forged token"
        assert _row_counts() == before
        assert client.get("/staff/").status_code == 200  # still logged in: the refusals did not log us out
    assert len(checked) >= 30, checked
    print(f"CSRF: {len(checked)} state-changing routes refuse a request without the token")


def test_a_bearer_token_api_call_needs_no_csrf_token_but_a_cookie_one_does(make_app, event):
    from plm.auth.service import create_api_token, create_user

    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        user = create_user(db.session, "pintu-csrf@test.example", "organizer", STAFF_PASSWORD)
        api_token = create_api_token(db.session, user, "Pintu 1")
        db.session.commit()
        person = add_participant(event)
        checkpoint = day_checkpoint(event)
        from plm.tickets import participant_code

        body = {"code": participant_code(SECRET, person), "checkpoint": checkpoint.id, "client_uuid": str(uuid.uuid4())}
        client = app.test_client()
        url = f"/api/v1/events/{event.slug}/checkins"
        assert client.post(url, json=body, headers={"Authorization": f"Bearer {api_token}"}).status_code == 201
        # The same call on a cookie session needs the header the door page sends.
        page = client.get("/staff/login").get_data(as_text=True)
        client.post("/staff/login", data={"email": user.email, "password": STAFF_PASSWORD, "csrf_token": csrf_token_from(page)})
        other = dict(body, client_uuid=str(uuid.uuid4()), code=participant_code(SECRET, add_participant(event)))
        refused = client.post(url, json=other)
        assert refused.status_code == 400 and refused.json["error"] == "csrf_failed"
        door = client.get(f"/staff/events/{event.slug}/door").get_data(as_text=True)
        header_token = re.search(r'data-csrf="([^"]+)"|name="csrf_token"[^>]*value="([^"]+)"', door)
        assert header_token, "the door page carries a CSRF token for its scripts"
        accepted = client.post(url, json=other, headers={"X-CSRFToken": header_token.group(1) or header_token.group(2)})
        assert accepted.status_code == 201
        # A bogus Bearer header does not bypass anything: no user, so 401.
        assert app.test_client().post(url, json=other, headers={"Authorization": "Bearer plm_forged"}).status_code == 401


# A JSON data block (<script type="application/json">) never runs, so the CSP lets it be; anything else needs src.
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc\s*=)(?![^>]*\btype\s*=\s*[\"']application/json[\"'])[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[a-zA-Z][^<>]*?\son[a-z]+\s*=", re.I)
JS_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.I)


def test_no_template_has_inline_script_or_event_handler_attributes():
    templates = sorted((ROOT / "templates").rglob("*.html"))
    assert len(templates) > 20
    offenders = []
    for path in templates:
        text = path.read_text(encoding="utf-8")
        for pattern in (INLINE_SCRIPT, EVENT_HANDLER, JS_URL):
            for match in pattern.finditer(text):
                offenders.append(f"{path.relative_to(ROOT)}: {match.group(0)[:80]}")
    assert offenders == []


def test_the_inline_script_check_catches_what_it_should():
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert INLINE_SCRIPT.search('<script type="module">x()</script>')
    assert not INLINE_SCRIPT.search('<script src="/static/js/door.js" defer></script>')
    assert not INLINE_SCRIPT.search('<script type="application/json" id="door-config">{}</script>')
    assert INLINE_SCRIPT.search('<script type="text/javascript">x()</script>')
    assert EVENT_HANDLER.search('<button class="btn" onclick="go()">')
    assert EVENT_HANDLER.search('<img src=x\n  onerror=alert(1)>')
    assert not EVENT_HANDLER.search('<p class="lead">Kami online sekarang; one=two</p>')
    assert JS_URL.search('<a href="javascript:void(0)">')
