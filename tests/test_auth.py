from sqlalchemy import select

from plm.extensions import db
from plm.models import ApiToken
from tests.conftest import STAFF_PASSWORD, csrf_token_from


def test_login_page_renders_in_indonesian_by_default(client):
    page = client.get("/staff/login").get_data(as_text=True)
    assert "Masuk" in page and 'lang="id"' in page


def test_login_and_logout(client, make_user):
    make_user("organizer", "pintu@test.example")
    response = client.post("/staff/login", data={"email": "PINTU@test.example ", "password": STAFF_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"].endswith("/staff/")
    assert client.get("/staff/").status_code == 200
    client.post("/staff/logout")
    assert client.get("/staff/").status_code == 302


def test_wrong_password_and_unknown_email_get_the_same_answer(client, make_user):
    make_user("admin", "admin@test.example")
    wrong = client.post("/staff/login", data={"email": "admin@test.example", "password": "nope-nope"})
    unknown = client.post("/staff/login", data={"email": "ghost@test.example", "password": "nope-nope"})
    assert wrong.status_code == unknown.status_code == 200
    assert "Email atau kata sandi tidak benar" in wrong.get_data(as_text=True)
    assert "Email atau kata sandi tidak benar" in unknown.get_data(as_text=True)
    assert client.get("/staff/").status_code == 302


def test_inactive_user_cannot_log_in(client, make_user):
    user = make_user("admin")
    user.active = False
    db.session.commit()
    client.post("/staff/login", data={"email": user.email, "password": STAFF_PASSWORD})
    assert client.get("/staff/").status_code == 302


def test_login_redirects_only_to_local_next(client, make_user):
    make_user("admin")
    response = client.post("/staff/login?next=https://evil.example/", data={"email": "admin@test.example", "password": STAFF_PASSWORD})
    assert response.headers["Location"] == "/staff/"
    client.post("/staff/logout")
    response = client.post("/staff/login?next=/staff/events/", data={"email": "admin@test.example", "password": STAFF_PASSWORD})
    assert response.headers["Location"] == "/staff/events/"


def test_login_is_rate_limited(make_app, make_user):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    with app.app_context():
        client = app.test_client()
        codes = [client.post("/staff/login", data={"email": "x@test.example", "password": "wrong-pass"}).status_code
                 for _ in range(5)]
        assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]
        page = client.post("/staff/login", data={"email": "x@test.example", "password": "x"}).get_data(as_text=True)
        assert "Terlalu banyak" in page
        assert client.get("/staff/login").status_code == 200  # GET is not limited


def test_facilitator_gets_403_on_admin_pages(client, login):
    login("facilitator")
    assert client.get("/staff/").status_code == 200
    for url in ("/staff/events/", "/staff/events/new"):
        response = client.get(url)
        assert response.status_code == 403
        assert "Tidak diizinkan" in response.get_data(as_text=True)


def test_organizer_gets_403_on_admin_pages(client, login):
    login("organizer")
    assert client.get("/staff/events/new").status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get("/staff/events/")
    assert response.status_code == 302 and "/staff/login?next=" in response.headers["Location"]


def test_api_without_credentials_is_json_401(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401 and response.json["error"] == "unauthorized"


def test_bearer_token_from_profile_page(client, login):
    user = login("organizer")
    page = client.post("/staff/profile", data={"name": "Pintu 1"}).get_data(as_text=True)
    token = page.split('id="new-token">')[1].split("<")[0]
    stored = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    assert token not in stored.token_hash and len(stored.token_hash) == 64
    client.post("/staff/logout")
    fresh = client.application.test_client()
    me = fresh.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.json["email"] == user.email
    assert fresh.get("/api/v1/me", headers={"Authorization": "Bearer wrong"}).status_code == 401
    # revoke
    client.post("/staff/login", data={"email": user.email, "password": STAFF_PASSWORD})
    client.post(f"/staff/profile/tokens/{stored.id}/revoke")
    assert fresh.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_bearer_requests_skip_csrf_but_cookie_posts_need_it(make_app, make_user):
    from plm.auth.service import create_api_token

    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        user = make_user("admin")
        create_api_token(db.session, user, "door")
        db.session.commit()
        client = app.test_client()
        # A login POST without the CSRF token is refused...
        refused = client.post("/staff/login", data={"email": user.email, "password": STAFF_PASSWORD})
        assert refused.status_code == 400
        # ...and accepted with it.
        token = csrf_token_from(client.get("/staff/login").get_data(as_text=True))
        ok = client.post("/staff/login", data={"email": user.email, "password": STAFF_PASSWORD, "csrf_token": token})
        assert ok.status_code == 302
        # A cookie-authenticated state change without the token is refused too.
        assert client.post("/staff/events/new", data={"name": "x"}).status_code == 400
