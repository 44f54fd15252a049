"""Security issue 12, item 7: logout, a password change and disabling end every session and
remember cookie of the user; remember-me lasts days, not forever."""

from datetime import UTC, timedelta
from email.utils import parsedate_to_datetime

from plm.extensions import db
from tests.conftest import FROZEN_NOW, STAFF_PASSWORD


def _login(app, email, remember=False):
    client = app.test_client()
    data = {"email": email, "password": STAFF_PASSWORD}
    if remember:
        data["remember"] = "y"
    assert client.post("/staff/login", data=data).status_code == 302
    return client


def _copy_cookie(app, source, name):
    """A second browser holding only a copy of *source*'s cookie *name* (what a thief would have)."""
    cookie = source.get_cookie(name)
    assert cookie is not None, name
    thief = app.test_client()
    thief.set_cookie(name, cookie.value)
    return thief


def test_session_cookie_copied_before_logout_stops_working(app, make_user):
    user = make_user("organizer")
    client = _login(app, user.email)
    thief = _copy_cookie(app, client, "session")
    assert thief.get("/api/v1/me").status_code == 200
    client.post("/staff/logout")
    assert thief.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/me").status_code == 401


def test_remember_cookie_stops_after_logout_and_lasts_fourteen_days(frozen_time, app, make_user):
    user = make_user("organizer")
    client = _login(app, user.email, remember=True)
    remember = client.get_cookie("remember_token")
    expires = parsedate_to_datetime(remember.expires) if isinstance(remember.expires, str) else remember.expires
    if expires.tzinfo is None:
        expires = expires.replace(tzinfo=UTC)
    assert expires == FROZEN_NOW + timedelta(days=14)  # not Flask-Login's default year
    assert app.config["REMEMBER_COOKIE_DURATION"] == timedelta(days=14)
    thief = _copy_cookie(app, client, "remember_token")
    assert thief.get("/api/v1/me").status_code == 200  # the remember cookie alone logs in...
    client.post("/staff/logout")
    assert _copy_cookie(app, thief, "remember_token").get("/api/v1/me").status_code == 401  # ...until logout
    # Logging in again gives a different remember cookie: the old one stays dead.
    again = _login(app, user.email, remember=True)
    assert again.get_cookie("remember_token").value != remember.value


def test_own_password_change_ends_other_sessions_but_keeps_this_one(app, make_user):
    user = make_user("facilitator")
    here = _login(app, user.email)
    elsewhere = _login(app, user.email, remember=True)
    wrong = here.post("/staff/profile/password", data={"current_password": "not-it-at-all", "new_password": "new-pass-123",
                                                       "confirm": "new-pass-123"})
    assert wrong.status_code == 400 and "Kata sandi saat ini tidak benar" in wrong.get_data(as_text=True)
    assert elsewhere.get("/api/v1/me").status_code == 200
    ok = here.post("/staff/profile/password", data={"current_password": STAFF_PASSWORD, "new_password": "new-pass-123",
                                                    "confirm": "new-pass-123"})
    assert ok.status_code == 302
    assert here.get("/api/v1/me").status_code == 200
    assert elsewhere.get("/api/v1/me").status_code == 401
    db.session.refresh(user)
    assert user.check_password("new-pass-123") and not user.check_password(STAFF_PASSWORD)


def test_a_session_id_without_the_generation_is_refused(app, make_user):
    """Cookies of the old format ("<id>" only) do not log anyone in."""
    user = make_user("admin")
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True
    assert client.get("/api/v1/me").status_code == 401
