"""Issue 12 (low items): personal pages are never cached, private files are 0600, /readyz sees a
read-only database."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest
from sqlalchemy import select

from plm import create_app
from plm.extensions import db
from plm.models import Participant
from tests.conftest import DATABASE_URL, IS_POSTGRES, ROOT
from tests.helpers import manage_token, register


def _no_store(response) -> bool:
    return "no-store" in response.headers.get("Cache-Control", "")


def test_staff_pages_api_and_manage_pages_are_not_stored(client, event, login):
    register(client, event)
    token = manage_token(client, event)
    public_id = db.session.scalar(select(Participant.public_id))
    values = {"slug": event.slug, "public_id": public_id, "token": token}
    app = client.application
    manage, staff = [], []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or not set(rule.arguments) <= set(values):
            continue
        url = rule.build({k: values[k] for k in rule.arguments})[1]
        if rule.rule.startswith("/e/") and "token" in rule.arguments:
            manage.append(url)
        elif rule.rule.startswith(("/staff/", "/api/")) and "logout" not in rule.rule:
            staff.append(url)
    assert len(manage) >= 6 and len(staff) >= 15
    for url in manage:  # participant pages under the secret link (ticket, data export, sessions...)
        response = client.get(url)
        assert response.status_code != 500 and _no_store(response), (url, response.headers.get("Cache-Control"))
    login("admin")
    for url in staff + [f"/api/v1/events/{event.slug}/participants?q=ayu"]:
        response = client.get(url)
        assert response.status_code != 500 and _no_store(response), (url, response.status_code,
                                                                      response.headers.get("Cache-Control"))
    assert not _no_store(client.get(f"/e/{event.slug}/"))  # public pages stay cacheable


def test_personal_calendar_feed_is_not_stored(client, event):
    import re

    from plm.schedule.service import publish

    publish(db.session, event, None)
    db.session.commit()
    register(client, event)
    page = client.get(f"/e/{event.slug}/me/{manage_token(client, event)}/sessions").get_data(as_text=True)
    feed = re.search(r"(/e/[^\"' ]+/calendar/[^\"' ]+\.ics)", page).group(1)
    response = client.get(feed)
    assert response.status_code == 200 and _no_store(response)


# ---- files -------------------------------------------------------------------------------------------

@pytest.mark.nodb
def test_the_app_creates_its_sqlite_file_0600(tmp_path, monkeypatch):
    monkeypatch.setenv("PLM_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("PLM_SQLALCHEMY_DATABASE_URI", raising=False)
    old = os.umask(0o022)
    try:
        app = create_app({"TESTING": True})
        with app.app_context():
            from sqlalchemy import text

            db.session.execute(text("CREATE TABLE t (x INTEGER)"))
            db.session.commit()
            db.engine.dispose()
    finally:
        os.umask(old)
    path = tmp_path / "plm.sqlite3"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    for extra in ("plm.sqlite3-wal", "plm.sqlite3-shm"):
        if (tmp_path / extra).exists():
            assert stat.S_IMODE((tmp_path / extra).stat().st_mode) & 0o077 == 0


@pytest.mark.nodb
def test_make_writes_instance_config_0600(tmp_path):
    (tmp_path / "Makefile").write_text((ROOT / "Makefile").read_text())
    out = subprocess.run(["sh", "-c", f"umask 022 && make instance/config.py PYTHON={sys.executable}"],
                         cwd=tmp_path, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    config = tmp_path / "instance" / "config.py"
    assert "SECRET_KEY = " in config.read_text()
    assert stat.S_IMODE(config.stat().st_mode) == 0o600


# ---- readiness ---------------------------------------------------------------------------------------

def _read_only_database() -> dict:
    if IS_POSTGRES:
        return {"SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"options": "-c default_transaction_read_only=on"}}}
    path = DATABASE_URL.removeprefix("sqlite:///")
    return {"SQLALCHEMY_DATABASE_URI": f"sqlite:///file:{path}?mode=ro&uri=true"}


def test_readyz_is_503_while_the_database_is_read_only(make_app):
    app = make_app(**_read_only_database())
    with app.app_context():
        client = app.test_client()
        assert client.get("/healthz").status_code == 200
        assert client.get("/e/nothing/").status_code == 404  # reads still work
        response = client.get("/readyz")
        assert response.status_code == 503 and response.json["status"] == "unavailable"


@pytest.mark.skipif(IS_POSTGRES, reason="the SQLite file's write permission")
def test_readyz_is_503_when_the_sqlite_file_cannot_be_written(client, monkeypatch):
    """A file system remounted read-only (access(2) says EROFS) or a file that lost its write permission:
    the probe finds it without writing (GET never writes)."""
    import plm.health

    asked = []

    def read_only(path, mode):
        asked.append(path)
        return False

    monkeypatch.setattr(plm.health.os, "access", read_only)
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json == {"status": "unavailable", "database": "read_only"}
    assert asked and asked[0].endswith(DATABASE_URL.removeprefix("sqlite:///").split("/")[-1])


def test_readyz_writes_nothing(client):
    from sqlalchemy import text

    before = db.session.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    assert client.get("/readyz").status_code == 200
    assert client.get("/readyz").status_code == 200
    db.session.rollback()
    assert db.session.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == before
