"""Health probes, security headers, request ids, and gunicorn started from deploy/gunicorn.conf.py."""

import json
import os
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.conftest import DATABASE_URL, ROOT
from tests.helpers import listening_socket


def test_healthz_and_readyz(client):
    assert client.get("/healthz").json == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json["database"] == "ok"


def test_readyz_is_503_when_the_database_is_unreachable(make_app, tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1")
    with app.app_context():
        response = app.test_client().get("/readyz")
        assert response.status_code == 503 and response.json["status"] == "unavailable"


def test_security_headers(client):
    headers = client.get("/").headers
    csp = headers["Content-Security-Policy"]
    script_src = [part for part in csp.split(";") if part.strip().startswith("script-src")][0]
    assert "'unsafe-inline'" not in script_src and "'self'" in script_src
    assert "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"


def test_session_cookie_flags_and_secure_over_https(client, make_user):
    from tests.conftest import STAFF_PASSWORD

    make_user("admin")
    plain = client.post("/staff/login", data={"email": "admin@test.example", "password": STAFF_PASSWORD})
    cookie = plain.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    secure = client.application.test_client().post(
        "/staff/login", data={"email": "admin@test.example", "password": STAFF_PASSWORD}, base_url="https://localhost")
    assert "Secure" in secure.headers["Set-Cookie"]


def test_request_id_is_returned_and_kept_when_sane(client):
    assert len(client.get("/healthz").headers["X-Request-ID"]) == 32
    assert client.get("/healthz", headers={"X-Request-ID": "door-2-abc123"}).headers["X-Request-ID"] == "door-2-abc123"
    assert client.get("/healthz", headers={"X-Request-ID": "<script>"}).headers["X-Request-ID"] != "<script>"


def test_json_logs_carry_the_request_id_and_no_manage_token(make_app, capfd):
    app = make_app(LOG_FORMAT="json", LOG_REQUESTS=True)
    with app.app_context():
        app.test_client().get("/e/some-event/me/SECRET-TOKEN-123", headers={"X-Request-ID": "req-12345678"})
    captured = capfd.readouterr()
    lines = [json.loads(line) for line in (captured.err + captured.out).splitlines() if line.startswith("{")]
    entry = [line for line in lines if line.get("path", "").startswith("/e/")][0]
    assert entry["request_id"] == "req-12345678" and entry["status"] == 404
    assert "SECRET-TOKEN-123" not in json.dumps(lines) and entry["path"] == "/e/some-event/me/[redacted]"


def test_gunicorn_from_the_deploy_config_serves_readyz(tmp_path):
    with listening_socket() as sock:  # gunicorn serves on the socket we bound to port 0 (fd://)
        port = sock.getsockname()[1]
        env = dict(os.environ, PLM_SECRET_KEY="k", PLM_INSTANCE_PATH=str(tmp_path), PLM_BIND=f"fd://{sock.fileno()}",
                   PLM_WORKERS="2", PLM_SQLALCHEMY_DATABASE_URI=DATABASE_URL)
        server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "wsgi:app"],
                                  cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  pass_fds=[sock.fileno()])
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as response:
                    assert response.status == 200 and json.load(response)["database"] == "ok"
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("gunicorn did not answer /readyz")
                time.sleep(0.2)
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/e/x/me/TOPSECRET", timeout=2)
        except urllib.error.HTTPError as error:
            assert error.code == 404
    finally:
        server.terminate()
        output = server.communicate(timeout=20)[0].decode()
    assert "/readyz" in output and "TOPSECRET" not in output and "/me/[redacted]" in output
