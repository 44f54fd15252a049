"""plm/transactions.py: one commit per request (write methods below 400 only), after-commit hooks that run
only when the commit happened."""

from __future__ import annotations

import pytest
from flask import abort
from sqlalchemy import select

from plm.extensions import db
from plm.models import Event
from plm.transactions import after_commit, change_and_redirect, fail, fail_and_redirect


def _name(event_id: int) -> str:
    db.session.expire_all()
    return db.session.scalar(select(Event.name).where(Event.id == event_id))


def test_after_commit_runs_on_commit_and_is_dropped_on_rollback(app, event):
    ran = []
    after_commit(db.session, lambda: ran.append("dropped"))
    db.session.rollback()
    db.session.commit()
    assert ran == []
    after_commit(db.session, lambda: ran.append("kept"))
    assert ran == []  # not before the commit
    db.session.commit()
    db.session.commit()
    assert ran == ["kept"]  # once


def test_a_failing_hook_does_not_undo_the_commit(app, event):
    def broken():
        raise RuntimeError("wake-up failed")

    event.name = "Tetap tersimpan"
    after_commit(db.session, broken)
    db.session.commit()
    assert _name(event.id) == "Tetap tersimpan"


@pytest.fixture
def routes(app, event):
    """Test-only routes that change the event's name and answer in different ways."""
    hooks = []

    def rename(to: str) -> None:
        db.session.get(Event, event.id).name = to
        after_commit(db.session, lambda: hooks.append(to))

    @app.post("/_tx/ok")
    def ok():
        rename("ok")
        return "done"

    @app.post("/_tx/refused")
    def refused():
        rename("refused")
        abort(400)

    @app.post("/_tx/conflict")
    def conflict():
        rename("conflict")
        return "no", 409

    @app.post("/_tx/crash")
    def crash():
        rename("crash")
        raise RuntimeError("boom")

    @app.post("/_tx/failed")
    def failed():
        rename("failed")
        db.session.flush()
        return fail_and_redirect("refused", "/")

    @app.post("/_tx/failed-then-written")
    def failed_then_written():
        fail(db.session)
        rename("after the failure")  # whatever a refused request writes afterwards is not kept either
        db.session.flush()
        return "shown again", 200

    @app.post("/_tx/change/<to>")
    def change(to: str):
        def run() -> str:
            rename(to)
            db.session.flush()
            if to == "refused":
                raise LookupError("not this one")
            return f"renamed to {to}"

        return change_and_redirect(run, LookupError, lambda exc: f"refused: {exc}", "/back")

    @app.get("/_tx/read")
    def read():
        rename("read")
        db.session.flush()
        return "read"

    return hooks


def test_request_boundary_commits_only_successful_writes(app, event, routes):
    app.config["PLM_RENDER_500_IN_TESTS"] = True
    client = app.test_client()
    assert client.post("/_tx/refused").status_code == 400
    assert client.post("/_tx/conflict").status_code == 409
    assert client.post("/_tx/crash").status_code == 500
    assert client.get("/_tx/read").status_code == 200
    assert _name(event.id) == "PLM Test"  # a 4xx, an exception and a GET leave nothing
    assert routes == []
    assert client.post("/_tx/ok").status_code == 200
    assert _name(event.id) == "ok"
    assert routes == ["ok"]


def test_a_failed_request_that_redirects_leaves_nothing(app, event, routes):
    client = app.test_client()
    response = client.post("/_tx/failed")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert _name(event.id) == "PLM Test"
    with client.session_transaction() as cookie:
        assert cookie["_flashes"] == [("error", "refused")]
    assert client.post("/_tx/failed-then-written").status_code == 200
    assert _name(event.id) == "PLM Test"
    assert routes == []
    assert client.post("/_tx/ok").status_code == 200  # the mark is the failed request's alone
    assert _name(event.id) == "ok"


def test_change_and_redirect_keeps_a_change_and_drops_a_refused_one(app, event, routes):
    client = app.test_client()
    for to, flashed in (("refused", ("error", "refused: not this one")), ("kept", ("success", "renamed to kept"))):
        response = client.post(f"/_tx/change/{to}")
        assert response.status_code == 302 and response.headers["Location"] == "/back"
        with client.session_transaction() as cookie:
            assert cookie.pop("_flashes") == [flashed]
        assert _name(event.id) == ("PLM Test" if to == "refused" else "kept")
    assert routes == ["kept"]
