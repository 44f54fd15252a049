"""GET never writes (issue 15): every GET route of the app, opened as a visitor and as each staff role on
the demo event, sends no INSERT, UPDATE or DELETE to the database. Statements are recorded at the
connection (SQLAlchemy's before_cursor_execute), so a write that is flushed and then rolled back counts
too, and so does one made with a Core statement."""

from __future__ import annotations

import pytest
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import event as sa_event
from sqlalchemy import select

from plm.extensions import db
from plm.i18n_audit import sample_values
from plm.models import Participant
from tests.conftest import STAFF_PASSWORD

#: GET routes that still write, and why; nothing else may. Empty: printing a badge and issuing a certificate
#: are POSTs, the readiness probe reads only.
KNOWN_WRITERS: dict[str, str] = {}
WRITE_VERBS = ("INSERT", "UPDATE", "DELETE", "REPLACE")


@pytest.fixture
def recorded_writes(app):
    """INSERT/UPDATE/DELETE statements sent on the app's engine while the fixture is active."""
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().split(None, 1)[0].upper() in WRITE_VERBS:
            statements.append(statement)

    engine = db.engine
    sa_event.listen(engine, "before_cursor_execute", record)
    yield statements
    sa_event.remove(engine, "before_cursor_execute", record)


def walk_get_routes(app, client, values: dict, statements: list[str], only: str | None = None
                    ) -> tuple[dict[str, list[str]], list[str]]:
    """GET every route the values can address (only those with the URL argument `only`, when given);
    returns the writes per endpoint and the URLs opened."""
    adapter = app.url_map.bind("localhost")
    writes: dict[str, list[str]] = {}
    opened: list[str] = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in (rule.methods or ()) or rule.endpoint == "static":
            continue
        if only is not None and only not in rule.arguments:
            continue
        arguments = {name: values.get(name) for name in rule.arguments}
        if any(value is None for value in arguments.values()):
            continue
        url = adapter.build(rule.endpoint, arguments)
        before = len(statements)
        response = client.get(url)
        assert response.status_code < 500, url
        opened.append(url)
        if len(statements) > before:
            writes.setdefault(rule.endpoint, []).extend(statements[before:])
    return writes, opened


def _client_as(app, make_user, role: str | None):
    client = app.test_client()
    if role is not None:
        user = make_user(role, f"{role}-walker@test.example")
        response = client.post("/staff/login", data={"email": user.email, "password": STAFF_PASSWORD})
        assert response.status_code == 302
    return client


def test_no_get_route_writes_for_any_role(app, demo_event, make_user, recorded_writes):
    admin = make_user("admin", "values@test.example")
    values = sample_values(db.session, demo_event, admin)
    person = db.session.scalar(select(Participant).where(Participant.public_id == values["public_id"]))
    values["signed"] = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="plm-email-change").dumps(
        {"p": person.public_id, "old": person.email_normalized, "new": "baru@example.id"})
    values.update(lang="en", language="en", day=1, number=1, batch_id=1, checkin_id=1, index=0)
    offered = person.offer_manage_token()  # a re-sent link not yet used: its GET must not promote it
    db.session.commit()
    clients = {role: _client_as(app, make_user, role) for role in (None, "facilitator", "organizer", "admin")}
    recorded_writes.clear()
    opened_all: set[str] = set()
    writers: dict[str, list[str]] = {}
    for client in clients.values():
        # Every route with the participant's link, then the routes that take a token again with the re-sent
        # one (the others would be the same URLs a second time: that walk was a third of this test's time).
        for token, only in ((values["token"], None), (offered, "token")):
            found, opened = walk_get_routes(app, client, {**values, "token": token}, recorded_writes, only)
            opened_all.update(opened)
            for endpoint, statements in found.items():
                writers.setdefault(endpoint, []).extend(statements)
    unexpected = {endpoint: sorted(set(s.split("(")[0].strip()[:80] for s in statements))
                  for endpoint, statements in writers.items() if endpoint not in KNOWN_WRITERS}
    assert unexpected == {}
    # the walk reached the pages that used to write on GET: the door, its stats and dashboard poll, the
    # attendance pages, the participant's page opened with a re-sent link, the email-change link
    for needle in ("/door", "/stats", "/attendance", f"/me/{offered}", "/confirm-email/", "/checkpoints"):
        assert any(needle in url for url in opened_all), needle
    db.session.expire_all()
    person = db.session.get(Participant, person.id)
    assert person.pending_manage_token_hash is not None and person.email != "baru@example.id"


def test_the_recorder_sees_a_write(app, client, event, recorded_writes):
    """The listener would catch a GET that writes: here a POST that does."""
    from tests.helpers import register

    register(client, event)
    assert any(s.lstrip().upper().startswith("INSERT") for s in recorded_writes)


def test_a_get_that_flushes_a_change_leaves_nothing(app, event):
    """The request boundary rolls back every GET: a change flushed by mistake during a page never lands."""
    from plm.models import Event

    @app.get("/_test/rename")
    def rename():
        db.session.get(Event, event.id).name = "Renamed by a GET"
        db.session.flush()
        return "ok"

    assert app.test_client().get("/_test/rename").status_code == 200
    db.session.expire_all()
    assert db.session.get(Event, event.id).name != "Renamed by a GET"
