"""The venue set-up (issue 13): the local CA and server certificate, the Caddy configuration, and the
public /door-setup page that hands the CA to door phones."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from plm.venue import tls

pytestmark = pytest.mark.skipif(not shutil.which("openssl"), reason="openssl is part of Debian's base")


def test_ca_and_server_cert_for_the_lan_address(tmp_path):
    cert, _key = tls.ensure_server_cert(tmp_path, ["192.168.1.20"])
    verify = subprocess.run(["openssl", "verify", "-CAfile", str(tmp_path / "ca.crt"), str(cert)],
                            capture_output=True, text=True)
    assert verify.returncode == 0, verify.stderr
    text = subprocess.run(["openssl", "x509", "-in", str(cert), "-noout", "-text"], capture_output=True,
                          text=True).stdout
    assert "IP Address:192.168.1.20" in text and "TLS Web Server Authentication" in text
    assert (tmp_path / "ca.key").stat().st_mode & 0o077 == 0
    # Same address: kept (phones keep working); a new address: a new server cert from the same CA.
    ca_before = (tmp_path / "ca.crt").read_bytes()
    same = cert.read_bytes()
    tls.ensure_server_cert(tmp_path, ["192.168.1.20"])
    assert cert.read_bytes() == same
    tls.ensure_server_cert(tmp_path, ["10.0.0.7"])
    assert cert.read_bytes() != same and (tmp_path / "ca.crt").read_bytes() == ca_before


def test_the_ca_cannot_vouch_for_a_public_site(tmp_path):
    """Name constraints: a leaked venue CA key still cannot impersonate a bank to the phones."""
    tls.ensure_server_cert(tmp_path, ["8.8.8.8", "bank.example.com"])
    verify = subprocess.run(["openssl", "verify", "-CAfile", str(tmp_path / "ca.crt"), str(tmp_path / "server.crt")],
                            capture_output=True, text=True)
    assert verify.returncode != 0 and "subtree" in verify.stdout + verify.stderr


def test_caddyfile_buffers_and_serves_only_setup_over_http(tmp_path):
    cert, key = tls.ensure_server_cert(tmp_path, ["127.0.0.1"])
    text = tls.caddyfile(cert=cert, key=key, upstream="127.0.0.1:5000", bind="127.0.0.1", https_port=8443,
                         http_port=8080, public_url="https://127.0.0.1:8443", data_dir=tmp_path / "caddy")
    assert "buffer_requests" in text and "read_header 10s" in text and "@setup path /door-setup" in text
    if shutil.which("caddy"):
        (tmp_path / "Caddyfile").write_text(text)
        adapted = subprocess.run(["caddy", "adapt", "--config", str(tmp_path / "Caddyfile")], capture_output=True,
                                 text=True)
        assert adapted.returncode == 0, adapted.stderr
        assert '"buffer_requests":true' in adapted.stdout


def test_door_setup_page_offers_the_ca_and_qr_codes(make_app, tmp_path):
    tls.ensure_ca(tmp_path)
    app = make_app(VENUE_CA_CERT=str(tmp_path / "ca.crt"), PUBLIC_BASE_URL="https://192.168.1.20:8443",
                   VENUE_SETUP_URL="http://192.168.1.20:8080/door-setup")
    client = app.test_client()
    page = client.get("/door-setup").get_data(as_text=True)
    assert "http://192.168.1.20:8080/door-setup" in page and "https://192.168.1.20:8443/staff/" in page
    assert page.count("<svg") >= 2 and tls.fingerprint(tmp_path / "ca.crt") in page
    assert "Enkripsi" in page or "Encryption" in page
    download = client.get("/door-setup/plm-venue-ca.crt")
    assert download.status_code == 200 and download.mimetype == "application/x-x509-ca-cert"
    assert download.data == (tmp_path / "ca.crt").read_bytes()
    assert "attachment" in download.headers["Content-Disposition"]


def test_door_setup_without_a_local_ca(make_app, tmp_path):
    app = make_app(VENUE_CA_CERT=str(tmp_path / "missing.crt"), PUBLIC_BASE_URL="http://127.0.0.1:5000")
    client = app.test_client()
    response = client.get("/door-setup")
    assert response.status_code == 200 and "plm-venue-ca.crt" not in response.get_data(as_text=True)
    assert client.get("/door-setup/plm-venue-ca.crt").status_code == 404


def _free_port() -> int:
    """For Caddy, which cannot be handed a socket nor report a port 0: bound, released, then given to it."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait(url: str, process, context=None) -> None:
    import time
    import urllib.request

    for _ in range(150):  # bounded: 30 s
        try:
            urllib.request.urlopen(url, timeout=2, context=context).read()
            return
        except OSError:
            assert process.poll() is None, f"{process.args[0]} exited at start"
            time.sleep(0.2)
    pytest.fail(f"{url} did not answer")


