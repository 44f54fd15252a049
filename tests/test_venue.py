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
