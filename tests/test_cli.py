import os
import subprocess
import sys

import pytest
from sqlalchemy import func, select

from plm.extensions import db
from plm.models import ApiToken, Event, Participant, User
from tests.conftest import IS_POSTGRES, ROOT


def test_create_user_with_password(app):
    result = app.test_cli_runner().invoke(args=["plm", "create-user", "Door@Example.id", "--role", "organizer",
                                                "--password", "long-enough-pw"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User))
    assert user.email == "door@example.id" and user.role == "organizer" and user.check_password("long-enough-pw")


def test_create_user_prompts_for_password(app):
    result = app.test_cli_runner().invoke(args=["plm", "create-user", "a@example.id", "--role", "admin"],
                                          input="prompted-pass\nprompted-pass\n")
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User)).check_password("prompted-pass")


def test_create_user_refusals(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["plm", "create-user", "a@example.id", "--role", "king", "--password", "xxxxxxxxx"]).exit_code == 2
    short = runner.invoke(args=["plm", "create-user", "a@example.id", "--role", "admin", "--password", "short"])
    assert short.exit_code == 1 and "at least 8" in short.output
    runner.invoke(args=["plm", "create-user", "a@example.id", "--role", "admin", "--password", "xxxxxxxxx"])
    again = runner.invoke(args=["plm", "create-user", "A@example.id", "--role", "admin", "--password", "xxxxxxxxx"])
    assert again.exit_code == 1 and "already exists" in again.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_create_token_prints_it_once_and_stores_a_hash(app, make_user):
    make_user("organizer", "door@test.example")
    result = app.test_cli_runner().invoke(args=["plm", "create-token", "door@test.example"])
    assert result.exit_code == 0
    token = result.output.strip()
    assert token.startswith("plm_")
    assert db.session.scalar(select(ApiToken)).token_hash != token
    assert app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    missing = app.test_cli_runner().invoke(args=["plm", "create-token", "nobody@test.example"])
    assert missing.exit_code == 1


def test_demo_loads_350_participants_from_16_provinces(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["plm", "demo", "--start", "2015-05-18"])
    assert result.exit_code == 0, result.output
    assert "admin@plm.example" in result.output  # logins printed
    event = db.session.scalar(select(Event))
    assert event.slug == "plm-2015" and event.timezone == "Asia/Makassar" and str(event.starts_on) == "2015-05-18"
    assert (event.ends_on - event.starts_on).days == 3
    assert db.session.scalar(select(func.count()).select_from(Participant)) == 350
    assert db.session.scalar(select(func.count(func.distinct(Participant.province)))) == 16
    assert {u.role for u in db.session.scalars(select(User))} == {"admin", "organizer", "facilitator", "finance"}
    again = runner.invoke(args=["plm", "demo"])
    assert again.exit_code == 1 and "--reset" in again.output
    assert db.session.scalar(select(func.count()).select_from(Participant)) == 350
    reset = runner.invoke(args=["plm", "demo", "--reset"])
    assert reset.exit_code == 0, reset.output
    assert db.session.scalar(select(func.count()).select_from(Event)) == 1
    assert db.session.scalar(select(func.count()).select_from(Participant)) == 350


def test_demo_is_deterministic(app):
    from datetime import date

    from plm.demo import load_demo

    load_demo(db.session, date(2015, 5, 18))
    first = db.session.scalars(select(Participant.full_name).order_by(Participant.id)).all()
    load_demo(db.session, date(2015, 5, 18), reset=True)
    second = db.session.scalars(select(Participant.full_name).order_by(Participant.id)).all()
    assert first == second


@pytest.mark.skipif(IS_POSTGRES, reason="the subprocess run uses its own SQLite file")
def test_flask_plm_init_in_a_fresh_instance_folder(tmp_path):
    env = dict(os.environ, PLM_SECRET_KEY="k", PLM_INSTANCE_PATH=str(tmp_path), FLASK_APP="wsgi")
    env.pop("PLM_SQLALCHEMY_DATABASE_URI", None)
    flask = [sys.executable, "-m", "flask"]
    for _ in range(2):  # create, then upgrade (a no-op)
        out = subprocess.run([*flask, "plm", "init"], cwd=ROOT, env=env, capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
    assert (tmp_path / "plm.sqlite3").exists()
    empty = subprocess.run([*flask, "plm", "is-empty"], cwd=ROOT, env=env)
    assert empty.returncode == 0
