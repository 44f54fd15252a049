"""Security issue 12 (low): per-account login back-off stored in the database, the same for unknown
emails (no account enumeration); X-Forwarded-For trusted only from configured proxy addresses."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from plm.auth import service
from plm.extensions import db
from plm.models import LoginThrottle, utcnow
from tests.conftest import STAFF_PASSWORD

LOCKED = "Terlalu banyak percobaan masuk yang gagal untuk email ini"


def _post(client, email, password, **kwargs):
    return client.post("/staff/login", data={"email": email, "password": password}, **kwargs)


def test_five_failures_lock_the_email_even_with_the_right_password(app, make_user):
    user = make_user("admin")
    # Each try from a different client (as from different addresses): the lock is per account, not per IP.
    for attempt in range(4):
        page = _post(app.test_client(), user.email, f"wrong-{attempt}-xx").get_data(as_text=True)
        assert "Email atau kata sandi tidak benar" in page
    fifth = _post(app.test_client(), user.email, "wrong-5-xxxx").get_data(as_text=True)
    assert LOCKED in fifth and "1 menit" in fifth
    locked = _post(app.test_client(), user.email.upper(), STAFF_PASSWORD)
    assert locked.status_code == 429 and LOCKED in locked.get_data(as_text=True)
    assert app.test_client().get("/staff/").status_code == 302
    row = db.session.scalar(select(LoginThrottle))
    assert row.failures == 5 and row.locked_until is not None and user.email not in row.key


def test_the_lock_grows_and_a_success_after_it_clears_the_count(frozen_time, app, make_user):
    user = make_user("organizer")
    now = utcnow()
    locks = [service.record_login_failure(db.session, user.email, now) for _ in range(7)]
    db.session.commit()
    assert locks == [0, 0, 0, 0, 60, 120, 240]
    assert service.login_locked_seconds(db.session, user.email, now) == 240
    assert service.login_locked_seconds(db.session, user.email, now + timedelta(seconds=241)) == 0
    # Four minutes later the lock has run out: the right password works and clears the count.
    frozen_time.shift(timedelta(seconds=241))
    assert _post(app.test_client(), user.email, STAFF_PASSWORD).status_code == 302
    assert db.session.scalar(select(LoginThrottle)) is None


def test_unknown_email_gets_the_same_lock_message(app, make_user):
    """No account enumeration: a made-up email is locked after five tries exactly like a real one."""
    make_user("admin")
    answers = {}
    for email in ("admin@test.example", "ghost@test.example"):
        pages = [_post(app.test_client(), email, "wrong-password").get_data(as_text=True) for _ in range(6)]
        answers[email] = [LOCKED in page for page in pages]
    assert answers["admin@test.example"] == answers["ghost@test.example"] == [False] * 4 + [True, True]


# ---- proxies

def _login_limited_app(make_app, **config):
    return make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="2 per minute", TRUSTED_PROXIES=1, **config)


def test_spoofed_forwarded_for_from_an_untrusted_peer_is_ignored(make_app, capfd):
    app = _login_limited_app(make_app, TRUSTED_PROXY_ADDRESSES="10.0.0.1", LOG_FORMAT="json", LOG_REQUESTS=True)
    with app.app_context():
        client = app.test_client()
        codes = [_post(client, f"x{i}@test.example", "wrong-pass",
                       headers={"X-Forwarded-For": f"198.51.100.{i}"},
                       environ_base={"REMOTE_ADDR": "203.0.113.7"}).status_code for i in range(4)]
        # A new X-Forwarded-For each time does not give a fresh rate-limit bucket...
        assert codes == [200, 200, 429, 429]
    captured = capfd.readouterr()
    # ...nor a chosen address in the request log.
    logged = captured.err + captured.out
    assert "203.0.113.7" in logged and "198.51.100." not in logged


def test_forwarded_for_from_a_configured_proxy_is_used(make_app):
    app = _login_limited_app(make_app, TRUSTED_PROXY_ADDRESSES=["10.0.0.0/8", "::1"])
    with app.app_context():
        client = app.test_client()
        codes = [_post(client, f"x{i}@test.example", "wrong-pass", headers={"X-Forwarded-For": f"198.51.100.{i}"},
                       environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code for i in range(4)]
        assert codes == [200, 200, 200, 200]  # four different clients behind the proxy


def test_bad_proxy_address_stops_the_app_at_start(make_app):
    from plm import ConfigError

    with pytest.raises(ConfigError, match="TRUSTED_PROXY_ADDRESSES"):
        make_app(TRUSTED_PROXIES=1, TRUSTED_PROXY_ADDRESSES="10.0.0.1, not-an-address")
