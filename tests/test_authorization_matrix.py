"""Every staff and API route, for every role: anonymous → login or 401; wrong role → 403.

The routes are enumerated from app.url_map, so a new route is checked without editing this test.
"""

import re


from tests.conftest import STAFF_PASSWORD

# The door service worker is a static script (no data) that must live under /staff/ for its scope;
# the OpenAPI document describes the API and holds no data; a password reset link is its own credential.
PUBLIC_STAFF_ENDPOINTS = {"auth.login", "auth.logout", "checkin.door_service_worker", "api.openapi",
                          "auth.reset_password"}
ROLES = ("organizer", "facilitator", "admin")


def _protected_rules(app):
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(("/staff", "/api/")) or rule.endpoint in PUBLIC_STAFF_ENDPOINTS:
            continue
        if rule.endpoint == "static":
            continue
        yield rule


def _url(rule, slug):
    values = {}
    for name in rule.arguments:
        converter = rule._converters[name]
        if name == "slug":
            values[name] = slug
        elif type(converter).__name__ in ("IntegerConverter",):
            values[name] = 1
        else:
            values[name] = "x1"
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: str(values[m.group(1)]), rule.rule)


def _method(rule):
    return "GET" if "GET" in rule.methods else sorted(rule.methods - {"HEAD", "OPTIONS"})[0]


def test_matrix(app, make_user, event):
    rules = list(_protected_rules(app))
    assert len(rules) >= 8
    checked = 0
    anonymous = app.test_client()
    for rule in rules:
        response = anonymous.open(_url(rule, event.slug), method=_method(rule))
        if rule.rule.startswith("/api/"):
            assert response.status_code == 401 and response.is_json, rule.rule
        else:
            assert response.status_code == 302 and "/staff/login" in response.headers["Location"], rule.rule
        checked += 1
    for role in ROLES:
        user = make_user(role, f"{role}-matrix@test.example")
        client = app.test_client()
        assert client.post("/staff/login", data={"email": user.email, "password": STAFF_PASSWORD}).status_code == 302
        for rule in rules:
            view = app.view_functions[rule.endpoint]
            allowed = getattr(view, "allowed_roles", None)
            response = client.open(_url(rule, event.slug), method=_method(rule))
            if allowed is not None and role != "admin" and role not in allowed:
                assert response.status_code == 403, f"{role} {rule.rule} -> {response.status_code}"
                if rule.rule.startswith("/api/"):
                    assert response.is_json
            else:
                assert response.status_code not in (401, 403, 500), f"{role} {rule.rule} -> {response.status_code}"
            checked += 1
    print(f"authorization matrix: {len(rules)} routes x {len(ROLES) + 1} roles = {checked} checks")


def test_every_staff_view_declares_its_roles(app):
    """A staff route without a role decorator would be open to any logged-in account; list them here on purpose."""
    open_to_any_staff = {"auth.profile", "auth.revoke_token", "auth.change_password"}
    for rule in _protected_rules(app):
        view = app.view_functions[rule.endpoint]
        if rule.endpoint in open_to_any_staff:
            continue
        assert getattr(view, "allowed_roles", None) is not None, f"{rule.endpoint} has no role_required"