def _half_sent(port: int, context, count: int) -> list:
    """Connections that started a request and stop: half in the headers, half in an announced body."""
    import socket

    held = []
    for index in range(count):
        raw = socket.create_connection(("127.0.0.1", port), timeout=5)
        sock = context.wrap_socket(raw, server_hostname="127.0.0.1") if context else raw
        start = "GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: a"
        if index % 2:
            start = "POST /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\n\r\n{"
        sock.sendall(start.encode())
        held.append(sock)
    return held


@pytest.mark.skipif(not shutil.which("caddy"), reason="`make test` installs Debian's caddy")
def test_slow_clients_do_not_starve_gunicorn_behind_the_venue_proxy(tmp_path):
    """Issue 12.6: 24 half-sent requests take all 8 threads of bare gunicorn (make run), so the next
    request gets no answer; behind make venue's Caddy the same 24 do not, and it is answered."""
    import os
    import ssl
    import sys
    import urllib.request

    from tests.conftest import DATABASE_URL, ROOT
    from tests.helpers import listening_socket

    app_socket = listening_socket()  # gunicorn serves on it (fd://): bound to port 0, never probed
    app_port, https_port, http_port = app_socket.getsockname()[1], _free_port(), _free_port()
    env = dict(os.environ, PLM_SECRET_KEY="k", PLM_INSTANCE_PATH=str(tmp_path), PLM_BIND=f"fd://{app_socket.fileno()}",
               PLM_WORKERS="1", PLM_THREADS="8", PLM_SQLALCHEMY_DATABASE_URI=DATABASE_URL, PLM_ACCESS_LOG=os.devnull,
               PLM_JOB_WORKER="false")
    gunicorn = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "wsgi:app"],
                                cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                pass_fds=[app_socket.fileno()])
    app_socket.close()  # gunicorn holds its own copy
    cert, key = tls.ensure_server_cert(tmp_path / "venue", ["127.0.0.1"])
    (tmp_path / "Caddyfile").write_text(tls.caddyfile(
        cert=cert, key=key, upstream=f"127.0.0.1:{app_port}", bind="127.0.0.1", https_port=https_port,
        http_port=http_port, public_url=f"https://127.0.0.1:{https_port}", data_dir=tmp_path / "caddy-data"))
    caddy = subprocess.Popen(["caddy", "run", "--adapter", "caddyfile", "--config", str(tmp_path / "Caddyfile")],
                             env=dict(os.environ, XDG_DATA_HOME=str(tmp_path / "caddy-data"),
                                      XDG_CONFIG_HOME=str(tmp_path / "caddy-config")),
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    context = ssl.create_default_context(cafile=str(tmp_path / "venue" / "ca.crt"))
    held = []
    try:
        _wait(f"http://127.0.0.1:{app_port}/readyz", gunicorn)
        _wait(f"https://127.0.0.1:{https_port}/readyz", caddy, context)
        held += _half_sent(https_port, context, 24)
        with urllib.request.urlopen(f"https://127.0.0.1:{https_port}/readyz", timeout=30, context=context) as answer:
            assert answer.status == 200
        # The same against bare gunicorn: every thread waits for a half-sent request; no answer.
        held += _half_sent(app_port, None, 24)
        with pytest.raises(OSError):
            urllib.request.urlopen(f"http://127.0.0.1:{app_port}/readyz", timeout=3).read()
    finally:
        for sock in held:
            sock.close()
        for process in (caddy, gunicorn):
            process.terminate()
            process.wait(20)
