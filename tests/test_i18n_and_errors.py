from datetime import UTC, datetime

from plm.i18n import event_datetime


def test_language_switch_is_remembered_in_a_cookie(client, event):
    assert "Pendaftaran" in client.get(f"/e/{event.slug}/").get_data(as_text=True)
    response = client.get(f"/lang/en?next=/e/{event.slug}/")
    assert response.status_code == 302 and response.headers["Location"] == f"/e/{event.slug}/"
    assert "plm_lang=en" in response.headers["Set-Cookie"]
    page = client.get(f"/e/{event.slug}/").get_data(as_text=True)
    assert "Registration" in page and 'lang="en"' in page
    client.get("/lang/id")
    assert "Pendaftaran" in client.get(f"/e/{event.slug}/").get_data(as_text=True)


def test_language_switch_is_not_an_open_redirect(client):
    for target in ("https://evil.example/", "//evil.example", "javascript:alert(1)"):
        assert client.get("/lang/en", query_string={"next": target}).headers["Location"] == "/"


def test_unknown_language_is_ignored(client):
    assert "Set-Cookie" not in client.get("/lang/xx").headers


def test_times_are_shown_in_the_event_timezone(app):
    moment = datetime(2015, 5, 18, 0, 12, tzinfo=UTC)
    with app.app_context(), app.test_request_context():
        assert "08.12" in event_datetime(moment, "Asia/Makassar", "short")  # id: 18/05/15 08.12
    with app.app_context(), app.test_request_context(headers={"Cookie": "plm_lang=en"}):
        assert "8:12" in event_datetime(moment, "Asia/Makassar", "short")


def test_html_404_in_both_languages(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404 and "Halaman tidak ditemukan" in response.get_data(as_text=True)
    client.set_cookie("plm_lang", "en")
    assert "Page not found" in client.get("/no-such-page").get_data(as_text=True)


def test_json_404_under_api(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404 and response.is_json and response.json["error"] == "not_found"


def test_json_405_under_api(client, login):
    login("admin")
    response = client.post("/api/v1/me")
    assert response.status_code == 405 and response.json["error"] == "method_not_allowed"


def test_500_page_is_friendly_and_json_under_api(make_app):
    app = make_app(PLM_RENDER_500_IN_TESTS=True)

    @app.route("/boom")
    def boom():
        raise RuntimeError("kaboom")

    @app.route("/api/v1/boom")
    def api_boom():
        raise RuntimeError("kaboom")

    with app.app_context():
        client = app.test_client()
        page = client.get("/boom")
        assert page.status_code == 500 and "kaboom" not in page.get_data(as_text=True)
        assert "Terjadi kesalahan" in page.get_data(as_text=True)
        api = client.get("/api/v1/boom")
        assert api.status_code == 500 and api.json["error"] == "server_error"


def test_400_403_429_pages_exist_in_both_languages(make_app):
    from flask import abort

    app = make_app()
    for code in (400, 403, 429):
        app.add_url_rule(f"/fail/{code}", f"fail{code}", lambda code=code: abort(code))
    with app.app_context():
        client = app.test_client()
        seen = {code: client.get(f"/fail/{code}").get_data(as_text=True) for code in (400, 403, 429)}
        assert "Permintaan tidak valid" in seen[400] and "Tidak diizinkan" in seen[403] and "Terlalu banyak" in seen[429]
        client.set_cookie("plm_lang", "en")
        assert "Too many requests" in client.get("/fail/429").get_data(as_text=True)
