"""Security issue 12, item 4: the admins' staff accounts page, `flask plm set-password / disable-user`,
random demo passwords. A disabled user's sessions and tokens stop at once."""

import re

from sqlalchemy import select

from plm.auth.service import create_api_token, find_user
from plm.extensions import db
from plm.models import ApiToken, AuditLog, User
from tests.conftest import STAFF_PASSWORD, csrf_token_from


def _login(app, email, password=STAFF_PASSWORD):
    client = app.test_client()
    response = client.post("/staff/login", data={"email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client


def _shown(page: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}">([^<]+)<', page)
    assert match, element_id
    return match.group(1).strip()


def test_accounts_page_with_csrf_on(make_app, make_user):
    """Plain HTTP, CSRF enforced: create an account, give it a role, disable it."""
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        admin = make_user("admin")
        client = app.test_client()
        token = csrf_token_from(client.get("/staff/login").get_data(as_text=True))
        assert client.post("/staff/login", data={"email": admin.email, "password": STAFF_PASSWORD,
                                                 "csrf_token": token}).status_code == 302
        page = client.get("/staff/accounts").get_data(as_text=True)
        assert admin.email in page and "Akun staf" in page
        # Without the CSRF token nothing is created.
        refused = client.post("/staff/accounts", data={"email": "pintu2@test.example", "role": "organizer"})
        assert refused.status_code == 400 and find_user(db.session, "pintu2@test.example") is None
        token = csrf_token_from(page)
        created = client.post("/staff/accounts", data={"email": "Pintu2@test.example", "full_name": "Pintu Dua",
                                                       "role": "organizer", "csrf_token": token})
        assert created.status_code == 200
        password = _shown(created.get_data(as_text=True), "temporary-password")
        user = find_user(db.session, "pintu2@test.example")
        assert user.role == "organizer" and user.check_password(password)
        # The same email again is refused with a message, not a 500.
        again = client.post("/staff/accounts", data={"email": "pintu2@test.example", "role": "organizer",
                                                     "csrf_token": token})
        assert again.status_code == 400 and "sudah ada" in again.get_data(as_text=True)
        # The new user logs in (CSRF on) and gets a door token.
        door = app.test_client()
        login_token = csrf_token_from(door.get("/staff/login").get_data(as_text=True))
        assert door.post("/staff/login", data={"email": user.email, "password": password,
                                               "csrf_token": login_token}).status_code == 302
        api_token = create_api_token(db.session, user, "Pintu 2")
        db.session.commit()
        # Admin sees the token on the account page, then disables the account.
        account_page = client.get(f"/staff/accounts/{user.id}").get_data(as_text=True)
        assert "Pintu 2" in account_page and api_token[4:12] in account_page
        role = client.post(f"/staff/accounts/{user.id}/role", data={"role": "facilitator",
                                                                   "csrf_token": csrf_token_from(account_page)})
        assert role.status_code == 302
        disabled = client.post(f"/staff/accounts/{user.id}/active", data={"active": "0",
                                                                          "csrf_token": csrf_token_from(account_page)})
        assert disabled.status_code == 302
        db.session.expire_all()
        user = db.session.get(User, user.id)
        assert user.role == "facilitator" and not user.active
        assert door.get("/staff/").status_code == 302  # the session ended at once
        assert app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {api_token}"}).status_code == 401
        actions = set(db.session.scalars(select(AuditLog.action)))
        assert {"user.create", "user.role", "user.disable"} <= actions


def test_reset_password_by_one_time_link(app, make_user, login, client):
    login("admin")
    user = make_user("organizer")
    victim_session = _login(app, user.email)
    page = client.post(f"/staff/accounts/{user.id}/reset", data={"how": "link"}).get_data(as_text=True)
    link = _shown(page, "reset-link")
    assert link.startswith(app.config["PUBLIC_BASE_URL"])
    path = link[len(app.config["PUBLIC_BASE_URL"].rstrip("/")):]
    assert victim_session.get("/staff/").status_code == 302  # old sessions ended
    anonymous = app.test_client()
    assert anonymous.post("/staff/login", data={"email": user.email, "password": STAFF_PASSWORD}).status_code == 200
    assert anonymous.get(path).status_code == 200
    mismatch = anonymous.post(path, data={"new_password": "brand-new-pass", "confirm": "other-pass-xx"})
    db.session.expire_all()
    assert mismatch.status_code == 200 and find_user(db.session, user.email).reset_token_hash is not None
    assert anonymous.post(path, data={"new_password": "brand-new-pass", "confirm": "brand-new-pass"}).status_code == 302
    _login(app, user.email, "brand-new-pass")
    # The link works once.
    assert anonymous.get(path).status_code == 404
    assert anonymous.post(path, data={"new_password": "third-pass-xx", "confirm": "third-pass-xx"}).status_code == 404
    assert app.test_client().get("/staff/reset/not-a-token").status_code == 404


def test_reset_password_with_a_temporary_password_shown_once(app, make_user, login, client):
    login("admin")
    user = make_user("facilitator")
    page = client.post(f"/staff/accounts/{user.id}/reset", data={"how": "temporary"}).get_data(as_text=True)
    password = _shown(page, "temporary-password")
    _login(app, user.email, password)
    assert password not in client.get(f"/staff/accounts/{user.id}").get_data(as_text=True)


def test_last_active_admin_cannot_disable_or_demote_themselves(app, login, client, make_user):
    admin = login("admin")
    for url, data in ((f"/staff/accounts/{admin.id}/active", {"active": "0"}),
                      (f"/staff/accounts/{admin.id}/role", {"role": "organizer"})):
        response = client.post(url, data=data)
        assert response.status_code == 400 and "admin aktif terakhir" in response.get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.active and admin.role == "admin"
    assert client.get("/staff/accounts").status_code == 200
    # With a second admin it is allowed.
    make_user("admin", "second-admin@test.example")
    assert client.post(f"/staff/accounts/{admin.id}/role", data={"role": "organizer"}).status_code == 302
    assert client.get("/staff/accounts").status_code == 403


def test_admin_revokes_a_token_from_the_account_page(app, login, client, make_user):
    login("admin")
    user = make_user("organizer")
    first = create_api_token(db.session, user, "Pintu A")
    second = create_api_token(db.session, user, "Pintu B")
    db.session.commit()
    token_a = db.session.scalar(select(ApiToken).where(ApiToken.name == "Pintu A"))
    back = client.post(f"/staff/profile/tokens/{token_a.id}/revoke", data={"next": f"/staff/accounts/{user.id}"})
    assert back.headers["Location"].endswith(f"/staff/accounts/{user.id}")
    scanner = app.test_client()
    assert scanner.get("/api/v1/me", headers={"Authorization": f"Bearer {first}"}).status_code == 401
    assert scanner.get("/api/v1/me", headers={"Authorization": f"Bearer {second}"}).status_code == 200
    client.post(f"/staff/accounts/{user.id}/tokens/revoke")
    assert scanner.get("/api/v1/me", headers={"Authorization": f"Bearer {second}"}).status_code == 401


def test_non_admins_cannot_use_the_accounts_page(app, login, client, make_user):
    organizer = login("organizer")
    assert client.get("/staff/accounts").status_code == 403
    assert client.post(f"/staff/accounts/{organizer.id}/role", data={"role": "admin"}).status_code == 403
    db.session.refresh(organizer)
    assert organizer.role == "organizer"


# ---- CLI

def test_cli_set_password_ends_sessions(app, make_user):
    user = make_user("organizer")
    session_client = _login(app, user.email)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["plm", "set-password", user.email.upper(), "--password", "cli-new-pass"])
    assert result.exit_code == 0, result.output
    assert session_client.get("/staff/").status_code == 302
    _login(app, user.email, "cli-new-pass")
    short = runner.invoke(args=["plm", "set-password", user.email, "--password", "short"])
    assert short.exit_code == 1 and "8 characters" in short.output
    prompted = runner.invoke(args=["plm", "set-password", user.email], input="prompted-pass\nprompted-pass\n")
    assert prompted.exit_code == 0, prompted.output
    assert runner.invoke(args=["plm", "set-password", "nobody@test.example", "--password", "xxxxxxxxxx"]).exit_code == 1


def test_cli_disable_user_stops_sessions_and_tokens(app, make_user):
    make_user("admin")
    user = make_user("organizer")
    token = create_api_token(db.session, user, "door")
    db.session.commit()
    session_client = _login(app, user.email)
    result = app.test_cli_runner().invoke(args=["plm", "disable-user", user.email])
    assert result.exit_code == 0, result.output
    assert session_client.get("/api/v1/me").status_code == 401
    assert app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert app.test_client().post("/staff/login", data={"email": user.email, "password": STAFF_PASSWORD}).status_code == 200


def test_cli_refuses_to_disable_the_last_admin(app, make_user):
    admin = make_user("admin")
    result = app.test_cli_runner().invoke(args=["plm", "disable-user", admin.email])
    assert result.exit_code == 1 and "last active admin" in result.output
    db.session.refresh(admin)
    assert admin.active


def test_demo_passwords_are_random_printed_once_and_work(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["plm", "demo", "--participants", "20"])
    assert result.exit_code == 0, result.output
    printed = dict(re.findall(r"(\S+@plm\.example)\s+password: (\S+)", result.output))
    assert set(printed) == {"admin@plm.example", "pintu@plm.example", "fasilitator@plm.example", "bendahara@plm.example"}
    assert "demo-admin-2015" not in result.output and len(set(printed.values())) == 4
    _login(app, "admin@plm.example", printed["admin@plm.example"])
    assert app.test_client().post("/staff/login", data={"email": "admin@plm.example",
                                                        "password": "demo-admin-2015"}).status_code == 200
    logins = runner.invoke(args=["plm", "demo-logins"])
    assert logins.exit_code == 0 and "admin@plm.example" in logins.output
    assert printed["admin@plm.example"] not in logins.output
    assert "cannot be shown again" in logins.output and "flask plm set-password" in logins.output
    # Loading it again keeps the existing accounts and their passwords.
    reset = runner.invoke(args=["plm", "demo", "--reset", "--participants", "20"])
    assert reset.exit_code == 0 and "password:" not in reset.output
    _login(app, "admin@plm.example", printed["admin@plm.example"])
