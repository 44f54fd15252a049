"""Issue 12: every absolute link comes from PUBLIC_BASE_URL, never from the request's Host header;
issue 14: print pages warn while that address is this computer."""

from __future__ import annotations

import re
import subprocess

import pytest
from sqlalchemy import select

from plm import ConfigError, create_app
from plm.extensions import db
from plm.links import absolute_url, is_local_address
from plm.models import MailMessage, Participant
from tests.conftest import ROOT
from tests.helpers import form_data, manage_token, register

PUBLIC = "https://plm.example.org"
EVIL = {"Host": "evil.example:9999"}


def _last_mail() -> MailMessage:
    return db.session.scalars(select(MailMessage).order_by(MailMessage.id.desc())).first()


def test_resend_link_with_a_forged_host_mails_the_configured_address(make_app, event):
    app = make_app(PUBLIC_BASE_URL=PUBLIC)
    with app.app_context():
        client = app.test_client()
        register(client, event)
        answer = client.post(f"/e/{event.slug}/resend-link", data={"email": "ayu@example.id"}, headers=EVIL)
        assert answer.status_code == 302
        mail = _last_mail()
        assert "evil.example" not in mail.body_text + mail.body_html
        assert re.search(rf"{re.escape(PUBLIC)}/e/{event.slug}/me/[A-Za-z0-9_-]+", mail.body_text)


def test_registration_mail_and_pages_ignore_a_forged_host(make_app, event):
    app = make_app(PUBLIC_BASE_URL=PUBLIC)
    with app.app_context():
        client = app.test_client()
        response = client.post(f"/e/{event.slug}/register", data=form_data(), headers=EVIL)
        assert response.status_code == 302
        mail = _last_mail()
        assert "evil.example" not in mail.body_text + mail.body_html and f"{PUBLIC}/e/{event.slug}/me/" in mail.body_text
        page = client.get(response.headers["Location"], headers=EVIL).get_data(as_text=True)
        assert "evil.example" not in page and f"{PUBLIC}/e/{event.slug}/me/" in page  # link and WhatsApp text
        token = re.search(rf"/e/{event.slug}/me/([A-Za-z0-9_-]+)", page).group(1)
        # the e-mail change confirmation link
        client.post(f"/e/{event.slug}/me/{token}/email", data={"email": "baru@example.id"}, headers=EVIL)
        mail = _last_mail()
        assert mail.recipient == "baru@example.id" and f"{PUBLIC}/e/{event.slug}/confirm-email/" in mail.body_text
        assert "evil.example" not in mail.body_text


def test_ical_and_personal_feed_ignore_a_forged_host(make_app, event, schedule_factory):
    schedule_factory.session(title="Literasi digital")
    schedule_factory.publish()
    app = make_app(PUBLIC_BASE_URL=PUBLIC)
    with app.app_context():
        client = app.test_client()
        ics = client.get(f"/e/{event.slug}/schedule.ics", headers=EVIL).get_data(as_text=True)
        assert "evil.example" not in ics
        assert f"URL:{PUBLIC}/e/{event.slug}/schedule/" in ics and "@plm.example.org" in ics
        register(client, event)
        token = manage_token(client, event)
        page = client.get(f"/e/{event.slug}/me/{token}/sessions", headers=EVIL).get_data(as_text=True)
        assert "evil.example" not in page
        assert f"{PUBLIC}/e/{event.slug}/calendar/" in page and "webcal://plm.example.org/" in page


def test_staff_walk_in_link_ignores_a_forged_host(make_app, event):
    from plm.auth.service import create_user
    from tests.conftest import STAFF_PASSWORD

    app = make_app(PUBLIC_BASE_URL=PUBLIC)
    with app.app_context():
        create_user(db.session, "door@test.example", "organizer", STAFF_PASSWORD)
        db.session.commit()
        client = app.test_client()
        # (the session cookie is for the host it was set on)
        client.post("/staff/login", data={"email": "door@test.example", "password": STAFF_PASSWORD}, headers=EVIL)
        page = client.post(f"/staff/events/{event.slug}/walk-in", headers=EVIL, data={
            "full_name": "Wayan Sukadana", "institution": "TBM Ubud", "province": "Bali", "phone": "",
            "email": "wayan@example.id"}).get_data(as_text=True)
        assert db.session.scalar(select(Participant.full_name)) == "Wayan Sukadana", page[:1000]
        assert "evil.example" not in page and f"{PUBLIC}/e/{event.slug}/me/" in page


def test_absolute_url_works_without_a_request_and_keeps_a_path_prefix(make_app):
    app = make_app(PUBLIC_BASE_URL="https://example.org/plm/")
    with app.app_context():
        assert app.config["PUBLIC_BASE_URL"] == "https://example.org/plm"
        assert absolute_url("documents.verify", serial="PLM-1") == "https://example.org/plm/verify/PLM-1"
    with app.test_request_context("/", base_url="http://evil.example:9999"):
        assert absolute_url("documents.verify", serial="PLM-1") == "https://example.org/plm/verify/PLM-1"


# ---- nothing builds a link from the request -------------------------------------------------------

