"""`make venue` in headless Chromium: Caddy with the generated venue certificate in front of the app,
on a LAN-like name (not localhost, which is a secure context even over plain HTTP). Over HTTPS the
page is a secure context (the camera API exists) and the door page loads; the plain-HTTP port serves
only /door-setup with the CA download and sends everything else to HTTPS."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
import urllib.request

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from plm.venue import tls
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.helpers import day_checkpoint, log_in, open_door

HOST = "plm.venue.test"


def free_port() -> int:
    """For Caddy, which cannot be handed a socket nor report a port 0: bound, released, then given to it."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def venue(make_app, tmp_path):
    """The app behind Caddy as `make venue` configures it; yields (https base, http base, spki hash)."""
    if not shutil.which("caddy"):
        pytest.fail("caddy is missing: `make test` installs Debian's caddy")
    cert, key = tls.ensure_server_cert(tmp_path, [HOST, "127.0.0.1"])
    https_port, http_port = free_port(), free_port()
    public = f"https://{HOST}:{https_port}"
    app = make_app(PUBLIC_BASE_URL=public, TRUSTED_PROXIES=1, VENUE_CA_CERT=str(tmp_path / "ca.crt"),
                   VENUE_SETUP_URL=f"http://{HOST}:{http_port}/door-setup", SESSION_COOKIE_SECURE=True)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    (tmp_path / "Caddyfile").write_text(tls.caddyfile(
        cert=cert, key=key, upstream=f"127.0.0.1:{server.server_port}", bind="127.0.0.1", https_port=https_port,
        http_port=http_port, public_url=public, data_dir=tmp_path / "caddy-data"))
    caddy = subprocess.Popen(["caddy", "run", "--adapter", "caddyfile", "--config", str(tmp_path / "Caddyfile")],
                             env=dict(os.environ, XDG_DATA_HOME=str(tmp_path / "caddy-data"),
                                      XDG_CONFIG_HOME=str(tmp_path / "caddy-config")),
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):  # bounded: 10 s
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{http_port}/door-setup", timeout=1).read()
                break
            except OSError:
                assert caddy.poll() is None, "caddy exited at start"
                time.sleep(0.1)
        yield public, f"http://{HOST}:{http_port}", tls.spki_hash(cert)
    finally:
        caddy.terminate()
        caddy.wait(10)
        server.shutdown()
        thread.join(5)
        server.server_close()


def test_door_phone_gets_a_secure_context_over_the_venue_https(playwright_driver, venue, event, make_user):
    public, plain, spki = venue
    make_user("organizer", "pintu@test.example")
    checkpoint = day_checkpoint(event)
    # Chromium trusts the venue server's key as a phone that installed the CA trusts its certificate.
    browser = playwright_driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + [
        f"--host-resolver-rules=MAP {HOST} 127.0.0.1", f"--ignore-certificate-errors-spki-list={spki}"])
    try:
        context = browser.new_context(viewport={"width": 360, "height": 740}, locale="id-ID", accept_downloads=True)
        page = context.new_page()
        # Plain HTTP: the set-up page and the CA, but no secure context, and nothing else.
        page.goto(plain + "/door-setup")
        assert page.evaluate("window.isSecureContext") is False
        expect(page.locator("#step-install")).to_contain_text("Enkripsi")
        with page.expect_download() as download:
            page.click("a[href$='plm-venue-ca.crt']")
        assert download.value.suggested_filename == "plm-venue-ca.crt"
        page.goto(plain + "/staff/login")
        assert page.url.startswith(public + "/staff/login")
        # HTTPS: a secure context, so the door page's camera API is there.
        assert page.evaluate("window.isSecureContext") is True
        log_in(page, public, "pintu@test.example")
        open_door(page, public, event, checkpoint)  # the event is weeks away: the volunteer confirms the day
        assert page.evaluate("window.isSecureContext") is True
        assert page.evaluate("typeof navigator.mediaDevices !== 'undefined' && 'getUserMedia' in navigator.mediaDevices")
        context.close()
    finally:
        browser.close()