FORBIDDEN = re.compile(
    r"_external\s*=\s*True|request\.(host|host_url|url_root|root_url|base_url|url)\b|\bSERVER_NAME\b"
    )


@pytest.mark.nodb
def test_no_module_or_template_builds_links_from_the_request():
    files = [p for p in (ROOT / "plm").rglob("*.py") if p.name != "links.py"]
    files += [p for p in (ROOT / "templates").rglob("*") if p.suffix in (".html", ".txt", ".ics", ".css")]
    offenders = []
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if FORBIDDEN.search(line) and "links-ok" not in line:
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == [], "absolute links must come from plm.links (PUBLIC_BASE_URL):\n" + "\n".join(offenders)


# ---- configuration ---------------------------------------------------------------------------------

@pytest.mark.nodb
def test_production_start_without_public_base_url_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("PLM_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("PLM_SECRET_KEY", "k")
    monkeypatch.delenv("PLM_PUBLIC_BASE_URL")
    with pytest.raises(ConfigError, match="PUBLIC_BASE_URL is not set"):
        create_app()
    monkeypatch.setenv("PLM_PUBLIC_BASE_URL", "plm.example.org")  # no scheme: refused, not guessed
    with pytest.raises(ConfigError, match="PUBLIC_BASE_URL must be an address"):
        create_app()
    monkeypatch.setenv("PLM_PUBLIC_BASE_URL", "https://plm.example.org/")
    assert create_app().config["PUBLIC_BASE_URL"] == "https://plm.example.org"


@pytest.mark.nodb
def test_testing_without_public_base_url_gets_the_local_default(tmp_path, monkeypatch):
    monkeypatch.setenv("PLM_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("PLM_PUBLIC_BASE_URL")
    assert create_app({"TESTING": True}).config["PUBLIC_BASE_URL"] == "http://127.0.0.1:5000"


@pytest.mark.nodb
@pytest.mark.parametrize("args, expected", [
    ([], "http://127.0.0.1:5000"),
    (["PORT=8123"], "http://127.0.0.1:8123"),
    (["HOST=plm.lan", "PORT=80"], "http://plm.lan:80"),
])
def test_make_run_passes_the_public_base_url_for_this_machine(tmp_path, args, expected):
    (tmp_path / "Makefile").write_text((ROOT / "Makefile").read_text())
    env = {"PATH": "/usr/bin:/bin"}
    out = subprocess.run(["make", "-pn", "run", *args], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert f"PLM_PUBLIC_BASE_URL := {expected}" in out.stdout.splitlines()
    assert "Links in mails, tickets and certificates use" in out.stdout  # printed at start


@pytest.mark.nodb
def test_make_run_keeps_an_address_set_in_instance_config_or_the_environment(tmp_path):
    (tmp_path / "Makefile").write_text((ROOT / "Makefile").read_text())
    (tmp_path / "instance").mkdir()
    (tmp_path / "instance" / "config.py").write_text("PUBLIC_BASE_URL = 'https://plm.example.org'\n")
    out = subprocess.run(["make", "-pn", "run"], cwd=tmp_path, env={"PATH": "/usr/bin:/bin"}, capture_output=True,
                         text=True)
    assert not [line for line in out.stdout.splitlines() if line.startswith("PLM_PUBLIC_BASE_URL")]
    env = {"PATH": "/usr/bin:/bin", "PLM_PUBLIC_BASE_URL": "https://plm.example.net"}
    (tmp_path / "instance" / "config.py").unlink()
    out = subprocess.run(["make", "-pn", "run"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert "PLM_PUBLIC_BASE_URL = https://plm.example.net" in out.stdout.splitlines()


# ---- print pages warn about a local address (issue 14) ------------------------------------------------

@pytest.mark.nodb
@pytest.mark.parametrize("url, local", [
    (None, True), ("", True), ("http://127.0.0.1:5000", True), ("http://localhost:5000", True),
    ("http://[::1]:5000", True), ("http://0.0.0.0:5000", True), ("http://127.8.0.1", True),
    ("https://plm.example.org", False), ("http://192.168.1.20:5000", False), ("http://plm.lan", False),
])
def test_is_local_address(url, local):
    assert is_local_address(url) is local


@pytest.mark.parametrize("page", ["badges", "certificates"])
def test_print_pages_warn_while_links_point_at_this_computer(make_app, event, page):
    from plm.auth.service import create_user
    from tests.conftest import STAFF_PASSWORD

    for url, warned in (("http://127.0.0.1:5000", True), (PUBLIC, False)):
        app = make_app(PUBLIC_BASE_URL=url)
        with app.app_context():
            if warned:
                create_user(db.session, "admin@test.example", "admin", STAFF_PASSWORD)
                db.session.commit()
            client = app.test_client()
            client.post("/staff/login", data={"email": "admin@test.example", "password": STAFF_PASSWORD})
            html = client.get(f"/staff/events/{event.slug}/{page}").get_data(as_text=True)
            assert ("local-address-warning" in html) is warned
            if warned:
                assert "http://127.0.0.1:5000" in html and "PLM_PUBLIC_BASE_URL" in html
